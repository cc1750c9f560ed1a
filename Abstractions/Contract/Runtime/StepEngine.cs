using System.Runtime.CompilerServices;
using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>
/// The step loop every backend shares, so that the order of work in a step (docs/semantics.md) is written once: at the first
/// run after a load or reset the samples of index 0 are taken and the sources emit index 0; then, for each step k, the
/// current sources' changes of step k are applied, the cells advance, the spikes stamped s = k + 1 are emitted and delivered,
/// and the samples of index s are taken. A backend implements the memory and the work of each part (its runtime); the
/// checks of a program and of updates, the injected currents and the bookkeeping of runs are here.
/// </summary>
public abstract class StepEngine : ISimulationEngine
{
    private long _step;
    private readonly Dictionary<int, Dictionary<string, double[]>> _synapseInitial = [];
    private bool _initialEmitted;
    private int _compiled, _reused;

    /// <summary>The backend's name, for messages.</summary>
    protected abstract string BackendName { get; }

    /// <summary>The program loaded.</summary>
    protected StepProgram Program { get; private set; } = null!;

    /// <summary>The injected currents, on the host.</summary>
    protected CurrentInjection Injection { get; private set; } = null!;

    /// <summary>The recorders in force.</summary>
    protected IReadOnlyList<RecorderSpec> Recorders { get; private set; } = [];

    /// <summary>The last time index of the run in progress (host-scheduled sources produce no index beyond it).</summary>
    protected long RunEnd { get; private set; }

    /// <inheritdoc />
    public long CurrentStep => _step;

    /// <inheritdoc />
    public EngineStatistics Statistics => new() { KernelsCompiled = _compiled, KernelsReused = _reused };

    /// <summary>Counts a kernel this engine compiled (<paramref name="compiled"/>) or took from a cache.</summary>
    protected void CountKernel(bool compiled)
    {
        if (compiled) _compiled++;
        else _reused++;
    }

