using Meta.Backends.Runtime;
using Meta.Models;
using Meta.Network;

namespace Meta.Backends.Cpu;

/// <summary>
/// Runs one network on the CPU following docs/semantics.md. Per step k (from t = k·dt to (k+1)·dt):
/// current sources for step k, queued input of step k into the receptors, neuron updates (compiled kernels,
/// in parallel chunks), then spikes stamped at index s = k+1 are queued for arrival at s + delay and recorded,
/// and samples of index s are taken.
/// </summary>
internal sealed class CpuEngine : ISimulationEngine
{
    private readonly WorkerPool _pool;
    private NetworkSpec _network = null!;
    private CellGroup[] _groups = [];
    private InputRing[][] _rings = [];
    private SynapseTable[] _tables = [];
    private List<SynapseTable>[] _outgoing = [];
    private CurrentSchedule _currents = new([]);
    private RecorderSpec[] _recorders = [];
    private readonly List<int> _emitted = new(1024);
    private long _step;
    private long _runEnd;
    private int _slots;
    private bool _initialEmitted;
    private double _dt;
    private Action<int>? _chunkBody;

    public CpuEngine(int threads) => _pool = new WorkerPool(threads);

    public long CurrentStep => _step;

    public void Load(NetworkSpec network)
    {
        _network = network;
        _dt = network.Timestep;
        _groups = network.Populations.Select(p => p.Model.Kind == ModelKind.Neuron
            ? (CellGroup)new NeuronGroup(p, _dt, network.Seed)
            : new SourceGroup(p, _dt, network.Seed)).ToArray();
        int slots = _slots = network.MaxDelaySteps + 1;
        _rings = _groups.Select(g => g is NeuronGroup n
            ? n.Receptors.Select(_ => new InputRing(n.PaddedSize, slots)).ToArray()
            : []).ToArray();
        for (int g = 0; g < _groups.Length; g++)
            if (_groups[g] is NeuronGroup n) n.Rings = _rings[g].Select(r => r.Buffer).ToArray();
        _work = BuildWork();
        _tables = network.Projections.Select(p =>
        {
            var post = _groups[p.PostPopulation] as NeuronGroup
                ?? throw new ConnectionException($"Projection '{p.Label}' targets spike sources.");
            int r = Array.FindIndex(post.Receptors, x => x.Definition.Name == p.Receptor);
            if (r < 0) throw new ConnectionException($"Projection '{p.Label}': {post.Spec.Model.Name} has no receptor '{p.Receptor}'.");
            return new SynapseTable(p, _groups[p.PrePopulation].Size, _rings[p.PostPopulation][r]);
        }).ToArray();
        _outgoing = _groups.Select(g => _tables.Where(t => t.Spec.PrePopulation == g.Spec.Index).ToList()).ToArray();
        SetSources(network.CurrentSources);
        SetRecorders(network.Recorders);
        _chunkBody = RunChunk;
        _step = 0;
        _initialEmitted = false;
    }

    public RunResult Run(long steps, Action<double>? progress = null)
    {
        long start = _step, end = _step + steps;
        _runEnd = end;
        var recorders = _recorders;
        var samples = recorders.Select(r => r.IsSpikes ? null : new SampleCollector(r, CountSamples(r, start, end), _groups[r.Population])).ToArray();
        var spikes = recorders.Select(r => r.IsSpikes ? new SpikeBlockBuilder(r, _groups[r.Population].Size) : null).ToArray();
        RecomputeInjected(start);

        if (!_initialEmitted)
        {
            foreach (var c in samples) c?.Take(0);
            EmitAndDeliver(0, spikes);
            _initialEmitted = true;
        }
        long reportEvery = Math.Max(1, steps / 100);
        _pool.Hot = true;
        try
        {
            for (long k = start; k < end; k++)
            {
                ApplySourceChanges(k);
                UpdateNeurons(k);
                long s = k + 1;
                EmitAndDeliver(s, spikes);
                foreach (var c in samples) c?.Take(s);
                _step = s;
                if (progress is not null && (s - start) % reportEvery == 0) progress((double)(s - start) / steps);
            }
        }
        finally
        {
            _pool.Hot = false;
        }
        return new RunResult
        {
            StartStep = start,
            EndStep = end,
            Spikes = spikes.Where(s => s is not null).Select(s => s!.ToBlock()).ToArray(),
            Samples = samples.Where(s => s is not null).Select(s => s!.ToBlock()).ToArray(),
        };
    }

    private long CountSamples(RecorderSpec r, long start, long end)
    {
        long count = 0;
        for (long s = _initialEmitted ? start + 1 : start; s <= end; s++) if (s % r.IntervalSteps == 0) count++;
        return count;
    }

    /// <summary>
    /// Updates every neuron for step k in one parallel dispatch: each worker takes the same share of every group.
    /// The kernels add the input queued for step k (ring slot k mod slots) and clear it.
    /// </summary>
    private void UpdateNeurons(long k)
    {
        _stepSlot = (int)(k % _slots);
        _stepIndex = k;
        if (_pool.Workers == 1 || _smallNetwork) { RunChunk(-1); return; }
        _pool.Run(_chunkBody!);
    }

