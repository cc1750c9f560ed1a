using Meta.Backends.Programs;

namespace Meta.Backends;

/// <summary>
/// A backend's running simulation of one network. The host drives it: <see cref="Load"/> once, then any
/// sequence of <see cref="Run"/>, <see cref="Update"/> and <see cref="Reset"/>. Time is counted in steps.
/// </summary>
public interface ISimulationEngine : IDisposable
{
    /// <summary>Emits and compiles the step program. Throws <see cref="NotSupportedByBackendException"/> for unsupported features.</summary>
    void Load(StepProgram program);

    /// <summary>The number of steps simulated since the last load or reset.</summary>
    long CurrentStep { get; }

    /// <summary>
    /// Advances <paramref name="steps"/> steps and returns what the recorders collected during them
    /// (docs/semantics.md fixes which samples belong to a run). <paramref name="progress"/>, if given, is
    /// called now and then with the fraction done.
    /// </summary>
    RunResult Run(long steps, Action<double>? progress = null);

    /// <summary>
    /// Advances <paramref name="steps"/> steps as consecutive intervals of <paramref name="interval"/> steps (the last one
    /// shorter when <paramref name="steps"/> is not a multiple) and after each calls <paramref name="atInterval"/> with what a
    /// separate <see cref="Run"/> of those steps returns, before the next interval emits anything (a distributed run exchanges
    /// spikes there). This default calls <see cref="Run"/> once per interval (with <paramref name="steps"/> = 0, once, as
    /// <c>Run(0)</c>); an engine that runs the intervals in one call implements it itself (contract version 12), as
    /// <see cref="Runtime.StepEngine"/> does, in one step loop. A class whose base class
    /// implements this interface must list <see cref="ISimulationEngine"/> again for its own public RunIntervals to replace
    /// this default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative or <paramref name="interval"/> below 1.</exception>
    void RunIntervals(long steps, int interval, Action<RunResult> atInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        ArgumentNullException.ThrowIfNull(atInterval);
        long done = 0;
        do
        {
            long length = Math.Min(steps - done, interval);
            atInterval(Run(length));
            done += length;
        }
        while (done < steps);
    }

    /// <summary>Applies changes made between runs (buffer values, kernels whose structure changed, weights, sources, recorders).</summary>
    void Update(ProgramUpdate update);

    /// <summary>Returns to step 0: states take the given initial values; queued spikes and refractory counters are cleared.</summary>
    void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues);

    /// <summary>
    /// The current values of buffer <paramref name="name"/> (a state such as <c>weight</c>, <c>u</c>, or a parameter) of
    /// projection <paramref name="projection"/>'s synapse kernel, one per connection in the program's connection order.
    /// Plastic state lives on the backend's device between runs and is copied back only when asked for here.
    /// </summary>
    double[] ReadSynapses(int projection, string name);

    /// <summary>
    /// The current values of buffer <paramref name="name"/> (a state such as a graded synapse's <c>s</c>, or a parameter such as
    /// <c>weight</c>) of coupling <paramref name="coupling"/>, one per connection in the program's connection order.
    /// </summary>
    double[] ReadCoupling(int coupling, string name);

    /// <summary>What this engine has compiled and reused, for diagnostics and tests.</summary>
    EngineStatistics Statistics { get; }
}

/// <summary>Counters of one engine's work outside the step loop.</summary>
public sealed record EngineStatistics
{
    /// <summary>Kernels this engine had to compile (emit and build) because no compiled kernel of the same structure existed.</summary>
    public int KernelsCompiled { get; init; }
    /// <summary>Kernels this engine took from the process's cache of compiled kernels.</summary>
    public int KernelsReused { get; init; }
}

/// <summary>Changes between runs, as the lowering computed them. Empty members mean "unchanged".</summary>
public sealed record ProgramUpdate
{
    /// <summary>New buffer values of neuron groups, with a new kernel where the change altered the kernel's structure.</summary>
    public IReadOnlyList<NeuronGroupUpdate> Neurons { get; init; } = [];
    /// <summary>New per-cell scalar parameter values of spike source groups: (group, name, values).</summary>
    public IReadOnlyList<(int Group, string Name, double[] Values)> SourceParameters { get; init; } = [];
    /// <summary>New per-cell sequences of spike source groups (e.g. <c>spike_times</c>).</summary>
    public IReadOnlyList<(int Group, string Name, double[][] Values)> SourceSequences { get; init; } = [];
    /// <summary>New per-connection values of <c>weight</c> or <c>delay</c> (delays in steps).</summary>
    public IReadOnlyList<(int Projection, string Name, double[] Values)> Synapses { get; init; } = [];
    /// <summary>New buffer values of projections with a synapse kernel, with a new kernel where a value's storage changed.</summary>
    public IReadOnlyList<SynapseGroupUpdate> SynapseGroups { get; init; } = [];
    /// <summary>New values of coupling buffers (parameters such as <c>weight</c>, or states): (coupling, name, values).</summary>
    public IReadOnlyList<(int Coupling, string Name, double[] Values)> Couplings { get; init; } = [];
    /// <summary>The complete new set of current sources, or null if unchanged.</summary>
    public IReadOnlyList<CurrentSourceSpec>? CurrentSources { get; init; }
    /// <summary>The complete new set of recorders, or null if unchanged.</summary>
    public IReadOnlyList<RecorderSpec>? Recorders { get; init; }
}

