using System.Diagnostics;
using System.Globalization;

namespace Meta.Backends.Runtime;

/// <summary>
/// Optional memory figures at the steps of building and loading a network, switched on with the environment variable
/// <c>META_MEMORY_TRACE=1</c>: each <see cref="Mark"/> writes one JSON line to standard error,
/// <c>{"memory_trace": {"phase": ..., "managed_mb": ..., "allocated_mb": ..., "rss_mb": ..., "peak_rss_mb": ...}}</c>, with the managed
/// heap's size (<see cref="GC.GetTotalMemory(bool)"/>, not collected first), the bytes allocated since the process started
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>: a phase's difference is what it allocated, garbage included), the resident set and the process's peak resident set so far
/// (VmHWM, which the system's <c>time -f %M</c> reports at exit). With <c>META_MEMORY_TRACE=phases</c> the peak is reset after each
/// mark (Linux <c>/proc/self/clear_refs</c>), so that each line's peak is that of the phase it ends; the process's own peak is
/// then no longer the whole run's. Off, a mark costs one branch.
/// </summary>
public static class MemoryTrace
{
    private static readonly string? Mode = Environment.GetEnvironmentVariable("META_MEMORY_TRACE");

    /// <summary>Whether <c>META_MEMORY_TRACE</c> asks for the trace.</summary>
    public static bool Requested { get; } = Mode is "1" or "true" or "phases";

    private static readonly long Start = Stopwatch.GetTimestamp();

    /// <summary>Writes the line of the step that has just ended, named <paramref name="phase"/>, when the trace is on.</summary>
    public static void Mark(string phase)
    {
        if (!Requested) return;
        using var self = Process.GetCurrentProcess();
        static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        double seconds = Stopwatch.GetElapsedTime(Start).TotalSeconds;
        Console.Error.WriteLine(
            $"{{\"memory_trace\": {{\"phase\": \"{phase}\", \"t_s\": {seconds.ToString("0.000", CultureInfo.InvariantCulture)}, " +
            $"\"managed_mb\": {Mb(GC.GetTotalMemory(false))}, \"allocated_mb\": {Mb(GC.GetTotalAllocatedBytes(false))}, \"rss_mb\": {Mb(self.WorkingSet64)}, \"peak_rss_mb\": {Mb(self.PeakWorkingSet64)}}}}}");
        if (Mode == "phases") ResetPeak();
    }

    /// <summary>Resets the process's peak resident set to its current one (Linux only; nothing where the file cannot be written).</summary>
    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Not Linux, or not allowed: the peak stays the process's.
        }
    }
}
