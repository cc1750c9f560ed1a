namespace Meta.Backends.Ilgpu;

/// <summary>
/// The load-phase log of this backend: where <c>META_ILGPU_KERNEL_LOG</c> is 1 or true, which emitter took each kernel and
/// how long the load's steps took, on standard error, each line stamped with the milliseconds since the process started.
/// </summary>
internal static class LoadLog
{
    /// <summary>The environment variable that turns the log on.</summary>
    public const string Variable = "META_ILGPU_KERNEL_LOG";

    private static readonly Lazy<bool> s_on = new(() => Environment.GetEnvironmentVariable(Variable) is "1" or "true");
    private static readonly Lazy<DateTime> s_processStart = new(() =>
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.StartTime;
    });

    /// <summary>Whether the log is on (the environment's choice, read once).</summary>
    public static bool On => s_on.Value;

    /// <summary>Writes <paramref name="line"/> to standard error where the log is on.</summary>
    public static void Write(string line)
    {
        if (On) Console.Error.WriteLine($"ilgpu kernels: [{(DateTime.Now - s_processStart.Value).TotalMilliseconds:F0} ms since the process started] {line}");
    }
}
