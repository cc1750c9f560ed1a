using ILGPU;
using ILGPU.Runtime;
using Meta.Backends.Ilgpu.Codegen;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// The couplings of a step program on the device (docs/semantics.md, "Continuous coupling"), queued on the engine's stream
/// with no host wait. Step k launches each coupling's generated kernel (<see cref="IlgpuCouplingEmitter"/>: one thread per
/// connection, which reads its cells' start-of-step states from the network's state buffer, writes its currents into one flat
/// array of terms and advances its own states, all in double), then one <see cref="CouplingKernels"/> sum per target group:
/// one thread per cell adds its terms from 0 in <see cref="CouplingLayout"/>'s order (post-sorted rows, no atomics: the same
/// float64 sums as the CPU's) and writes sources plus sum into the cells' injected current. The connections' buffers (one row
/// of doubles each) stay on the device; they are read back only when asked.
/// </summary>
internal sealed class DeviceCouplings<T> : IDisposable where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly StepProgram _program;
    private readonly Coupling[] _couplings;
    private readonly DeviceArray<double> _terms;
    private readonly Target?[] _targetOf;
    private readonly Target[] _targets;
    private readonly Action<KernelConfig, CouplingSumArgs<T>> _sum;

    public DeviceCouplings(StepProgram program, CouplingLayout layout, NeuronGroup<T>?[] groups, EngineContext<T> ctx, Action<bool> countKernel)
    {
        _ctx = ctx;
        _program = program;
        var acc = ctx.Accelerator;
        _couplings = program.Couplings.Select(c =>
        {
            var method = IlgpuCouplingEmitter.Compile(c.Kernel, Num<T>.Single, out bool compiled);
            countKernel(compiled);
            NeuronGroup<T> pre = groups[c.PreGroup]!, post = groups[c.PostGroup]!;
            var offsets = c.Kernel.PreStates.Select(s => pre.StateBase + pre.StateIndex(s) * pre.Size)
                .Concat(c.Kernel.PostStates.Select(s => post.StateBase + post.StateIndex(s) * post.Size)).ToArray();
            var buffers = CouplingBuffers.Initial(c).SelectMany(v => v).ToArray();
            return new Coupling(ctx.CouplingKernel(method), CouplingBuffers.Names(c.Kernel), ctx.Upload(c.PreIndices), ctx.Upload(c.PostIndices),
                ctx.Upload(offsets), ctx.Upload(buffers), layout.PostTerm(c.Index), Math.Max(0, layout.PreTerm(c.Index)));
        }).ToArray();
        _terms = ctx.Allocate<double>(layout.TermCount);
        _targets = layout.Targets.Select(g => new Target(groups[g]!, ctx.Allocate<double>(groups[g]!.Size), ctx.Upload(layout.Starts(g)),
            ctx.Upload(layout.TermIndices(g)))).ToArray();
        _targetOf = new Target?[program.Groups.Count];
        foreach (var t in _targets) _targetOf[t.Group.Program.Index] = t;
        _sum = Num<T>.Single
            ? (Action<KernelConfig, CouplingSumArgs<T>>)(object)acc.LoadStreamKernel<CouplingSumArgs<float>>(CouplingKernels.SumFloat32)
            : (Action<KernelConfig, CouplingSumArgs<T>>)(object)acc.LoadStreamKernel<CouplingSumArgs<double>>(CouplingKernels.SumFloat64);
    }

    /// <summary>Whether group <paramref name="group"/> receives coupling currents.</summary>
    public bool IsTarget(int group) => _targetOf[group] is not null;

    /// <summary>Uploads the sources' currents of target group <paramref name="group"/> (nA per cell), to which each step adds the coupling's.</summary>
    public void SetSources(int group, double[] sourced) => _targetOf[group]!.Sourced.Upload(_ctx.Accelerator, sourced);

    /// <summary>Queues step k's couplings and the sums into the target groups' injected currents.</summary>
    public void Step(ArrayView<T> state)
    {
        for (int c = 0; c < _couplings.Length; c++)
        {
            var x = _couplings[c];
            int n = _program.Couplings[c].Count;
            if (n == 0) continue;
            x.Kernel(_ctx.PerItem(n), new CouplingArgs<T>
            {
                N = n,
                Dt = _ctx.Dt,
                Pre = x.Pre.View,
                Post = x.Post.View,
                State = state,
                Offsets = x.Offsets.View,
                Buffers = x.Buffers.View,
                Terms = _terms.View,
                PostTerm = x.PostTerm,
                PreTerm = x.PreTerm,
            });
        }
        foreach (var t in _targets)
        {
            if (t.Group.Size == 0) continue;
            _sum(_ctx.PerItem(t.Group.Size), new CouplingSumArgs<T>
            {
                N = t.Group.Size,
                Starts = t.Starts.View,
                Indices = t.Indices.View,
                Terms = _terms.View,
                Sourced = t.Sourced.View,
                Injected = t.Group.Injected,
            });
        }
    }

    /// <summary>Buffer <paramref name="name"/> of coupling <paramref name="coupling"/>, one value per connection (waits for the device).</summary>
    public double[] Read(int coupling, string name)
    {
        var x = _couplings[coupling];
        int n = _program.Couplings[coupling].Count;
        _ctx.Accelerator.Synchronize();
        var values = x.Buffers.Download(_ctx.Accelerator, n, (long)Array.IndexOf(x.Names, name) * n);
        _ctx.Accelerator.Synchronize();
        return values;
    }

    /// <summary>Replaces buffer <paramref name="name"/> of coupling <paramref name="coupling"/> (one value per connection).</summary>
    public void Write(int coupling, string name, double[] values)
    {
        var x = _couplings[coupling];
        int n = _program.Couplings[coupling].Count;
        if (n > 0) x.Buffers.View.SubView((long)Array.IndexOf(x.Names, name) * n, n).CopyFromCPU(_ctx.Accelerator.DefaultStream, values);
    }

    public void Dispose()
    {
        foreach (var c in _couplings) c.Dispose();
        foreach (var t in _targets) t.Dispose();
        _terms.Dispose();
    }

    /// <summary>One coupling on the device: its kernel, connections, state offsets and buffers, and where its terms go.</summary>
    private sealed record Coupling(Action<KernelConfig, CouplingArgs<T>> Kernel, string[] Names, DeviceArray<int> Pre, DeviceArray<int> Post,
        DeviceArray<int> Offsets, DeviceArray<double> Buffers, int PostTerm, int PreTerm) : IDisposable
    {
        public void Dispose()
        {
            Pre.Dispose();
            Post.Dispose();
            Offsets.Dispose();
            Buffers.Dispose();
        }
    }

    /// <summary>A group receiving coupling currents: its sources' currents and the layout's rows.</summary>
    private sealed record Target(NeuronGroup<T> Group, DeviceArray<double> Sourced, DeviceArray<int> Starts, DeviceArray<int> Indices) : IDisposable
    {
        public void Dispose()
        {
            Sourced.Dispose();
            Starts.Dispose();
            Indices.Dispose();
        }
    }
}
