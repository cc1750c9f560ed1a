using Meta.Backends.Runtime;
using ILGPU;
using ILGPU.Runtime;
using Meta.Backends.Ilgpu.Codegen;
using Meta.Backends.Programs;
using Meta.Backends.Ilgpu.Kernels;

namespace Meta.Backends.Ilgpu;

/// <summary>What the populations of one engine share: the device, the time step and the kernel loaders.</summary>
internal sealed class EngineContext<T>(DeviceHandle device, double dt, int slots) where T : unmanaged
{
    private readonly Dictionary<System.Reflection.MethodInfo, Action<KernelConfig, NeuronArgs<T>>> _neuronKernels = [];
    private readonly Dictionary<System.Reflection.MethodInfo, Action<KernelConfig, SynapseArgs<T>>> _synapseKernels = [];
    private readonly Dictionary<System.Reflection.MethodInfo, Action<KernelConfig, CouplingArgs<T>>> _couplingKernels = [];
    private Action<KernelConfig, HistoryArgs>? _history;

    public Accelerator Accelerator => device.Accelerator;
    public double Dt { get; } = dt;
    /// <summary>Ring slots: the largest delay plus one.</summary>
    public int Slots { get; } = slots;

    /// <summary>A launch over <paramref name="n"/> items, one per thread with a grid stride.</summary>
    public KernelConfig PerItem(long n) => device.IsCpu
        ? new KernelConfig(1, Accelerator.MaxNumThreadsPerGroup)
        : new KernelConfig((int)Math.Clamp((n + 255) / 256, 1, 1 << 20), 256);

    /// <summary>A delivery launch: one group per spike (grid stride over the spikes), the group's threads over its synapses.</summary>
    public KernelConfig PerSpike(int preSize) => device.IsCpu
        ? new KernelConfig(1, Accelerator.MaxNumThreadsPerGroup)
        : new KernelConfig(Math.Clamp(preSize, 1, Math.Max(1, Accelerator.NumMultiprocessors) * 32), 32);

    /// <summary>The compiled kernel <paramref name="method"/> loaded on this device (once per engine).</summary>
    public Action<KernelConfig, NeuronArgs<T>> NeuronKernel(System.Reflection.MethodInfo method)
    {
        if (!_neuronKernels.TryGetValue(method, out var kernel))
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            _neuronKernels[method] = kernel = Accelerator.LoadStreamKernel(method.CreateDelegate<Action<NeuronArgs<T>>>());
            LoadLog.Write($"{method.DeclaringType?.Name}.{method.Name} loaded on the device in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
        }
        return kernel;
    }

    /// <summary>The compiled synapse kernel <paramref name="method"/> loaded on this device (once per engine).</summary>
    public Action<KernelConfig, SynapseArgs<T>> SynapseKernel(System.Reflection.MethodInfo method)
    {
        if (!_synapseKernels.TryGetValue(method, out var kernel))
            _synapseKernels[method] = kernel = Accelerator.LoadStreamKernel(method.CreateDelegate<Action<SynapseArgs<T>>>());
        return kernel;
    }

    /// <summary>The compiled coupling kernel <paramref name="method"/> loaded on this device (once per engine).</summary>
    public Action<KernelConfig, CouplingArgs<T>> CouplingKernel(System.Reflection.MethodInfo method)
    {
        if (!_couplingKernels.TryGetValue(method, out var kernel))
            _couplingKernels[method] = kernel = Accelerator.LoadStreamKernel(method.CreateDelegate<Action<CouplingArgs<T>>>());
        return kernel;
    }

    /// <summary>The spike-history kernel (<see cref="StaticKernels.History"/>), loaded on first use.</summary>
    public Action<KernelConfig, HistoryArgs> HistoryKernel => _history ??= Accelerator.LoadStreamKernel<HistoryArgs>(StaticKernels.History);

    public DeviceArray<TElem> Allocate<TElem>(long length) where TElem : unmanaged => new(Accelerator, length);
    public DeviceArray<TElem> Upload<TElem>(TElem[] data) where TElem : unmanaged => new(Accelerator, data);
}

