using Meta.Backends.Runtime;
using Meta.Models;
using Meta.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch;

/// <summary>
/// Runs one network as tensor programs, following docs/semantics.md exactly as the CPU backend does. Per step k (from
/// t = k·dt to (k+1)·dt), inside one dispose scope and inference mode: current sources of step k, then every neuron
/// group's update (its queued input of step k, integration, refractory clamp, threshold, reset), then the spikes stamped
/// s = k+1 are delivered into the delay rings (index_add_) and appended to the spike logs, and the samples of index s taken.
/// </summary>
internal sealed class TorchEngine(TorchContext ctx, string deviceName) : ISimulationEngine
{
    private NetworkSpec _network = null!;
    private double _dt;
    private int _slots;
    private ISpikeUnit[] _units = [];
    private NeuronGroup[] _groups = [];
    private (ISpikeUnit Unit, int Member)[] _unitOf = [];
    private SynapseTable[] _tables = [];
    private (SynapseTable Table, int Member)[] _tableOf = [];
    private CurrentSchedule _currents = new([]);
    private RecorderSpec[] _recorders = [];
    private long _step;
    private bool _initialEmitted;

    /// <summary>The device the tensors live on (for messages).</summary>
    public string Device => deviceName;

    public long CurrentStep => _step;

    public void Load(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        DisposeNetwork();
        _network = network;
        _dt = network.Timestep;
        _slots = network.MaxDelaySteps + 1;

        // Units: consecutive neuron populations that fold alike share one group; each spike source is a unit.
        var units = new List<ISpikeUnit>();
        var unitOf = new (ISpikeUnit, int)[network.Populations.Count];
        var run = new List<NeuronPopulationData>();
        void CloseRun()
        {
            if (run.Count == 0) return;
            var group = new NeuronGroup(run.ToArray(), units.Count, _slots, _dt, network.Seed, ctx);
            for (int m = 0; m < run.Count; m++) unitOf[run[m].Spec.Index] = (group, m);
            units.Add(group);
            run.Clear();
        }
        foreach (var p in network.Populations)
        {
            if (p.Model.Kind == ModelKind.Neuron)
            {
                var data = new NeuronPopulationData(p, _dt);
                if (run.Count > 0 && !run[^1].FoldsLike(data)) CloseRun();
                run.Add(data);
                continue;
            }
            CloseRun();
            ISpikeUnit source = p.Model.SourceKind switch
            {
                SpikeSourceKinds.Poisson => new PoissonUnit(p, _dt, network.Seed, ctx),
                _ when HostSpikeSchedule.Handles(p.Model.SourceKind) => new HostScheduleUnit(p, _dt, network.Seed, ctx),
                _ => throw new NotSupportedByBackendException(TorchBackend.BackendName, $"Spike source kind '{p.Model.SourceKind}' ({p.Model.Name})"),
            };
            unitOf[p.Index] = (source, 0);
            units.Add(source);
        }
        CloseRun();
        _units = units.ToArray();
        _unitOf = unitOf;
        _groups = units.OfType<NeuronGroup>().ToArray();
        BuildTables(network);
        SetSources(network.CurrentSources);
        SetRecorders(network.Recorders);
        _step = 0;
        _initialEmitted = false;
    }

    /// <summary>
    /// One table per (emitting unit, target group) holding all projections between them, unless two of them share
    /// pre population, post population and receptor (their sums would interleave differently from the CPU's): then one
    /// table per projection. A unit delivers its tables in the CPU's order (pre population, then projection).
    /// </summary>
    private void BuildTables(NetworkSpec network)
    {
        var buckets = new Dictionary<(ISpikeUnit, NeuronGroup), List<(ProjectionSpec Spec, int Receptor)>>();
        var order = new List<(ISpikeUnit, NeuronGroup)>();
        foreach (var p in network.Projections)
        {
            var (post, _) = _unitOf[p.PostPopulation];
            if (post is not NeuronGroup group) throw new ConnectionException($"Projection '{p.Label}' targets spike sources.");
            int r = group.ReceptorIndex(p.Receptor);
            if (r < 0) throw new ConnectionException($"Projection '{p.Label}': {group.Model.Name} has no receptor '{p.Receptor}'.");
            var key = (_unitOf[p.PrePopulation].Unit, group);
            if (!buckets.TryGetValue(key, out var list)) { buckets[key] = list = []; order.Add(key); }
            list.Add((p, r));
        }
        var tables = new List<SynapseTable>();
        var tableOf = new (SynapseTable, int)[network.Projections.Count];
        foreach (var key in order)
        {
            var (pre, post) = key;
            var list = buckets[key];
            bool conflict = list.GroupBy(x => (x.Spec.PrePopulation, x.Spec.PostPopulation, x.Receptor)).Any(g => g.Count() > 1);
            var parts = conflict ? list.Select(x => new[] { x }).ToList() : [list.ToArray()];
            foreach (var part in parts)
            {
                var members = part.Select(x => new SynapseTable.Member(x.Spec, Offset(pre, x.Spec.PrePopulation), Offset(post, x.Spec.PostPopulation), x.Receptor)).ToArray();
                var table = new SynapseTable(members, pre.Size, post, ctx);
                for (int m = 0; m < part.Length; m++) tableOf[part[m].Spec.Index] = (table, m);
                tables.Add(table);
                pre.Outgoing.Add(table);
            }
        }
        foreach (var unit in _units)
        {
            var sorted = unit.Outgoing.OrderBy(t => t.Members.Min(m => (m.Spec.PrePopulation, m.Spec.Index))).ToList();
            unit.Outgoing.Clear();
            unit.Outgoing.AddRange(sorted);
        }
        _tables = tables.ToArray();
        _tableOf = tableOf;
    }

