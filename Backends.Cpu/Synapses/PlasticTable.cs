using System.Runtime.CompilerServices;
using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Backends.Cpu.Synapses;

/// <summary>
/// One projection with a synapse kernel on the CPU: connections by presynaptic cell (rows, in which the per-synapse buffers
/// are stored) and an index by postsynaptic cell (columns), each synapse's axonal and dendritic delay in steps, the kernel's
/// buffers, and its compiled event code. Pre events of step s belong to the pre cells that spiked at s − axonal delay, post
/// events to the post cells that spiked at s − dendritic delay.
/// </summary>
internal sealed class PlasticTable : IPlasticSynapses
{
    private readonly int[] _rowStart, _colStart, _colSynapse, _post, _delay, _axonal, _dendritic, _specToRow, _rowToSpec;
    private readonly InputRing<double> _target;
    private double[][] _perSynapse = [];
    private double[] _uniform = [];
    private SynapseEventStep _step = null!;
    private int[] _axonalValues = [], _dendriticValues = [];

    public PlasticTable(SynapseGroupProgram spec, int preSize, int postSize, InputRing<double> target, Action<bool> countKernel)
    {
        Spec = spec;
        _target = target;
        int n = spec.Count;
        var rows = new ConnectionRows(spec.PreIndices, preSize);
        _rowStart = rows.Start;
        _specToRow = rows.PositionOf;
        _rowToSpec = rows.ConnectionAt;
        _post = rows.ByPosition(spec.PostIndices);
        _delay = new int[n];
        _axonal = new int[n];
        _dendritic = new int[n];
        // The index by post cell holds row positions, so that post events find the per-synapse buffers.
        var columns = new ConnectionRows(_post, postSize);
        _colStart = columns.Start;
        _colSynapse = columns.ConnectionAt;
        SetDelays(spec.DelaySteps.Select(d => (double)d).ToArray());
        Kernel = spec.Kernel!;
        SetKernel(Kernel, spec.Values, countKernel);
    }

    public SynapseGroupProgram Spec { get; }
    public SynapseKernel Kernel { get; private set; }

    /// <summary>Compiles <paramref name="kernel"/> and lays its buffers out, taking every value from <paramref name="values"/> (or keeping the current one).</summary>
    public void SetKernel(SynapseKernel kernel, IReadOnlyDictionary<string, double[]> values, Action<bool> countKernel)
    {
        var old = Kernel == kernel ? null : Kernel;
        var oldPer = _perSynapse;
        var oldUniform = _uniform;
        var perNames = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        var uniformNames = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        var per = perNames.Select(_ => new double[Spec.Count]).ToArray();
        var uniform = new double[uniformNames.Count];
        if (old is not null && oldPer.Length > 0)
        {
            // Keep the states of the running kernel (a parameter's storage changed between runs, not the states).
            var oldPerNames = old.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
            for (int b = 0; b < perNames.Count; b++)
                if (oldPerNames.IndexOf(perNames[b]) is int o and >= 0) oldPer[o].CopyTo(per[b], 0);
            var oldUniformNames = old.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
            for (int b = 0; b < uniformNames.Count; b++)
                if (oldUniformNames.IndexOf(uniformNames[b]) is int o and >= 0) uniform[b] = oldUniform[o];
        }
        Kernel = kernel;
        _perSynapse = per;
        _uniform = uniform;
        _step = CpuSynapseEmitter.Compile(kernel, out bool compiled);
        countKernel(compiled);
        SetValues(values);
    }

    /// <summary>Sets buffer values laid out as in <see cref="SynapseGroupProgram.Values"/> (connection order).</summary>
    public void SetValues(IReadOnlyDictionary<string, double[]> values)
    {
        foreach (var (name, v) in values)
        {
            var b = Kernel.Buffer(name)!;
            if (b.Storage == Storage.Uniform) { _uniform[UniformIndex(name)] = v[0]; continue; }
            var target = _perSynapse[PerSynapseIndex(name)];
            for (int k = 0; k < v.Length; k++) target[_specToRow[k]] = v[k];
        }
    }

    /// <summary>Buffer <paramref name="name"/> in connection order (one value for a uniform buffer).</summary>
    public double[] Read(string name)
    {
        var b = Kernel.Buffer(name)!;
        if (b.Storage == Storage.Uniform) return [_uniform[UniformIndex(name)]];
        var source = _perSynapse[PerSynapseIndex(name)];
        var result = new double[Spec.Count];
        for (int k = 0; k < result.Length; k++) result[k] = source[_specToRow[k]];
        return result;
    }

    private int PerSynapseIndex(string name) => Kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList().IndexOf(name);
    private int UniformIndex(string name) => Kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList().IndexOf(name);

    /// <summary>Sets the delays (steps, connection order) and their axonal and dendritic parts.</summary>
    public void SetDelays(double[] specOrderSteps)
    {
        for (int k = 0; k < specOrderSteps.Length; k++)
        {
            int r = _specToRow[k], d = (int)specOrderSteps[k];
            _delay[r] = d;
            _axonal[r] = Spec.AxonalSteps(d);
            _dendritic[r] = d - _axonal[r];
        }
        _axonalValues = _axonal.Distinct().Order().ToArray();
        _dendriticValues = _dendritic.Distinct().Order().ToArray();
    }

    /// <summary>Runs the pre events of step <paramref name="s"/>: the synapses of the pre cells that spiked <c>axonal</c> steps before.</summary>
    public void PreEvents(long s, double dt, ulong seed, SpikeHistory pre) => Events(false, s, dt, seed, pre);

    /// <summary>Runs the post events of step <paramref name="s"/>: the synapses of the post cells that spiked <c>dendritic</c> steps before.</summary>
    public void PostEvents(long s, double dt, ulong seed, SpikeHistory post)
    {
        if (Kernel.HasPost) Events(true, s, dt, seed, post);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Events(bool post, long s, double dt, ulong seed, SpikeHistory history)
    {
        var delays = post ? _dendriticValues : _axonalValues;
        bool filter = delays.Length > 1;
        foreach (int d in delays)
        {
            var (cells, count) = history.At(s - d);
            if (count == 0) continue;
            _step(post, cells, count, d, filter, post ? _dendritic : _axonal, s * dt, dt, s, seed, Spec.Index, _perSynapse, _uniform,
                post ? _colStart : _rowStart, post ? _colSynapse : null, _rowToSpec, _post, _dendritic, _target.Buffer, _target.Cells, _target.Slots,
                (int)(s % _target.Slots));
        }
    }
}
