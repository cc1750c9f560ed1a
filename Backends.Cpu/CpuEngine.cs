using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Backends.Cpu.Couplings;
using Meta.Backends.Cpu.Synapses;

namespace Meta.Backends.Cpu;

/// <summary>
/// The CPU runtime of a step program (the step loop itself is <see cref="StepEngine"/>'s): neuron groups advanced by their
/// compiled SIMD kernels (in parallel chunks while that is measured faster), spikes listed by the kernels and delivered through CSR tables into delay
/// rings, samples copied from the state arrays. <typeparamref name="T"/> is the number type of the states, rings and weights:
/// double (float64, the default) or float (float32: half the memory traffic and twice the SIMD lanes; plastic synapses and
/// continuous couplings keep computing in float64 through <see cref="Float64Bridge{T}"/>).
/// </summary>
/// <remarks>
/// The methods every step runs (here, in the groups, the synapse tables and the step loop) are marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/>: compiled optimized at their first call instead of running
/// unoptimized, instrumented code and being recompiled on a background thread during the run, which was about a third of
/// the CPU time of a 1 s run of 4 000 cells (docs/benchmarks.md, "Per-step paths compiled optimized at once"). The flag also
/// keeps ReadyToRun from precompiling them, so they are compiled when the engine loads (<see cref="PerStepTypes"/>), not
/// in the first run's steps.
/// </remarks>
internal sealed class CpuEngine<T>(int threads) : StepEngine where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly WorkerPool _pool = new(threads);
    private CellGroup[] _groups = [];
    private InputRing<T>[][] _rings = [];
    private SynapseTable<T>?[] _tables = [];
    private PlasticTable?[] _plasticByIndex = [];
    private PlasticTable[] _plastic = [];
    private SpikeHistory?[] _history = [];
    private List<SynapseTable<T>>[] _outgoing = [];
    private readonly List<int> _emitted = new(1024);
    /// <summary>The offsets from the grid of a precise spike source's spikes in <see cref="_emitted"/>, in the same order.</summary>
    private readonly List<double> _sourceOffsets = new(1024);
    private int _slots;
    private Action<int>? _chunkBody;
    private Func<int, T[]> _injectedOf = _ => [];
    private SampleCollector?[] _samples = [];
    private SpikeBlockBuilder?[] _spikes = [];
    private (NeuronGroup<T> Group, int[] Bounds)[] _work = [];
    private bool _smallNetwork;
    private int _stepSlot;
    private long _stepIndex;
    private CouplingRunner? _couplings;
    private readonly PhaseProfile? _profile = PhaseProfile.Requested ? new PhaseProfile() : null;
    private ThreadingChoice _threading = new();
    /// <summary>When the current step began (its <see cref="Advance"/>), for the threading choice's whole-step times; 0 before a run's first step.</summary>
    private long _stepStart;
    /// <summary>Whether a worker ran part of the current step's neuron update (when it ran on the workers).</summary>
    private bool _helped;
    private (long Parallel, long Single) _runSteps;
    private (int Measurements, int Fallbacks) _runCounts;
    private WorkerPool.Times _runPool;
    private Float64Bridge<T> _bridge = new();
    /// <summary>The current sources for which the groups' kernels were last chosen (<see cref="ReadsInjected"/>).</summary>
    private IReadOnlyList<CurrentSourceSpec>? _injectionChosenFor;

    /// <summary>For tests: every step of a large network on the workers, whatever <see cref="ThreadingChoice"/> says.</summary>
    internal bool ForceWorkers { get; init; }

    /// <summary>For tests: every neuron group's kernel reads its injected-current array, whether or not a source or coupling targets it.</summary>
    internal bool ForceInjectedRead { get; init; }

    /// <summary>The number of cells from which neuron updates are spread over the worker threads.</summary>
    internal const int ParallelThreshold = 16_384;

    protected override string BackendName => CpuBackend.BackendName;

    protected override CellKernel KernelOf(int group) => Neurons(group).Kernel;

    protected override bool ContinuousCoupling => true;

    protected override bool CanReadCellStates => true;

    protected override double[] ReadCellState(int group, string name) => Array.ConvertAll(Neurons(group).State(name), double.CreateTruncating);

    private NeuronGroup<T> Neurons(int group) => (NeuronGroup<T>)_groups[group];


    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Couple(long k)
    {
        _couplings!.Step(Program.Timestep);
        if (!Float64Bridge<T>.Direct) _bridge.StoreInjected(_injectedOf);
    }

    protected override double[] ReadCouplingBuffer(int coupling, string name) => _couplings!.Read(coupling, name);

    protected override void WriteCouplingBuffer(int coupling, string name, double[] values) => _couplings!.Write(coupling, name, values);

    /// <summary>
    /// The types whose per-step methods (marked <see cref="MethodImplOptions.AggressiveOptimization"/>) every run calls:
    /// compiled at load (<see cref="StepPathPreparation"/>), so that the first run does not pay for their compilation in its
    /// steps. Plastic tables and spike histories are compiled at load only where a network has them.
    /// </summary>
    internal static readonly Type[] PerStepTypes =
    [
        typeof(CpuEngine<T>), typeof(NeuronGroup<T>), typeof(SynapseTable<T>), typeof(Float64Bridge<T>), typeof(SampleCollector),
        typeof(SourceGroup), typeof(ThreadingChoice), typeof(StepEngine), typeof(CurrentInjection), typeof(SpikeBlockBuilder),
    ];

    protected override void OnLoad(StepProgram program)
    {
        _injectionChosenFor = null;
        _bridge = new Float64Bridge<T>();
        _injectedOf = g => Neurons(g).Injected;
        double dt = program.Timestep;
        _groups = program.Groups.Select(g => g switch
        {
            NeuronGroupProgram n => (CellGroup)new NeuronGroup<T>(n, dt, program.Seed, CountKernel, ReadsInjected(n.Index, program.CurrentSources)),
            SpikeSourceProgram s => new SourceGroup(s, dt, program.Seed),
            _ => throw new NotSupportedByBackendException(BackendName, $"Cell group {g.GetType().Name}"),
        }).ToArray();
        int slots = _slots = program.RingSlots;
        _rings = _groups.Select(g => g is NeuronGroup<T> n
            ? Enumerable.Range(0, n.Kernel.Receptors).Select(_ => new InputRing<T>(n.PaddedSize, slots)).ToArray()
            : []).ToArray();
        for (int g = 0; g < _groups.Length; g++)
            if (_groups[g] is NeuronGroup<T> n) n.Rings = _rings[g].Select(r => r.Buffer).ToArray();
        _work = BuildWork();
        _threading = new ThreadingChoice { Decided = _profile is null ? null : ThreadingLog.Write, Busy = new MachineLoad { Judged = _profile is null ? null : ThreadingLog.WriteLoad }.Busy };
        _tables = new SynapseTable<T>?[program.Projections.Count];
        for (int i = 0; i < _tables.Length; i++)
        {
            var p = program.Projections[i];
            if (p.Kernel is not null) continue;
            _tables[i] = new SynapseTable<T>(p, _groups[p.PreGroup].Size, _rings[p.PostGroup][p.Receptor], p.OffGrid is { } o ? _rings[p.PostGroup][o.Ring] : null);
            MemoryTrace.Mark($"cpu table {p.Label}");
        }
        _plasticByIndex = program.Projections.Select(p => p.Kernel is null ? null
            : new PlasticTable(p, _groups[p.PreGroup].Size, _groups[p.PostGroup].Size, _bridge.RingFor(_rings[p.PostGroup][p.Receptor]), CountKernel)).ToArray();
        _plastic = _plasticByIndex.OfType<PlasticTable>().ToArray();
        _history = _groups.Select((g, i) => _plastic.Any(t => t.Spec.PreGroup == i || t.Spec.PostGroup == i) ? new SpikeHistory(slots) : null).ToArray();
        _outgoing = _groups.Select((g, i) => _tables.OfType<SynapseTable<T>>().Where(t => t.Spec.PreGroup == i).ToList()).ToArray();
        _chunkBody = RunChunk;
        StepPathPreparation.Prepare(PerStepTypes);
        if (_plastic.Length > 0) StepPathPreparation.Prepare(typeof(PlasticTable), typeof(SpikeHistory));
        // The state arrays are looked up every step: an update may replace a group's arrays.
        _couplings = CouplingOrder is { } order
            ? new CouplingRunner(program, order, (g, name) => _bridge.State(g, name, Neurons(g).State(name)), g => _bridge.Injected(g, Neurons(g).Injected), CountKernel)
            : null;
    }

    protected override void BeginRun(long start, long end, long firstSample)
    {
        // The sources may have changed since the last run (an update): each group's kernel reads the injected-current array
        // iff a source or coupling targets it, decided before the run's steps, never during them.
        if (!ReferenceEquals(Injection.Sources, _injectionChosenFor))
        {
            _injectionChosenFor = Injection.Sources;
            for (int g = 0; g < _groups.Length; g++)
                if (_groups[g] is NeuronGroup<T> n) n.ReadInjected(ReadsInjected(g, Injection.Sources));
        }
        _samples = Recorders.Select(r => r.IsSpikes ? null : new SampleCollector(r, r.SampleCount(firstSample, end), Neurons(r.Population).State(r.Variable))).ToArray();
        _spikes = SpikeBlockBuilder.ForRun(_spikes, Recorders, Program);
        _pool.Hot = UsesWorkers && _threading.Parallel;
        _stepStart = 0;
        _runSteps = _threading.Steps;
        _runCounts = _threading.Counts;
        _runPool = _pool.Counted;
    }

    /// <summary>
    /// Whether group <paramref name="group"/>'s kernel reads its injected-current array: where some current source (of any kind,
    /// whatever its start time) or coupling targets it, else its array holds +0.0 throughout and the kernel takes +0 instead.
    /// </summary>
    private bool ReadsInjected(int group, IReadOnlyList<CurrentSourceSpec> sources) =>
        ForceInjectedRead || CouplingOrder?.Targets.Contains(group) == true || sources.Any(s => s.Population == group);

    /// <summary>For tests: whether group <paramref name="group"/>'s kernel reads its injected-current array.</summary>
    internal bool KernelReadsInjected(int group) => Neurons(group).ReadsInjected;

    /// <summary>Whether the network is large enough, and workers are there, for the threading choice to be made at all.</summary>
    private bool UsesWorkers => _pool.Workers > 1 && !_smallNetwork;

    protected override RunResult EndRun(long start, long end)
    {
        // The run's last step ends here.
        if (UsesWorkers && _stepStart != 0) _threading.Record(PhaseProfile.Now() - _stepStart, _helped);
        _stepStart = 0;
        _pool.Hot = false;
        if (_profile is not null) ThreadingLog.WriteRun(UsesWorkers ? _pool.Workers : 1, _threading.Steps.Parallel - _runSteps.Parallel, _threading.Steps.Single - _runSteps.Single,
            _threading.Counts.Measurements - _runCounts.Measurements, _threading.Counts.Fallbacks - _runCounts.Fallbacks, _pool.Counted - _runPool);
        _profile?.Report(UsesWorkers ? _pool.Workers : 1, _threading.Steps, _tables.Sum(t => t?.Count ?? 0L), _tables.Sum(t => t?.Bytes ?? 0L));
        return new RunResult
        {
            StartStep = start,
            EndStep = end,
            Spikes = _spikes.Where(s => s is not null).Select(s => s!.ToBlock()).ToArray(),
            Samples = _samples.Where(s => s is not null).Select(s => s!.ToBlock()).ToArray(),
        };
    }

    protected override void InjectionChanged(int group)
    {
        var host = Injection.Of(group)!;
        // A coupling target's injected current is its sources' plus the coupling's, written by the coupling every step.
        if (_couplings?.IsTarget(group) == true) _couplings.SetSources(group, host);
        else
        {
            var injected = Neurons(group).Injected;
            for (int i = 0; i < host.Length; i++) injected[i] = T.CreateTruncating(host[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void TakeSamples(long s)
    {
        foreach (var c in _samples) c?.Take(s);
    }

    /// <summary>
    /// Updates every neuron for step k in one parallel dispatch: each worker takes the same share of every group.
    /// The kernels add the input queued for step k (ring slot k mod slots) and clear it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Advance(long k)
    {
        _stepSlot = (int)(k % _slots);
        _stepIndex = k;
        _bridge.MoveArrivals(k);
        // No clock read per step unless the profile or the threading choice needs one.
        long since = _profile is not null || UsesWorkers ? PhaseProfile.Now() : 0;
        if (!UsesWorkers) RunChunk(-1);
        else
        {
            // The choice times whole steps, from one Advance to the next (the last one in EndRun): a second thread may
            // slow down the phases that run on one thread.
            if (_stepStart != 0) _threading.Record(since - _stepStart, _helped);
            _stepStart = since;
            bool parallel = ForceWorkers || _threading.Parallel;
            // Idle workers spin only while they are used, so a single-threaded stretch leaves the other core free.
            if (_pool.Hot != parallel) _pool.Hot = parallel;
            if (parallel) _helped = _pool.Run(_chunkBody!);
            else RunChunk(-1);
        }
        _profile?.AddNeuron(since);
    }

    /// <summary>Each worker's share of every neuron group, in whole SIMD vectors.</summary>
    private (NeuronGroup<T> Group, int[] Bounds)[] BuildWork()
    {
        int workers = _pool.Workers, width = Codegen.LaneType.Width<T>();
        // Below ~16k cells a step is too short (tens of µs) for a second thread to pay for the hand-off.
        _smallNetwork = _groups.OfType<NeuronGroup<T>>().Sum(g => g.Size) < ParallelThreshold;
        return _groups.OfType<NeuronGroup<T>>().Select(g =>
        {
            int vectors = g.PaddedSize / width;
            g.SpikeCounts = new (int, int)[workers];
            return (g, Enumerable.Range(0, workers + 1).Select(w => (int)((long)vectors * w / workers) * width).ToArray());
        }).ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunChunk(int chunk)
    {
        foreach (var (group, bounds) in _work)
        {
            int slotOffset = _stepSlot * group.PaddedSize;
            var spikes = group.SpikeCounts;
            if (chunk < 0)
            {
                spikes[0] = (0, group.Update(0, group.PaddedSize, slotOffset, _stepIndex));
                for (int c = 1; c < spikes.Length; c++) spikes[c] = (0, 0);
            }
            else if (bounds[chunk] < bounds[chunk + 1]) spikes[chunk] = (bounds[chunk], group.Update(bounds[chunk], bounds[chunk + 1], slotOffset, _stepIndex));
            else spikes[chunk] = (0, 0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void EmitAndDeliver(long s)
    {
        for (int g = 0; g < _groups.Length; g++)
        {
            _emitted.Clear();
            _sourceOffsets.Clear();
            long since = _profile is null ? 0 : PhaseProfile.Now();
            var group = _groups[g];
            if (group is SourceGroup src) src.Emit(s, RunEnd, _emitted, _sourceOffsets);
            else if (s > 0) ((NeuronGroup<T>)group).CollectSpikes(_emitted); // the kernels listed their spiking cells
            _history[g]?.Record(s, CollectionsMarshal.AsSpan(_emitted));
            if (_profile is not null) { _profile.AddScan(since, group is SourceGroup); since = PhaseProfile.Now(); }
            if (_emitted.Count == 0) continue;
            // Exact off-grid delivery: each spike's offset from the grid goes with it (docs/semantics.md, "Exact delivery").
            var cellOffsets = group is NeuronGroup<T> { Kernel.SpikeOffset: { } offsetState } n ? n.State(offsetState) : null;
            foreach (var table in _outgoing[g])
            {
                if (table.Spec.OffGrid is null) table.DeliverAll(CollectionsMarshal.AsSpan(_emitted), s);
                else if (group is SourceGroup)
                    for (int k = 0; k < _emitted.Count; k++) table.Deliver(_emitted[k], s, _sourceOffsets[k]);
                else
                    foreach (var i in _emitted) table.Deliver(i, s, double.CreateTruncating(cellOffsets![i]));
            }
            foreach (var c in _spikes)
            {
                if (c is null || c.Population != g) continue;
                // A spike source with precise times: the schedule gave each spike's offset (ignored on the grid).
                if (group is SourceGroup) c.AddPaired(CollectionsMarshal.AsSpan(_emitted), s, CollectionsMarshal.AsSpan(_sourceOffsets));
                else if (c.Precise)
                {
                    // Precise spike times: the kernel left each spike's offset from the grid in its state buffer.
                    var neurons = (NeuronGroup<T>)group;
                    var offsets = neurons.State(neurons.Kernel.SpikeOffset!);
                    foreach (var i in _emitted) c.Add(i, s, double.CreateTruncating(offsets[i]));
                }
                else c.Add(CollectionsMarshal.AsSpan(_emitted), s);
            }
            _profile?.AddDeliver(since);
        }
        if (_plastic.Length == 0) return;
        long plasticSince = _profile is null ? 0 : PhaseProfile.Now();
        // Synapse events of step s (docs/semantics.md): every pre event, then every post event.
        double dt = Program.Timestep;
        foreach (var t in _plastic) t.PreEvents(s, dt, Program.Seed, _history[t.Spec.PreGroup]!);
        foreach (var t in _plastic) t.PostEvents(s, dt, Program.Seed, _history[t.Spec.PostGroup]!);
        _profile?.AddPlastic(plasticSince);
    }

    protected override bool SynapseDynamics => true;

    protected override IPlasticSynapses? PlasticSynapses(int projection) => _plasticByIndex[projection];

    protected override void UpdateNeurons(int group, CellKernel? kernel, IReadOnlyDictionary<string, double[]> values)
    {
        var n = Neurons(group);
        if (kernel is null) n.SetValues(values);
        else n.SetKernel(kernel, values, CountKernel);
    }

    protected override void UpdateSourceParameter(int group, string name, double[] values) => Source(group).SetParameter(name, values);

    protected override void UpdateSourceSequence(int group, string name, double[][] values) => Source(group).SetSequence(name, values);

    private SourceGroup Source(int group) => _groups[group] as SourceGroup
        ?? throw new NonExistentParameterException("(a spike source parameter)", _groups[group].Program.ModelName, []);

    protected override void SetWeights(int projection, double[] values) => _tables[projection]!.SetWeights(values);

    protected override void SetDelays(int projection, double[] values) => _tables[projection]!.SetDelays(values);

    protected override void OnReset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        for (int g = 0; g < _groups.Length; g++)
        {
            if (_groups[g] is NeuronGroup<T> n) n.Reset(initialValues[g]);
            else ((SourceGroup)_groups[g]).Reset();
        }
        foreach (var rings in _rings) foreach (var r in rings) r.Clear();
        _bridge.Clear();
        foreach (var h in _history) h?.Clear();
    }

    public override void Dispose() => _pool.Dispose();

    /// <summary>Samples of one analog recorder for one run, preallocated.</summary>
    private sealed class SampleCollector(RecorderSpec spec, long count, T[] source)
    {
        private readonly double[] _values = new double[checked(count * spec.Cells.Length)];
        private int _rows;
        private long _first = -1;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Take(long s)
        {
            if (s % spec.IntervalSteps != 0) return;
            if (_first < 0) _first = s;
            int offset = _rows * spec.Cells.Length;
            var cells = spec.Cells;
            for (int c = 0; c < cells.Length; c++) _values[offset + c] = double.CreateTruncating(source[cells[c]]);
            _rows++;
        }

        public SampleBlock ToBlock() => new()
        {
            Recorder = spec.Index,
            FirstStep = _first < 0 ? 0 : _first,
            Count = _rows,
            Values = _rows * spec.Cells.Length == _values.Length ? _values : _values[..(_rows * spec.Cells.Length)],
        };
    }
}
