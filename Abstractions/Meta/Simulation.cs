using Meta.Backends.Runtime;
using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Lowering;
using Meta.Lowering.Synapses;
using Meta.CurrentSources;
using Meta.Models;
using Meta.Network;
using Meta.Populations;
using Meta.Projections;
using Meta.Random;
using Meta.Recording;

namespace Meta;

/// <summary>
/// One simulation: its settings, network and clock (PyNN's <c>setup</c>/<c>run</c>/<c>reset</c>, as an object, so several
/// can live in one process). The network is resolved and handed to the backend at the first run.
/// </summary>
public sealed partial class Simulation : IDisposable
{
    private readonly List<Population> _populations = [];
    private readonly List<Projection> _projections = [];
    private readonly List<CurrentSource> _currentSources = [];
    private readonly HashSet<(Population, string)> _changedParameters = [];
    private readonly HashSet<(Population, string)> _changedSequences = [];
    private readonly HashSet<(Projection, string)> _changedSynapses = [];
    private bool _currentSourcesChanged;
    private int _projectionCount;
    private ISimulationEngine? _engine;
    private NetworkSpec? _spec;
    private NetworkLowering? _lowering;
    private long _step;

    /// <summary>Creates a simulation that runs on <paramref name="backend"/>.</summary>
    public Simulation(IBackend backend, SimulationOptions? options = null)
    {
        Backend = backend ?? throw new ArgumentNullException(nameof(backend));
        Options = options ?? new SimulationOptions();
        Options.Validate();
        Recorders = new RecorderRegistry(this);
        ParameterRandom = new RandomStream(Options.Seed, RandomStreams.Parameters);
    }

    /// <summary>The settings.</summary>
    public SimulationOptions Options { get; }
    /// <summary>The backend.</summary>
    public IBackend Backend { get; }
    /// <summary>The time step in ms.</summary>
    public double Timestep => Options.Timestep;
    /// <summary>The minimum delay in ms (the default delay).</summary>
    public double MinDelay => Options.MinDelay ?? Options.Timestep;
    /// <summary>The maximum delay in ms, or null for no limit.</summary>
    public double? MaxDelay => Options.MaxDelay;
    /// <summary>The current time in ms.</summary>
    public double Time => _step * Timestep;
    /// <summary>The current time in steps.</summary>
    public long CurrentStep => _step;
    /// <summary>The populations in creation order.</summary>
    public IReadOnlyList<Population> Populations => _populations;
    /// <summary>The projections in creation order.</summary>
    public IReadOnlyList<Projection> Projections => _projections;
    /// <summary>The current sources.</summary>
    public IReadOnlyList<CurrentSource> CurrentSources => _currentSources;
    /// <summary>What is recorded and the data so far.</summary>
    public RecorderRegistry Recorders { get; }
    /// <summary>The stream random parameter values are drawn from when their distribution has none.</summary>
    public RandomStream ParameterRandom { get; }
    /// <summary>Wall-clock seconds spent compiling the network in the backend.</summary>
    public double LoadSeconds { get; private set; }
    /// <summary>
    /// What the backend's engine compiled and reused so far (zero before the first run): kernels are keyed by the model's
    /// structure, so changing parameter values, or a second network that differs only in values, compiles nothing.
    /// </summary>
    public EngineStatistics EngineStatistics => _engine?.Statistics ?? new EngineStatistics();

    /// <summary>The number of ranks this simulation runs on (<see cref="SimulationOptions.Communicator"/>; 1 without one).</summary>
    public int Ranks => Options.Communicator?.Size ?? 1;

    /// <summary>
    /// This process's rank (0 without a communicator); only rank 0 holds the recordings of a distributed run, unless they are
    /// read with <c>gather: false</c> (<see cref="Populations.CellCollection.GetData"/>), which leaves each rank its own cells'.
    /// </summary>
    public int Rank => Options.Communicator?.Rank ?? 0;

    /// <summary>The engine of a distributed run after the first run or load (its exchange and gather timings), else null.</summary>
    public Distributed.DistributedEngine? Distribution => _engine as Distributed.DistributedEngine;

    /// <summary>Creates a population (PyNN's <c>Population(size, cellclass, label=...)</c>).</summary>
    public Population CreatePopulation(int size, CellType cellType, string? label = null)
    {
        CheckCanAddStructure("a population");
        var p = new Population(this, _populations.Count, size, cellType, label);
        _populations.Add(p);
        return p;
    }

