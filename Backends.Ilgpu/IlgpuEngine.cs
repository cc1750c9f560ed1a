using Meta.Backends.Runtime;
using ILGPU;
using ILGPU.Runtime;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// The ILGPU runtime of a step program in <typeparamref name="T"/> (double or float); the step loop itself is
/// <see cref="StepEngine"/>'s. Per step k: injected currents are uploaded only when a source changes them; one generated
/// kernel per neuron group takes the ring input of step k, integrates, applies threshold, reset and refractoriness and
/// appends the spikes of index s = k+1 to the group's spike list; Poisson kernels draw index s and host-scheduled sources
/// hand over their cells of index s; one delivery kernel per projection queues every spike's synapses into the delay rings
/// with atomic adds; one sampling kernel takes the samples of index s. Everything is queued on one stream: the host never
/// waits within a block. Recorded spikes (a log) and samples stay on the device and are copied back when a block is full
/// and at the end of the run.
/// </summary>
internal sealed class IlgpuEngine<T> : StepEngine where T : unmanaged
{
    /// <summary>Samples kept on the device per block.</summary>
    private const long SampleBudget = 1L << 22;

    private readonly DeviceHandle _device;
    private readonly Accelerator _acc;
    private EngineContext<T> _ctx = null!;
    private CellGroup[] _groups = [];
    private DeviceArray<T>? _state;
    private SynapseTable<T>?[] _tables = [];
    private PlasticTable<T>?[] _plasticByIndex = [];
    private PlasticTable<T>[] _plastic = [];
    private SpikeHistory<T>?[] _history = [];
    private List<SynapseTable<T>>[] _outgoing = [];
    private DeviceCouplings<T>? _couplings;
    private Action<KernelConfig, DeliveryArgs<T>> _deliver = null!;
    private Action<KernelConfig, OffGridArgs<T>> _deliverOffGrid = null!;
    /// <summary>The offsets of a host-scheduled source's spikes of one index, for exact off-grid delivery (grown as needed).</summary>
    private DeviceArray<T>? _hostOffsets;
    private T[] _hostOffsetStaging = [];
    /// <summary>Per group, whether a projection leaving it delivers off-grid spikes exactly (decided at load).</summary>
    private bool[] _offGridOut = [];
    private Action<KernelConfig, RecordArgs<T>> _record = null!;

    // Recording layout (rebuilt by RecordersChanged) and per-run block state.
    private RecorderSpec[] _analog = [];
    private bool[] _logged = [];
    private DeviceArray<int>? _entryRecorder, _entrySource, _entryColumn, _analogInterval, _analogWidth;
    private DeviceArray<long>? _analogBase;
    private int _entries;
    private DeviceArray<T>? _samples;
    private DeviceArray<int>? _logCells, _logSteps;
    /// <summary>The log's offsets, only while a logged population has precise spike times (<see cref="_logOffsetsNeeded"/>).</summary>
    private DeviceArray<double>? _logOffsets;
    private bool _logOffsetsNeeded;
    private readonly DeviceArray<int> _logCount;
    /// <summary>The history view of a population without one (never written).</summary>
    private DeviceArray<long>? _noHistory;
    private DeviceArray<double>? _noOffsets;
    private long _blockStart, _blockEnd, _blockLength, _runLast;
    private long[] _baseHost = [];
    private int[] _rowsInBlock = [];
    private SampleCollector?[] _sampleCollectors = [];
    private SpikeBlockBuilder?[] _spikeCollectors = [];

    public IlgpuEngine(DeviceHandle device)
    {
        _device = device;
        _acc = device.Accelerator;
        _logCount = new DeviceArray<int>(_acc, 1);
    }

    protected override string BackendName => IlgpuBackend.BackendName;

    protected override CellKernel KernelOf(int group) => ((NeuronGroup<T>)_groups[group]).Kernel;

    protected override bool ContinuousCoupling => true;

    protected override bool CanReadCellStates => true;

    protected override double[] ReadCellState(int group, string name) => ((NeuronGroup<T>)_groups[group]).ReadState(name);

    protected override void Couple(long k) => _couplings!.Step(_state!.View);

    protected override double[] ReadCouplingBuffer(int coupling, string name) => _couplings!.Read(coupling, name);