/// <summary>The cells of one population on the device: a neuron group or a spike source group.</summary>
internal abstract class CellGroup(CellGroupProgram program) : IDisposable
{
    public CellGroupProgram Program { get; } = program;
    public int Size => Program.Size;
    public abstract void Dispose();
}

/// <summary>A group of spike sources, whose parameters change between runs.</summary>
internal interface ISourceGroup
{
    void SetParameter(string name, double[] values);
    void SetSequence(string name, double[][] values);
    void Reset();
}

/// <summary>A population whose spikes of each index are produced on the device (neurons, Poisson sources).</summary>
internal interface IDeviceSpikes
{
    /// <summary>The step's spike list.</summary>
    ArrayView<int> SpikeList { get; }
    /// <summary>The two counters of <see cref="SpikeOutput"/>.</summary>
    ArrayView<int> SpikeCount { get; }
    /// <summary>Clears the counters (reset).</summary>
    void ClearCounts();
}

/// <summary>
/// A neuron group on the device: its states (rows of the network's state buffer), its other per-cell buffers, its uniform
/// buffers, the injected current, refractory counters, delay rings and spike list, and its compiled kernel.
/// </summary>
internal sealed class NeuronGroup<T> : CellGroup, IDeviceSpikes where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly DeviceArray<T> _injectedDevice, _ring;
    private DeviceArray<T> _cellsDevice, _uniformsDevice;
    private readonly T[] _injectedStaging;
    private readonly DeviceArray<int> _refractory, _spikeList, _spikeCount;
    private readonly Dictionary<string, double[]> _values = new(StringComparer.Ordinal);
    private Action<KernelConfig, NeuronArgs<T>> _kernel = null!;
    private readonly ulong _seed;

    public NeuronGroup(NeuronGroupProgram program, EngineContext<T> ctx, ArrayView<T> state, int stateBase, ulong seed, Action<bool> countKernel) : base(program)
    {
        _ctx = ctx;
        _seed = seed;
        States = program.States.ToArray();
        State = state;
        StateBase = stateBase;
        Receptors = program.Receptors.Count;
        int n = Size;
        if ((long)Math.Max(1, Receptors) * ctx.Slots * n > int.MaxValue || (long)program.Kernel.Buffers.Count * n > int.MaxValue)
            throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"Population '{program.Label}' of {n} cells with {ctx.Slots} delay slots (its arrays would exceed 2^31 elements)");
        _cellsDevice = ctx.Allocate<T>(1);
        _uniformsDevice = ctx.Allocate<T>(1);
        _injectedDevice = ctx.Allocate<T>(n);
        _ring = ctx.Allocate<T>((long)Math.Max(1, Receptors) * ctx.Slots * n);
        _refractory = ctx.Allocate<int>(n);
        _spikeList = ctx.Allocate<int>(n);
        _spikeCount = ctx.Allocate<int>(2);
        _injectedStaging = new T[n];
        SetState(program.Values);
        SetKernel(program.Kernel, program.Values, countKernel);
    }

    /// <summary>This group's rows of the network's state buffer.</summary>
    public ArrayView<T> State { get; }
    /// <summary>The offset of <see cref="State"/> in the network's state buffer.</summary>
    public int StateBase { get; }
    /// <summary>The state names, in row order.</summary>
    public string[] States { get; }
    public int Receptors { get; }
    public CellKernel Kernel { get; private set; } = null!;
    public ArrayView<int> SpikeList => _spikeList.View;
    public ArrayView<int> SpikeCount => _spikeCount.View;
    /// <summary>The injected current the kernel reads (nA per cell).</summary>
    public ArrayView<T> Injected => _injectedDevice.View;

    /// <summary>The state row of <paramref name="name"/>.</summary>
    public int StateIndex(string name)
    {
        int k = Array.IndexOf(States, name);
        return k >= 0 ? k : throw new NonExistentParameterException(name, Program.ModelName, States);
    }

    /// <summary>The values of state <paramref name="name"/> of every cell, copied to the host as doubles.</summary>
    public double[] ReadState(string name)
    {
        var host = new T[Size];
        if (Size > 0) State.SubView((long)StateIndex(name) * Size, Size).CopyToCPU(_ctx.Accelerator.DefaultStream, host);
        _ctx.Accelerator.DefaultStream.Synchronize();
        var result = new double[Size];
        for (int i = 0; i < Size; i++) result[i] = Num<T>.To(host[i]);
        return result;
    }

    /// <summary>The ring of receptor <paramref name="r"/>: Slots × Size.</summary>
    public ArrayView<T> Ring(int r) => _ring.View.SubView((long)r * _ctx.Slots * Size, (long)_ctx.Slots * Size);

    /// <summary>Uploads the injected currents through a buffer kept for the purpose (AC sources change them every step).</summary>
    public void UploadInjected(double[] injected)
    {
        Num<T>.Convert(injected, _injectedStaging);
        _injectedDevice.Upload(_ctx.Accelerator, _injectedStaging);
    }

    /// <summary>Takes a (new) kernel and the values of its buffers (states excepted).</summary>
    public void SetKernel(CellKernel kernel, IReadOnlyDictionary<string, double[]> values, Action<bool> countKernel)
    {
        if (!kernel.Buffers.Where(b => b.Role == BufferRole.State).Select(b => b.Name).SequenceEqual(States))
            throw new ArgumentException($"The kernel of '{Program.Label}' does not declare the group's states in order.", nameof(kernel));
        Kernel = kernel;
        var method = IlgpuKernelEmitter.Compile(kernel, Num<T>.Single, out bool compiled);
        countKernel(compiled);
        _kernel = _ctx.NeuronKernel(method);
        SetValues(values);
    }

    /// <summary>New values for some non-state buffers; uploads the kernel's per-cell and uniform arrays.</summary>
    public void SetValues(IReadOnlyDictionary<string, double[]> values)
    {
        foreach (var (name, v) in values)
            if (Kernel.Buffer(name) is { Role: not BufferRole.State }) _values[name] = v;
        int n = Size;
        var cells = Kernel.Buffers.Where(b => b.Role != BufferRole.State && b.Storage == Storage.PerCell).ToArray();
        var uniforms = Kernel.Buffers.Where(b => b.Storage == Storage.Uniform).ToArray();
        var flat = new double[Math.Max(1, cells.Length * n)];
        for (int k = 0; k < cells.Length; k++)
        {
            var v = Value(cells[k].Name);
            for (int i = 0; i < n; i++) flat[k * n + i] = v.Length == 1 ? v[0] : v[i];
        }
        var uniform = uniforms.Select(b => Value(b.Name)[0]).DefaultIfEmpty(0).ToArray();
        var acc = _ctx.Accelerator;
        if (_cellsDevice.Length != flat.Length) { _cellsDevice.Dispose(); _cellsDevice = _ctx.Allocate<T>(flat.Length); }
        if (_uniformsDevice.Length != uniform.Length) { _uniformsDevice.Dispose(); _uniformsDevice = _ctx.Allocate<T>(uniform.Length); }
        _cellsDevice.Upload(acc, Num<T>.Array(flat));
        _uniformsDevice.Upload(acc, Num<T>.Array(uniform));
    }

    private double[] Value(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"No values for buffer '{name}' of '{Program.Label}'.");

    /// <summary>Launches step k; spikes are stamped with the output's index.</summary>
    public void Update(long k, SpikeOutput output)
    {
        int n = Size;
        var args = new NeuronArgs<T>
        {
            N = n,
            Dt = Num<T>.From(_ctx.Dt),
            Time = Num<T>.From(k * _ctx.Dt),
            State = State,
            Cells = _cellsDevice.View,
            Uniforms = _uniformsDevice.View,
            Injected = _injectedDevice.View,
            Refractory = _refractory.View,
            Ring = _ring.View,
            RingStride = _ctx.Slots * n,
            RingOffset = (int)(k % _ctx.Slots) * n,
            Output = output,
            Step = k,
            Seed = _seed,
            FirstGlobalIndex = Program.FirstGlobalIndex,
        };
        _kernel(_ctx.PerItem(n), args);
    }

    public void Reset(IReadOnlyDictionary<string, double[]> initial)
    {
        SetState(initial);
        _refractory.Clear(_ctx.Accelerator);
        _ring.Clear(_ctx.Accelerator);
        ClearCounts();
    }

    public void ClearCounts() => _spikeCount.Clear(_ctx.Accelerator);

    private void SetState(IReadOnlyDictionary<string, double[]> initial)
    {
        int n = Size;
        var flat = new double[States.Length * n];
        for (int k = 0; k < States.Length; k++) initial[States[k]].AsSpan(0, n).CopyTo(flat.AsSpan(k * n, n));
        if (flat.Length > 0) State.SubView(0, flat.Length).CopyFromCPU(_ctx.Accelerator.DefaultStream, Num<T>.Array(flat));
    }

    public override void Dispose()
    {
        _cellsDevice.Dispose();
        _uniformsDevice.Dispose();
        _injectedDevice.Dispose();
        _ring.Dispose();
        _refractory.Dispose();
        _spikeList.Dispose();
        _spikeCount.Dispose();
    }
}