    /// <summary>
    /// Creates a population of <paramref name="size"/> cells placed by <paramref name="structure"/>
    /// (PyNN's <c>Population(size, cell_type, structure=...)</c>).
    /// </summary>
    public Population CreatePopulation(int size, CellType cellType, Spatial.Structure structure, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var p = CreatePopulation(size, cellType, label);
        p.Structure = structure;
        return p;
    }

    /// <summary>Creates a projection (same as <c>new Projection(...)</c>); a null space is the default <see cref="Spatial.Space"/>.</summary>
    public Projection Connect(CellCollection pre, CellCollection post, Projections.Connectors.Connector connector,
        SynapseType? synapse = null, string? receptorType = null, string? label = null, Spatial.Space? space = null) =>
        new(pre, post, connector, synapse, receptorType, label, space);

    /// <summary>Advances the simulation by <paramref name="milliseconds"/> (PyNN's <c>run</c>); returns the new time.</summary>
    public double Run(double milliseconds, Action<double>? progress = null)
    {
        if (!(milliseconds >= 0)) throw new InvalidParameterValueException($"run() needs a non-negative duration, got {milliseconds} ms.");
        long steps = (long)Math.Round(milliseconds / Timestep);
        Advance(steps, progress);
        return Time;
    }

    /// <summary>Runs until time <paramref name="t"/> ms (PyNN's <c>run_until</c>); a time in the past raises.</summary>
    public double RunUntil(double t, Action<double>? progress = null)
    {
        if (t < Time - Timestep / 2)
            throw new InvalidParameterValueException($"run_until({t}): the time is in the past (the simulation is at {Time} ms).");
        long target = (long)Math.Round(t / Timestep);
        Advance(Math.Max(0, target - _step), progress);
        return Time;
    }

    /// <summary>
    /// Returns to t = 0 with state variables at their initial values (PyNN's <c>reset</c>), synaptic state included: learned
    /// weights, traces and short-term plasticity return to their initial values, or to the last values set with
    /// <see cref="Projection.Set"/> before a run; structure, parameters and recording settings stay. Data recorded so far become a finished segment; the next run starts a new one.
    /// </summary>
    public void Reset()
    {
        CollectRecordings(); // a distributed run's recordings, kept on their ranks, belong to the segment that closes here
        if (_engine is not null)
        {
            SyncChanges();
            _engine.Reset(_populations.Select(p => (IReadOnlyDictionary<string, double[]>)p.AllInitialValues()).ToArray());
        }
        _step = 0;
        Recorders.NewSegment();
        foreach (var source in _currentSources) source.Recording.NewSegment();
    }

    /// <summary>
    /// Resolves the network and compiles it in the backend now, instead of at the first run (the time it takes is
    /// <see cref="LoadSeconds"/>). After this, populations and projections can no longer be added.
    /// </summary>
    public void Load() => EnsureLoaded();

    /// <summary>The network as the backend receives it (resolving it if needed).</summary>
    public NetworkSpec Resolve() => Resolve(null);

    /// <summary>
    /// The projections' parts: on the load's path (<paramref name="projectionDone"/> given), in row order where
    /// <see cref="RowOrdered"/> allows and kept as the loaded parts; otherwise in connection order, leaving the loaded parts
    /// as they are (the public <see cref="Resolve()"/> may be called after the load).
    /// </summary>
    private SynapseGroupProgram[] ResolveProjections(Action<Projection, IReadOnlyList<SynapseGroupProgram>>? projectionDone)
    {
        bool load = projectionDone is not null;
        if (load) _loadedInRowOrder = RowOrderAtLoad;
        var parts = ProjectionParts(projectionDone: projectionDone, rowOrdered: load && _loadedInRowOrder).ToArray();
        if (load) _partsOfLoad = parts;
        return parts.Select(p => p.Spec).ToArray();
    }

    /// <summary>
    /// Whether the load makes the parts <see cref="RowOrdered"/> allows in row order (true, the default); false keeps every
    /// part in connection order (for tests comparing the two).
    /// </summary>
    internal bool RowOrderAtLoad { get; set; } = true;

    // Whether the loaded parts were made in row order where allowed (updates of loaded parts come in the same order).
    private bool _loadedInRowOrder;

