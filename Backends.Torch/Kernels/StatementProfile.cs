using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Meta.Backends.Runtime;
using TorchSharp;

namespace Meta.Backends.Torch.Kernels;

/// <summary>
/// Optional wall time and tensors created per compiled statement of every statement plan (cell kernels, synapse and
/// coupling plans), switched on with <c>META_TORCH_PROFILE=ops</c> (which also gives <see cref="StepProfile"/>'s phases).
/// At the end of each run the engine writes one JSON line per statement to standard error,
/// <c>{"torch_statement": {"plan": …, "index": …, "statement": …, "calls": …, "s": …, "cpu_s": …, "tensors_per_call": …}}</c>
/// (<c>s</c> wall time, <c>cpu_s</c> the calling thread's CPU time, which libtorch's work runs on with one intra-op thread
/// which other processes on a loaded machine inflate less than wall time), and starts counting afresh. A diagnostic: the timers
/// around every statement cost about a microsecond per statement.
/// </summary>
internal sealed class StatementProfile
{
    private readonly Dictionary<(StatementPlan Plan, int Index), Entry> _entries = [];

    private sealed class Entry(string plan, string statement)
    {
        public string Plan { get; } = plan;
        public string Statement { get; } = statement;
        public long Calls, Ticks, Tensors, CpuNanoseconds;
    }

    /// <summary>The process's statement profile when <c>META_TORCH_PROFILE=ops</c>, else null (read once).</summary>
    public static StatementProfile? Current { get; } =
        Environment.GetEnvironmentVariable("META_TORCH_PROFILE") == "ops" ? new StatementProfile() : null;

    private static long Created => DisposeScopeManager.Statistics.TensorStatistics.CreatedInScopeCount;

    /// <summary>Runs <paramref name="run"/> (statement <paramref name="index"/> of <paramref name="plan"/>) and counts its time and tensors.</summary>
    public void Time(StatementPlan plan, int index, string planName, string statement, Action run)
    {
        long created = Created, cpu = ThreadCpuClock.Now(), since = Stopwatch.GetTimestamp();
        run();
        long ticks = Stopwatch.GetTimestamp() - since;
        cpu = ThreadCpuClock.Now() - cpu;
        lock (_entries)
        {
            if (!_entries.TryGetValue((plan, index), out var e)) _entries[(plan, index)] = e = new Entry(planName, statement);
            e.Calls++;
            e.Ticks += ticks;
            e.Tensors += Created - created;
            e.CpuNanoseconds += cpu;
        }
    }

    /// <summary>Writes one line per statement timed since the last report and forgets them.</summary>
    public void Report()
    {
        lock (_entries)
        {
            foreach (var ((_, index), e) in _entries.OrderBy(p => p.Value.Plan, StringComparer.Ordinal).ThenBy(p => p.Key.Index))
            {
                string s = (e.Ticks / (double)Stopwatch.Frequency).ToString("0.0000", CultureInfo.InvariantCulture);
                string perCall = (e.Tensors / (double)e.Calls).ToString("0.0", CultureInfo.InvariantCulture);
                Console.Error.WriteLine($"{{\"torch_statement\": {{\"plan\": {JsonSerializer.Serialize(e.Plan)}, \"index\": {index}, " +
                    $"\"statement\": {JsonSerializer.Serialize(e.Statement)}, \"calls\": {e.Calls}, \"s\": {s}, " +
                    $"\"cpu_s\": {(e.CpuNanoseconds / 1e9).ToString("0.0000", CultureInfo.InvariantCulture)}, \"tensors_per_call\": {perCall}}}}}");
            }
            _entries.Clear();
        }
    }
}
