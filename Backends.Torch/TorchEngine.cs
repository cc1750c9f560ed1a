using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Backends.Torch.Couplings;
using Meta.Backends.Torch.Delivery;
using Meta.Backends.Torch.Expressions;
using Meta.Backends.Torch.Groups;
using Meta.Backends.Torch.Recording;
using Meta.Backends.Torch.Sources;
using Meta.Backends.Torch.Synapses;
using TorchSharp;

namespace Meta.Backends.Torch;

/// <summary>
/// The TorchSharp runtime of a step program (the step loop itself is <see cref="StepEngine"/>'s), inside inference mode and
/// one dispose scope per step: each neuron group's kernel plan advances whole groups of cells with tensor operations, the
/// spikes stamped s = k+1 are delivered into the delay rings (<c>index_add_</c>) and appended to the spike logs, the
/// synapse events of step s run (every projection's pre events, then every projection's post events), and the samples of
/// index s are taken on the device.
/// </summary>
internal sealed class TorchEngine(TorchContext ctx) : StepEngine
{
    private readonly TensorArithmetic _arithmetic = new(new TensorConstants(ctx.DType, ctx.Device),
        ctx.Device.type == DeviceType.CPU && !SparseMasks.WholeTensorsRequested ? new SparseMasks(SparseMasks.MinCellsRequested) : null);
    private ISpikeUnit[] _units = [];
    private NeuronGroup[] _groups = [];
    private (ISpikeUnit Unit, int Member)[] _unitOf = [];
    private SynapseTable[] _tables = [];
    /// <summary>Per unit, whether a table leaving it delivers off-grid spikes exactly (<see cref="SynapseTable.OffGrid"/>; decided at load).</summary>
    private bool[] _offGridOut = [];
    private (SynapseTable Table, int Member)[] _tableOf = [];
    private SpikeBlockBuilder?[] _spikes = [];
    private SampleCollector?[] _samples = [];
    private SpikeLog?[] _logs = [];
    private PlasticProjection?[] _plasticOf = [];
    private PlasticProjection[] _plastic = [];
    private SpikeHistory?[] _history = [];
    private TensorCouplings? _couplings;
    private readonly StepProfile? _profile = StepProfile.Requested ? new StepProfile() : null;

    protected override string BackendName => TorchBackend.BackendName;

    protected override CellKernel KernelOf(int group) => ((NeuronGroup)_unitOf[group].Unit).Kernel(_unitOf[group].Member);

    protected override IDisposable? RunScope() => Inference();

    protected override bool ContinuousCoupling => true;

    protected override bool CanReadCellStates => true;

    protected override double[] ReadCellState(int group, string name) => ((NeuronGroup)_unitOf[group].Unit).ReadState(_unitOf[group].Member, name);

    protected override void Couple(long k)
    {
        long since = _profile is null ? 0 : StepProfile.Now();
        _couplings!.Step(Program.Timestep);
        _profile?.AddCouple(since);
    }

    protected override double[] ReadCouplingBuffer(int coupling, string name)
    {
        using var scope = Inference();
        return _couplings!.Read(coupling, name);
    }

    protected override void WriteCouplingBuffer(int coupling, string name, double[] values)
    {
        using var scope = Inference();
        _couplings!.Write(coupling, name, values);
    }

    protected override IDisposable? StepScope(long s)
    {
        // The last step's index lists died with its dispose scope.
        _arithmetic.Sparse?.Clear();
        if (_profile is null) return torch.NewDisposeScope();
        var scope = torch.NewDisposeScope();
        _profile.BeginStep();
        return new ProfiledStep(scope, _profile);
    }

    /// <summary>A step's dispose scope whose end is counted and timed by the profile.</summary>
    private sealed class ProfiledStep(IDisposable scope, StepProfile profile) : IDisposable
    {
        public void Dispose()
        {
            profile.EndStep();
            long since = StepProfile.Now();
            scope.Dispose();
            profile.AddRelease(since);
        }
    }

