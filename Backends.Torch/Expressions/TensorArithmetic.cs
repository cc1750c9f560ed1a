using Meta.Expressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Expressions;

/// <summary>
/// The elementwise operations of expression nodes on <see cref="TValue"/>s: each is one libtorch operation, rounded once
/// per element as a CPU vector lane is; two constants are combined on the host. A temporary left operand is overwritten
/// in place. φ keeps this backend's own form (<see cref="Phi"/>). With <paramref name="sparse"/> (the engine's kernels on the
/// CPU device), operations under a mask work on the mask's list of cells (<see cref="SparseMasks"/>).
/// </summary>
internal sealed class TensorArithmetic(TensorConstants constants, SparseMasks? sparse = null)
{
    public TensorConstants Constants { get; } = constants;

    /// <summary>The index lists of this step's masks, or null where masked operations work on whole tensors.</summary>
    public SparseMasks? Sparse { get; } = sparse;

    /// <summary>An operation of two numbers, on the host, as <see cref="ExpressionAlgebra.Evaluate"/> defines it.</summary>
    private static TValue Host(BinaryOperator op, TValue l, TValue r) =>
        TValue.Of(new BinaryExpr(op, l.Constant, r.Constant).Evaluate(_ => 0), l.Transient || r.Transient);

    /// <summary>An arithmetic operation.</summary>
    public TValue Apply(BinaryOperator op, TValue l, TValue r)
    {
        if (l.IsConstant && r.IsConstant) return Host(op, l, r);
        var k = Constants;
        switch (op)
        {
            case BinaryOperator.Add:
            case BinaryOperator.Multiply:
            {
                // Commutative (and exactly so in IEEE arithmetic): put the tensor, preferably a temporary, on the left.
                if (l.IsConstant || (!l.Owned && r.Owned && !r.IsConstant)) (l, r) = (r, l);
                var t = l.Tensor!;
                bool add = op == BinaryOperator.Add;
                if (r.IsConstant)
                {
                    // x·1 is x, bit for bit, and x + 0 is x but for the sign of a zero (−0 + 0 is +0): no operation.
                    if (r.Constant == (add ? 0 : 1)) return l;
                    var s = k.ScalarFor(r);
                    return TValue.Temporary(l.Owned ? (add ? t.Plus_(s) : t.mul_(s)) : (add ? t.Plus(s) : t.mul(s)));
                }
                return TValue.Temporary(l.Owned ? (add ? t.Plus_(r.Tensor!) : t.mul_(r.Tensor!)) : (add ? t.Plus(r.Tensor!) : t.mul(r.Tensor!)));
            }
            case BinaryOperator.Subtract:
            {
                if (l.IsConstant) return TValue.Temporary(k.TensorFor(l).sub(r.Tensor!));
                var t = l.Tensor!;
                if (r.IsConstant)
                {
                    // x − 0 is x, bit for bit: no operation.
                    if (r.Constant == 0) return l;
                    var s = k.ScalarFor(r);
                    return TValue.Temporary(l.Owned ? t.sub_(s) : t.sub(s));
                }
                return TValue.Temporary(l.Owned ? t.sub_(r.Tensor!) : t.sub(r.Tensor!));
            }
            case BinaryOperator.Divide:
            {
                if (l.IsConstant) return TValue.Temporary(k.TensorFor(l).div(r.Tensor!));
                var t = l.Tensor!;
                var d = k.AsTensor(r);
                return TValue.Temporary(l.Owned ? t.div_(d) : t.div(d));
            }
            case BinaryOperator.Power:
            {
                var b = k.AsTensor(l);
                return TValue.Temporary(r.IsConstant ? b.pow(k.ScalarFor(r)) : b.pow(r.Tensor!));
            }
            default:
                throw new NotSupportedException(op.ToString());
        }
    }

    /// <summary>A comparison: a bool tensor, or a constant 0/1.</summary>
    public TValue Compare(BinaryOperator op, TValue l, TValue r)
    {
        if (l.IsConstant && r.IsConstant) return Host(op, l, r);
        if (l.IsConstant)
        {
            // c < x  is  x > c, and so on.
            (l, r) = (r, l);
            op = op switch
            {
                BinaryOperator.Less => BinaryOperator.Greater,
                BinaryOperator.LessOrEqual => BinaryOperator.GreaterOrEqual,
                BinaryOperator.Greater => BinaryOperator.Less,
                BinaryOperator.GreaterOrEqual => BinaryOperator.LessOrEqual,
                _ => op,
            };
        }
        var (scalar, tensor) = Comparisons[op];
        return TValue.Temporary(r.IsConstant ? scalar(l.Tensor!, Constants.ScalarFor(r)) : tensor(l.Tensor!, r.Tensor!));
    }