    /// <summary>Each worker's share of every neuron group, in whole SIMD vectors.</summary>
    private (NeuronGroup Group, int[] Bounds)[] BuildWork()
    {
        int workers = _pool.Workers, width = Codegen.KernelGenerator.Width;
        // Below ~16k cells a step is too short (tens of µs) for a second thread to pay for the hand-off.
        _smallNetwork = _groups.OfType<NeuronGroup>().Sum(g => g.Size) < ParallelThreshold;
        return _groups.OfType<NeuronGroup>().Select(g =>
        {
            int vectors = g.PaddedSize / width;
            return (g, Enumerable.Range(0, workers + 1).Select(w => (int)((long)vectors * w / workers) * width).ToArray());
        }).ToArray();
    }

    private bool _smallNetwork;

    /// <summary>The number of cells from which neuron updates are spread over the worker threads.</summary>
    internal const int ParallelThreshold = 16_384;

    private (NeuronGroup Group, int[] Bounds)[] _work = [];
    private int _stepSlot;
    private long _stepIndex;

    private void RunChunk(int chunk)
    {
        foreach (var (group, bounds) in _work)
        {
            int slotOffset = _stepSlot * group.PaddedSize;
            if (chunk < 0) group.Update(0, group.PaddedSize, slotOffset, _stepIndex);
            else if (bounds[chunk] < bounds[chunk + 1]) group.Update(bounds[chunk], bounds[chunk + 1], slotOffset, _stepIndex);
        }
    }

    private void EmitAndDeliver(long s, SpikeBlockBuilder?[] spikes)
    {
        for (int g = 0; g < _groups.Length; g++)
        {
            _emitted.Clear();
            var group = _groups[g];
            if (group is SourceGroup src) src.Emit(s, _runEnd, _emitted);
            else if (s > 0)
            {
                // Scan the spike flags a vector at a time: almost every vector is all zero.
                var flags = ((NeuronGroup)group).Spiked;
                var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(flags.AsSpan());
                int width = System.Numerics.Vector<double>.Count;
                for (int j = 0; j < vectors.Length; j++)
                {
                    if (System.Numerics.Vector.EqualsAll(vectors[j], System.Numerics.Vector<double>.Zero)) continue;
                    for (int i = j * width, last = Math.Min(group.Size, i + width); i < last; i++)
                        if (flags[i] != 0) _emitted.Add(i);
                }
            }
            if (_emitted.Count == 0) continue;
            foreach (var table in _outgoing[g])
                foreach (var i in _emitted) table.Deliver(i, s);
            foreach (var c in spikes)
                if (c is not null && c.Population == g) c.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_emitted), s);
        }
    }

    private void SetSources(IReadOnlyList<CurrentSourceSpec> sources)
    {
        foreach (var s in sources)
            if (_groups[s.Population] is not NeuronGroup)
                throw new InvalidParameterValueException($"Current source {s.Kind} targets '{_groups[s.Population].Spec.Label}', which is not injectable.");
        _currents = new CurrentSchedule(sources);
    }

    private void RecomputeInjected(long k)
    {
        foreach (var g in _groups) if (g is NeuronGroup n) Array.Clear(n.Injected);
        _currents.Seek(k);
        for (int j = 0; j < _currents.Sources.Count; j++) AddCurrent(j, _currents.Amplitude(j));
    }

    private void ApplySourceChanges(long k)
    {
        foreach (var (source, delta) in _currents.Advance(k)) AddCurrent(source, delta);
    }

    private void AddCurrent(int source, double amplitude)
    {
        var s = _currents.Sources[source];
        var injected = ((NeuronGroup)_groups[s.Population]).Injected;
        foreach (var c in s.Cells) injected[c] += amplitude;
    }

    private void SetRecorders(IReadOnlyList<RecorderSpec> recorders)
    {
        foreach (var r in recorders)
        {
            var model = _groups[r.Population].Spec.Model;
            if (!r.IsSpikes) _groups[r.Population].StateArray(r.Variable);
            else if (!model.Recordables.Contains("spikes")) throw new RecordingException(r.Variable, model.Name, model.Recordables);
        }
        _recorders = recorders.ToArray();
    }

    public void Update(NetworkUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        foreach (var (pop, name, values) in update.Parameters) _groups[pop].SetParameter(name, values);
        foreach (var (pop, name, values) in update.Sequences) _groups[pop].SetSequence(name, values, _step);
        foreach (var (proj, name, values) in update.Synapses)
        {
            if (name == "weight") _tables[proj].SetWeights(values);
            else if (name == "delay") _tables[proj].SetDelays(values);
            else throw new NonExistentParameterException(name, "StaticSynapse", ["weight", "delay"]);
        }
        if (update.CurrentSources is { } cs) SetSources(cs);
        if (update.Recorders is { } rs) SetRecorders(rs);
    }

    public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        for (int g = 0; g < _groups.Length; g++) _groups[g].Reset(initialValues[g]);
        foreach (var rings in _rings) foreach (var r in rings) r.Clear();
        _step = 0;
        _initialEmitted = false;
    }

    public void Dispose() => _pool.Dispose();

    /// <summary>Samples of one analog recorder for one run, preallocated.</summary>
    private sealed class SampleCollector(RecorderSpec spec, long count, CellGroup group)
    {
        private readonly double[] _values = new double[checked(count * spec.Cells.Length)];
        private readonly double[] _source = group.StateArray(spec.Variable);
        private int _rows;
        private long _first = -1;

        public void Take(long s)
        {
            if (s % spec.IntervalSteps != 0) return;
            if (_first < 0) _first = s;
            int offset = _rows * spec.Cells.Length;
            var cells = spec.Cells;
            for (int c = 0; c < cells.Length; c++) _values[offset + c] = _source[cells[c]];
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