    /// <summary>
    /// Units in population order: consecutive neuron populations whose kernels have the same structure and the same uniform
    /// values share one group; each spike source is a unit.
    /// </summary>
    protected override void OnLoad(StepProgram program)
    {
        using var scope = Inference();
        DisposeNetwork();
        var units = new List<ISpikeUnit>();
        var unitOf = new (ISpikeUnit, int)[program.Groups.Count];
        var run = new List<NeuronGroupProgram>();
        void CloseRun()
        {
            if (run.Count == 0) return;
            var group = new NeuronGroup(run.ToArray(), program.RingSlots, program.Timestep, program.Seed, ctx, _arithmetic, CountKernel);
            for (int m = 0; m < run.Count; m++) unitOf[run[m].Index] = (group, m);
            units.Add(group);
            run.Clear();
        }
        foreach (var g in program.Groups)
        {
            if (g is NeuronGroupProgram n)
            {
                if (run.Count > 0 && !GroupMember.RunLike(run[^1].Kernel, run[^1].Values, n.Kernel, n.Values)) CloseRun();
                run.Add(n);
                continue;
            }
            CloseRun();
            ISpikeUnit source = g switch
            {
                SpikeSourceProgram { Kind: SpikeSourceKinds.Poisson } p => new PoissonUnit(p, program.Timestep, program.Seed, ctx),
                SpikeSourceProgram p when HostSpikeSchedule.Handles(p.Kind) => new HostScheduleUnit(p, program.Timestep, program.Seed, ctx),
                _ => throw new NotSupportedByBackendException(BackendName, $"Cell group {g.ModelName}"),
            };
            unitOf[g.Index] = (source, 0);
            units.Add(source);
        }
        CloseRun();
        _units = units.ToArray();
        _unitOf = unitOf;
        _groups = units.OfType<NeuronGroup>().ToArray();
        (_tables, _tableOf) = SynapseTables.Build(program, _unitOf, ctx);
        _offGridOut = _units.Select(u => u.Outgoing.Any(t => t.OffGrid)).ToArray();
        _plasticOf = program.Projections.Select(p => p.Kernel is null ? null : new PlasticProjection(p,
            _unitOf[p.PreGroup].Unit, _unitOf[p.PreGroup].Unit.PopulationOffsets[_unitOf[p.PreGroup].Member],
            (NeuronGroup)_unitOf[p.PostGroup].Unit, _unitOf[p.PostGroup].Unit.PopulationOffsets[_unitOf[p.PostGroup].Member],
            program.Timestep, program.Seed, ctx, _arithmetic, CountKernel)).ToArray();
        _plastic = _plasticOf.OfType<PlasticProjection>().ToArray();
        // A spike history for every unit that is pre or post of a projection with synapse dynamics; host-scheduled sources
        // may emit a cell several times in one index.
        _history = _units.Select(u => _plastic.Any(p => p.PreUnit == u || p.PostUnit == u)
            ? new SpikeHistory(u.Size, program.RingSlots, u is HostScheduleUnit, ctx.Device) : null).ToArray();
        _couplings = CouplingOrder is { } order
            ? new TensorCouplings(program, order, g => ((NeuronGroup)_unitOf[g].Unit, _unitOf[g].Unit.PopulationOffsets[_unitOf[g].Member]), ctx, CountKernel)
            : null;
    }