    /// <summary>
    /// The network as the backend receives it; <paramref name="projectionDone"/>, if given, is told each projection (without a
    /// coupling) with its parts as soon as they are made, before the next projection's; the network is then resolved for the
    /// engine's load, and the static parts of projections that can draw their connections again are made in row order
    /// (<see cref="RowOrdered"/>).
    /// </summary>
    private NetworkSpec Resolve(Action<Projection, IReadOnlyList<SynapseGroupProgram>>? projectionDone) => new()
    {
        Timestep = Timestep,
        Seed = Options.Seed,
        SpikePrecision = Options.SpikePrecision,
        // The projections first: their parts are made (and each projection's own arrays released) before the populations'
        // per-cell arrays are copied, so that those copies are not held with the largest projection's two sets of arrays.
        Projections = ResolveProjections(projectionDone),
        Populations = _populations.Select(p => new PopulationSpec
        {
            Index = p.Index,
            Label = p.Label,
            Size = p.Size,
            Model = p.CellType.Model,
            Parameters = PopulationParameters(p, shared: projectionDone is not null),
            Sequences = p.SequenceArrays.ToDictionary(kv => kv.Key, kv => kv.Value.Select(s => (double[])s.Clone()).ToArray()),
            InitialValues = p.AllInitialValues(),
            FirstGlobalIndex = _populations.Take(p.Index).Sum(q => q.Size),
        }).ToArray(),
        Couplings = (_couplingParts = CouplingParts().ToArray()).Select(p => p.Spec).ToArray(),
        CurrentSources = CurrentSourceSpecs(),
        Recorders = Recorders.Specs(),
    };

    /// <summary>
    /// A population's scalar parameters for a resolved network: copies, except for a neuron population on the load's path
    /// (<paramref name="shared"/>), whose arrays are the population's own. That spec is only lowered, and the lowering reads a
    /// neuron group's parameters once, into the step program's own buffers (a later change reaches the engine as an update
    /// made from the population's arrays); so the load does not hold a second copy of every parameter of every cell (14 MB
    /// at COBA 160k). A spike source's arrays are copied always: its group in the step program holds them as they are.
    /// </summary>
    private static Dictionary<string, double[]> PopulationParameters(Population p, bool shared) =>
        shared && p.CellType.Model.Kind == ModelKind.Neuron
            ? new Dictionary<string, double[]>(p.ParameterArrays, StringComparer.Ordinal)
            : p.ParameterArrays.ToDictionary(kv => kv.Key, kv => (double[])kv.Value.Clone());

    /// <summary>
    /// Warnings about what the network asked for but cannot get, each once: for now, Poisson sources whose rates cannot be
    /// delivered at one spike per step (<see cref="Diagnostics.PoissonRateCheck"/>). Checked at every run.
    /// </summary>
    public IReadOnlyList<string> Warnings => _warnings;

    private readonly List<string> _warnings = [];

    /// <summary>Adds a warning to <see cref="Warnings"/> unless it is there already.</summary>
    internal void AddWarning(string warning)
    {
        if (!_warnings.Contains(warning)) _warnings.Add(warning);
    }

    private void Advance(long steps, Action<double>? progress)
    {
        EnsureLoaded();
        SyncChanges();
        foreach (var p in _populations)
            if (Diagnostics.PoissonRateCheck.Check(p, Timestep) is { } warning && !_warnings.Contains(warning)) _warnings.Add(warning);
        ReleaseProjectionConnections();
        if (steps == 0 && _step > 0) return;
        long from = _step;
        var result = _engine!.Run(steps, progress);
        _step = result.EndStep;
        Recorders.Append(result);
        RecordCurrents(from, _step);
        ThrowIfDiverged(result);
    }

    /// <summary>
    /// In a distributed run, gathers the recordings that the ranks keep during runs into rank 0's recorders
    /// (<see cref="Distributed.DistributedEngine.GatherRecordings"/>): a collective, called when recorded data are read and
    /// before a reset, at the same point on every rank (every rank runs the same script); nothing in one process, or when
    /// nothing was recorded since the last gather. With <paramref name="gather"/> false (PyNN's <c>gather=False</c>) each
    /// rank instead keeps its own cells' data in its own recorders (<see cref="Distributed.DistributedEngine.TakeOwnRecordings"/>,
    /// no collective), and every read on that rank returns only its cells. The first read that finds data decides for the
    /// rest of the simulation (a reset included): the recorders then hold either every rank's data on rank 0 or each rank's
    /// own, and reading them the other way raises an <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <param name="gather">Whether to gather to rank 0 (the default) or keep each rank's own data; null: as decided before (gather when nothing was decided).</param>
    internal void CollectRecordings(bool? gather = null)
    {
        if (_engine is not Distributed.DistributedEngine distributed) return;
        if (gather is { } wanted && _recordingsGathered is { } decided && wanted != decided)
            throw new InvalidOperationException(
                $"The recorded data of this distributed run were read with gather={(decided ? "True" : "False")} before; " +
                $"read them with gather={(decided ? "True" : "False")} every time (gather=False keeps each rank's own cells on that rank, gather=True collects every cell on rank 0).");
        bool together = gather ?? _recordingsGathered ?? true;
        if (!distributed.HasKeptRecordings) return;
        _recordingsGathered = together;
        if (together)
        {
            if (distributed.GatherRecordings() is { } gathered) Recorders.Append(gathered);
            return;
        }
        int rank = Rank, ranks = Ranks;
        Recorders.Owned ??= (p, cell) => Distributed.Placement.Owns(p.Size, cell, rank, ranks);
        if (distributed.TakeOwnRecordings() is { } own) Recorders.Append(own);
    }