    private int Offset(ISpikeUnit unit, int population)
    {
        var (u, member) = _unitOf[population];
        return ReferenceEquals(u, unit) ? unit.PopulationOffsets[member] : throw new InvalidOperationException("Population not in unit.");
    }

    public RunResult Run(long steps, Action<double>? progress = null)
    {
        using var inference = torch.inference_mode();
        long start = _step, end = _step + steps;
        foreach (var u in _units) if (u is HostScheduleUnit host) host.LastIndex = end;
        var spikeCollectors = new List<SpikeBlockBuilder>();
        var sampleCollectors = new List<SampleCollector>();
        var logs = new SpikeLog?[_units.Length];
        try
        {
            using (var setup = torch.NewDisposeScope())
            {
                foreach (var r in _recorders)
                {
                    var (unit, member) = _unitOf[r.Population];
                    if (r.IsSpikes) spikeCollectors.Add(new SpikeBlockBuilder(r, unit.Populations[member].Size));
                    else sampleCollectors.Add(new SampleCollector(r, CountSamples(r, start, end), (NeuronGroup)unit, unit.PopulationOffsets[member], ctx));
                }
                for (int u = 0; u < _units.Length; u++)
                {
                    var populations = _units[u].Populations.Select(p => p.Index).ToHashSet();
                    var mine = spikeCollectors.Where(c => populations.Contains(c.Spec.Population)).ToList();
                    if (mine.Count > 0) logs[u] = new SpikeLog(_units[u], mine, ctx.Device);
                }
                RecomputeInjected(start);
                if (!_initialEmitted)
                {
                    foreach (var c in sampleCollectors) c.Take(0);
                    EmitAndDeliver(0, logs);
                    _initialEmitted = true;
                }
            }
            long reportEvery = Math.Max(1, steps / 100);
            for (long k = start; k < end; k++)
            {
                using var scope = torch.NewDisposeScope();
                ApplySourceChanges(k);
                int slot = (int)(k % _slots);
                foreach (var g in _groups) g.Step(slot, k);
                long s = k + 1;
                EmitAndDeliver(s, logs);
                foreach (var c in sampleCollectors) c.Take(s);
                _step = s;
                if (progress is not null && (s - start) % reportEvery == 0) progress((double)(s - start) / steps);
            }
            using var finish = torch.NewDisposeScope();
            foreach (var log in logs) log?.Flush();
            return new RunResult
            {
                StartStep = start,
                EndStep = end,
                Spikes = spikeCollectors.Select(c => c.ToBlock()).ToArray(),
                Samples = sampleCollectors.Select(c => c.ToBlock()).ToArray(),
            };
        }
        finally
        {
            foreach (var log in logs) log?.Dispose();
            foreach (var c in sampleCollectors) c.Dispose();
            foreach (var g in _groups) g.ClearSpiked();
        }
    }

    private long CountSamples(RecorderSpec r, long start, long end)
    {
        long first = _initialEmitted ? start + 1 : start;
        if (end < first) return 0;
        // Multiples of the interval in [first, end].
        long interval = r.IntervalSteps;
        long from = (first + interval - 1) / interval, to = end / interval;
        return Math.Max(0, to - from + 1);
    }

    private void EmitAndDeliver(long s, SpikeLog?[] logs)
    {
        for (int u = 0; u < _units.Length; u++)
        {
            var unit = _units[u];
            using var cells = unit.Emit(s);
            if (cells is null) continue;
            foreach (var table in unit.Outgoing) table.Deliver(cells, s);
            logs[u]?.Append(cells, s);
        }
    }