    private static readonly Dictionary<BinaryOperator, (Func<Tensor, Scalar, Tensor> Scalar, Func<Tensor, Tensor, Tensor> Tensor)> Comparisons = new()
    {
        [BinaryOperator.Less] = ((t, s) => t.lt(s), (t, u) => t.lt(u)),
        [BinaryOperator.LessOrEqual] = ((t, s) => t.le(s), (t, u) => t.le(u)),
        [BinaryOperator.Greater] = ((t, s) => t.gt(s), (t, u) => t.gt(u)),
        [BinaryOperator.GreaterOrEqual] = ((t, s) => t.ge(s), (t, u) => t.ge(u)),
        [BinaryOperator.Equal] = ((t, s) => t.eq(s), (t, u) => t.eq(u)),
        [BinaryOperator.NotEqual] = ((t, s) => t.ne(s), (t, u) => t.ne(u)),
    };

    /// <summary><c>and</c> or <c>or</c> of two conditions; a constant operand decides or passes the other through.</summary>
    public static TValue Logic(BinaryOperator op, TValue l, TValue r)
    {
        bool and = op == BinaryOperator.And;
        if (l.IsConstant && r.IsConstant) return Host(op, l, r);
        if (l.IsConstant || r.IsConstant)
        {
            var (k, t) = l.IsConstant ? (l.Constant != 0, r) : (r.Constant != 0, l);
            if (and) return k ? t : TValue.Of(0);
            return k ? TValue.Of(1) : t;
        }
        return TValue.Temporary(and ? l.Tensor!.logical_and(r.Tensor!) : l.Tensor!.logical_or(r.Tensor!));
    }

    /// <summary><c>l and not r</c>: <c>l</c> with the cells where <c>r</c> holds cleared.</summary>
    public TValue AndNot(TValue l, TValue r)
    {
        if (r.IsConstant) return r.Constant != 0 ? TValue.Of(0, r.Transient) : l;
        if (l.IsConstant) return l.Constant == 0 ? TValue.Of(0, l.Transient) : TValue.Temporary(r.Tensor!.logical_not());
        var no = Constants.ScalarOf(0);
        if (Sparse?.CellsOf(r.Tensor!) is { } cells)
        {
            // Clear the few cells of r (refractory ones) instead of a masked pass over all.
            if (cells.shape[0] == 0) return l;
            var cleared = l.Owned ? l.Tensor! : l.Tensor!.clone();
            return TValue.Temporary(HostIndexOps.Fill(cleared, cells, 0) ? cleared : cleared.index_fill_(0, cells, no));
        }
        return TValue.Temporary(l.Owned ? l.Tensor!.masked_fill_(r.Tensor!, no) : l.Tensor!.masked_fill(r.Tensor!, no));
    }

    /// <summary>A built-in function of at least one tensor argument.</summary>
    public Tensor Call(string function, TValue[] a)
    {
        var k = Constants;
        var x = k.AsTensor(a[0]);
        return function switch
        {
            "exp" => a[0].Owned ? x.exp_() : x.exp(),
            "log" => x.log(),
            "sqrt" => x.sqrt(),
            "sin" => x.sin(),
            "cos" => x.cos(),
            "tan" => x.tan(),
            "tanh" => x.tanh(),
            "abs" => x.abs(),
            "floor" => x.floor(),
            "ceil" => x.ceil(),
            "min" => a[1].IsConstant ? x.clamp_max(k.ScalarFor(a[1])) : x.minimum(k.AsTensor(a[1])),
            "max" => a[1].IsConstant ? x.clamp_min(k.ScalarFor(a[1])) : x.maximum(k.AsTensor(a[1])),
            "pow" => a[1].IsConstant ? x.pow(k.ScalarFor(a[1])) : x.pow(k.AsTensor(a[1])),
            Programs.KernelSymbols.Binomial => Binomial(x, k.AsTensor(a[1]), k.AsTensor(a[2])),
            _ => throw new NotSupportedException($"Function '{function}' in a torch kernel."),
        };
    }

