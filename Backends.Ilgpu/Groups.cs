using Meta.Backends.Runtime;
using ILGPU;
using ILGPU.Runtime;
using Meta.Backends.Ilgpu.Codegen;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Models;
using Meta.Expressions;
using Meta.Lowering;
using Meta.Network;

namespace Meta.Backends.Ilgpu;

/// <summary>What the populations of one engine share: the device, the time step and the kernel loaders.</summary>
internal sealed class EngineContext<T>(DeviceHandle device, double dt, int slots) where T : unmanaged
{
    private readonly Dictionary<System.Reflection.MethodInfo, Action<KernelConfig, NeuronArgs<T>>> _neuronKernels = [];

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
            _neuronKernels[method] = kernel = Accelerator.LoadStreamKernel(method.CreateDelegate<Action<NeuronArgs<T>>>());
        return kernel;
    }

    public DeviceArray<TElem> Allocate<TElem>(long length) where TElem : unmanaged => new(Accelerator, length);
    public DeviceArray<TElem> Upload<TElem>(TElem[] data) where TElem : unmanaged => new(Accelerator, data);
}

/// <summary>The cells of one population on the device: a neuron group or a spike source group.</summary>
internal abstract class CellGroup(PopulationSpec spec) : IDisposable
{
    public PopulationSpec Spec { get; } = spec;
    public int Size => Spec.Size;
    public abstract void SetParameter(string name, double[] values);
    public abstract void SetSequence(string name, double[][] values, long currentStep);
    public abstract void Reset(IReadOnlyDictionary<string, double[]> initial);
    public abstract void Dispose();
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

/// <summary>A population of model neurons updated by a generated kernel.</summary>
internal sealed class NeuronGroup<T> : CellGroup, IDeviceSpikes where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly IntegrationPlan _plan;
    private readonly string[] _stateNames;
    private readonly string[] _parameterNames;
    private readonly double[][] _parameters;
    private readonly DeviceArray<T> _parametersDevice, _coefficientsDevice, _scalesDevice, _injectedDevice, _ring;
    private readonly T[] _injectedStaging;
    private readonly DeviceArray<int> _refractory, _refractoryStepsDevice, _spikeList, _spikeCount;
    private Action<KernelConfig, NeuronArgs<T>> _kernel = null!;
    private readonly ulong _seed;

