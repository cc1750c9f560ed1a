using System.Runtime.InteropServices;

namespace Meta.Backends.Runtime;

/// <summary>
/// The CPU time of the calling thread (Linux's <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), so that a timing can tell the
/// time a thread worked from the time it was descheduled (wall clock minus CPU): on a machine with fewer free cores than
/// busy threads, the second is what makes it slow. Elsewhere, or when the call fails, <see cref="Available"/> is false and
/// <see cref="Now"/> is 0. Used by the distributed engine's rank timings and the torch backend's statement profile.
/// </summary>
public static class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which this assembly does not allow; the call is blittable.
    private static extern int ClockGetTime(int clock, out TimeSpec time);
#pragma warning restore SYSLIB1054

    /// <summary>Whether the thread CPU clock can be read here.</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux() && TryNow(out _);

    /// <summary>The calling thread's CPU time in nanoseconds (0 when not <see cref="Available"/>).</summary>
    public static long Now() => Available && TryNow(out long ns) ? ns : 0;

    private static bool TryNow(out long nanoseconds)
    {
        nanoseconds = 0;
        try
        {
            if (ClockGetTime(ClockThreadCpuTime, out var t) != 0) return false;
            nanoseconds = (t.Seconds * 1_000_000_000L) + t.Nanoseconds;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