    // Whether a distributed run's recordings were read gathered (true) or per rank (false); null before the first read.
    private bool? _recordingsGathered;

    /// <summary>Stops with a <see cref="SimulationDivergedException"/> when the run left a diverged state (docs/semantics.md, "Divergence").</summary>
    private void ThrowIfDiverged(Backends.RunResult result)
    {
        if (Recorders.FirstDivergedSample(result) is { } sample)
            throw Diagnostics.DivergenceCheck.Diverged(sample.Population, sample.Cell, sample.Variable, sample.Step * Timestep, sample.Value, atRunEnd: false);
        // A distributed run's ranks scan their own samples; the earliest diverged one comes back as the divergence.
        if (result.Divergence is { } d)
            throw Diagnostics.DivergenceCheck.Diverged(_populations[d.Group], d.Cell, d.State, d.Step * Timestep, d.Value, atRunEnd: !d.FromSample);
    }

    /// <summary>
    /// With <c>spike_precision="off_grid"</c>, warns of each neuron population whose model keeps its spikes on the grid
    /// (<see cref="Lowering.Kernels.PreciseSpikeTimes.AppliesTo"/>: no reset, a stochastic threshold, an update block or
    /// noise), and of each spike source whose kind draws per time index (<c>SpikeSourcePoisson</c>), so that the option is
    /// never ignored silently.
    /// </summary>
    private void WarnWhereSpikesStayOnTheGrid()
    {
        if (Options.SpikePrecision != SpikePrecision.OffGrid) return;
        foreach (var p in _populations)
            if (p.CellType.Model.Kind == ModelKind.Neuron && !Lowering.Kernels.PreciseSpikeTimes.AppliesTo(p.CellType.Model))
                AddWarning($"population '{p.Label}' ({p.CellType.Model.Name}) keeps its spike times on the grid: spike_precision=\"off_grid\" " +
                           "applies to models with a threshold comparison and a reset, without update blocks, noise or random draws (docs/semantics.md, \"Precise spike times\").");
        // Exact delivery of off-grid spikes (Lowering.Kernels.ExactDelivery): receptors it does not cover, and its stated limits.
        foreach (var p in _populations)
            if (p.CellType.Model.Kind == ModelKind.Neuron && _projections.Any(x => x.Coupling is null && x.Post.Parts.Any(q => q.Population == p)))
                foreach (var limit in Lowering.Kernels.ExactDelivery.Limits(p.CellType.Model))
                    AddWarning($"population '{p.Label}' ({p.CellType.Model.Name}): {limit} (docs/semantics.md, \"Exact delivery\").");
        // Exact delivery covers static projections; one with synapse dynamics delivers its sources' offsets on the grid.
        foreach (var x in _projections)
            if (x.Coupling is null && x.Model is not null && x.Pre.Parts.Select(q => q.Population).Distinct().Any(SpikesCarryOffsets))
                AddWarning($"projection '{x.Label}' ({x.Synapse.Name}) delivers off-grid spikes at the grid point after their arrival: exact delivery " +
                           "applies to projections without synapse dynamics (docs/semantics.md, \"Exact delivery\").");
        foreach (var p in _populations)
            if (p.CellType.Model.Kind == ModelKind.SpikeSource && !Backends.Runtime.HostSpikeSchedule.PreciseKinds.Contains(p.CellType.Model.SourceKind ?? ""))
                AddWarning($"population '{p.Label}' ({p.CellType.Model.Name}) keeps its spike times on the grid: spike_precision=\"off_grid\" " +
                           $"applies to {PreciseSourceNames()}, whose times are continuous (docs/semantics.md, \"Precise spike times\").");
    }

    /// <summary>Whether the spikes of <paramref name="population"/> carry offsets with <c>spike_precision="off_grid"</c>: a neuron model the option applies to, or a source of a precise kind.</summary>
    private static bool SpikesCarryOffsets(Population population) => population.CellType.Model.Kind == ModelKind.Neuron
        ? Lowering.Kernels.PreciseSpikeTimes.AppliesTo(population.CellType.Model)
        : Backends.Runtime.HostSpikeSchedule.PreciseKinds.Contains(population.CellType.Model.SourceKind ?? "");