    protected override void WriteCouplingBuffer(int coupling, string name, double[] values) => _couplings!.Write(coupling, name, values);

    protected override void OnLoad(StepProgram program)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        _ctx = new EngineContext<T>(_device, program.Timestep, program.RingSlots);
        _noHistory ??= new DeviceArray<long>(_acc, 1);
        _noOffsets ??= new DeviceArray<double>(_acc, 1);
        _deliver = Num<T>.Single
            ? (Action<KernelConfig, DeliveryArgs<T>>)(object)_acc.LoadStreamKernel<DeliveryArgs<float>>(StaticKernels.DeliverFloat32)
            : (Action<KernelConfig, DeliveryArgs<T>>)(object)_acc.LoadStreamKernel<DeliveryArgs<double>>(StaticKernels.DeliverFloat64);
        _deliverOffGrid = OffGridDelivery();
        _record = Num<T>.Single
            ? (Action<KernelConfig, RecordArgs<T>>)(object)_acc.LoadStreamKernel<RecordArgs<float>>(StaticKernels.RecordFloat32)
            : (Action<KernelConfig, RecordArgs<T>>)(object)_acc.LoadStreamKernel<RecordArgs<double>>(StaticKernels.RecordFloat64);
        LoadLog.Write($"delivery and recording kernels loaded on the device in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");

