using Meta.Backends.Runtime;
using ILGPU;
using ILGPU.Runtime;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Models;
using Meta.Network;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// Runs one network on an ILGPU device following docs/semantics.md, in <typeparamref name="T"/> (double or float).
/// Per step k: injected currents change on the host only at a current source's change step (then the affected
/// populations' arrays are uploaded); one generated kernel per neuron population takes the ring input of step k,
/// integrates, applies threshold, reset and refractoriness and appends the spikes of index s = k+1 to the population's
/// spike list; Poisson kernels draw index s and host-scheduled sources hand over their cells of index s; one delivery kernel per projection queues every spike's synapses into the
/// delay rings with atomic adds; one sampling kernel takes the samples of index s. Everything is queued on one stream:
/// the host never waits within a block. Recorded spikes (a log) and samples stay on the device and are copied back
/// when a block is full and at the end of the run.
/// </summary>
internal sealed class IlgpuEngine<T> : ISimulationEngine where T : unmanaged
{
    /// <summary>Spike-log entries kept on the device per block (two ints each).</summary>
    private const long LogBudget = 1L << 22;
    /// <summary>Samples kept on the device per block.</summary>
    private const long SampleBudget = 1L << 22;

    private readonly DeviceHandle _device;
    private readonly Accelerator _acc;
    private EngineContext<T> _ctx = null!;
    private NetworkSpec _network = null!;
    private CellGroup[] _groups = [];
    private DeviceArray<T>? _state;
    private SynapseTable<T>[] _tables = [];
    private List<SynapseTable<T>>[] _outgoing = [];
    private CurrentSchedule _currents = new([]);
    private RecorderSpec[] _recorders = [];
    private long _step;
    private long _runEnd;
    private bool _initialEmitted;
    private double _dt;
    private Action<KernelConfig, DeliveryArgs<T>> _deliver = null!;
    private Action<KernelConfig, RecordArgs<T>> _record = null!;

    // Recording layout (rebuilt by SetRecorders) and per-run block state.
    private RecorderSpec[] _analog = [];
    private bool[] _logged = [];
    private DeviceArray<int>? _entryRecorder, _entrySource, _entryColumn, _analogInterval, _analogWidth;
    private DeviceArray<long>? _analogBase;
    private int _entries;
    private DeviceArray<T>? _samples;
    private DeviceArray<int>? _logCells, _logSteps;
    private readonly DeviceArray<int> _logCount;
    private long _blockStart, _blockEnd, _blockLength;
    private long[] _baseHost = [];
    private int[] _rowsInBlock = [];

    public IlgpuEngine(DeviceHandle device)
    {
        _device = device;
        _acc = device.Accelerator;
        _logCount = new DeviceArray<int>(_acc, 1);
    }

    public long CurrentStep => _step;