    /// <summary>The standard spike sources whose kind takes precise times (<see cref="Backends.Runtime.HostSpikeSchedule.PreciseKinds"/>), as "A, B and C".</summary>
    private static string PreciseSourceNames()
    {
        var names = Models.Standard.StandardModels.All
            .Where(m => m.Kind == ModelKind.SpikeSource && Backends.Runtime.HostSpikeSchedule.PreciseKinds.Contains(m.SourceKind ?? "")).Select(m => m.Name).ToList();
        return names.Count < 2 ? string.Join("", names) : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
    }

    private void EnsureLoaded()
    {
        if (_engine is not null) return;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var p in _populations) p.ValidateParameters();
        Backends.Runtime.MemoryTrace.Mark("load starts");
        LoadMemory.BeforeResolve(_projections.Sum(p => (long)p.Size));
        // The projections' own positions are dropped before the backend builds its tables, so the two do not coexist: each
        // static projection's as soon as its parts are made (ReleaseWhileResolving), so that its arrays and its parts' are
        // not held together with the next projection's.
        _spec = Resolve(ReleaseWhileResolving);
        Backends.Runtime.MemoryTrace.Mark("resolved");
        ReleaseProjectionConnections();
        Backends.Runtime.MemoryTrace.Mark("projection arrays released");
        CheckCapabilities(_spec);
        WarnWhereSpikesStayOnTheGrid();
        _lowering = new NetworkLowering(_spec);
        Backends.Runtime.MemoryTrace.Mark("lowered");
        var engine = Backend.CreateEngine(new EngineOptions
        {
            Precision = Options.Precision, Device = Options.Device, Threads = Options.Threads, LocalRank = Options.Communicator?.LocalRank,
        });
        _engine = Options.Communicator is { } communicator
            ? new Distributed.DistributedEngine(engine, communicator) { SampleDivergedTest = Recorders.DivergedSampleTest }
            : engine;
        _engine.Load(_lowering.Program);
        Backends.Runtime.MemoryTrace.Mark("engine loaded");
        ReleaseProgramConnections();
        LoadMemory.AfterLoad(_partsOfLoad.Sum(p => (long)p.Spec.Count));
        Backends.Runtime.MemoryTrace.Mark("program arrays released");
        _changedParameters.Clear();
        _changedSequences.Clear();
        _changedSynapses.Clear();
        _currentSourcesChanged = false;
        Recorders.Changed = false;
        LoadSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    internal void CheckCapabilities(NetworkSpec spec)
    {
        var caps = Backend.Descriptor.Capabilities;
        string name = Backend.Descriptor.Name;
        foreach (var p in spec.Populations)
        {
            var m = p.Model;
            if (m.Kind == ModelKind.SpikeSource)
            {
                if (!caps.SpikeSources.Contains(m.SourceKind!)) throw new NotSupportedByBackendException(name, $"Spike source {m.Name}");
            }
            else if (!caps.CellTypes.Contains(m.Name) && !caps.UserDefinedModels)
                throw new NotSupportedByBackendException(name, $"Cell type {m.Name}");
            else if (m.NoiseTerms.Count > 0 && !caps.Features.Contains(BackendFeatures.NoiseTerms))
                throw new NotSupportedByBackendException(name, $"Noise terms ({string.Join(", ", m.NoiseTerms)} in {m.Name})");
        }
        foreach (var c in spec.CurrentSources)
            if (!caps.CurrentSources.Contains(c.Kind)) throw new NotSupportedByBackendException(name, $"Current source {c.Kind}");
        foreach (var pr in spec.Projections)
        {
            if (pr.Kernel is null && !caps.SynapseTypes.Contains(pr.SynapseType)) throw new NotSupportedByBackendException(name, $"Synapse type {pr.SynapseType}");
            if (pr.Kernel is not null && !caps.Features.Contains(BackendFeatures.SynapseDynamics))
                throw new NotSupportedByBackendException(name, $"Synapse type {pr.SynapseType} (synapse dynamics)");
        }
        foreach (var c in spec.Couplings)
            if (!caps.Features.Contains(BackendFeatures.ContinuousCoupling))
                throw new NotSupportedByBackendException(name, $"Continuous coupling '{c.Label}' ({c.Type})");
        if (Options.Precision is { } precision && !caps.Precisions.Contains(precision))
            throw new NotSupportedByBackendException(name, $"Precision {precision}");
    }