    public NeuronGroup(PopulationSpec spec, EngineContext<T> ctx, ArrayView<T> state, int stateBase, ulong seed) : base(spec)
    {
        _ctx = ctx;
        _seed = seed;
        var model = spec.Model;
        _plan = IntegrationPlan.For(model);
        _stateNames = model.States.Select(s => s.Name).ToArray();
        _parameterNames = model.KernelParameters.ToArray();
        _parameters = _parameterNames.Select(n => (double[])spec.Parameters[n].Clone()).ToArray();
        State = state;
        StateBase = stateBase;
        Receptors = model.Receptors.ToArray();
        int n = Size;
        if ((long)Math.Max(1, Receptors.Length) * ctx.Slots * n > int.MaxValue || (long)_plan.Coefficients.Count * n > int.MaxValue)
            throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"Population '{spec.Label}' of {n} cells with {ctx.Slots} delay slots (its arrays would exceed 2^31 elements)");
        _parametersDevice = ctx.Allocate<T>((long)_parameterNames.Length * n);
        _coefficientsDevice = ctx.Allocate<T>((long)_plan.Coefficients.Count * n);
        _scalesDevice = ctx.Allocate<T>((long)Receptors.Length * n);
        _injectedDevice = ctx.Allocate<T>(n);
        _ring = ctx.Allocate<T>((long)Receptors.Length * ctx.Slots * n);
        _refractory = ctx.Allocate<int>(n);
        _refractoryStepsDevice = ctx.Allocate<int>(n);
        _spikeList = ctx.Allocate<int>(n);
        _spikeCount = ctx.Allocate<int>(2);
        Injected = new double[n];
        _injectedStaging = new T[n];
        SetState(spec.InitialValues);
        Recompute();
    }

    /// <summary>This population's rows of the network's state buffer.</summary>
    public ArrayView<T> State { get; }
    /// <summary>The offset of <see cref="State"/> in the network's state buffer.</summary>
    public int StateBase { get; }
    public ReceptorDefinition[] Receptors { get; }
    /// <summary>The injected current per cell (host copy, uploaded when it changes).</summary>
    public double[] Injected { get; }
    public ArrayView<int> SpikeList => _spikeList.View;
    public ArrayView<int> SpikeCount => _spikeCount.View;

    /// <summary>The state row of <paramref name="name"/>.</summary>
    public int StateIndex(string name)
    {
        int k = Array.IndexOf(_stateNames, name);
        return k >= 0 ? k : throw new NonExistentParameterException(name, Spec.Model.Name, _stateNames);
    }

    /// <summary>The ring of receptor <paramref name="r"/>: Slots × Size.</summary>
    public ArrayView<T> Ring(int r) => _ring.View.SubView((long)r * _ctx.Slots * Size, (long)_ctx.Slots * Size);

    public void UploadInjected()
    {
        // Sources such as ACSource change every step: convert into a buffer kept for the purpose, not a new array.
        Num<T>.Convert(Injected, _injectedStaging);
        _injectedDevice.Upload(_ctx.Accelerator, _injectedStaging);
    }

    /// <summary>Launches step k; spikes are stamped with the output's index. The kernel draws the model's <c>uniform()</c> numbers of step k itself.</summary>
    public void Update(long k, SpikeOutput output)
    {
        int n = Size;
        var args = new NeuronArgs<T>
        {
            N = n,
            Dt = Num<T>.From(_ctx.Dt),
            Time = Num<T>.From(k * _ctx.Dt),
            State = State,
            Parameters = _parametersDevice.View,
            Coefficients = _coefficientsDevice.View,
            Scales = _scalesDevice.View,
            Injected = _injectedDevice.View,
            Refractory = _refractory.View,
            RefractorySteps = _refractoryStepsDevice.View,
            Ring = _ring.View,
            RingStride = _ctx.Slots * n,
            RingOffset = (int)(k % _ctx.Slots) * n,
            Output = output,
            Step = k,
            Seed = _seed,
            FirstGlobalIndex = Spec.FirstGlobalIndex,
        };
        _kernel(_ctx.PerItem(n), args);
    }

    public override void SetParameter(string name, double[] values)
    {
        int k = Array.IndexOf(_parameterNames, name);
        if (k < 0) throw new NonExistentParameterException(name, Spec.Model.Name, _parameterNames);
        _parameters[k] = (double[])values.Clone();
        Recompute();
    }

    public override void SetSequence(string name, double[][] values, long currentStep) =>
        throw new NonExistentParameterException(name, Spec.Model.Name, _parameterNames);

    public override void Reset(IReadOnlyDictionary<string, double[]> initial)
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
        var flat = new double[_stateNames.Length * n];
        for (int k = 0; k < _stateNames.Length; k++) initial[_stateNames[k]].AsSpan(0, n).CopyTo(flat.AsSpan(k * n, n));
        if (flat.Length > 0) State.SubView(0, flat.Length).CopyFromCPU(_ctx.Accelerator.DefaultStream, Num<T>.Array(flat));
    }

    /// <summary>
    /// Per-cell coefficients, refractory step counts and receptor scales from the current parameters (the same
    /// float64 computation as the CPU backend), uploaded; values equal for every cell become literals of the kernel.
    /// </summary>
    private void Recompute()
    {
        var model = Spec.Model;
        int n = Size, nc = _plan.Coefficients.Count;
        var coefficients = new double[nc * n];
        var refractorySteps = new int[n];
        var scales = new double[Receptors.Length * n];
        for (int i = 0; i < n; i++)
        {
            int cell = i;
            double Lookup(string name) => _parameters[Array.IndexOf(_parameterNames, name)][cell];
            var c = _plan.ComputeCoefficients(Lookup, _ctx.Dt);
            for (int k = 0; k < c.Length; k++) coefficients[k * n + i] = c[k];
            if (model.Refractory is { } r)
            {
                double period = r.Period.Evaluate(Lookup);
                if (!(period >= 0)) throw new InvalidParameterValueException($"The refractory period {r.Period} must be ≥ 0 ms, got {period} (cell {i} of '{Spec.Label}').");
                refractorySteps[i] = (int)Math.Round(period / _ctx.Dt);
            }
            for (int k = 0; k < Receptors.Length; k++) scales[k * n + i] = Receptors[k].Scale.Evaluate(Lookup);
        }
        var flatParameters = new double[_parameterNames.Length * n];
        for (int k = 0; k < _parameterNames.Length; k++) _parameters[k].AsSpan(0, n).CopyTo(flatParameters.AsSpan(k * n, n));
        var acc = _ctx.Accelerator;
        _parametersDevice.Upload(acc, Num<T>.Array(flatParameters));
        _coefficientsDevice.Upload(acc, Num<T>.Array(coefficients));
        _scalesDevice.Upload(acc, Num<T>.Array(scales));
        _refractoryStepsDevice.Upload(acc, refractorySteps);

        // Values equal for every cell become literals in the kernel, exactly as on the CPU.
        var constants = new Dictionary<string, double>(StringComparer.Ordinal);
        void AddIfHomogeneous(string name, ReadOnlySpan<double> values)
        {
            if (values.Length == 0) return;
            foreach (var v in values) if (!v.Equals(values[0])) return;
            constants[name] = values[0];
        }
        for (int k = 0; k < _parameterNames.Length; k++) AddIfHomogeneous(_parameterNames[k], _parameters[k].AsSpan(0, n));
        for (int k = 0; k < nc; k++) AddIfHomogeneous(_plan.Coefficients[k].Name, coefficients.AsSpan(k * n, n));
        if (model.Refractory is not null) AddIfHomogeneous(KernelGenerator.RefractoryStepsName, refractorySteps.Select(x => (double)x).ToArray());
        for (int k = 0; k < Receptors.Length; k++) AddIfHomogeneous(KernelGenerator.ScaleName(Receptors[k].Name), scales.AsSpan(k * n, n));
        _kernel = _ctx.NeuronKernel(KernelCompiler.Compile(model, constants, Num<T>.Single));
    }

    public override void Dispose()
    {
        _parametersDevice.Dispose();
        _coefficientsDevice.Dispose();
        _scalesDevice.Dispose();
        _injectedDevice.Dispose();
        _ring.Dispose();
        _refractory.Dispose();
        _refractoryStepsDevice.Dispose();
        _spikeList.Dispose();
        _spikeCount.Dispose();
    }
}

