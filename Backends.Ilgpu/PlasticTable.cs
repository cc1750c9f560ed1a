using ILGPU;
using ILGPU.Runtime;
using Meta.Backends.Ilgpu.Codegen;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// One projection with a synapse kernel on the device, in the connection order of its <see cref="SynapseGroupProgram"/>
/// (which is also the order of the synapses' random streams): pre and post cell, the axonal and dendritic parts of each
/// delay in steps, the kernel's per-synapse buffers (one row each, in <typeparamref name="T"/>) and uniform buffers, and the
/// compiled event kernel. Each step launches one thread per synapse, which runs the synapse's pre event (when its pre cell
/// spiked axonal-delay steps before) and then its post event (when its post cell spiked dendritic-delay steps before).
/// </summary>
internal sealed class PlasticTable<T> : IPlasticSynapses, IDisposable where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly DeviceArray<int> _pre, _post, _axonal, _dendritic;
    private DeviceArray<T>? _perSynapse, _uniform;
    private string[] _perNames = [], _uniformNames = [];
    private int[] _axonalValues = [];
    private Action<KernelConfig, SynapseArgs<T>> _kernel = null!;

    public PlasticTable(SynapseGroupProgram spec, int preSize, NeuronGroup<T> target, EngineContext<T> ctx, Action<bool> countKernel)
    {
        Spec = spec;
        Target = target;
        PreSize = preSize;
        _ctx = ctx;
        _pre = ctx.Upload(spec.PreIndices);
        _post = ctx.Upload(spec.PostIndices);
        _axonal = ctx.Allocate<int>(spec.Count);
        _dendritic = ctx.Allocate<int>(spec.Count);
        SetDelays(spec.DelaySteps.Select(d => (double)d).ToArray());
        SetKernel(spec.Kernel!, spec.Values, countKernel);
    }

    public SynapseGroupProgram Spec { get; }
    public NeuronGroup<T> Target { get; }
    public int PreSize { get; }
    public SynapseKernel Kernel { get; private set; } = null!;

    /// <summary>
    /// Compiles <paramref name="kernel"/> and lays its buffers out, taking values from <paramref name="values"/>; a buffer
    /// not given keeps its current values when the running kernel has it (the states, when a parameter's storage changed).
    /// </summary>
    public void SetKernel(SynapseKernel kernel, IReadOnlyDictionary<string, double[]> values, Action<bool> countKernel)
    {
        int n = Spec.Count;
        var perNames = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToArray();
        var uniformNames = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToArray();
        if ((long)perNames.Length * n > int.MaxValue)
            throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"Projection '{Spec.Label}' of {n} synapses with {perNames.Length} per-synapse buffers (more than 2^31 values)");
        var per = new T[perNames.Length * n];
        var uniform = new T[Math.Max(1, uniformNames.Length)];
        if (_perSynapse is not null && _uniform is not null)
        {
            // Keep the values of the running kernel's buffers (its states above all) that the new one also has.
            var acc = _ctx.Accelerator;
            acc.Synchronize();
            var oldPer = _perSynapse.Download(acc, (long)_perNames.Length * n);
            var oldUniform = _uniform.Download(acc, _uniformNames.Length);
            for (int b = 0; b < perNames.Length; b++)
                if (Array.IndexOf(_perNames, perNames[b]) is int o and >= 0) Array.Copy(oldPer, (long)o * n, per, (long)b * n, n);
            for (int b = 0; b < uniformNames.Length; b++)
                if (Array.IndexOf(_uniformNames, uniformNames[b]) is int o and >= 0) uniform[b] = oldUniform[o];
        }
        Kernel = kernel;
        _perNames = perNames;
        _uniformNames = uniformNames;
        var method = IlgpuSynapseEmitter.Compile(kernel, Num<T>.Single, out bool compiled);
        countKernel(compiled);
        _kernel = _ctx.SynapseKernel(method);
        foreach (var (name, v) in values)
        {
            int b = Array.IndexOf(perNames, name);
            if (b >= 0) { for (int k = 0; k < n; k++) per[(long)b * n + k] = Num<T>.From(v[k]); continue; }
            b = Array.IndexOf(uniformNames, name);
            if (b >= 0) uniform[b] = Num<T>.From(v[0]);
        }
        _perSynapse?.Dispose();
        _uniform?.Dispose();
        _perSynapse = _ctx.Upload(per);
        _uniform = _ctx.Upload(uniform);
    }

    /// <summary>Sets buffer values laid out as in <see cref="SynapseGroupProgram.Values"/> (connection order; one value for a uniform buffer).</summary>
    public void SetValues(IReadOnlyDictionary<string, double[]> values)
    {
        int n = Spec.Count;
        var stream = _ctx.Accelerator.DefaultStream;
        foreach (var (name, v) in values)
        {
            int b = Array.IndexOf(_perNames, name);
            if (b >= 0)
            {
                if (n > 0) _perSynapse!.View.SubView((long)b * n, n).CopyFromCPU(stream, Num<T>.Array(v.AsSpan(0, n)));
                continue;
            }
            b = Array.IndexOf(_uniformNames, name);
            if (b >= 0) _uniform!.View.SubView(b, 1).CopyFromCPU(stream, new[] { Num<T>.From(v[0]) });
        }
    }

    /// <summary>Buffer <paramref name="name"/> in connection order (one value for a uniform buffer).</summary>
    public double[] Read(string name)
    {
        var acc = _ctx.Accelerator;
        int n = Spec.Count;
        acc.Synchronize();
        T[] values;
        int b = Array.IndexOf(_perNames, name);
        if (b >= 0) values = _perSynapse!.Download(acc, n, (long)b * n);
        else
        {
            b = Array.IndexOf(_uniformNames, name);
            if (b < 0) throw new NonExistentParameterException(name, Spec.SynapseType, [.. _perNames, .. _uniformNames]);
            values = _uniform!.Download(acc, 1, b);
        }
        acc.Synchronize();
        return values.Select(Num<T>.To).ToArray();
    }

    /// <summary>Sets the delays (steps, connection order) and their axonal and dendritic parts.</summary>
    public void SetDelays(double[] specOrderSteps)
    {
        var axonal = new int[specOrderSteps.Length];
        var dendritic = new int[specOrderSteps.Length];
        for (int k = 0; k < specOrderSteps.Length; k++)
        {
            int d = (int)specOrderSteps[k];
            axonal[k] = Spec.AxonalSteps(d);
            dendritic[k] = d - axonal[k];
        }
        _axonalValues = axonal.Distinct().ToArray();
        _axonal.Upload(_ctx.Accelerator, axonal);
        _dendritic.Upload(_ctx.Accelerator, dendritic);
    }

    /// <summary>
    /// Runs the synapse events of step <paramref name="s"/>: the pre events of the synapses whose pre cell spiked at
    /// s − axonal delay, then the post events of those whose post cell spiked at s − dendritic delay. No launch when the
    /// host knows there is none (a host-scheduled presynaptic source without a spike at any s − axonal delay, and no post code).
    /// </summary>
    public void Events(long s, ulong seed, SpikeHistory<T> pre, SpikeHistory<T> post)
    {
        if (Spec.Count == 0) return;
        if (!Kernel.HasPost && !_axonalValues.Any(a => pre.MayHaveSpiked(s - a))) return;
        Launch(s, seed, pre, post);
    }

    private void Launch(long s, ulong seed, SpikeHistory<T> pre, SpikeHistory<T> post)
    {
        int n = Spec.Count;
        _kernel(_ctx.PerItem(n), new SynapseArgs<T>
        {
            N = n,
            Step = s,
            Dt = Num<T>.From(_ctx.Dt),
            Time = Num<T>.From(s * _ctx.Dt),
            Seed = seed,
            Projection = Spec.Index,
            Buffers = _perSynapse!.View,
            Uniforms = _uniform!.View,
            PreCell = _pre.View,
            PostCell = _post.View,
            Axonal = _axonal.View,
            Dendritic = _dendritic.View,
            PreHistory = pre.View,
            PreSize = pre.Size,
            PostHistory = post.View,
            PostSize = post.Size,
            Ring = Target.Ring(Spec.Receptor),
            Slots = _ctx.Slots,
            Now = (int)(s % _ctx.Slots),
        });
    }

    public void Dispose()
    {
        _pre.Dispose();
        _post.Dispose();
        _axonal.Dispose();
        _dendritic.Dispose();
        _perSynapse?.Dispose();
        _uniform?.Dispose();
    }
}