/// <summary>
/// <c>SpikeSourcePoisson</c> cells: each index, a kernel draws one counter-based number per cell (docs/semantics.md).
/// The host turns rate, start and duration into per-cell integer thresholds and index windows, so the kernel's test is
/// exactly the CPU backend's <c>start ≤ s·dt &lt; start + duration</c> and <c>u &lt; 1 − exp(−rate·dt/1000)</c>.
/// </summary>
internal sealed class PoissonGroup<T> : CellGroup, IDeviceSpikes, ISourceGroup where T : unmanaged
{
    private const double TwoTo53 = 9007199254740992.0;
    private readonly EngineContext<T> _ctx;
    private readonly ulong _seed;
    private double[] _rate, _start, _duration;
    private readonly DeviceArray<ulong> _threshold;
    private readonly DeviceArray<long> _first, _end;
    private readonly DeviceArray<int> _spikeList, _spikeCount;
    private readonly Action<KernelConfig, PoissonArgs> _kernel;

    public PoissonGroup(SpikeSourceProgram spec, EngineContext<T> ctx, ulong seed) : base(spec)
    {
        _ctx = ctx;
        _seed = seed;
        _rate = (double[])spec.Parameters["rate"].Clone();
        _start = (double[])spec.Parameters["start"].Clone();
        _duration = (double[])spec.Parameters["duration"].Clone();
        _threshold = ctx.Allocate<ulong>(Size);
        _first = ctx.Allocate<long>(Size);
        _end = ctx.Allocate<long>(Size);
        _spikeList = ctx.Allocate<int>(Size);
        _spikeCount = ctx.Allocate<int>(2);
        _kernel = ctx.Accelerator.LoadStreamKernel<PoissonArgs>(StaticKernels.Poisson);
        Recompute();
    }

