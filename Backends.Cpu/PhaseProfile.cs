using System.Diagnostics;
using System.Globalization;

namespace Meta.Backends.Cpu;

/// <summary>
/// Optional wall-clock times of the CPU engine's phases (neuron update, spike scan of neuron groups, spike sources' emission, spike delivery, plastic synapse events),
/// switched on with the environment variable <c>META_CPU_PROFILE=1</c>. At the end of each run it writes one JSON line
/// to standard error, <c>{"cpu_profile": {...}}</c>, with the phase times, the threads available, the steps run on the workers and on the calling thread alone (since load), and the bytes of the static
/// synapse tables per synapse. Off, it costs one branch per phase. The same variable makes <see cref="ThreadingLog"/> write
/// the threading choice's decisions and the worker pool's times.
/// </summary>
internal sealed class PhaseProfile
{
    private long _neuron, _scan, _source, _deliver, _plastic, _steps;

    /// <summary>Whether <c>META_CPU_PROFILE</c> asks for the profile.</summary>
    public static bool Requested => Environment.GetEnvironmentVariable("META_CPU_PROFILE") is "1" or "true";

    /// <summary>A timestamp to pass to one of the Add methods.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    public void AddNeuron(long since) { _neuron += Stopwatch.GetTimestamp() - since; _steps++; }

    /// <summary>Adds the time of collecting a group's spikes: a neuron group's (scan) or a spike source's, relays included (source).</summary>
    public void AddScan(long since, bool source)
    {
        long ticks = Stopwatch.GetTimestamp() - since;
        if (source) _source += ticks;
        else _scan += ticks;
    }

    public void AddDeliver(long since) => _deliver += Stopwatch.GetTimestamp() - since;

    public void AddPlastic(long since) => _plastic += Stopwatch.GetTimestamp() - since;

    /// <summary>Writes the run's line and starts counting afresh.</summary>
    public void Report(int threads, (long Parallel, long Single) threadedSteps, long synapses, long tableBytes)
    {
        static string S(long ticks) => (ticks / (double)Stopwatch.Frequency).ToString("0.0000", CultureInfo.InvariantCulture);
        string perSynapse = synapses == 0 ? "null" : (tableBytes / (double)synapses).ToString("0.00", CultureInfo.InvariantCulture);
        Console.Error.WriteLine(
            $"{{\"cpu_profile\": {{\"steps\": {_steps}, \"threads\": {threads}, \"parallel_steps\": {threadedSteps.Parallel}, \"single_steps\": {threadedSteps.Single}, \"neuron_s\": {S(_neuron)}, \"scan_s\": {S(_scan)}, \"source_s\": {S(_source)}, " +
            $"\"deliver_s\": {S(_deliver)}, \"plastic_s\": {S(_plastic)}, \"synapses\": {synapses}, \"table_bytes\": {tableBytes}, " +
            $"\"table_bytes_per_synapse\": {perSynapse}}}}}");
        _neuron = _scan = _source = _deliver = _plastic = _steps = 0;
    }
}
