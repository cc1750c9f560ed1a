using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Backends.Torch.Delivery;
using Meta.Backends.Torch.Expressions;
using Meta.Backends.Torch.Groups;
using Meta.Backends.Torch.Kernels;
using Meta.Backends.Torch.Recording;
using Meta.Backends.Torch.Sources;
using TorchSharp;

namespace Meta.Backends.Torch;

/// <summary>
/// The TorchSharp runtime of a step program (the step loop itself is <see cref="StepEngine"/>'s), inside inference mode and
/// one dispose scope per step: each neuron group's kernel plan advances whole groups of cells with tensor operations, the
/// spikes stamped s = k+1 are delivered into the delay rings (<c>index_add_</c>) and appended to the spike logs, and the
/// samples of index s are taken on the device.
/// </summary>
internal sealed class TorchEngine(TorchContext ctx, string deviceName) : StepEngine
{
    private readonly TensorConstants _constants = new(ctx.DType, ctx.Device);
    private ISpikeUnit[] _units = [];
    private NeuronGroup[] _groups = [];
    private (ISpikeUnit Unit, int Member)[] _unitOf = [];
    private SynapseTable[] _tables = [];
    private (SynapseTable Table, int Member)[] _tableOf = [];
    private SpikeBlockBuilder?[] _spikes = [];
    private SampleCollector?[] _samples = [];
    private SpikeLog?[] _logs = [];

    /// <summary>The device the tensors live on (for messages).</summary>
    public string Device => deviceName;

    protected override string BackendName => TorchBackend.BackendName;

    protected override CellKernel KernelOf(int group)
    {
        var (unit, member) = _unitOf[group];
        return ((NeuronGroup)unit).Kernel(member);
    }

    protected override IDisposable? RunScope() => Inference();

    protected override IDisposable? StepScope(long s) => torch.NewDisposeScope();

    /// <summary>
    /// Units in population order: consecutive neuron populations whose kernels have the same structure and the same uniform
    /// values share one group; each spike source is a unit.
    /// </summary>
    protected override void OnLoad(StepProgram program)
    {
        using var scope = Inference();
        DisposeNetwork();
        var plans = new KernelPlans(new TensorArithmetic(_constants));
        var units = new List<ISpikeUnit>();
        var unitOf = new (ISpikeUnit, int)[program.Groups.Count];
        var run = new List<NeuronGroupProgram>();
        void CloseRun()
        {
            if (run.Count == 0) return;
            var group = new NeuronGroup(run.ToArray(), program.RingSlots, program.Timestep, program.Seed, ctx, plans, _constants, CountKernel);
            for (int m = 0; m < run.Count; m++) unitOf[run[m].Index] = (group, m);
            units.Add(group);
            run.Clear();
        }
        foreach (var g in program.Groups)
        {
            if (g is NeuronGroupProgram n)
            {
                if (run.Count > 0 && !Mergeable(run[^1], n)) CloseRun();
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
    }

    private static bool Mergeable(NeuronGroupProgram a, NeuronGroupProgram b) =>
        a.Kernel.Key == b.Kernel.Key
        && a.Kernel.Buffers.Where(x => x.Storage == Storage.Uniform).All(x => a.Values[x.Name][0].Equals(b.Values[x.Name][0]));

    protected override void BeginRun(long start, long end, long firstSample)
    {
        foreach (var u in _units) if (u is HostScheduleUnit host) host.LastIndex = end;
        _spikes = Recorders.Select(r => r.IsSpikes ? new SpikeBlockBuilder(r, Program.Groups[r.Population].Size) : null).ToArray();
        _samples = Recorders.Select(r =>
        {
            if (r.IsSpikes) return null;
            var (unit, member) = _unitOf[r.Population];
            return new SampleCollector(r, r.SampleCount(firstSample, end), (NeuronGroup)unit, unit.PopulationOffsets[member], ctx);
        }).ToArray();
        _logs = _units.Select(u =>
        {
            var mine = _spikes.Where(c => c is not null && u.Populations.Contains(c.Population)).Select(c => c!).ToList();
            return mine.Count > 0 ? new SpikeLog(u, mine, ctx.Device) : null;
        }).ToArray();
    }

    protected override void InjectionChanged(int group)
    {
        var (unit, member) = _unitOf[group];
        ((NeuronGroup)unit).SetInjected(member, Injection.Of(group)!, Injection.Targets(group));
    }

    protected override void Advance(long k)
    {
        foreach (var g in _groups) g.Step(k);
    }

    protected override void EmitAndDeliver(long s)
    {
        for (int u = 0; u < _units.Length; u++)
        {
            var unit = _units[u];
            using var cells = unit.Emit(s);
            if (cells is null) continue;
            foreach (var table in unit.Outgoing) table.Deliver(cells, s);
            _logs[u]?.Append(cells, s);
        }
    }

    protected override void TakeSamples(long s)
    {
        foreach (var c in _samples) c?.Take(s);
    }

    protected override RunResult EndRun(long start, long end)
    {
        try
        {
            foreach (var log in _logs) log?.Flush();
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
            foreach (var log in _logs) log?.Dispose();
            foreach (var c in _samples) c?.Dispose();
            foreach (var g in _groups) g.ClearSpiked();
            _logs = [];
            _samples = [];
        }
    }

    protected override void UpdateNeurons(int group, CellKernel? kernel, IReadOnlyDictionary<string, double[]> values)
    {
        using var scope = Inference();
        var (unit, member) = _unitOf[group];
        ((NeuronGroup)unit).Update(member, kernel, values, CountKernel);
    }

    protected override void UpdateSourceParameter(int group, string name, double[] values)
    {
        switch (_unitOf[group].Unit)
        {
            case PoissonUnit poisson: poisson.SetParameter(name, values); break;
            case HostScheduleUnit host: host.SetParameter(name, values); break;
            default: throw new NonExistentParameterException(name, Program.Groups[group].ModelName, []);
        }
    }

    protected override void UpdateSourceSequence(int group, string name, double[][] values)
    {
        if (_unitOf[group].Unit is HostScheduleUnit host) host.SetSequence(name, values);
        else throw new NonExistentParameterException(name, Program.Groups[group].ModelName, []);
    }

    protected override void SetWeights(int projection, double[] values)
    {
        using var scope = Inference();
        var (table, member) = _tableOf[projection];
        table.SetWeights(member, values);
    }

    protected override void SetDelays(int projection, double[] values)
    {
        using var scope = Inference();
        var (table, member) = _tableOf[projection];
        table.SetDelays(member, values);
    }

    protected override void OnReset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        using var scope = Inference();
        foreach (var g in _groups) g.Reset(g.Populations.Select(p => initialValues[p]).ToArray());
        foreach (var u in _units) if (u is HostScheduleUnit host) host.Reset();
    }

    private void DisposeNetwork()
    {
        foreach (var t in _tables) t.Dispose();
        foreach (var u in _units) u.Dispose();
        _tables = [];
        _units = [];
        _groups = [];
    }

    public override void Dispose()
    {
        DisposeNetwork();
        _constants.Dispose();
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