/// <summary>
/// <c>SpikeSourcePoisson</c> cells: each index, a kernel draws one counter-based number per cell (docs/semantics.md).
/// The host turns rate, start and duration into per-cell integer thresholds and index windows, so the kernel's test is
/// exactly the CPU backend's <c>start ≤ s·dt &lt; start + duration</c> and <c>u &lt; 1 − exp(−rate·dt/1000)</c>.
/// </summary>
internal sealed class PoissonGroup<T> : CellGroup, IDeviceSpikes where T : unmanaged
{
    private const double TwoTo53 = 9007199254740992.0;
    private readonly EngineContext<T> _ctx;
    private readonly ulong _seed;
    private double[] _rate, _start, _duration;
    private readonly DeviceArray<ulong> _threshold;
    private readonly DeviceArray<long> _first, _end;
    private readonly DeviceArray<int> _spikeList, _spikeCount;
    private readonly Action<KernelConfig, PoissonArgs> _kernel;

    public PoissonGroup(PopulationSpec spec, EngineContext<T> ctx, ulong seed) : base(spec)
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
        FirstGlobalIndex = Spec.FirstGlobalIndex,
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

    public override void SetParameter(string name, double[] values)
    {
        switch (name)
        {
            case "rate": _rate = (double[])values.Clone(); break;
            case "start": _start = (double[])values.Clone(); break;
            case "duration": _duration = (double[])values.Clone(); break;
            default: throw new NonExistentParameterException(name, Spec.Model.Name, Spec.Model.Parameters.Select(p => p.Name));
        }
        Recompute();
    }

    public override void SetSequence(string name, double[][] values, long currentStep) =>
        throw new NonExistentParameterException(name, Spec.Model.Name, Spec.Model.Parameters.Select(p => p.Name));

    public override void Reset(IReadOnlyDictionary<string, double[]> initial) => ClearCounts();

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
internal sealed class HostScheduleGroup<T> : CellGroup where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly HostSpikeSchedule _schedule;
    private SpikeWindow? _uploaded;
    private DeviceArray<int>? _device;

    public HostScheduleGroup(PopulationSpec spec, EngineContext<T> ctx, ulong seed) : base(spec)
    {
        _ctx = ctx;
        _schedule = new HostSpikeSchedule(spec, ctx.Dt, seed);
    }

    /// <summary>
    /// The spikes of index <paramref name="s"/> (<paramref name="lastIndex"/> is the run's last index): the window's cells on
    /// the host and on the device, and the slice of index s in both.
    /// </summary>
    public (int[] Cells, ArrayView<int> Device, int Offset, int Count) Emit(long s, long lastIndex)
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
        return (window.Cells, count > 0 ? _device!.View : default, offset, count);
    }

    public override void SetParameter(string name, double[] values) => _schedule.SetParameter(name, values);

    public override void SetSequence(string name, double[][] values, long currentStep) => _schedule.SetSequence(name, values);

    public override void Reset(IReadOnlyDictionary<string, double[]> initial) => _schedule.Reset();

    public override void Dispose() => _device?.Dispose();
}