    /// <inheritdoc />
    public void Load(StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.BatchSize != 1)
            throw new NotSupportedByBackendException(BackendName, $"A batch of {program.BatchSize} network variants");
        foreach (var p in program.Projections)
        {
            if (p.Kernel is null && p.SynapseType != "StaticSynapse") throw new NotSupportedByBackendException(BackendName, $"Synapse type {p.SynapseType}");
            if (p.Kernel is not null && !SynapseDynamics) throw new NotSupportedByBackendException(BackendName, $"Synapse type {p.SynapseType} (synapse dynamics)");
            if (p.Kernel is { } sk) CheckSynapseValues(p, sk, p.Values);
            if (program.Groups[p.PostGroup] is not NeuronGroupProgram post) throw new ConnectionException($"Projection '{p.Label}' targets spike sources.");
            if (p.Receptor < 0 || p.Receptor >= post.Receptors.Count) throw new ConnectionException($"Projection '{p.Label}': receptor {p.Receptor} does not exist.");
        }
        foreach (var g in program.Groups.OfType<NeuronGroupProgram>())
            if (g.Kernel.Phases.Any(p => p.Phase == Phase.Coupling && p.Statements.Count > 0))
                throw new NotSupportedByBackendException(BackendName, $"Continuous coupling ('{g.Label}')");
        foreach (var c in program.Couplings) CheckCoupling(program, c);
        Program = program;
        CouplingOrder = program.Couplings.Count > 0 ? new CouplingLayout(program) : null;
        _couplingInitial = program.Couplings.Select(c => c.Kernel.States.ToDictionary(n => n, n => CouplingBuffers.PerConnection(c, c.Values[n]))).ToArray();
        _synapseInitial.Clear();
        foreach (var p in program.Projections)
            if (p.Kernel is { } k) _synapseInitial[p.Index] = k.States.Where(p.Values.ContainsKey).ToDictionary(n => n, n => (double[])p.Values[n].Clone());
        Injection = new CurrentInjection(program);
        if (CouplingOrder is not null) Injection.Couple(CouplingOrder.Targets);
        OnLoad(program);
        Injection.SetSources(program.CurrentSources);
        SetRecorders(program.Recorders);
        _step = 0;
        _initialEmitted = false;
    }

    /// <inheritdoc />
    public RunResult Run(long steps, Action<double>? progress = null)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A run has a non-negative number of steps.");
        RunResult? result = null;
        RunInIntervals(steps, long.MaxValue, r => result = r, progress);
        return result!;
    }

    /// <inheritdoc />
    public void RunIntervals(long steps, int interval, Action<RunResult> atInterval)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A run has a non-negative number of steps.");
        if (interval < 1) throw new ArgumentOutOfRangeException(nameof(interval), interval, "An interval has at least one step.");
        ArgumentNullException.ThrowIfNull(atInterval);
        RunInIntervals(steps, interval, atInterval, null);
    }

    /// <summary>
    /// The step loop of <see cref="Run"/> and <see cref="RunIntervals"/>: one run scope and one seek of the current sources
    /// for the whole call; each interval is a <see cref="BeginRun"/> … <see cref="EndRun"/> of its own (so its result is the
    /// one a separate run returns), with <see cref="RunEnd"/> its last index, and <paramref name="atInterval"/> gets it
    /// before the next interval begins.
    /// </summary>
    // Compiled optimized at its first call: a run's steps are one call of this loop, which otherwise starts as unoptimized
    // code and waits for on-stack replacement (docs/benchmarks.md, "Per-step paths compiled optimized at once").
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunInIntervals(long steps, long interval, Action<RunResult> atInterval, Action<double>? progress)
    {
        long start = _step, end = _step + steps;
        long intervalStart = start, intervalEnd = end - start > interval ? start + interval : end;
        RunEnd = intervalEnd;
        using var run = RunScope();
        bool begun = false;
        try
        {
            BeginRun(start, intervalEnd, _initialEmitted ? start + 1 : start);
            begun = true;
            foreach (int g in Injection.Seek(start)) InjectionChanged(g);
            if (!_initialEmitted)
            {
                TakeSamples(0);
                EmitAndDeliver(0);
                _initialEmitted = true;
            }
            long reportEvery = Math.Max(1, steps / 100);
            for (long k = start; k < end; k++)
            {
                long s = k + 1;
                using (StepScope(s))
                {
                    foreach (int g in Injection.Advance(k)) InjectionChanged(g);
                    if (CouplingOrder is not null) Couple(k);
                    Advance(k);
                    EmitAndDeliver(s);
                    TakeSamples(s);
                }
                _step = s;
                if (progress is not null && (s - start) % reportEvery == 0) progress((double)(s - start) / steps);
                if (s == intervalEnd && s < end)
                {
                    var done = EndRun(intervalStart, s);
                    begun = false;
                    atInterval(done);
                    intervalStart = s;
                    intervalEnd = end - s > interval ? s + interval : end;
                    RunEnd = intervalEnd;
                    BeginRun(s, intervalEnd, s + 1);
                    begun = true;
                }
            }
            var result = EndRun(intervalStart, end);
            if (ScanDivergence) result = result.WithDivergence(FindDivergence());
            begun = false;
            atInterval(result);
        }
        catch when (begun)
        {
            // The run failed (a device error, an exception from the progress callback): release what it had gathered
            // and let the error through.
            AbortRun();
            throw;
        }
    }

    /// <inheritdoc />
    public void Update(ProgramUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        foreach (var n in update.Neurons)
        {
            if (Program.Groups[n.Group] is not NeuronGroupProgram group) throw new ArgumentException($"Group {n.Group} is not a neuron group.", nameof(update));
            var kernel = n.Kernel ?? KernelOf(n.Group);
            foreach (var name in n.Values.Keys)
                if (kernel.Buffer(name) is null) throw new NonExistentParameterException(name, group.ModelName, kernel.Buffers.Select(b => b.Name));
            UpdateNeurons(n.Group, n.Kernel, n.Values);
        }
        foreach (var (group, name, values) in update.SourceParameters) UpdateSourceParameter(group, name, values);
        foreach (var (group, name, values) in update.SourceSequences) UpdateSourceSequence(group, name, values);
        foreach (var (projection, name, values) in update.Synapses)
        {
            var p = Program.Projections[projection];
            var plastic = PlasticSynapses(projection);
            if (name == "delay")
            {
                foreach (var v in values)
                    if (v < 1 || v >= Program.RingSlots)
                        throw new NotSupportedByBackendException(BackendName, $"Projection '{p.Label}': a delay of {v} steps after the first run (the delay "
                            + $"buffers were sized at the first run by the longest delay then and hold up to {Program.RingSlots - 1} steps; set the longest delay before the first run)");
                if (plastic is null) SetDelays(projection, values);
                else using (UpdateScope()) plastic.SetDelays(values);
            }
            else if (name == "weight" && plastic is null) SetWeights(projection, values);
            else if (plastic?.Kernel.Buffer(name) is not null)
                throw new ArgumentException($"Projection '{p.Label}' ({p.SynapseType}) has synapse dynamics: its '{name}' is a buffer of its synapse kernel. "
                    + "Set it with a SynapseGroupUpdate (ProgramUpdate.SynapseGroups), as Projection.Set does, which updates the synapse state "
                    + "(learned weights included); a plain update of such a projection takes only 'delay'.", nameof(update));
            else throw new NonExistentParameterException(name, p.SynapseType, plastic is null ? ["weight", "delay"] : ["delay"]);
        }
        foreach (var g in update.SynapseGroups)
        {
            var p = Program.Projections[g.Projection];
            var kernel = g.Kernel ?? SynapseKernelOf(g.Projection)
                ?? throw new ArgumentException($"Projection '{p.Label}' has no synapse kernel.", nameof(update));
            CheckSynapseValues(p, kernel, g.Values);
            UpdateSynapses(g.Projection, g.Kernel, g.Values);
            foreach (var (name, values) in g.Values)
                if (kernel.Buffer(name)!.Role == BufferRole.State) _synapseInitial[g.Projection][name] = (double[])values.Clone();
        }
        foreach (var (coupling, name, values) in update.Couplings)
        {
            var c = CouplingOf(coupling, nameof(update));
            var buffer = c.Kernel.Buffer(name) ?? throw new NonExistentParameterException(name, c.Type, c.Kernel.Buffers.Select(b => b.Name));
            ArgumentNullException.ThrowIfNull(values);
            int expected = buffer.Storage == Storage.Uniform ? 1 : c.Count;
            if (values.Length != expected) throw new ArgumentException($"Coupling '{c.Label}': buffer '{name}' needs {expected} values, got {values.Length}.", nameof(update));
            var perConnection = CouplingBuffers.PerConnection(c, values);
            WriteCouplingBuffer(coupling, name, perConnection);
            if (buffer.Role == BufferRole.State) _couplingInitial[coupling][name] = perConnection;
        }
        if (update.CurrentSources is { } sources) Injection.SetSources(sources);
        if (update.Recorders is { } recorders) SetRecorders(recorders);
        UpdateDone();
    }

    /// <inheritdoc />
    public double[] ReadSynapses(int projection, string name)
    {
        if (projection < 0 || projection >= Program.Projections.Count) throw new ArgumentOutOfRangeException(nameof(projection), projection, "No such projection.");
        var p = Program.Projections[projection];
        var kernel = SynapseKernelOf(projection);
        var buffer = kernel?.Buffer(name) ?? throw new NonExistentParameterException(name, p.SynapseType, SynapseNames(projection));
        double[] values;
        using (UpdateScope()) values = PlasticSynapses(projection)!.Read(name);
        if (buffer.Storage == Storage.Uniform && values.Length == 1 && p.Count != 1) return Enumerable.Repeat(values[0], p.Count).ToArray();
        return values;
    }

    /// <inheritdoc />
    public double[] ReadCoupling(int coupling, string name)
    {
        var c = CouplingOf(coupling, nameof(coupling));
        if (c.Kernel.Buffer(name) is null) throw new NonExistentParameterException(name, c.Type, c.Kernel.Buffers.Select(b => b.Name));
        return ReadCouplingBuffer(coupling, name);
    }

    private Dictionary<string, double[]>[] _couplingInitial = [];

    /// <summary>
    /// The order in which each cell's coupling currents are summed, and where each connection's currents go in the flat array
    /// of terms (docs/semantics.md, "Continuous coupling"); null when the program has no coupling.
    /// </summary>
    protected CouplingLayout? CouplingOrder { get; private set; }

    private CouplingProgram CouplingOf(int coupling, string parameter) =>
        CouplingOrder is not null && coupling >= 0 && coupling < Program.Couplings.Count ? Program.Couplings[coupling]
            : throw new ArgumentOutOfRangeException(parameter, coupling, "No such coupling.");

    private void CheckCoupling(StepProgram program, CouplingProgram c)
    {
        if (!ContinuousCoupling) throw new NotSupportedByBackendException(BackendName, $"Continuous coupling '{c.Label}' ({c.Type})");
        foreach (var (group, states, side) in new[] { (c.PreGroup, c.Kernel.PreStates, "pre"), (c.PostGroup, c.Kernel.PostStates, "post") })
        {
            if (program.Groups[group] is not NeuronGroupProgram n)
                throw new ConnectionException($"Coupling '{c.Label}' ({c.Type}): its {side} cells '{program.Groups[group].Label}' are spike sources, which have no state to couple.");
            foreach (var state in states)
                if (!n.States.Contains(state))
                    throw new ConnectionException($"Coupling '{c.Label}' ({c.Type}) reads state '{state}' of its {side} cells, which {n.ModelName} does not have (states: {string.Join(", ", n.States)}).");
        }
        if (c.PostIndices.Length != c.PreIndices.Length) throw new ConnectionException($"Coupling '{c.Label}': pre and post index arrays differ in length.");
    }

    /// <summary>
    /// The first cell state that has diverged (<see cref="StateDivergence.IsDiverged"/>) at the end of a run, scanning groups, then states, then cells in order;
    /// null when all are finite or the backend cannot read cell states (<see cref="CanReadCellStates"/>). Every state of every
    /// neuron group is read once per run call (the command line cuts a run into about 50 such calls), so a diverging cell is
    /// reported even when nothing records it.
    /// </summary>
    private StateDivergence? FindDivergence()
    {
        if (!CanReadCellStates) return null;
        for (int g = 0; g < Program.Groups.Count; g++)
        {
            if (Program.Groups[g] is not NeuronGroupProgram n) continue;
            foreach (var state in n.States)
            {
                var values = ReadCellState(g, state);
                for (int i = 0; i < values.Length; i++)
                    if (StateDivergence.IsDiverged(state, values[i])) return new StateDivergence(g, i, state, values[i], _step);
            }
        }
        return null;
    }

    /// <summary>
    /// Whether <see cref="Run"/> scans every cell state for divergence at its end (true by default). A host that cuts one run
    /// into many short engine runs (a distributed run's intervals) turns it off for all but the last, since the scan reads
    /// every state of every group.
    /// </summary>
    public bool ScanDivergence { get; set; } = true;

    /// <summary>Whether this backend implements <see cref="ReadCellState"/>, which the end-of-run divergence scan uses.</summary>
    protected virtual bool CanReadCellStates => false;

    /// <summary>The current values of state <paramref name="name"/> of every cell of neuron group <paramref name="group"/>, as doubles (called between runs).</summary>
    protected virtual double[] ReadCellState(int group, string name) =>
        throw new NotSupportedByBackendException(BackendName, "Reading cell states");

    /// <summary>
    /// Whether this backend runs couplings (<see cref="BackendFeatures.ContinuousCoupling"/>); such a backend compiles each
    /// <see cref="CouplingKernel"/> with its own emitter and implements <see cref="Couple"/>, <see cref="ReadCouplingBuffer"/>
    /// and <see cref="WriteCouplingBuffer"/>.
    /// </summary>
    protected virtual bool ContinuousCoupling => false;

    /// <summary>
    /// Step k's couplings (docs/semantics.md, "Continuous coupling"), after the current sources' changes of step k were handed
    /// over (<see cref="InjectionChanged"/>: for a group in <see cref="CouplingOrder"/>'s targets, those are the sources'
    /// currents alone) and before the cells advance: from the start-of-step cell states and connection states, every
    /// connection's currents in float64, then its states advanced; each target cell's injected current for the step becomes
    /// its sources' current plus its terms summed from 0 in <see cref="CouplingOrder"/>'s order.
    /// </summary>
    protected virtual void Couple(long k) => throw new NotSupportedByBackendException(BackendName, "Continuous coupling");

    /// <summary>Buffer <paramref name="name"/> of coupling <paramref name="coupling"/>, one value per connection (called between runs).</summary>
    protected virtual double[] ReadCouplingBuffer(int coupling, string name) => throw new NotSupportedByBackendException(BackendName, "Continuous coupling");

    /// <summary>Replaces buffer <paramref name="name"/> of coupling <paramref name="coupling"/> with one value per connection (called between runs).</summary>
    protected virtual void WriteCouplingBuffer(int coupling, string name, double[] values) => throw new NotSupportedByBackendException(BackendName, "Continuous coupling");

    /// <summary>Whether this backend runs synapse kernels (<see cref="BackendFeatures.SynapseDynamics"/>); such a backend implements <see cref="PlasticSynapses"/>.</summary>
    protected virtual bool SynapseDynamics => false;

    /// <summary>Projection <paramref name="projection"/> with its synapse kernel as this backend holds it, or null for a static projection.</summary>
    protected virtual IPlasticSynapses? PlasticSynapses(int projection) => null;

    /// <summary>A scope around the host's reads and writes of a projection's synapse buffers between runs (Torch's inference mode), or null.</summary>
    protected virtual IDisposable? UpdateScope() => null;

    /// <summary>The synapse kernel projection <paramref name="projection"/> runs now, or null for a static one.</summary>
    private SynapseKernel? SynapseKernelOf(int projection) => PlasticSynapses(projection)?.Kernel;

    /// <summary>
    /// Replaces buffer values of a projection's synapse kernel in place, or, when <paramref name="kernel"/> is set and has
    /// another structure (<see cref="SynapseKernel.Key"/>) than the running one, runs that kernel with them.
    /// </summary>
    private void UpdateSynapses(int projection, SynapseKernel? kernel, IReadOnlyDictionary<string, double[]> values)
    {
        var plastic = PlasticSynapses(projection)!;
        using var scope = UpdateScope();
        if (kernel is null || kernel.Key == plastic.Kernel.Key) plastic.SetValues(values);
        else plastic.SetKernel(kernel, values, CountKernel);
    }

    private string[] SynapseNames(int projection) =>
        ["weight", "delay", .. (SynapseKernelOf(projection)?.Buffers.Select(b => b.Name).Where(n => n != "weight" && !n.StartsWith("__", StringComparison.Ordinal)) ?? [])];

    private static void CheckSynapseValues(SynapseGroupProgram p, SynapseKernel kernel, IReadOnlyDictionary<string, double[]> values)
    {
        foreach (var (name, v) in values)
        {
            var b = kernel.Buffer(name) ?? throw new NonExistentParameterException(name, p.SynapseType, kernel.Buffers.Select(x => x.Name));
            int expected = b.Storage == Storage.Uniform ? 1 : p.Count;
            if (v.Length != expected)
                throw new ArgumentException($"Projection '{p.Label}': buffer '{name}' needs {expected} values, got {v.Length}.");
        }
    }

    /// <inheritdoc />
    public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        ArgumentNullException.ThrowIfNull(initialValues);
        OnReset(WithLoweringStates(initialValues));
        // Coupling states return to their initial values too (the last ones set).
        for (int c = 0; c < _couplingInitial.Length; c++)
            foreach (var (name, values) in _couplingInitial[c]) WriteCouplingBuffer(c, name, values);
        // PyNN's reset(): synaptic state (weights included) returns to its initial values, the last ones set before a run.
        foreach (var (projection, states) in _synapseInitial) UpdateSynapses(projection, null, states);
        _step = 0;
        _initialEmitted = false;
    }

    /// <summary>
    /// The initial values with the states the lowering added to a group (those the user never sets, such as the time left
    /// in refractoriness of precise spike times) at 0 where they are missing.
    /// </summary>
    private IReadOnlyList<IReadOnlyDictionary<string, double[]>> WithLoweringStates(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues) =>
        initialValues.Select((values, g) => Program.Groups[g] is NeuronGroupProgram n ? InitialStates.Complete(values, n.States, n.Size) : values).ToArray();

    private void SetRecorders(IReadOnlyList<RecorderSpec> recorders)
    {
        foreach (var r in recorders)
        {
            var group = Program.Groups[r.Population];
            if (r.IsSpikes) continue;
            if (group is not NeuronGroupProgram n || !n.States.Contains(r.Variable))
                throw new RecordingException(r.Variable, group.ModelName, group is NeuronGroupProgram m ? ["spikes", .. m.States] : ["spikes"]);
        }
        Recorders = recorders.ToArray();
        RecordersChanged();
    }

    /// <summary>The kernel group <paramref name="group"/> runs now.</summary>
    protected abstract CellKernel KernelOf(int group);

    /// <summary>Allocates and compiles everything for <see cref="Program"/>.</summary>
    protected abstract void OnLoad(StepProgram program);

    /// <summary>A scope around a whole run (Torch's inference mode), or null.</summary>
    protected virtual IDisposable? RunScope() => null;

    /// <summary>A scope around step s (Torch's dispose scope), or null; a backend may also flush device logs here.</summary>
    protected virtual IDisposable? StepScope(long s) => null;

    /// <summary>Prepares the collection of a run's recordings; samples of indices ≥ <paramref name="firstSample"/> belong to it.</summary>
    protected abstract void BeginRun(long start, long end, long firstSample);

    /// <summary>Uploads group <paramref name="group"/>'s injected currents (<see cref="CurrentInjection.Of"/>), which changed.</summary>
    protected abstract void InjectionChanged(int group);

    /// <summary>Advances every cell group by step k.</summary>
    protected abstract void Advance(long k);

    /// <summary>Emits the spikes stamped s (sources included), delivers them into the delay rings, logs the recorded ones.</summary>
    protected abstract void EmitAndDeliver(long s);

    /// <summary>Takes the samples of index s of every analog recorder whose interval divides s.</summary>
    protected abstract void TakeSamples(long s);

    /// <summary>Releases what <see cref="BeginRun"/> and the steps gathered when a run fails before <see cref="EndRun"/>.</summary>
    protected virtual void AbortRun() { }

    /// <summary>Returns what the run recorded.</summary>
    protected abstract RunResult EndRun(long start, long end);

    /// <summary>Replaces group <paramref name="group"/>'s buffer values, and its kernel when <paramref name="kernel"/> is set.</summary>
    protected abstract void UpdateNeurons(int group, CellKernel? kernel, IReadOnlyDictionary<string, double[]> values);

    /// <summary>Sets a spike source group's scalar parameter.</summary>
    protected abstract void UpdateSourceParameter(int group, string name, double[] values);

    /// <summary>Sets a spike source group's sequence parameter.</summary>
    protected abstract void UpdateSourceSequence(int group, string name, double[][] values);

    /// <summary>Sets a static projection's weights (connection order of <see cref="SynapseGroupProgram"/>).</summary>
    protected abstract void SetWeights(int projection, double[] values);

    /// <summary>Sets a static projection's delays in steps (checked to fit the rings); those of a projection with a synapse kernel go to its <see cref="IPlasticSynapses.SetDelays"/>.</summary>
    protected abstract void SetDelays(int projection, double[] values);

    /// <summary>Called when <see cref="Recorders"/> changed.</summary>
    protected virtual void RecordersChanged() { }

    /// <summary>Called after an update (a device backend may synchronise).</summary>
    protected virtual void UpdateDone() { }

    /// <summary>Returns every group to its initial state: states from <paramref name="initialValues"/>, rings and counters cleared, sources restarted.</summary>
    protected abstract void OnReset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues);

    /// <inheritdoc />
    public abstract void Dispose();
}
