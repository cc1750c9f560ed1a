using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Backends.Torch.Expressions;
using Meta.Backends.Torch.Groups;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Couplings;

/// <summary>
/// The couplings of a step program as tensor operations (docs/semantics.md, "Continuous coupling"), in float64 whatever the
/// engine's type. Step k, per coupling: the pre and post cells' start-of-step states are gathered per connection
/// (<c>index_select</c>), its <see cref="CouplingPlan"/> computes the currents and the new states (stored after the last
/// statement); the currents are concatenated into one flat array of terms in <see cref="CouplingLayout"/> order, with a 0 at
/// the end. Per target population, each cell's terms are gathered into a row padded with that 0 ([cells, most terms]) and
/// added from 0 one column at a time: the CPU's order of additions, so the float64 sums are the CPU's bit for bit, with no
/// atomics and no host synchronisation (<c>index_add_</c> on a GPU adds in no fixed order). The sum plus the sources' current
/// is written into the population's slice of the group's injected current. The connections' buffers stay on the device.
/// </summary>
internal sealed class TensorCouplings : IDisposable
{
    private readonly StepProgram _program;
    private readonly Func<int, (NeuronGroup Group, int Offset)> _groupOf;
    private readonly TensorArithmetic _arithmetic;
    private readonly Coupling[] _couplings;
    private readonly Target?[] _targetOf;
    private readonly Target[] _targets;
    private readonly Tensor _zero;
    private readonly Tensor[] _parts;

    public TensorCouplings(StepProgram program, CouplingLayout layout, Func<int, (NeuronGroup Group, int Offset)> groupOf, TorchContext ctx, Action<bool> countKernel)
    {
        _program = program;
        _groupOf = groupOf;
        _arithmetic = new TensorArithmetic(new TensorConstants(ScalarType.Float64, ctx.Device));
        Tensor Indices(int[] cells, int offset) => ctx.Indices(cells.Select(i => (long)(offset + i)).ToArray());
        _couplings = program.Couplings.Select(c =>
        {
            var plan = CouplingPlan.Get(c.Kernel, out bool compiled);
            countKernel(compiled);
            var buffers = CouplingBuffers.Initial(c).Select(v => Keep(torch.tensor(v, ScalarType.Float64, ctx.Device))).ToArray();
            return new Coupling(plan, CouplingBuffers.Names(c.Kernel), Indices(c.PreIndices, groupOf(c.PreGroup).Offset),
                Indices(c.PostIndices, groupOf(c.PostGroup).Offset), buffers, new TValue[plan.RegisterCount]);
        }).ToArray();
        _parts = new Tensor[program.Couplings.Sum(c => c.Kernel.PreCurrent is null ? 1 : 2) + 1];
        _zero = Keep(torch.zeros(1, ScalarType.Float64, ctx.Device));
        _targets = layout.Targets.Select(g =>
        {
            int size = program.Groups[g].Size, most = Math.Max(1, layout.MostTerms(g));
            int[] starts = layout.Starts(g), indices = layout.TermIndices(g);
            var rows = new long[(long)size * most];
            Array.Fill(rows, layout.TermCount);
            for (int cell = 0; cell < size; cell++)
                for (int e = starts[cell]; e < starts[cell + 1]; e++) rows[(long)cell * most + e - starts[cell]] = indices[e];
            var (group, offset) = groupOf(g);
            return new Target(g, group, offset, size, most, ctx.Indices(rows), Keep(torch.zeros(size, ScalarType.Float64, ctx.Device)));
        }).ToArray();
        _targetOf = new Target?[program.Groups.Count];
        foreach (var t in _targets) _targetOf[t.Population] = t;
    }

    private static Tensor Keep(Tensor t) => TorchContext.Keep(t);

    /// <summary>Whether population <paramref name="population"/> receives coupling currents.</summary>
    public bool IsTarget(int population) => _targetOf[population] is not null;

    /// <summary>Takes the sources' currents of target population <paramref name="population"/> (nA per cell), to which each step adds the coupling's.</summary>
    public void SetSources(int population, double[] sourced) => TorchContext.CopyInto(_targetOf[population]!.Sourced, sourced);