    protected override void BeginRun(long start, long end, long firstSample)
    {
        foreach (var u in _units) if (u is ISourceUnit source) source.LastIndex = end;
        _spikes = SpikeBlockBuilder.ForRun(_spikes, Recorders, Program);
        _samples = Recorders.Select(r =>
        {
            if (r.IsSpikes) return null;
            var (unit, member) = _unitOf[r.Population];
            return new SampleCollector(r, r.SampleCount(firstSample, end), (NeuronGroup)unit, unit.PopulationOffsets[member], ctx);
        }).ToArray();
        _logs = _units.Select(u =>
        {
            var mine = _spikes.Where(c => c is not null && u.Populations.Contains(c.Population)).Select(c => c!).ToList();
            if (mine.Count == 0) return null;
            // Precise spike times: the unit's kernel keeps each spike's offset from the grid in a state.
            string? offset = mine.Any(c => c.Precise) ? SpikeBlockBuilder.OffsetBufferOf(Program.Groups[mine.First(c => c.Precise).Population]) : null;
            // A spike source with precise times: its schedule gives each spike's offset on the host.
            var hostOffsets = u is HostScheduleUnit host && mine.Any(c => c.Precise) ? host.OffsetsAt : (Func<long, ArraySegment<double>?>?)null;
            return new SpikeLog(u, mine, ctx.Device, offset is null ? null : () => ((NeuronGroup)u).State(offset), hostOffsets: hostOffsets);
        }).ToArray();
    }

    protected override void InjectionChanged(int group)
    {
        var (unit, member) = _unitOf[group];
        // A coupling target's injected current is its sources' plus the coupling's, written by the coupling every step.
        if (_couplings?.IsTarget(group) == true) _couplings.SetSources(group, Injection.Of(group)!);
        ((NeuronGroup)unit).SetInjected(member, Injection.Of(group)!, Injection.Targets(group));
    }

    protected override void Advance(long k)
    {
        long since = _profile is null ? 0 : StepProfile.Now();
        foreach (var g in _groups) g.Step(k);
        _profile?.AddNeuron(since);
    }

    protected override void EmitAndDeliver(long s)
    {
        long since = _profile is null ? 0 : StepProfile.Now();
        for (int u = 0; u < _units.Length; u++)
        {
            var unit = _units[u];
            long part = _profile is null ? 0 : StepProfile.Now();
            using var cells = unit.Emit(s);
            _history[u]?.Record(s, cells);
            _profile?.AddListing(part, unit is not NeuronGroup);
            if (cells is null) continue;
            if (_profile is not null) part = StepProfile.Now();
            using var offsets = _offGridOut[u] ? SpikeOffsets(unit, cells, s) : null;
            foreach (var table in unit.Outgoing) table.Deliver(cells, s, table.OffGrid ? offsets : null);
            _profile?.AddDelivery(part);
            if (_profile is not null) part = StepProfile.Now();
            _logs[u]?.Append(cells, s);
            _profile?.AddLog(part);
        }
        if (_profile is not null) { _profile.AddEmit(since); since = StepProfile.Now(); }
        if (_plastic.Length == 0) return;
        // Synapse events of step s (docs/semantics.md): every pre event, then every post event.
        foreach (var p in _plastic) p.PreEvents(s, HistoryOf(p.PreUnit));
        foreach (var p in _plastic) p.PostEvents(s, HistoryOf(p.PostUnit));
        _profile?.AddPlastic(since);
    }

    /// <summary>
    /// The offsets from the grid (float64, ms) of the spikes <paramref name="cells"/> of <paramref name="unit"/>, for exact
    /// off-grid delivery: a neuron group's offset state gathered on the device, or a host schedule's offsets uploaded.
    /// </summary>
    private torch.Tensor SpikeOffsets(ISpikeUnit unit, torch.Tensor cells, long s)
    {
        if (unit is HostScheduleUnit schedule)
        {
            var host = schedule.OffsetsAt(s)?.ToArray() ?? throw new InvalidOperationException($"Population {unit.Populations[0]} has no spike offsets at index {s}.");
            using var onHost = torch.tensor(host, dtype: torch.ScalarType.Float64);
            return onHost.to(cells.device, copy: true);
        }
        string name = SpikeBlockBuilder.OffsetBufferOf(Program.Groups[unit.Populations[0]])
            ?? throw new InvalidOperationException($"Population {unit.Populations[0]} keeps no spike offsets.");
        using var picked = ((NeuronGroup)unit).State(name).index_select(0, cells);
        return picked.to(torch.ScalarType.Float64).contiguous();
    }