    public ArrayView<int> SpikeList => _spikeList.View;
    public ArrayView<int> SpikeCount => _spikeCount.View;

    /// <summary>Launches the draws of index <paramref name="s"/>.</summary>
    public void Emit(long s, SpikeOutput output) => _kernel(_ctx.PerItem(Size), new PoissonArgs
    {
        N = Size,
        Step = s,
        Seed = _seed,
        FirstGlobalIndex = Program.FirstGlobalIndex,
        Threshold = _threshold.View,
        FirstStep = _first.View,
        EndStep = _end.View,
        Output = output,
    });

    private void Recompute()
    {
        int n = Size;
        double dt = _ctx.Dt;
        var threshold = new ulong[n];
        var first = new long[n];
        var end = new long[n];
        for (int i = 0; i < n; i++)
        {
            double p = 1.0 - Math.Exp(-_rate[i] * dt / 1000.0);
            // u < p  ⟺  b·2^-53 < p  ⟺  b < ⌈p·2^53⌉ for the 53-bit integer b (scaling by 2^53 is exact).
            threshold[i] = _rate[i] <= 0 || !(p > 0) ? 0 : (ulong)Math.Ceiling(Math.Min(p, 1.0) * TwoTo53);
            first[i] = FirstIndex(s => !(s * dt < _start[i]));
            end[i] = FirstIndex(s => s * dt >= _start[i] + _duration[i]);
        }
        var acc = _ctx.Accelerator;
        _threshold.Upload(acc, threshold);
        _first.Upload(acc, first);
        _end.Upload(acc, end);
    }

