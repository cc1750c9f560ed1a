using Meta.Backends.Programs;
using Meta.Backends.Torch.Expressions;
using Meta.Backends.Torch.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Groups;

/// <summary>
/// A run of consecutive populations of a <see cref="NeuronGroup"/> that one plan advances with the same uniform values (the
/// whole group unless an update set them apart): the plan's registers bound to this range of cells. States, refractory
/// counters, injected currents and ring slots are views of the group's tensors; per-cell parameters are tensors of their
/// own; uniform values are constants.
/// </summary>
internal sealed class Segment : IKernelFrame, IDisposable
{
    private readonly KernelPlan _plan;
    private readonly double _dt;
    private readonly List<Tensor> _owned = [];
    private readonly Tensor[][] _input;
    private readonly Tensor _injected;
    private readonly NeuronDraws? _draws;
    private int _slot;

    public Segment(NeuronGroup group, IReadOnlyList<GroupMember> members, KernelPlan plan, TensorArithmetic arithmetic, double dt, ulong seed,
        TorchContext ctx)
    {
        _plan = plan;
        Arithmetic = arithmetic;
        _dt = dt;
        Members = members;
        Offset = members[0].Offset;
        Size = members.Sum(m => m.Size);
        Registers = new TValue[plan.RegisterCount];
        var kernel = plan.Kernel;
        for (int b = 0; b < kernel.Buffers.Count; b++)
        {
            var buffer = kernel.Buffers[b];
            Registers[b] = buffer.Role == BufferRole.State ? TValue.Borrowed(View(group.State(buffer.Name)))
                : buffer.Storage == Programs.Storage.Uniform ? TValue.Of(members[0].Values(buffer.Name)[0])
                : TValue.Borrowed(Own(ctx.Values(PerCell(buffer.Name))));
        }
        Registers[plan.Timestep] = TValue.Of(dt);
        Refractory = View(group.Refractory);
        _injected = View(group.InjectedTensor);
        BindInjection();
        _input = Enumerable.Range(0, group.Slots).Select(s => Enumerable.Range(0, kernel.Receptors)
            .Select(r => Own(group.SlotView(s).narrow(0, (long)r * group.Size + Offset, Size))).ToArray()).ToArray();
        // The group's populations are consecutive, so are their cells' global indices.
        if (kernel.UniformDraws + kernel.NormalDraws > 0)
            _draws = new NeuronDraws(members[0].Program.FirstGlobalIndex, Size, kernel.UniformDraws, kernel.NormalDraws, seed, ctx);

        Tensor View(Tensor whole) => Offset == 0 && Size == group.Size ? whole : Own(whole.narrow(0, Offset, Size));
        double[] PerCell(string name)
        {
            var all = new double[Size];
            foreach (var m in members)
            {
                var v = m.Values(name);
                for (int i = 0; i < m.Size; i++) all[m.Offset - Offset + i] = v.Length == 1 ? v[0] : v[i];
            }
            return all;
        }
    }

    public IReadOnlyList<GroupMember> Members { get; }
    /// <summary>The group cell of the first cell.</summary>
    public int Offset { get; }
    public int Size { get; }
    public TValue[] Registers { get; }
    public TensorArithmetic Arithmetic { get; }
    public Tensor Refractory { get; }
    /// <summary>The cells that spiked in the last step (a bool tensor in that step's dispose scope, or a constant 0/1).</summary>
    public TValue Spiked { get; private set; }

    public Tensor Input(int receptor) => _input[_slot][receptor];

    public void Emit(TValue mask) => Spiked = mask;

    /// <summary>i_inj is the group's injected current where a source targets one of the populations, else the constant 0.</summary>
    public void BindInjection() =>
        Registers[_plan.Injected] = Members.Any(m => m.Injected) ? TValue.Borrowed(_injected) : TValue.Of(0);

    /// <summary>Advances the cells by step <paramref name="k"/>, reading ring slot <paramref name="slot"/>.</summary>
    public void Step(long k, int slot)
    {
        _slot = slot;
        Spiked = TValue.Of(0);
        Registers[_plan.Time] = TValue.Of(k * _dt, transient: true);
        if (_draws is not null)
        {
            for (int d = 0; d < _draws.UniformDraws; d++) Registers[_plan.FirstDraw + d] = TValue.Borrowed(_draws.Uniform(k, d));
            for (int d = 0; d < _draws.NormalDraws; d++) Registers[_plan.FirstDraw + _draws.UniformDraws + d] = TValue.Borrowed(_draws.Normal(k, d));
        }
        _plan.Run(this);
    }

    private Tensor Own(Tensor t)
    {
        _owned.Add(TorchContext.Keep(t));
        return t;
    }

    public void Dispose()
    {
        foreach (var t in _owned) t.Dispose();
        _draws?.Dispose();
    }
}