    private void SyncChanges()
    {
        if (_engine is null) return;
        var couplings = _changedSynapses.Where(c => c.Item1.Coupling is not null).ToArray();
        if (couplings.Length > 0) _couplingParts = CouplingParts().ToArray();
        if (_changedParameters.Count == 0 && _changedSequences.Count == 0 && _changedSynapses.Count == 0
            && !_currentSourcesChanged && !Recorders.Changed) return;
        foreach (var changed in _changedParameters.Select(c => c.Item1).Concat(_changedSequences.Select(c => c.Item1)).Distinct())
            changed.ValidateParameters();
        // The arrays of a projection are rebuilt only when one of its weights or delays changed; the others are not split (nor
        // their connections drawn) again.
        var parts = _changedSynapses.Count > 0 ? ProjectionParts(_changedSynapses.Select(c => c.Item1).ToHashSet(), rowOrdered: _loadedInRowOrder).ToArray() : [];
        var neurons = new List<NeuronGroupUpdate>();
        var sourceParameters = new List<(int, string, double[])>();
        foreach (var group in _changedParameters.GroupBy(c => c.Item1))
        {
            var (n, sources) = _lowering!.ParameterUpdate(group.Key.Index, group.Key.ParameterArrays, group.Select(c => c.Item2));
            if (n is not null) neurons.Add(n);
            sourceParameters.AddRange(sources);
        }
        var update = new ProgramUpdate
        {
            Neurons = neurons,
            SourceParameters = sourceParameters,
            SourceSequences = _changedSequences.Select(c => (c.Item1.Index, c.Item2, c.Item1.SequenceArrays[c.Item2].Select(s => (double[])s.Clone()).ToArray())).ToArray(),
            Synapses = _changedSynapses.Where(c => c.Item1.Coupling is null && (c.Item2 == "delay" || c.Item1.Model is null))
                .SelectMany(c => parts.Where(p => p.Owner == c.Item1).Select(p => p.Spec)
                .Select(s => (s.Index, c.Item2, c.Item2 == "weight" ? s.Weights.ToArray() : s.DelaySteps.Select(d => (double)d).ToArray()))).ToArray(),
            SynapseGroups = SynapseGroupUpdates(parts),
            Couplings = couplings.SelectMany(c => _couplingParts.Where(p => p.Owner == c.Item1).Select(p => (p.Spec.Index, c.Item2, p.Spec.Values[c.Item2]))).ToArray(),
            CurrentSources = _currentSourcesChanged ? CurrentSourceSpecs() : null,
            Recorders = Recorders.Changed ? Recorders.Specs() : null,
        };
        RestoreProgramConnections(parts);
        _engine.Update(update);
        _changedParameters.Clear();
        _changedSequences.Clear();
        _changedSynapses.Clear();
        _currentSourcesChanged = false;
        Recorders.Changed = false;
    }