    // ------------------------------------------------------------------ current sources

    private void SetSources(IReadOnlyList<CurrentSourceSpec> sources)
    {
        foreach (var s in sources)
            if (_unitOf[s.Population].Unit is not NeuronGroup)
                throw new InvalidParameterValueException($"Current source {s.Kind} targets '{_network.Populations[s.Population].Label}', which is not injectable.");
        _currents = new CurrentSchedule(sources);
        foreach (var g in _groups)
            g.SetHasInjection(sources.Any(s => ReferenceEquals(_unitOf[s.Population].Unit, g)));
    }

    /// <summary>The injected currents at step k, summed on the host in the CPU backend's order, then uploaded.</summary>
    private void RecomputeInjected(long k)
    {
        foreach (var g in _groups) Array.Clear(g.Injected);
        _currents.Seek(k);
        for (int j = 0; j < _currents.Sources.Count; j++) AddCurrent(j, _currents.Amplitude(j));
        foreach (var g in _groups) if (g.HasInjection) g.UploadInjected();
    }

    private void ApplySourceChanges(long k)
    {
        _currents.Advance(k, _addCurrent ??= AddCurrent, _changedGroups);
        foreach (var g in _changedGroups) g.UploadInjected();
    }

    /// <summary>The groups whose injected current changed in this step, and the cached delegate that changes it (no allocation per step).</summary>
    private readonly List<NeuronGroup> _changedGroups = [];
    private Func<int, double, NeuronGroup>? _addCurrent;

    private NeuronGroup AddCurrent(int source, double amplitude)
    {
        var s = _currents.Sources[source];
        var (unit, member) = _unitOf[s.Population];
        var group = (NeuronGroup)unit;
        int offset = group.Offsets[member];
        foreach (var c in s.Cells) group.Injected[offset + c] += amplitude;
        return group;
    }

    // ------------------------------------------------------------------ recorders, updates, reset

    private void SetRecorders(IReadOnlyList<RecorderSpec> recorders)
    {
        foreach (var r in recorders)
        {
            var (unit, _) = _unitOf[r.Population];
            var model = _network.Populations[r.Population].Model;
            if (!r.IsSpikes)
            {
                if (unit is not NeuronGroup group) throw new RecordingException(r.Variable, model.Name, model.Recordables);
                if (group.State(r.Variable) is null) throw new NonExistentParameterException(r.Variable, model.Name, model.States.Select(s => s.Name));
            }
            else if (!model.Recordables.Contains("spikes")) throw new RecordingException(r.Variable, model.Name, model.Recordables);
        }
        _recorders = recorders.ToArray();
    }

    public void Update(NetworkUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        foreach (var (pop, name, values) in update.Parameters)
        {
            var (unit, member) = _unitOf[pop];
            var model = _network.Populations[pop].Model;
            switch (unit)
            {
                case NeuronGroup g: g.SetParameter(member, name, values); break;
                case PoissonUnit poisson: poisson.SetParameter(name, values); break;
                case HostScheduleUnit host: host.SetParameter(name, values); break;
                default: throw new NonExistentParameterException(name, model.Name, model.Parameters.Select(p => p.Name));
            }
        }
        foreach (var (pop, name, values) in update.Sequences)
        {
            var (unit, _) = _unitOf[pop];
            var model = _network.Populations[pop].Model;
            if (unit is HostScheduleUnit host) host.SetSequence(name, values);
            else throw new NonExistentParameterException(name, model.Name, model.KernelParameters);
        }
        foreach (var (proj, name, values) in update.Synapses)
        {
            var (table, member) = _tableOf[proj];
            if (name == "weight") table.SetWeights(member, values);
            else if (name == "delay") table.SetDelays(member, values);
            else throw new NonExistentParameterException(name, "StaticSynapse", ["weight", "delay"]);
        }
        if (update.CurrentSources is { } cs) SetSources(cs);
        if (update.Recorders is { } rs) SetRecorders(rs);
    }

    public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        ArgumentNullException.ThrowIfNull(initialValues);
        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        foreach (var g in _groups) g.Reset(g.Members.Select(m => initialValues[m.Spec.Index]).ToArray());
        foreach (var u in _units) if (u is HostScheduleUnit host) host.Reset();
        _step = 0;
        _initialEmitted = false;
    }

    private void DisposeNetwork()
    {
        foreach (var t in _tables) t.Dispose();
        foreach (var u in _units) u.Dispose();
        _tables = [];
        _units = [];
        _groups = [];
    }

    public void Dispose() => DisposeNetwork();
}
