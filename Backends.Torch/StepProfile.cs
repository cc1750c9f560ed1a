using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace Meta.Backends.Torch;

/// <summary>
/// Optional wall-clock times of the Torch engine's phases per run (continuous coupling, neuron update, emission and
/// delivery with its parts: listing the spiking cells of neuron groups and of spike sources, delivery, spike logs; synapse events, samples, and the release of the step's temporaries at the end of its dispose scope), and the
/// number of tensors TorchSharp created per step (results, views and scalars' tensors: every libtorch call that returns a
/// new tensor), switched on with the environment variable <c>META_TORCH_PROFILE=1</c>, as <c>META_CPU_PROFILE</c> does for
/// the CPU backend. At the end of each run it writes one JSON line to standard error, <c>{"torch_profile": {...}}</c>.
/// Off, it costs one branch per phase.
/// </summary>
internal sealed class StepProfile
{
    private long _couple, _neuron, _emit, _plastic, _samples, _release, _steps, _tensors;
    private long _listCells, _listSources, _deliver, _log;
    private long _createdAtStart;

    /// <summary>Whether <c>META_TORCH_PROFILE</c> asks for the profile (<c>1</c>, <c>true</c>, or <c>ops</c>, which also times each statement).</summary>
    public static bool Requested => Environment.GetEnvironmentVariable("META_TORCH_PROFILE") is "1" or "true" or "ops";

    /// <summary>A timestamp to pass to one of the Add methods.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    private static long Created => DisposeScopeManager.Statistics.TensorStatistics.CreatedInScopeCount;

    /// <summary>A step begins (its dispose scope is open).</summary>
    public void BeginStep() => _createdAtStart = Created;

    /// <summary>The step's temporaries are about to be released: counts the tensors it created.</summary>
    public void EndStep()
    {
        _tensors += Created - _createdAtStart;
        _steps++;
    }

    public void AddCouple(long since) => _couple += Stopwatch.GetTimestamp() - since;

    public void AddNeuron(long since) => _neuron += Stopwatch.GetTimestamp() - since;

    public void AddEmit(long since) => _emit += Stopwatch.GetTimestamp() - since;

    /// <summary>Part of emission: a unit listed its spiking cells (<paramref name="source"/>: a spike source, e.g. Poisson cells).</summary>
    public void AddListing(long since, bool source)
    {
        if (source) _listSources += Stopwatch.GetTimestamp() - since;
        else _listCells += Stopwatch.GetTimestamp() - since;
    }

    /// <summary>Part of emission: the spikes were added into the delay rings.</summary>
    public void AddDelivery(long since) => _deliver += Stopwatch.GetTimestamp() - since;

    /// <summary>Part of emission: the spikes were appended to the spike logs (recording).</summary>
    public void AddLog(long since) => _log += Stopwatch.GetTimestamp() - since;

    public void AddPlastic(long since) => _plastic += Stopwatch.GetTimestamp() - since;

    public void AddSamples(long since) => _samples += Stopwatch.GetTimestamp() - since;

    public void AddRelease(long since) => _release += Stopwatch.GetTimestamp() - since;

    /// <summary>Writes the run's line and starts counting afresh.</summary>
    public void Report(int cells)
    {
        static string S(long ticks) => (ticks / (double)Stopwatch.Frequency).ToString("0.0000", CultureInfo.InvariantCulture);
        string perStep = _steps == 0 ? "null" : (_tensors / (double)_steps).ToString("0.0", CultureInfo.InvariantCulture);
        Console.Error.WriteLine(
            $"{{\"torch_profile\": {{\"steps\": {_steps}, \"cells\": {cells}, \"couple_s\": {S(_couple)}, \"neuron_s\": {S(_neuron)}, " +
            $"\"emit_deliver_s\": {S(_emit)}, \"list_cells_s\": {S(_listCells)}, \"list_sources_s\": {S(_listSources)}, " +
            $"\"deliver_s\": {S(_deliver)}, \"log_s\": {S(_log)}, \"plastic_s\": {S(_plastic)}, \"samples_s\": {S(_samples)}, \"release_s\": {S(_release)}, " +
            $"\"tensors_per_step\": {perStep}}}}}");
        _couple = _neuron = _emit = _plastic = _samples = _release = _steps = _tensors = 0;
        _listCells = _listSources = _deliver = _log = 0;
    }
}