    /// <summary>
    /// Splits each projection into one spec per (pre population, post population) pair, with the projection it came from and
    /// the positions of its connections in the projection (connection order; empty for a static synapse, which never needs them). A synapse type with dynamics is lowered into
    /// its kernel here, with its per-synapse values. With <paramref name="only"/> (after load) just the parts of those projections,
    /// each with the index of its loaded part. With <paramref name="rowOrdered"/> (the load, and updates of loaded parts, which
    /// must come in the loaded parts' order) the parts of projections <see cref="RowOrdered"/> allows are in row order.
    /// </summary>
    private IEnumerable<(SynapseGroupProgram Spec, Projection Owner, int[] Connections)> ProjectionParts(IReadOnlySet<Projection>? only = null,
        Action<Projection, IReadOnlyList<SynapseGroupProgram>>? projectionDone = null, bool rowOrdered = false)
    {
        int index = 0;
        foreach (var prj in _projections.Where(p => p.Coupling is null))
        {
            if (only is not null && !only.Contains(prj))
            {
                // Its loaded parts (consecutive, in this order) keep their indices.
                index += _partsOfLoad.Count(p => p.Owner == prj);
                continue;
            }
            // A static projection whose weight and delay are one value each never reads its parts' connection positions.
            bool positions = prj.Model is not null || prj.Weights is not RepeatedValue<double> || prj.Delays is not RepeatedValue<double>;
            var made = projectionDone is null ? null : new List<SynapseGroupProgram>();
            foreach (var part in PopulationParts(prj, positions, rowOrdered && RowOrdered(prj)))
            {
                var ks = part.Connections;
                int count = part.PostIndices.Length;
                string label = part.Label;
                var post = _populations[part.Post].CellType.Model;
                if (post.Kind != ModelKind.Neuron) throw new ConnectionException($"Projection '{label}' targets spike sources.");
                int receptor = post.Receptors.ToList().FindIndex(r => r.Name == prj.ReceptorType);
                if (receptor < 0) throw new ConnectionException($"Projection '{label}': {post.Name} has no receptor '{prj.ReceptorType}'.");
                // A weight or delay shared by the whole projection stays one value here too (RepeatedValue), not a copy per synapse.
                IReadOnlyList<double> weights = prj.Weights is RepeatedValue<double> w && prj.Model is null
                    ? new RepeatedValue<double>(w.Value, count) : ks.Select(k => prj.Weights[k]).ToArray();
                IReadOnlyList<int> delaySteps = prj.Delays is RepeatedValue<double> d
                    ? new RepeatedValue<int>(DelaySteps(d.Value), count) : ks.Select(k => DelaySteps(prj.Delays[k])).ToArray();
                var spec = new SynapseGroupProgram
                {
                    Index = index++,
                    Label = label,
                    PreGroup = part.Pre,
                    PostGroup = part.Post,
                    Receptor = receptor,
                    SynapseType = prj.Synapse.Name,
                    PreIndices = part.PreIndices,
                    PostIndices = part.PostIndices,
                    RowStarts = part.RowStarts,
                    Weights = weights,
                    DelaySteps = delaySteps,
                    DendriticDelayFraction = prj.Synapse.DendriticDelayFraction,
                };
                if (prj.Model is { } model)
                {
                    var parameters = PartColumns(prj.SynapseParameters, ks);
                    var weightColumn = (double[])weights;
                    parameters[SynapseModel.WeightName] = weightColumn;
                    var states = PartColumns(prj.SynapseStates, ks);
                    if (model.PlasticWeight) states[SynapseModel.WeightName] = weightColumn;
                    if (!model.PlasticWeight) states.Remove(SynapseModel.WeightName);
                    var kernel = SynapseKernelBuilder.Build(model, parameters);
                    spec = spec with { Kernel = kernel, Values = SynapseKernelBuilder.Values(model, kernel, parameters, states, ks.Length) };
                }
                // Only a synapse with dynamics needs its connections' positions later (to read its state back in connection
                // order); a static part's are not kept (4 bytes a synapse).
                made?.Add(spec);
                yield return (spec, prj, prj.Model is null ? [] : ks);
            }
            if (made is not null) projectionDone!(prj, made);
        }
    }

    /// <summary>
    /// Whether the loaded parts of <paramref name="prj"/> are made in row order (<see cref="SynapseGroupProgram.RowStarts"/>, no pre
    /// cell per connection): a static projection whose connections are kept as a fingerprint once loaded
    /// (<see cref="ReplayedConnections.CanReplay"/>), so that nothing reads its parts in connection order (the part-backed
    /// <see cref="ReleasedConnections"/> rebuilds a projection's positions from its parts in connection order, and a synapse with
    /// dynamics reads its state back through them). Every backend's table is by pre cell in a stable order, so it holds the
    /// same synapses in the same order either way; the cpu table takes a part in row order as it is, without a copy. The
    /// public <see cref="Resolve()"/> keeps connection order (a sweep's thermalisation key hashes it).
    /// </summary>
    private static bool RowOrdered(Projection prj) => prj.Model is null && prj.Coupling is null && ReplayedConnections.CanReplay(prj);

    /// <summary>A delay in ms (rounded to the time step by the projection) as whole steps, at least 1.</summary>
    private int DelaySteps(double delay) => (int)Math.Max(1, Math.Round(delay / Timestep));

    /// <summary>
    /// The updates of projections with a synapse model whose parameters or states were set: every parameter buffer (its
    /// storage may have changed, then with the new kernel) and the states that were set.
    /// </summary>
    private SynapseGroupUpdate[] SynapseGroupUpdates((SynapseGroupProgram Spec, Projection Owner, int[] Connections)[] parts)
    {
        var updates = new List<SynapseGroupUpdate>();
        foreach (var projection in _changedSynapses.Where(c => c.Item1.Model is not null && c.Item2 != "delay").Select(c => c.Item1).Distinct())
        {
            var changed = _changedSynapses.Where(c => c.Item1 == projection).Select(c => c.Item2).ToHashSet();
            foreach (var (spec, _, _) in parts.Where(p => p.Owner == projection))
            {
                var loaded = _partsOfLoad[spec.Index].Spec.Kernel!;
                var kernel = spec.Kernel!;
                var values = spec.Values.Where(kv => kernel.Buffer(kv.Key)!.Role != BufferRole.State || changed.Contains(kv.Key))
                    .ToDictionary(kv => kv.Key, kv => kv.Value);
                updates.Add(new SynapseGroupUpdate(spec.Index, kernel.Key == loaded.Key ? null : kernel, values));
                _partsOfLoad[spec.Index] = (spec, projection, _partsOfLoad[spec.Index].Connections);
            }
        }
        return updates.ToArray();
    }