    public void Load(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _dt = network.Timestep;
        _ctx = new EngineContext<T>(_device, _dt, network.MaxDelaySteps + 1);
        _deliver = Num<T>.Single
            ? (Action<KernelConfig, DeliveryArgs<T>>)(object)_acc.LoadStreamKernel<DeliveryArgs<float>>(StaticKernels.DeliverFloat32)
            : (Action<KernelConfig, DeliveryArgs<T>>)(object)_acc.LoadStreamKernel<DeliveryArgs<double>>(StaticKernels.DeliverFloat64);
        _record = Num<T>.Single
            ? (Action<KernelConfig, RecordArgs<T>>)(object)_acc.LoadStreamKernel<RecordArgs<float>>(StaticKernels.RecordFloat32)
            : (Action<KernelConfig, RecordArgs<T>>)(object)_acc.LoadStreamKernel<RecordArgs<double>>(StaticKernels.RecordFloat64);

        // One state buffer for every neuron population, so that one sampling kernel serves all recorders.
        long stateLength = network.Populations.Where(p => p.Model.Kind == ModelKind.Neuron).Sum(p => (long)p.Size * p.Model.States.Count);
        if (stateLength > int.MaxValue) throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"More than 2^31 state values ({stateLength})");
        _state = new DeviceArray<T>(_acc, stateLength);
        int stateBase = 0;
        _groups = new CellGroup[network.Populations.Count];
        foreach (var p in network.Populations)
        {
            if (p.Model.Kind == ModelKind.Neuron)
            {
                int length = p.Size * p.Model.States.Count;
                var view = length > 0 ? _state.View.SubView(stateBase, length) : _state.View.SubView(0, 1);
                _groups[p.Index] = new NeuronGroup<T>(p, _ctx, view, stateBase, network.Seed);
                stateBase += length;
            }
            else if (p.Model.SourceKind == SpikeSourceKinds.Poisson) _groups[p.Index] = new PoissonGroup<T>(p, _ctx, network.Seed);
            else if (HostSpikeSchedule.Handles(p.Model.SourceKind)) _groups[p.Index] = new HostScheduleGroup<T>(p, _ctx, network.Seed);
            else throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"Spike source {p.Model.Name}");
        }
        _tables = network.Projections.Select(p =>
        {
            var post = _groups[p.PostPopulation] as NeuronGroup<T>
                ?? throw new ConnectionException($"Projection '{p.Label}' targets spike sources.");
            int r = Array.FindIndex(post.Receptors, x => x.Name == p.Receptor);
            if (r < 0) throw new ConnectionException($"Projection '{p.Label}': {post.Spec.Model.Name} has no receptor '{p.Receptor}'.");
            return new SynapseTable<T>(p, _groups[p.PrePopulation].Size, post, r, _ctx, _deliver);
        }).ToArray();
        _outgoing = _groups.Select(g => _tables.Where(t => t.Spec.PrePopulation == g.Spec.Index).ToList()).ToArray();
        SetSources(network.CurrentSources);
        SetRecorders(network.Recorders);
        _step = 0;
        _initialEmitted = false;
        _acc.Synchronize();
    }

    public RunResult Run(long steps, Action<double>? progress = null)
    {
        long start = _step, end = _step + steps;
        _runEnd = end;
        long firstSample = _initialEmitted ? start + 1 : start;
        var recorders = _recorders;
        var samples = recorders.Select(r => r.IsSpikes ? null : new SampleCollector(r, CountSamples(r, firstSample, end))).ToArray();
        var spikes = recorders.Select(r => r.IsSpikes ? new SpikeBlockBuilder(r, _groups[r.Population].Size) : null).ToArray();
        RecomputeInjected(start);
        PlanBlocks(firstSample, end);
        BeginBlock(firstSample, end);

        if (!_initialEmitted)
        {
            TakeSamples(0);
            EmitAndDeliver(0, spikes);
            _initialEmitted = true;
        }
        long reportEvery = Math.Max(1, steps / 100);
        for (long k = start; k < end; k++)
        {
            long s = k + 1;
            if (s >= _blockEnd)
            {
                Flush(samples, spikes);
                BeginBlock(s, end);
            }
            ApplySourceChanges(k);
            foreach (var g in _groups)
                if (g is NeuronGroup<T> n) n.Update(k, Output(n, s));
            EmitAndDeliver(s, spikes);
            TakeSamples(s);
            _step = s;
            if (progress is not null && (s - start) % reportEvery == 0) progress((double)(s - start) / steps);
        }
        Flush(samples, spikes);
        return new RunResult
        {
            StartStep = start,
            EndStep = end,
            Spikes = spikes.Where(s => s is not null).Select(s => s!.ToBlock()).ToArray(),
            Samples = samples.Where(s => s is not null).Select(s => s!.ToBlock()).ToArray(),
        };
    }

    private static long CountSamples(RecorderSpec r, long first, long end)
    {
        long m = r.IntervalSteps;
        if (end < first) return 0;
        // Multiples of m in [first, end].
        return end / m - (first + m - 1) / m + 1;
    }

    private SpikeOutput Output(CellGroup group, long s)
    {
        var spikes = (IDeviceSpikes)group;
        bool log = _logged[group.Spec.Index];
        return new SpikeOutput
        {
            List = spikes.SpikeList,
            Count = spikes.SpikeCount,
            Parity = (int)(s & 1),
            LogEnabled = log ? 1 : 0,
            LogCells = _logCells?.View ?? spikes.SpikeList,
            LogSteps = _logSteps?.View ?? spikes.SpikeList,
            LogCount = _logCount.View,
            LogCellBase = group.Spec.FirstGlobalIndex,
            LogStep = (int)(s - _blockStart),
        };
    }

    /// <summary>Index s of every source is emitted and every spike of index s is queued, population by population.</summary>
    private void EmitAndDeliver(long s, SpikeBlockBuilder?[] spikes)
    {
        int parity = (int)(s & 1);
        foreach (var group in _groups)
        {
            switch (group)
            {
                case HostScheduleGroup<T> host:
                {
                    var (cells, device, offset, count) = host.Emit(s, _runEnd);
                    if (count == 0) continue;
                    foreach (var c in spikes)
                        if (c is not null && c.Population == group.Spec.Index) c.Add(cells.AsSpan(offset, count), s);
                    var list = device.SubView(offset, count);
                    foreach (var table in _outgoing[group.Spec.Index]) table.Deliver(list, list, parity, count, s);
                    break;
                }
                case PoissonGroup<T> poisson:
                    poisson.Emit(s, Output(poisson, s));
                    foreach (var table in _outgoing[group.Spec.Index]) table.Deliver(poisson.SpikeList, poisson.SpikeCount, parity, -1, s);
                    break;
                case NeuronGroup<T> neurons when s > 0:
                    foreach (var table in _outgoing[group.Spec.Index]) table.Deliver(neurons.SpikeList, neurons.SpikeCount, parity, -1, s);
                    break;
            }
        }
    }

    // ---- Current sources: the host follows the schedules and uploads a population's currents when they change. ----

    private void SetSources(IReadOnlyList<CurrentSourceSpec> sources)
    {
        foreach (var s in sources)
            if (_groups[s.Population] is not NeuronGroup<T>)
                throw new InvalidParameterValueException($"Current source {s.Kind} targets '{_groups[s.Population].Spec.Label}', which is not injectable.");
        _currents = new CurrentSchedule(sources);
    }

    private void RecomputeInjected(long k)
    {
        foreach (var g in _groups) if (g is NeuronGroup<T> n) Array.Clear(n.Injected);
        _currents.Seek(k);
        for (int j = 0; j < _currents.Sources.Count; j++) AddCurrent(j, _currents.Amplitude(j));
        foreach (var g in _groups) if (g is NeuronGroup<T> n) n.UploadInjected();
    }

    private void ApplySourceChanges(long k)
    {
        _currents.Advance(k, _addCurrent ??= AddCurrent, _changedGroups);
        foreach (var g in _changedGroups) g.UploadInjected();
    }

    /// <summary>The groups whose injected current changed in this step, and the cached delegate that changes it (no allocation per step).</summary>
    private readonly List<NeuronGroup<T>> _changedGroups = [];
    private Func<int, double, NeuronGroup<T>>? _addCurrent;

    private NeuronGroup<T> AddCurrent(int source, double amplitude)
    {
        var s = _currents.Sources[source];
        var group = (NeuronGroup<T>)_groups[s.Population];
        foreach (var c in s.Cells) group.Injected[c] += amplitude;
        return group;
    }

    // ---- Recording ----

    private void SetRecorders(IReadOnlyList<RecorderSpec> recorders)
    {
        foreach (var r in recorders)
        {
            var group = _groups[r.Population];
            var model = group.Spec.Model;
            if (!r.IsSpikes)
            {
                if (group is NeuronGroup<T> n) n.StateIndex(r.Variable);
                else throw new RecordingException(r.Variable, model.Name, model.Recordables);
            }
            else if (!model.Recordables.Contains("spikes")) throw new RecordingException(r.Variable, model.Name, model.Recordables);
        }
        _recorders = recorders.ToArray();
        _analog = _recorders.Where(r => !r.IsSpikes).ToArray();
        _logged = _groups.Select(g => g is IDeviceSpikes && _recorders.Any(r => r.IsSpikes && r.Population == g.Spec.Index && r.Cells.Length > 0)).ToArray();

        var recorder = new List<int>();
        var source = new List<int>();
        var column = new List<int>();
        for (int a = 0; a < _analog.Length; a++)
        {
            var r = _analog[a];
            var group = (NeuronGroup<T>)_groups[r.Population];
            int row = group.StateIndex(r.Variable);
            for (int c = 0; c < r.Cells.Length; c++)
            {
                recorder.Add(a);
                source.Add(group.StateBase + row * group.Size + r.Cells[c]);
                column.Add(c);
            }
        }
        _entries = recorder.Count;
        foreach (var d in new IDisposable?[] { _entryRecorder, _entrySource, _entryColumn, _analogInterval, _analogWidth }) d?.Dispose();
        _entryRecorder = _ctx.Upload(recorder.ToArray());
        _entrySource = _ctx.Upload(source.ToArray());
        _entryColumn = _ctx.Upload(column.ToArray());
        _analogInterval = _ctx.Upload(_analog.Select(r => r.IntervalSteps).ToArray());
        _analogWidth = _ctx.Upload(_analog.Select(r => r.Cells.Length).ToArray());
    }

    /// <summary>
    /// Chooses the block length (in time indices) so that a block's spike log and samples fit the device budgets,
    /// and sizes the device buffers for it.
    /// </summary>
    private void PlanBlocks(long firstSample, long end)
    {
        long length = Math.Max(1, end + 1 - firstSample);
        // META_ILGPU_MAX_BLOCK_STEPS=<n> caps the block length: results must not depend on it (tests use it).
        if (long.TryParse(Environment.GetEnvironmentVariable("META_ILGPU_MAX_BLOCK_STEPS"), System.Globalization.CultureInfo.InvariantCulture, out long cap) && cap > 0)
            length = Math.Min(length, cap);
        long logWidth = _groups.Where(g => _logged[g.Spec.Index]).Sum(g => (long)g.Size);
        if (logWidth > 0) length = Math.Min(length, Math.Max(1, LogBudget / logWidth));
        long Rows(RecorderSpec r, long block) => block / r.IntervalSteps + 1;
        long Needed(long block) => _analog.Sum(r => r.Cells.Length * Rows(r, block));
        while (length > 1 && Needed(length) > SampleBudget) length = Math.Max(1, length / 2);
        _blockLength = length;

        long logCapacity = logWidth * length;
        if (logWidth > 0 && (_logCells is null || _logCells.Length < logCapacity))
        {
            _logCells?.Dispose();
            _logSteps?.Dispose();
            _logCells = _ctx.Allocate<int>(logCapacity);
            _logSteps = _ctx.Allocate<int>(logCapacity);
        }
        _baseHost = new long[_analog.Length];
        long offset = 0;
        for (int a = 0; a < _analog.Length; a++)
        {
            _baseHost[a] = offset;
            offset += _analog[a].Cells.Length * Rows(_analog[a], length);
        }
        if (_samples is null || _samples.Length < offset)
        {
            _samples?.Dispose();
            _samples = _ctx.Allocate<T>(offset);
        }
        _analogBase?.Dispose();
        _analogBase = _ctx.Upload(_baseHost);
        _rowsInBlock = new int[_analog.Length];
    }

    private void BeginBlock(long first, long end)
    {
        _blockStart = first;
        _blockEnd = Math.Min(end + 1, first + _blockLength);
        Array.Clear(_rowsInBlock);
    }

    private void TakeSamples(long s)
    {
        bool any = false;
        for (int a = 0; a < _analog.Length; a++)
        {
            if (s % _analog[a].IntervalSteps != 0) continue;
            _rowsInBlock[a]++;
            any = true;
        }
        if (!any || _entries == 0) return;
        _record(_ctx.PerItem(_entries), new RecordArgs<T>
        {
            Step = s,
            BlockStart = _blockStart,
            Entries = _entries,
            Recorder = _entryRecorder!.View,
            Source = _entrySource!.View,
            Column = _entryColumn!.View,
            Interval = _analogInterval!.View,
            Width = _analogWidth!.View,
            Base = _analogBase!.View,
            State = _state!.View,
            Output = _samples!.View,
        });
    }

    /// <summary>Copies the block's samples and spike log to the host (the only waits of a run).</summary>
    private void Flush(SampleCollector?[] samples, SpikeBlockBuilder?[] spikes)
    {
        _acc.Synchronize();
        int a = -1;
        foreach (var c in samples)
        {
            if (c is null) continue;
            a++; // collectors and _analog are both in recorder order
            int rows = _rowsInBlock[a];
            if (rows == 0) continue;
            var values = _samples!.Download(_acc, (long)rows * c.Spec.Cells.Length, _baseHost[a]);
            c.Append(values, rows, FirstSampleIn(c.Spec.IntervalSteps));
        }
        if (_logged.Any(x => x))
        {
            int count = _logCount.Download(_acc, 1)[0];
            if (count > 0)
            {
                var cells = _logCells!.Download(_acc, count);
                var steps = _logSteps!.Download(_acc, count);
                // The log is in no particular order; the CPU's is by index, then cell.
                long total = _network.TotalCells;
                var keys = new long[count];
                for (int i = 0; i < count; i++) keys[i] = steps[i] * total + cells[i];
                Array.Sort(keys);
                var firsts = _groups.Select(g => g.Spec.FirstGlobalIndex).ToArray();
                foreach (var key in keys)
                {
                    long s = _blockStart + key / total;
                    int global = (int)(key % total);
                    int p = Array.BinarySearch(firsts, global);
                    if (p < 0) p = ~p - 1;
                    while (p + 1 < firsts.Length && firsts[p + 1] == global) p++;
                    foreach (var c in spikes)
                        if (c is not null && c.Population == p) c.Add(global - firsts[p], s);
                }
            }
            _logCount.Clear(_acc);
        }
        _acc.Synchronize();
    }

    private long FirstSampleIn(long m) => (_blockStart + m - 1) / m * m;

    // ---- Updates between runs ----

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
        _acc.Synchronize();
    }

    public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        ArgumentNullException.ThrowIfNull(initialValues);
        for (int g = 0; g < _groups.Length; g++) _groups[g].Reset(initialValues[g]);
        _logCount.Clear(_acc);
        _acc.Synchronize();
        _step = 0;
        _initialEmitted = false;
    }

    public void Dispose()
    {
        // Null-safe: a Load that failed half-way leaves some groups unset.
        foreach (var t in _tables) t?.Dispose();
        foreach (var g in _groups) g?.Dispose();
        foreach (var d in new IDisposable?[] { _state, _entryRecorder, _entrySource, _entryColumn, _analogInterval, _analogWidth,
                     _analogBase, _samples, _logCells, _logSteps, _logCount }) d?.Dispose();
        _device.Dispose();
    }

    /// <summary>Samples of one analog recorder for one run.</summary>
    private sealed class SampleCollector(RecorderSpec spec, long count)
    {
        private readonly double[] _values = new double[checked(count * spec.Cells.Length)];
        private int _rows;
        private long _first = -1;

        public RecorderSpec Spec => spec;

        public void Append(T[] block, int rows, long firstStep)
        {
            if (_first < 0) _first = firstStep;
            int offset = _rows * spec.Cells.Length;
            for (int i = 0; i < block.Length; i++) _values[offset + i] = Num<T>.To(block[i]);
            _rows += rows;
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