        // One state buffer for every neuron group, so that one sampling kernel serves all recorders.
        long stateLength = program.Groups.OfType<NeuronGroupProgram>().Sum(g => (long)g.Size * g.States.Count);
        if (stateLength > int.MaxValue) throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"More than 2^31 state values ({stateLength})");
        _state = new DeviceArray<T>(_acc, Math.Max(1, stateLength));
        int stateBase = 0;
        _groups = new CellGroup[program.Groups.Count];
        foreach (var g in program.Groups)
        {
            switch (g)
            {
                case NeuronGroupProgram n:
                {
                    int length = n.Size * n.States.Count;
                    var view = length > 0 ? _state.View.SubView(stateBase, length) : _state.View.SubView(0, 1);
                    _groups[g.Index] = new NeuronGroup<T>(n, _ctx, view, stateBase, program.Seed, CountKernel);
                    stateBase += length;
                    break;
                }
                case SpikeSourceProgram { Kind: SpikeSourceKinds.Poisson } p: _groups[g.Index] = new PoissonGroup<T>(p, _ctx, program.Seed); break;
                case SpikeSourceProgram p when HostSpikeSchedule.Handles(p.Kind): _groups[g.Index] = new HostScheduleGroup<T>(p, _ctx, program.Seed); break;
                default: throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"Spike source {g.ModelName}");
            }
        }
        _tables = program.Projections.Select(p => p.Kernel is null
            ? new SynapseTable<T>(p, _groups[p.PreGroup].Size, (NeuronGroup<T>)_groups[p.PostGroup], p.Receptor, _ctx, _deliver, _deliverOffGrid)
            : null).ToArray();
        _plasticByIndex = program.Projections.Select(p => p.Kernel is null ? null
            : new PlasticTable<T>(p, _groups[p.PreGroup].Size, (NeuronGroup<T>)_groups[p.PostGroup], _ctx, CountKernel)).ToArray();
        _plastic = _plasticByIndex.OfType<PlasticTable<T>>().ToArray();
        _history = _groups.Select((g, i) => _plastic.Any(t => t.Spec.PreGroup == i || t.Spec.PostGroup == i)
            ? new SpikeHistory<T>(g.Size, g is HostScheduleGroup<T>, _ctx) : null).ToArray();
        _outgoing = _groups.Select((g, i) => _tables.OfType<SynapseTable<T>>().Where(t => t.Spec.PreGroup == i).ToList()).ToArray();
        _offGridOut = _outgoing.Select(tables => tables.Any(t => t.Spec.OffGrid is not null)).ToArray();
        _couplings?.Dispose();
        _couplings = CouplingOrder is { } order
            ? new DeviceCouplings<T>(program, order, _groups.Select(g => g as NeuronGroup<T>).ToArray(), _ctx, CountKernel)
            : null;
        _acc.Synchronize();
        LoadLog.Write($"network loaded on the device in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
    }

    /// <summary>
    /// The off-grid delivery kernel, loaded on the device at its first launch: only projections from sources with precise
    /// spike times launch it, and loading a kernel costs a first load tens of milliseconds.
    /// </summary>
    private Action<KernelConfig, OffGridArgs<T>> OffGridDelivery()
    {
        Action<KernelConfig, OffGridArgs<T>>? kernel = null;
        return (config, args) => (kernel ??= Num<T>.Single
            ? (Action<KernelConfig, OffGridArgs<T>>)(object)_acc.LoadStreamKernel<OffGridArgs<float>>(StaticKernels.DeliverOffGridFloat32)
            : (Action<KernelConfig, OffGridArgs<T>>)(object)_acc.LoadStreamKernel<OffGridArgs<double>>(StaticKernels.DeliverOffGridFloat64))(config, args);
    }

    protected override void BeginRun(long start, long end, long firstSample)
    {
        _runLast = end;
        _sampleCollectors = Recorders.Select(r => r.IsSpikes ? null : new SampleCollector(r, r.SampleCount(firstSample, end))).ToArray();
        _spikeCollectors = SpikeBlockBuilder.ForRun(_spikeCollectors, Recorders, Program);
        PlanBlocks(firstSample, end);
        BeginBlock(firstSample, end);
    }

    protected override IDisposable? StepScope(long s)
    {
        if (s >= _blockEnd)
        {
            Flush();
            BeginBlock(s, _runLast);
        }
        return null;
    }

    protected override void Advance(long k)
    {
        foreach (var g in _groups)
            if (g is NeuronGroup<T> n) n.Update(k, Output(n, k + 1));
    }

    protected override RunResult EndRun(long start, long end)
    {
        Flush();
        return new RunResult
        {
            StartStep = start,
            EndStep = end,
            Spikes = _spikeCollectors.Where(s => s is not null).Select(s => s!.ToBlock()).ToArray(),
            Samples = _sampleCollectors.Where(s => s is not null).Select(s => s!.ToBlock()).ToArray(),
        };
    }

    private SpikeOutput Output(CellGroup group, long s)
    {
        var spikes = (IDeviceSpikes)group;
        bool log = _logged[group.Program.Index];
        var output = new SpikeOutput
        {
            List = spikes.SpikeList,
            Count = spikes.SpikeCount,
            Parity = (int)(s & 1),
            LogEnabled = log ? 1 : 0,
            LogCells = _logCells?.View ?? spikes.SpikeList,
            LogSteps = _logSteps?.View ?? spikes.SpikeList,
            LogOffsetsEnabled = _logOffsets is not null ? 1 : 0,
            LogOffsets = _logOffsets?.View ?? _noOffsets!.View,
            LogCount = _logCount.View,
            LogCellBase = group.Program.FirstGlobalIndex,
            LogStep = (int)(s - _blockStart),
            History = _noHistory!.View,
        };
        _history[group.Program.Index]?.StampIn(ref output, s);
        return output;
    }

    /// <summary>
    /// Index s of every source is emitted and every spike of index s is queued, population by population (neuron and
    /// Poisson kernels have already stamped theirs in their population's spike history when synapse kernels read it; a
    /// host-scheduled source's are stamped here); then the synapse events of step s run (docs/semantics.md).
    /// </summary>
    protected override void EmitAndDeliver(long s)
    {
        var spikes = _spikeCollectors;
        int parity = (int)(s & 1);
        foreach (var group in _groups)
        {
            int g = group.Program.Index;
            switch (group)
            {
                case HostScheduleGroup<T> host:
                {
                    var (cells, device, offset, count, spikeOffsets) = host.Emit(s, RunEnd);
                    if (count == 0) continue;
                    foreach (var c in spikes)
                    {
                        if (c is null || c.Population != g) continue;
                        c.AddPaired(cells.AsSpan(offset, count), s, spikeOffsets is null ? default : spikeOffsets.AsSpan(offset, count));
                    }
                    var list = device.SubView(offset, count);
                    if (spikeOffsets is not null && _offGridOut[g])
                    {
                        // Exact off-grid delivery: weights and off-grid parts in one pass per projection.
                        var offsets = HostOffsets(spikeOffsets, offset, count);
                        foreach (var table in _outgoing[g]) table.DeliverOffGrid(list, list, parity, count, s, offsets, byCell: false);
                    }
                    else foreach (var table in _outgoing[g]) table.Deliver(list, list, parity, count, s);
                    _history[g]?.Record(list, count, s);
                    break;
                }
                case PoissonGroup<T> poisson:
                    poisson.Emit(s, Output(poisson, s));
                    foreach (var table in _outgoing[g]) table.Deliver(poisson.SpikeList, poisson.SpikeCount, parity, -1, s);
                    break;
                case NeuronGroup<T> neurons when s > 0:
                    if (neurons.Kernel.SpikeOffset is { } offsetState && _offGridOut[g])
                    {
                        // Exact off-grid delivery reads each spiking cell's offset from its state row (one pass per projection).
                        var offsets = neurons.State.SubView((long)neurons.StateIndex(offsetState) * neurons.Size, neurons.Size);
                        foreach (var table in _outgoing[g]) table.DeliverOffGrid(neurons.SpikeList, neurons.SpikeCount, parity, -1, s, offsets, byCell: true);
                    }
                    else foreach (var table in _outgoing[g]) table.Deliver(neurons.SpikeList, neurons.SpikeCount, parity, -1, s);
                    break;
            }
        }
        // One launch per projection runs its pre events, then its post events: each event touches its own synapse's
        // buffers only, so this is the documented order (every pre event of the step before any post event).
        foreach (var t in _plastic) t.Events(s, Program.Seed, _history[t.Spec.PreGroup]!, _history[t.Spec.PostGroup]!);
    }

    /// <summary>
    /// <paramref name="count"/> offsets of a host-scheduled source's spikes from position <paramref name="offset"/>, on the
    /// device (uploaded on the default stream, so after the deliveries that read the previous ones).
    /// </summary>
    private ArrayView<T> HostOffsets(double[] offsets, int offset, int count)
    {
        if (_hostOffsets is null || _hostOffsets.Length < count)
        {
            _acc.Synchronize();
            _hostOffsets?.Dispose();
            _hostOffsets = _ctx.Allocate<T>(Math.Max(count, 2 * (_hostOffsets?.Length ?? 0)));
        }
        // One host staging buffer, grown like the device one (the upload is synchronous, so it may be reused next step).
        if (_hostOffsetStaging.Length < count) _hostOffsetStaging = new T[_hostOffsets.Length];
        for (int k = 0; k < count; k++) _hostOffsetStaging[k] = Num<T>.From(offsets[offset + k]);
        _hostOffsets.View.SubView(0, count).CopyFromCPU(_acc.DefaultStream, _hostOffsetStaging.AsSpan(0, count));
        return _hostOffsets.View.SubView(0, count);
    }

    // ---- Synapse dynamics ----

    protected override bool SynapseDynamics => true;

    protected override IPlasticSynapses? PlasticSynapses(int projection) => _plasticByIndex[projection];

    // ---- Current sources: the host follows the schedules and uploads a group's currents when they change. ----

    protected override void InjectionChanged(int group)
    {
        // A coupling target's injected current is its sources' plus the coupling's, written on the device every step.
        if (_couplings?.IsTarget(group) == true) _couplings.SetSources(group, Injection.Of(group)!);
        else ((NeuronGroup<T>)_groups[group]).UploadInjected(Injection.Of(group)!);
    }

    // ---- Recording ----

    protected override void RecordersChanged()
    {
        var recorders = Recorders;
        _analog = recorders.Where(r => !r.IsSpikes).ToArray();
        _logged = _groups.Select(g => g is IDeviceSpikes && recorders.Any(r => r.IsSpikes && r.Population == g.Program.Index && r.Cells.Length > 0)).ToArray();
        // Offsets travel in the log only where a logged population finds its spike times within the step.
        _logOffsetsNeeded = _groups.Any(g => _logged[g.Program.Index] && SpikeBlockBuilder.OffsetBufferOf(g.Program) is not null);

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
        long logWidth = _groups.Where(g => _logged[g.Program.Index]).Sum(g => (long)g.Size);
        length = SpikeLogBudget.BlockSteps(logWidth, _logOffsetsNeeded, length);
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
        bool offsets = _logOffsetsNeeded && logWidth > 0;
        if (offsets && (_logOffsets is null || _logOffsets.Length < logCapacity))
        {
            _logOffsets?.Dispose();
            _logOffsets = _ctx.Allocate<double>(logCapacity);
        }
        else if (!offsets && _logOffsets is not null)
        {
            _logOffsets.Dispose();
            _logOffsets = null;
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

    protected override void TakeSamples(long s)
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
    private void Flush()
    {
        var samples = _sampleCollectors;
        var spikes = _spikeCollectors;
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
                var offsets = _logOffsets?.Download(_acc, count);
                // The log is in no particular order; the CPU's is by index, then cell.
                // Global indices need not start at 0 nor end at the program's cell count (a distributed run's share of a network).
                long total = _groups.Max(g => (long)g.Program.FirstGlobalIndex + g.Program.Size);
                var keys = new long[count];
                for (int i = 0; i < count; i++) keys[i] = steps[i] * total + cells[i];
                // The entries' order travels with the keys only where offsets are logged.
                int[]? entries = null;
                if (offsets is null) Array.Sort(keys);
                else
                {
                    entries = Enumerable.Range(0, count).ToArray();
                    Array.Sort(keys, entries);
                }
                var firsts = _groups.Select(g => g.Program.FirstGlobalIndex).ToArray();
                for (int e = 0; e < count; e++)
                {
                    long key = keys[e];
                    long s = _blockStart + key / total;
                    int global = (int)(key % total);
                    int p = Array.BinarySearch(firsts, global);
                    if (p < 0) p = ~p - 1;
                    while (p + 1 < firsts.Length && firsts[p + 1] == global) p++;
                    foreach (var c in spikes)
                        if (c is not null && c.Population == p) c.Add(global - firsts[p], s, offsets is null ? 0 : offsets[entries![e]]);
                }
            }
            _logCount.Clear(_acc);
        }
        _acc.Synchronize();
    }

    private long FirstSampleIn(long m) => (_blockStart + m - 1) / m * m;

    // ---- Updates between runs ----

    protected override void UpdateNeurons(int group, CellKernel? kernel, IReadOnlyDictionary<string, double[]> values)
    {
        var n = (NeuronGroup<T>)_groups[group];
        if (kernel is null) n.SetValues(values);
        else n.SetKernel(kernel, values, CountKernel);
    }

    protected override void UpdateSourceParameter(int group, string name, double[] values) => Source(group).SetParameter(name, values);

    protected override void UpdateSourceSequence(int group, string name, double[][] values) => Source(group).SetSequence(name, values);

    private ISourceGroup Source(int group) => _groups[group] as ISourceGroup
        ?? throw new NonExistentParameterException("(a spike source parameter)", _groups[group].Program.ModelName, []);

    protected override void SetWeights(int projection, double[] values) => _tables[projection]!.SetWeights(values);

    protected override void SetDelays(int projection, double[] values) => _tables[projection]!.SetDelays(values);

    protected override void UpdateDone() => _acc.Synchronize();

    protected override void OnReset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        for (int g = 0; g < _groups.Length; g++)
        {
            if (_groups[g] is NeuronGroup<T> n) n.Reset(initialValues[g]);
            else ((ISourceGroup)_groups[g]).Reset();
        }
        foreach (var h in _history) h?.Clear();
        _logCount.Clear(_acc);
        _acc.Synchronize();
    }

    public override void Dispose()
    {
        // Null-safe: a Load that failed half-way leaves some groups unset.
        foreach (var t in _tables) t?.Dispose();
        foreach (var t in _plasticByIndex) t?.Dispose();
        _couplings?.Dispose();
        foreach (var h in _history) h?.Dispose();
        foreach (var g in _groups) g?.Dispose();
        foreach (var d in new IDisposable?[] { _state, _entryRecorder, _entrySource, _entryColumn, _analogInterval, _analogWidth,
                     _analogBase, _samples, _logCells, _logSteps, _logOffsets, _logCount, _noHistory, _noOffsets, _hostOffsets }) d?.Dispose();
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