    private static Dictionary<string, double[]> PartColumns(IReadOnlyDictionary<string, double[]> columns, int[] connections) =>
        columns.ToDictionary(kv => kv.Key, kv => connections.Select(k => kv.Value[k]).ToArray());

    /// <summary>
    /// The current values of a synapse state of <paramref name="projection"/> (connection order) as the backend holds them, or
    /// null before the first run or when a value set since has not reached the backend yet.
    /// </summary>
    internal double[]? ReadSynapseState(Projection projection, string name)
    {
        if (_engine is null || _changedSynapses.Contains((projection, name))) return null;
        var result = new double[projection.Size];
        if (projection.Coupling is not null)
        {
            foreach (var (spec, owner, connections) in _couplingParts.Where(p => p.Owner == projection))
            {
                var values = _engine.ReadCoupling(spec.Index, name);
                for (int i = 0; i < connections.Length; i++) result[connections[i]] = values[i];
            }
            return result;
        }
        foreach (var (spec, owner, connections) in _partsOfLoad)
        {
            if (owner != projection) continue;
            var values = _engine.ReadSynapses(spec.Index, name);
            for (int i = 0; i < connections.Length; i++) result[connections[i]] = values[i];
        }
        return result;
    }

    private (SynapseGroupProgram Spec, Projection Owner, int[] Connections)[] _partsOfLoad = [];

    private CurrentSourceSpec[] CurrentSourceSpecs()
    {
        var list = new List<CurrentSourceSpec>();
        for (int i = 0; i < _currentSources.Count; i++) list.AddRange(_currentSources[i].ToSpecs(list.Count, i, Timestep, Options.Seed));
        return list.ToArray();
    }

    /// <summary>Records the current of each recording source over a run, from the schedule the backend followed.</summary>
    private void RecordCurrents(long from, long to)
    {
        for (int i = 0; i < _currentSources.Count; i++)
        {
            var source = _currentSources[i];
            int index = i;
            source.Recording.Append(from, to, () => new CurrentSchedule([source.ToSpecs(0, index, Timestep, Options.Seed).First()]));
        }
    }

    internal void CheckCanAddStructure(string what)
    {
        if (_engine is not null)
            throw new InvalidOperationException($"Cannot add {what} after the simulation has run; create the whole network before the first run.");
    }

    internal int NextProjectionIndex() => _projectionCount++;
    internal void AddProjection(Projection projection) => _projections.Add(projection);

    internal void AddCurrentSource(CurrentSource source)
    {
        if (!_currentSources.Contains(source)) _currentSources.Add(source);
    }

    internal RandomStream ProjectionRandom(int index) => new(Options.Seed, RandomStreams.Projection(index));

    /// <summary>
    /// The sum of <paramref name="value"/> over all ranks (a collective: every rank calls it at the same point of building the
    /// network); the value itself in one process.
    /// </summary>
    internal long SumOverRanks(int value) => Options.Communicator is { Size: > 1 } c ? c.AllGather(value).Sum(v => (long)v) : value;

    /// <summary>
    /// Per cell of <paramref name="cells"/>, whether this rank owns it (<see cref="Distributed.Placement"/>: a contiguous block of
    /// every population per rank); null in one process, where every rank's cells are here.
    /// </summary>

    internal bool[]? OwnedCells(IReadOnlyList<(Population Population, int Index)> cells)
    {
        if (Ranks == 1) return null;
        var owned = new bool[cells.Count];
        for (int j = 0; j < owned.Length; j++)
            owned[j] = Distributed.Placement.Owns(cells[j].Population.Size, cells[j].Index, Rank, Ranks);
        return owned;
    }
    internal void MarkParameterChanged(Population p, string name) { if (_engine is not null) _changedParameters.Add((p, name)); }
    internal void MarkSequenceChanged(Population p, string name) { if (_engine is not null) _changedSequences.Add((p, name)); }
    internal void MarkSynapseChanged(Projection p, string name) { if (_engine is not null) _changedSynapses.Add((p, name)); }
    internal void MarkCurrentSourcesChanged() => _currentSourcesChanged = true;

    /// <summary>
    /// Releases the backend engine and the resolved network and step program it was loaded from (a copy of every
    /// connection), so that a disposed simulation still referenced while the next network is built holds only its own
    /// description and recordings.
    /// </summary>
    public void Dispose()
    {
        _engine?.Dispose();
        _engine = null;
        _spec = null;
        _lowering = null;
        _partsOfLoad = [];
        _couplingParts = [];
    }
}
