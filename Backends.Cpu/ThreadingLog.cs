using System.Diagnostics;
using System.Globalization;

namespace Meta.Backends.Cpu;

/// <summary>
/// Writes the CPU engine's threading decisions and, at the end of each run, the steps spent each way and the worker
/// pool's times, as JSON lines on standard error, when <c>META_CPU_PROFILE=1</c> (<see cref="PhaseProfile.Requested"/>):
/// <c>{"cpu_threading": {...}}</c> per decision and <c>{"cpu_threading_run": {...}}</c> per run, and <c>{"cpu_load": {...}}</c> per window of the machine's load that ended in a verdict (judged or given up). Times in µs per step or
/// in seconds, from <see cref="Stopwatch"/> ticks.
/// </summary>
internal static class ThreadingLog
{
    private static readonly double MicrosecondsPerTick = 1e6 / Stopwatch.Frequency;

    /// <summary>Writes one decision, with the machine's load average at the time.</summary>
    public static void Write(ThreadingDecision d) => Console.Error.WriteLine(FormattableString.Invariant(
        $"{{\"cpu_threading\": {{\"step\": {d.Step}, \"measured_from\": {d.MeasuredFrom}, \"reason\": \"{d.Reason}\", \"parallel\": {(d.Parallel ? "true" : "false")}, ") +
        FormattableString.Invariant(
        $"\"single_us\": {d.SinglePerStep * MicrosecondsPerTick:0.00}, \"parallel_us\": {d.ParallelPerStep * MicrosecondsPerTick:0.00}, \"ratio\": {d.Ratio:0.000}, \"helped\": {d.Helped:0.00}, \"samples\": {d.Samples}, \"next_in\": {d.NextMeasurementIn}, \"loadavg\": {LoadAverage()}}}}}"));

    /// <summary>Writes one window of <see cref="MachineLoad"/> that ended in a verdict: its length and ticks per core, the busy, own and other cores in it, the verdict, and whether it was given up (too few ticks: not busy).</summary>
    public static void WriteLoad(MachineLoad.LoadWindow w) => Console.Error.WriteLine(FormattableString.Invariant(
        $"{{\"cpu_load\": {{\"window_s\": {w.Seconds:0.000}, \"cores\": {w.Cores}, \"ticks_per_core\": {w.TicksPerCore:0.0}, \"busy_cores\": {w.BusyCores:0.00}, \"own_cores\": {w.OwnCores:0.00}, \"other_cores\": {w.OtherCores:0.00}, \"busy\": {(w.Busy ? "true" : "false")}, \"given_up\": {(w.GivenUp ? "true" : "false")}, \"loadavg\": {LoadAverage()}}}}}"));

    /// <summary>Writes a run's line: its steps each way, measurements, fall-backs, and the worker pool's times over the run.</summary>
    public static void WriteRun(int threads, long parallelSteps, long singleSteps, int measurements, int fallbacks, WorkerPool.Times pool)
    {
        static string S(long ticks) => (ticks / (double)Stopwatch.Frequency).ToString("0.0000", CultureInfo.InvariantCulture);
        Console.Error.WriteLine(FormattableString.Invariant(
            $"{{\"cpu_threading_run\": {{\"threads\": {threads}, \"parallel_steps\": {parallelSteps}, \"single_steps\": {singleSteps}, \"measurements\": {measurements}, \"fallbacks\": {fallbacks}, ") +
            $"\"dispatches\": {pool.Dispatches}, \"worker_chunks\": {pool.WorkerChunks}, \"worker_busy_s\": {S(pool.WorkerBusy)}, \"worker_spin_s\": {S(pool.WorkerSpin)}, " +
            $"\"worker_blocked_s\": {S(pool.WorkerBlocked)}, \"main_wait_s\": {S(pool.MainWait)}, \"loadavg\": {LoadAverage()}}}}}");
    }

    /// <summary>The one-minute load average, or null.</summary>
    private static string LoadAverage() => MachineLoad.LoadAverage() is { } load ? load.ToString("0.00", CultureInfo.InvariantCulture) : "null";
}
