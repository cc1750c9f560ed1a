using Meta.Network;

namespace Meta.Backends;

/// <summary>
/// A backend's running simulation of one network. The host drives it: <see cref="Load"/> once, then any
/// sequence of <see cref="Run"/>, <see cref="Update"/> and <see cref="Reset"/>. Time is counted in steps.
/// </summary>
public interface ISimulationEngine : IDisposable
{
    /// <summary>Compiles the network. Throws <see cref="NotSupportedByBackendException"/> for unsupported features.</summary>
    void Load(NetworkSpec network);

    /// <summary>The number of steps simulated since the last load or reset.</summary>
    long CurrentStep { get; }

    /// <summary>
    /// Advances <paramref name="steps"/> steps and returns what the recorders collected during them
    /// (docs/semantics.md fixes which samples belong to a run). <paramref name="progress"/>, if given, is
    /// called now and then with the fraction done.
    /// </summary>
    RunResult Run(long steps, Action<double>? progress = null);

    /// <summary>Applies changes made between runs (parameters, initial values, weights, sources, recorders).</summary>
    void Update(NetworkUpdate update);

    /// <summary>Returns to step 0: states take the given initial values; queued spikes and refractory counters are cleared.</summary>
    void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues);
}

/// <summary>Changes between runs. Null members mean "unchanged".</summary>
public sealed record NetworkUpdate
{
    /// <summary>New per-cell scalar parameter values: (population, name, values).</summary>
    public IReadOnlyList<(int Population, string Name, double[] Values)> Parameters { get; init; } = [];
    /// <summary>New per-cell sequence parameter values (e.g. <c>spike_times</c>).</summary>
    public IReadOnlyList<(int Population, string Name, double[][] Values)> Sequences { get; init; } = [];
    /// <summary>New per-connection values of <c>weight</c> or <c>delay</c> (delays in steps).</summary>
    public IReadOnlyList<(int Projection, string Name, double[] Values)> Synapses { get; init; } = [];
    /// <summary>The complete new set of current sources, or null if unchanged.</summary>
    public IReadOnlyList<CurrentSourceSpec>? CurrentSources { get; init; }
    /// <summary>The complete new set of recorders, or null if unchanged.</summary>
    public IReadOnlyList<RecorderSpec>? Recorders { get; init; }
}

/// <summary>What one <see cref="ISimulationEngine.Run"/> call recorded.</summary>
public sealed class RunResult
{
    /// <summary>The step the run started from.</summary>
    public required long StartStep { get; init; }
    /// <summary>The step the run ended at.</summary>
    public required long EndStep { get; init; }
    /// <summary>Spikes per spike recorder.</summary>
    public required IReadOnlyList<SpikeBlock> Spikes { get; init; }
    /// <summary>Samples per analog recorder.</summary>
    public required IReadOnlyList<SampleBlock> Samples { get; init; }
}

/// <summary>Spikes recorded by one recorder: parallel arrays, in time order.</summary>
public sealed class SpikeBlock
{
    /// <summary>The <see cref="RecorderSpec.Index"/>.</summary>
    public required int Recorder { get; init; }
    /// <summary>Cell index within the population per spike.</summary>
    public required int[] Cells { get; init; }
    /// <summary>Time of each spike in steps (the spike time is <c>Steps[i]·dt</c>).</summary>
    public required long[] Steps { get; init; }
}

/// <summary>Samples recorded by one analog recorder: row-major, samples × recorded cells.</summary>
public sealed class SampleBlock
{
    /// <summary>The <see cref="RecorderSpec.Index"/>.</summary>
    public required int Recorder { get; init; }
    /// <summary>The step of the first sample.</summary>
    public required long FirstStep { get; init; }
    /// <summary>The number of samples.</summary>
    public required int Count { get; init; }
    /// <summary>The values, <c>Count × cells</c>, row-major.</summary>
    public required double[] Values { get; init; }
}