/// <summary>New values for one neuron group's buffers (states excepted: they keep evolving).</summary>
/// <param name="Group">The group.</param>
/// <param name="Kernel">The group's new kernel when the storage of a buffer changed (a uniform value became per cell), else null.</param>
/// <param name="Values">The new values of the group's non-state buffers, laid out as in <see cref="NeuronGroupProgram.Values"/>.</param>
public sealed record NeuronGroupUpdate(int Group, CellKernel? Kernel, IReadOnlyDictionary<string, double[]> Values);

/// <summary>New values for buffers of one projection's synapse kernel.</summary>
/// <param name="Projection">The projection.</param>
/// <param name="Kernel">Its new kernel when the storage of a buffer changed (a uniform parameter became per synapse), else null.</param>
/// <param name="Values">The new values, laid out as in <see cref="SynapseGroupProgram.Values"/>; states listed here are overwritten.</param>
public sealed record SynapseGroupUpdate(int Projection, SynapseKernel? Kernel, IReadOnlyDictionary<string, double[]> Values);

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
    /// <summary>A cell state that was NaN or infinite when the run ended, or null when every state was finite.</summary>
    public StateDivergence? Divergence { get; init; }

    /// <summary>This result with <see cref="Divergence"/> set.</summary>
    public RunResult WithDivergence(StateDivergence? divergence) => new()
    {
        StartStep = StartStep,
        EndStep = EndStep,
        Spikes = Spikes,
        Samples = Samples,
        Divergence = divergence,
    };
}

/// <summary>A cell state found diverged (<see cref="IsDiverged"/>).</summary>
/// <param name="Group">The neuron group (population) of the cell.</param>
/// <param name="Cell">The cell's index in its group.</param>
/// <param name="State">The state variable.</param>
/// <param name="Value">Its value.</param>
/// <param name="Step">The step at which it was found.</param>
public sealed record StateDivergence(int Group, int Cell, string State, double Value, long Step)
{
    /// <summary>
    /// Whether it was found in a recorded sample (<see cref="State"/> is then the recorded variable, <see cref="Step"/> the
    /// sample's step) rather than in the scan of the states when the run ended.
    /// </summary>
    public bool FromSample { get; init; }

    /// <summary>The largest membrane potential magnitude (mV) taken as physical: 10 V across a membrane is a numerical runaway.</summary>
    public const double RunawayPotentialMv = 1e4;

    /// <summary>
    /// Whether <paramref name="value"/> of state <paramref name="state"/> has diverged: NaN or infinite, or, for a membrane
    /// potential (by Meta's naming convention a state <c>v</c> or <c>compartment.v</c>, in mV), beyond ±<see cref="RunawayPotentialMv"/>.
    /// </summary>
    public static bool IsDiverged(string state, double value) =>
        !double.IsFinite(value) || (IsMembranePotential(state) && Math.Abs(value) > RunawayPotentialMv);

    /// <summary>Whether <paramref name="state"/> names a membrane potential (<c>v</c> or <c>compartment.v</c>).</summary>
    public static bool IsMembranePotential(string state) =>
        state == "v" || (state is not null && state.EndsWith(".v", StringComparison.Ordinal));
}

/// <summary>Spikes recorded by one recorder: parallel arrays, in time order.</summary>
public sealed class SpikeBlock
{
    /// <summary>The <see cref="RecorderSpec.Index"/>.</summary>
    public required int Recorder { get; init; }
    /// <summary>Cell index within the population per spike.</summary>
    public required int[] Cells { get; init; }
    /// <summary>Time of each spike in steps (the spike time is <c>Steps[i]·dt</c>, plus <see cref="Offsets"/> where given).</summary>
    public required long[] Steps { get; init; }
    /// <summary>
    /// With precise spike times (<see cref="Programs.CellKernel.SpikeOffset"/>), each spike's time minus <c>Steps[i]·dt</c>
    /// (ms, in (−dt, 0]); null where the spikes are on the grid.
    /// </summary>
    public double[]? Offsets { get; init; }

    /// <summary>The time of spike <paramref name="i"/> in ms at time step <paramref name="dt"/>.</summary>
    public double TimeOf(int i, double dt) => Offsets is null ? Steps[i] * dt : (Steps[i] * dt) + Offsets[i];
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