    /// <summary>
    /// <c>binomial(n, p, u)</c> per element (KernelSymbols.Binomial), with the reference's operations in the same order: the
    /// loops run to the largest trial count m of the elements (one host read), and an element takes part in a step only
    /// while the reference's loop would still run for it.
    /// </summary>
    private Tensor Binomial(Tensor n, Tensor p, Tensor u)
    {
        var k = Constants;
        using var scope = torch.NewDisposeScope();
        var m = n.add(k.ScalarOf(0.5)).floor_();
        var valid = m.ge(k.ScalarOf(1.0)).logical_and_(p.gt(k.ScalarOf(0.0)));
        var trials = torch.where(valid, m, torch.zeros_like(m)).add(torch.zeros_like(u));
        int most;
        using (var largest = trials.max()) most = (int)HostScalars.Double(largest);
        var q = torch.ones_like(p).sub_(p);
        var r = p.div(q);
        var f = torch.ones_like(trials);
        for (int i = 0; i < most; i++) f = torch.where(trials.gt(k.ScalarOf(i)), f.mul(q), f);
        var c = f.clone();
        var j = torch.zeros_like(trials);
        for (int i = 0; i < most; i++)
        {
            var active = trials.gt(k.ScalarOf(i)).logical_and_(u.ge(c));
            var factor = r.mul(trials.sub(k.ScalarOf(i))).div_(k.ScalarOf(i + 1.0));
            f = torch.where(active, f.mul(factor), f);
            c = torch.where(active, c.add(f), c);
            j = j.add(active.to(j.dtype));
        }
        var all = valid.logical_and(p.ge(k.ScalarOf(1.0)));
        var result = torch.where(all, trials, torch.where(valid, j, torch.zeros_like(j)));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary><c>where(mask, a, b)</c> with constants as 0-dim tensors.</summary>
    public Tensor Where(Tensor mask, TValue a, TValue b) => torch.where(mask, Constants.AsTensor(a), Constants.AsTensor(b));

    /// <summary>1, 1/2!, …, 1/10!: the Taylor coefficients of φ/h this backend applies, 1 first.</summary>
    private static readonly double[] PhiTaylor =
        [1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800];

    /// <summary>φ(b, h) for one number, with the same operations as <see cref="Phi"/>.</summary>
    public static double PhiOf(double b, double h)
    {
        double x = b * h;
        double r = x * PhiTaylor[^1];
        for (int k = PhiTaylor.Length - 2; k >= 0; k--) r = (PhiTaylor[k] + r) * (k == 0 ? 1 : x);
        r = h * r;
        return Math.Abs(x) < Programs.KernelSymbols.PhiTaylorBound ? r : (Math.Exp(x) - 1.0) / b;
    }

    /// <summary>
    /// <c>φ(b, h) = (exp(b·h) − 1)/b</c> per cell (KernelSymbols.Phi), in this backend's form: with x = b·h, the Taylor
    /// series <c>h·(1 + x·(1/2 + x·(1/6 + … + x/10!)))</c> by Horner's rule without fused multiply-adds where
    /// |x| &lt; 0.6, else <c>(exp(x) − 1)/b</c>; the exp branch is skipped when every cell is in the Taylor range.
    /// </summary>
    public TValue Phi(TValue b, TValue h)
    {
        if (b.IsConstant && h.IsConstant) return TValue.Of(PhiOf(b.Constant, h.Constant), b.Transient || h.Transient);
        var k = Constants;
        var bt = k.AsTensor(b);
        using var x = h.IsConstant ? bt.mul(k.ScalarFor(h)) : bt.mul(h.Tensor!);
        // Horner from the innermost term: x·c10, c9 + ·, x·(·), c8 + ·, …, x·(·), 1 + ·; then h·(·).
        var r = x.mul(k.ScalarOf(PhiTaylor[^1]));
        for (int j = PhiTaylor.Length - 2; j >= 0; j--)
        {
            r.Plus_(k.ScalarOf(PhiTaylor[j]));
            if (j > 0) r.mul_(x);
        }
        if (h.IsConstant) r.mul_(k.ScalarFor(h));
        else r.mul_(h.Tensor!);
        // |x| < bound for every cell iff −bound < min and max < bound (one reduction; a NaN fails both, as it fails |x| < bound).
        double bound = Programs.KernelSymbols.PhiTaylorBound;
        var (lowest, highest) = x.aminmax();
        bool allSmall;
        using (lowest)
        using (highest)
            allSmall = HostScalars.Double(lowest) > -bound && HostScalars.Double(highest) < bound;
        if (allSmall) return TValue.Temporary(r);
        using var magnitude = x.abs();
        using var small = magnitude.lt(k.ScalarOf(bound));
        using var e = x.exp();
        e.sub_(k.ScalarOf(1.0)).div_(bt);
        var result = torch.where(small, r, e);
        r.Dispose();
        return TValue.Temporary(result);
    }
}