    private SpikeHistory HistoryOf(ISpikeUnit unit) => _history[Array.IndexOf(_units, unit)]!;

    protected override bool SynapseDynamics => true;

    protected override IPlasticSynapses? PlasticSynapses(int projection) => _plasticOf[projection];

    protected override IDisposable? UpdateScope() => Inference();

    protected override void TakeSamples(long s)
    {
        long since = _profile is null ? 0 : StepProfile.Now();
        foreach (var c in _samples) c?.Take(s);
        _profile?.AddSamples(since);
    }

    protected override RunResult EndRun(long start, long end)
    {
        try
        {
            foreach (var log in _logs) log?.Flush();
            _profile?.Report(_groups.Sum(g => g.Size));
            Kernels.StatementProfile.Current?.Report();
            return new RunResult
            {
                StartStep = start,
                EndStep = end,
                Spikes = _spikes.Where(c => c is not null).Select(c => c!.ToBlock()).ToArray(),
                Samples = _samples.Where(c => c is not null).Select(c => c!.ToBlock()).ToArray(),
            };
        }
        finally
        {
            ReleaseRun();
        }
    }

    protected override void AbortRun() => ReleaseRun();

    /// <summary>Disposes the run's spike logs and sample tensors (once) and clears the spike flags.</summary>
    private void ReleaseRun()
    {
        foreach (var log in _logs) log?.Dispose();
        foreach (var c in _samples) c?.Dispose();
        _logs = [];
        _samples = [];
        foreach (var g in _groups) g.ClearSpiked();
        _arithmetic.Sparse?.Clear();
    }

    protected override void UpdateNeurons(int group, CellKernel? kernel, IReadOnlyDictionary<string, double[]> values)
    {
        using var scope = Inference();
        ((NeuronGroup)_unitOf[group].Unit).Update(_unitOf[group].Member, kernel, values, CountKernel);
    }

    protected override void UpdateSourceParameter(int group, string name, double[] values) => Source(group, name).SetParameter(name, values);

    protected override void UpdateSourceSequence(int group, string name, double[][] values) => Source(group, name).SetSequence(name, values);

    private ISourceUnit Source(int group, string name) =>
        _unitOf[group].Unit as ISourceUnit ?? throw new NonExistentParameterException(name, Program.Groups[group].ModelName, []);

    protected override void SetWeights(int projection, double[] values)
    {
        using var scope = Inference();
        _tableOf[projection].Table.SetWeights(_tableOf[projection].Member, values);
    }

    protected override void SetDelays(int projection, double[] values)
    {
        using var scope = Inference();
        _tableOf[projection].Table.SetDelays(_tableOf[projection].Member, values);
    }

    protected override void OnReset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        using var scope = Inference();
        foreach (var g in _groups) g.Reset(g.Populations.Select(p => initialValues[p]).ToArray());
        foreach (var u in _units) if (u is ISourceUnit source) source.Reset();
        foreach (var h in _history) h?.Clear();
    }

    private void DisposeNetwork()
    {
        foreach (var t in _tables) t.Dispose();
        foreach (var p in _plastic) p.Dispose();
        foreach (var h in _history) h?.Dispose();
        _couplings?.Dispose();
        _couplings = null;
        foreach (var u in _units) u.Dispose();
        _plasticOf = [];
        _plastic = [];
        _history = [];
        _tables = [];
        _units = [];
        _groups = [];
    }

    public override void Dispose()
    {
        DisposeNetwork();
        _arithmetic.Constants.Dispose();
    }

    /// <summary>Inference mode (tensors made in it may only be changed in it) and a dispose scope for the temporaries.</summary>
    private static Scope Inference() => new(torch.inference_mode(), torch.NewDisposeScope());

    /// <summary>Inference mode and a dispose scope, ended together (the scope first).</summary>
    private sealed class Scope(IDisposable mode, IDisposable scope) : IDisposable
    {
        public void Dispose()
        {
            scope.Dispose();
            mode.Dispose();
        }
    }
}