    /// <summary>The first index s ≥ 0 at which the monotone condition holds (long.MaxValue if never, within 2^62).</summary>
    private static long FirstIndex(Func<long, bool> holds)
    {
        if (holds(0)) return 0;
        long hi = 1;
        while (!holds(hi))
        {
            if (hi >= 1L << 62) return long.MaxValue;
            hi *= 2;
        }
        long lo = hi / 2; // holds(hi), !holds(lo)
        while (hi - lo > 1)
        {
            long mid = lo + (hi - lo) / 2;
            if (holds(mid)) hi = mid;
            else lo = mid;
        }
        return hi;
    }

    public void SetParameter(string name, double[] values)
    {
        switch (name)
        {
            case "rate": _rate = (double[])values.Clone(); break;
            case "start": _start = (double[])values.Clone(); break;
            case "duration": _duration = (double[])values.Clone(); break;
            default: throw new NonExistentParameterException(name, Program.ModelName, ["rate", "start", "duration"]);
        }
        Recompute();
    }

    public void SetSequence(string name, double[][] values) =>
        throw new NonExistentParameterException(name, Program.ModelName, ["rate", "start", "duration"]);

    public void Reset() => ClearCounts();

    public void ClearCounts() => _spikeCount.Clear(_ctx.Accelerator);

    public override void Dispose()
    {
        _threshold.Dispose();
        _first.Dispose();
        _end.Dispose();
        _spikeList.Dispose();
        _spikeCount.Dispose();
    }
}

/// <summary>
/// Host-scheduled spike sources (arrays, gamma, Poisson with dead time, inhomogeneous gamma): the backend-neutral
/// <see cref="HostSpikeSchedule"/> produces a window of indices at a time (never beyond the current run), whose cells
/// (sorted by index, then cell) are uploaded once; a delivery reads the index's slice of it, and recording needs no device
/// work at all.
/// </summary>
internal sealed class HostScheduleGroup<T> : CellGroup, ISourceGroup where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly HostSpikeSchedule _schedule;
    private SpikeWindow? _uploaded;
    private DeviceArray<int>? _device;

    public HostScheduleGroup(SpikeSourceProgram spec, EngineContext<T> ctx, ulong seed) : base(spec)
    {
        _ctx = ctx;
        _schedule = new HostSpikeSchedule(spec, ctx.Dt, seed);
    }

    /// <summary>
    /// The spikes of index <paramref name="s"/> (<paramref name="lastIndex"/> is the run's last index): the window's cells on
    /// the host and on the device, the slice of index s in both, and with precise spike times the offsets from the grid of
    /// the window's spikes (<see cref="SpikeWindow.SpikeOffsets"/>, in the order of the cells; null on the grid).
    /// </summary>
    public (int[] Cells, ArrayView<int> Device, int Offset, int Count, double[]? SpikeOffsets) Emit(long s, long lastIndex)
    {
        var window = _schedule.WindowAt(s, lastIndex);
        var (offset, count) = window.Slice(s);
        if (count > 0 && !ReferenceEquals(window, _uploaded))
        {
            if (_device is null || _device.Length < window.Count)
            {
                if (_device is not null)
                {
                    _ctx.Accelerator.Synchronize(); // deliveries queued on the old buffer finish first
                    _device.Dispose();
                }
                _device = _ctx.Allocate<int>(Math.Max(window.Count, 2 * (_device?.Length ?? 0)));
            }
            // Ordered on the default stream after the deliveries that read the previous window.
            _device.Upload(_ctx.Accelerator, window.Cells);
            _uploaded = window;
        }
        return (window.Cells, count > 0 ? _device!.View : default, offset, count, window.SpikeOffsets);
    }

    public void SetParameter(string name, double[] values) => _schedule.SetParameter(name, values);

    public void SetSequence(string name, double[][] values) => _schedule.SetSequence(name, values);

    public void Reset() => _schedule.Reset();

    public override void Dispose() => _device?.Dispose();
}