    /// <summary>Runs step k's couplings and writes the target populations' injected currents (inside the step's dispose scope).</summary>
    public void Step(double dt)
    {
        int part = 0;
        for (int c = 0; c < _couplings.Length; c++)
        {
            var x = _couplings[c];
            var spec = _program.Couplings[c];
            var plan = x.Plan;
            var regs = x.Registers;
            regs[0] = TValue.Of(dt);
            for (int p = 0; p < spec.Kernel.PreStates.Count; p++) regs[plan.FirstPre + p] = Gather(spec.PreGroup, spec.Kernel.PreStates[p], x.Pre);
            for (int p = 0; p < spec.Kernel.PostStates.Count; p++) regs[plan.FirstPost + p] = Gather(spec.PostGroup, spec.Kernel.PostStates[p], x.Post);
            for (int b = 0; b < x.Buffers.Length; b++) regs[plan.FirstBuffer + b] = TValue.Borrowed(x.Buffers[b]);
            _parts[part++] = PerConnection(plan.PostCurrent.Eval(regs, _arithmetic), spec.Count);
            if (plan.PreCurrent is { } reverse) _parts[part++] = PerConnection(reverse.Eval(regs, _arithmetic), spec.Count);
            var pending = new List<(int Buffer, Tensor Value)>();
            foreach (var (local, store, value) in plan.Update)
            {
                var v = value.Eval(regs, _arithmetic);
                if (local >= 0) regs[local] = v;
                else pending.Add((store - plan.FirstBuffer, PerConnection(v, spec.Count)));
            }
            // Every statement has read the start-of-step values; the stores take effect now.
            foreach (var (buffer, value) in pending) x.Buffers[buffer].copy_(value);
            Array.Fill(regs, default);
        }
        _parts[part] = _zero;
        var terms = torch.cat(_parts, 0);
        foreach (var t in _targets)
        {
            var rows = terms.index_select(0, t.Rows).view(t.Size, t.Most);
            var sum = torch.zeros(t.Size, ScalarType.Float64, terms.device);
            for (int m = 0; m < t.Most; m++) sum.add_(rows.select(1, m));
            t.Group.FlushInjected();
            t.Group.InjectedTensor.narrow(0, t.Offset, t.Size).copy_(t.Sourced.add(sum));
        }
        _arithmetic.Constants.ReleaseTransients();
    }

    /// <summary>State <paramref name="name"/> of population <paramref name="population"/>'s cells <paramref name="cells"/> (group indices), in float64.</summary>
    private TValue Gather(int population, string name, Tensor cells)
    {
        var values = _groupOf(population).Group.State(name).index_select(0, cells);
        // Borrowed: every statement reads it, so no operation may overwrite it in place.
        return TValue.Borrowed(values.dtype == ScalarType.Float64 ? values : values.to_type(ScalarType.Float64));
    }

    /// <summary>A value as a new float64 tensor of one element per connection (a register's tensor is copied: a later store may overwrite it).</summary>
    private Tensor PerConnection(TValue v, int count) =>
        v.IsConstant ? torch.full(count, v.Constant, ScalarType.Float64, _zero.device)
        : v.Owned && v.Tensor!.shape is [var n] && n == count ? v.Tensor
        : v.Tensor!.expand(count).clone();

    /// <summary>Buffer <paramref name="name"/> of coupling <paramref name="coupling"/>, one value per connection.</summary>
    public double[] Read(int coupling, string name) => TorchContext.ToHost(BufferOf(coupling, name));

    /// <summary>Replaces buffer <paramref name="name"/> of coupling <paramref name="coupling"/> (one value per connection).</summary>
    public void Write(int coupling, string name, double[] values) => TorchContext.CopyInto(BufferOf(coupling, name), values);

    private Tensor BufferOf(int coupling, string name) => _couplings[coupling].Buffers[Array.IndexOf(_couplings[coupling].Names, name)];

    public void Dispose()
    {
        foreach (var c in _couplings)
        {
            c.Pre.Dispose();
            c.Post.Dispose();
            foreach (var b in c.Buffers) b.Dispose();
        }
        foreach (var t in _targets)
        {
            t.Rows.Dispose();
            t.Sourced.Dispose();
        }
        _zero.Dispose();
        _arithmetic.Constants.Dispose();
    }

    /// <summary>One coupling: its plan, buffer names, pre and post cells (group indices), buffers and registers.</summary>
    private sealed record Coupling(CouplingPlan Plan, string[] Names, Tensor Pre, Tensor Post, Tensor[] Buffers, TValue[] Registers);

    /// <summary>A population receiving coupling currents: its place in its group, its rows of term positions (padded), its sources' current.</summary>
    private sealed record Target(int Population, NeuronGroup Group, int Offset, int Size, int Most, Tensor Rows, Tensor Sourced);
}
