using Meta.Expressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch;

/// <summary>
/// A value during the evaluation of an expression over a whole group of cells: a tensor (one element per cell), or a
/// number equal for every cell. Conditions are bool tensors (or numbers 0/1). <see cref="Owned"/> marks a temporary
/// made by this evaluation, which the next operation may overwrite in place.
/// </summary>
internal readonly struct TValue
{
    private TValue(Tensor? tensor, double constant, bool owned, bool transient = false)
    {
        Tensor = tensor;
        Constant = constant;
        Owned = owned;
        Transient = transient;
    }

    public Tensor? Tensor { get; }
    public double Constant { get; }
    public bool Owned { get; }
    public bool IsConstant => Tensor is null;
    /// <summary>A number that changes from step to step (the time): its libtorch scalar is not cached.</summary>
    public bool Transient { get; }

    public static TValue Of(double value, bool transient = false) => new(null, value, false, transient);
    public static TValue Borrowed(Tensor tensor) => new(tensor, 0, false);
    public static TValue Temporary(Tensor tensor) => new(tensor, 0, true);
}

/// <summary>Where the compiler finds a symbol: a register (set before each evaluation) or a fixed number.</summary>
internal readonly record struct Operand(int Register, double Constant)
{
    public bool IsConstant => Register < 0;
    public static Operand Number(double value) => new(-1, value);
    public static Operand At(int register) => new(register, 0);
}

/// <summary>
/// Compiles expression trees to tensor programs over whole populations (ARCHITECTURE.md: "map each expression node to
/// tensor operations"). The translation mirrors the CPU backend's generated code operation by operation, so that float64
/// results are the same numbers: symbols with a value equal for every cell are substituted and the tree simplified
/// (<see cref="Fold"/>), a division by a literal becomes a multiplication by its reciprocal, small integer powers become
/// products, and every other node is one elementwise operation (add, sub, mul, div, comparisons, where, exp, ...),
/// each rounded once as in the CPU's vector lanes. Constant operands are libtorch scalars (or 0-dim tensors where an op
/// has no scalar form), created once per compilation. Temporaries are overwritten in place where the tree allows it.
/// </summary>
internal sealed class TensorExpressionCompiler(ScalarType dtype, Device device) : IDisposable
{
    private readonly Dictionary<long, Scalar> _scalars = [];
    private readonly Dictionary<long, Tensor> _tensors = [];

    public ScalarType DType { get; } = dtype;
    public Device Device { get; } = device;

    /// <summary>Substitutes the values equal for every cell and simplifies (the CPU writer's fold).</summary>
    public static Expr Fold(Expr expr, IReadOnlyDictionary<string, double> constants) =>
        expr.Substitute(n => constants.TryGetValue(n, out double v) ? Expr.Const(v) : null).Simplify();

    /// <summary>A numeric program for <paramref name="expr"/> (already folded).</summary>
    public Node Number(Expr expr, Func<string, Operand> symbol) => CompileNumber(expr, symbol);

    /// <summary>A condition program for <paramref name="expr"/> (already folded): bool tensor or constant 0/1.</summary>
    public Node Mask(Expr expr, Func<string, Operand> symbol) => CompileMask(expr, symbol);

    /// <summary>The product of two programs (the exponential Euler increment <c>f · factor</c>).</summary>
    public Node Multiply(Node left, Node right) => Fold(new BinaryNode(this, BinaryOperator.Multiply, left, right), left, right);

    /// <summary>
    /// <c>φ(B) = (exp(B·dt) − 1)/B</c> per cell, exactly as the CPU kernels compute it: the degree-10 Taylor series
    /// <c>dt·(1 + x·(1/2 + x·(1/6 + …)))</c>, x = B·dt, by Horner's rule where |x| &lt; 0.6, else <c>(exp(x) − 1)/B</c>.
    /// </summary>
    public Node Phi(Node b, double dt) => Fold(new PhiNode(this, b, dt), b);

    /// <summary>φ for one number, with the same operations as <see cref="Phi"/>.</summary>
    public static double PhiOf(double b, double dt)
    {
        double x = b * dt;
        double r = x * PhiTaylor[^1];
        for (int k = PhiTaylor.Length - 2; k >= 0; k--) r = (PhiTaylor[k] + r) * (k == 0 ? 1 : x);
        r = dt * r;
        return Math.Abs(x) < 0.6 ? r : (Math.Exp(x) - 1.0) / b;
    }

    /// <summary>1, 1/2!, …, 1/10!: the Taylor coefficients of φ/dt, as the CPU kernels write them.</summary>
    private static readonly double[] PhiTaylor =
        [1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800];

    private sealed class PhiNode(TensorExpressionCompiler c, Node b, double dt) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var bv = b.Eval(registers);
            if (bv.IsConstant) return TValue.Of(PhiOf(bv.Constant, dt), bv.Transient);
            var bt = bv.Tensor!;
            using var x = bt.mul(c.ScalarOf(dt));
            // Horner from the innermost term: x·c10, c9 + ·, x·(·), c8 + ·, …, x·(·), 1 + ·; then dt·(·).
            var r = x.mul(c.ScalarOf(PhiTaylor[^1]));
            for (int k = PhiTaylor.Length - 2; k >= 0; k--)
            {
                r.Plus_(c.ScalarOf(PhiTaylor[k]));
                if (k > 0) r.mul_(x);
            }
            r.mul_(c.ScalarOf(dt));
            using var magnitude = x.abs();
            using var small = magnitude.lt(c.ScalarOf(0.6));
            // Like the CPU kernel, skip the exp branch when every cell is in the Taylor range (the usual case).
            bool allSmall;
            using (var all = small.all()) allSmall = all.item<bool>();
            if (allSmall) return TValue.Temporary(r);
            using var e = x.exp();
            e.sub_(c.ScalarOf(1.0)).div_(bt);
            var result = torch.where(small, r, e);
            r.Dispose();
            return TValue.Temporary(result);
        }
    }

    /// <summary>A libtorch scalar for a value, kept for the life of this compiler.</summary>
    public Scalar ScalarOf(double value)
    {
        long key = BitConverter.DoubleToInt64Bits(value);
        if (!_scalars.TryGetValue(key, out var s)) _scalars[key] = s = value;
        return s;
    }

    /// <summary>A 0-dim tensor of the group's type and device for a value, kept for the life of this compiler.</summary>
    public Tensor TensorOf(double value)
    {
        long key = BitConverter.DoubleToInt64Bits(value);
        if (!_tensors.TryGetValue(key, out var t))
        {
            _tensors[key] = t = torch.tensor(value, dtype: DType, device: Device);
            t.DetachFromDisposeScope();
        }
        return t;
    }

    private readonly List<Scalar> _transientScalars = [];

    /// <summary>The scalar of a constant value: cached, or for a per-step value made now and released by <see cref="ReleaseTransients"/>.</summary>
    public Scalar ScalarFor(TValue value)
    {
        if (!value.Transient) return ScalarOf(value.Constant);
        Scalar s = value.Constant;
        _transientScalars.Add(s);
        return s;
    }

    /// <summary>A 0-dim tensor of a constant value: cached, or for a per-step value one in the current dispose scope.</summary>
    public Tensor TensorFor(TValue value) =>
        value.Transient ? torch.tensor(value.Constant, dtype: DType, device: Device) : TensorOf(value.Constant);

    /// <summary>Disposes the scalars made for per-step values (call once per step).</summary>
    public void ReleaseTransients()
    {
        foreach (var s in _transientScalars) s.Dispose();
        _transientScalars.Clear();
    }

    public void Dispose()
    {
        ReleaseTransients();
        foreach (var s in _scalars.Values) s.Dispose();
        foreach (var t in _tensors.Values) t.Dispose();
        _scalars.Clear();
        _tensors.Clear();
    }

    // ------------------------------------------------------------------ nodes

    /// <summary>A compiled expression; <see cref="Eval"/> reads registers and returns a value.</summary>
    internal abstract class Node
    {
        public abstract TValue Eval(TValue[] registers);
    }

    private sealed class ConstNode(double value) : Node
    {
        public override TValue Eval(TValue[] registers) => TValue.Of(value);
    }

    private sealed class RegisterNode(int register) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var v = registers[register];
            return v.IsConstant ? v : TValue.Borrowed(v.Tensor!);
        }
    }

    private sealed class UnaryNode(Node operand, Func<double, double> constant, Func<Tensor, bool, Tensor> tensor) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var a = operand.Eval(registers);
            return a.IsConstant ? TValue.Of(constant(a.Constant), a.Transient) : TValue.Temporary(tensor(a.Tensor!, a.Owned));
        }
    }

    private sealed class BinaryNode(TensorExpressionCompiler c, BinaryOperator op, Node left, Node right) : Node
    {
        public override TValue Eval(TValue[] registers) => c.Apply(op, left.Eval(registers), right.Eval(registers));
    }

    private sealed class CallNode(TensorExpressionCompiler c, string function, Node[] arguments) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var a = arguments.Select(x => x.Eval(registers)).ToArray();
            if (a.All(x => x.IsConstant)) return TValue.Of(MathFunctions.Apply(function, a.Select(x => x.Constant).ToArray()), a.Any(x => x.Transient));
            return TValue.Temporary(c.Call(function, a));
        }
    }

    private sealed class WhereNode(TensorExpressionCompiler c, Node condition, Node then, Node otherwise) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var m = condition.Eval(registers);
            if (m.IsConstant) return m.Constant != 0 ? then.Eval(registers) : otherwise.Eval(registers);
            return TValue.Temporary(c.Where(m.Tensor!, then.Eval(registers), otherwise.Eval(registers)));
        }
    }

    /// <summary>A condition used as a number: 1 where true, 0 elsewhere.</summary>
    private sealed class MaskToNumberNode(TensorExpressionCompiler c, Node mask) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var m = mask.Eval(registers);
            return m.IsConstant ? TValue.Of(m.Constant != 0 ? 1 : 0, m.Transient) : TValue.Temporary(m.Tensor!.to_type(c.DType));
        }
    }

    private sealed class CompareNode(TensorExpressionCompiler c, BinaryOperator op, Node left, Node right) : Node
    {
        public override TValue Eval(TValue[] registers) => c.Compare(op, left.Eval(registers), right.Eval(registers));
    }

    private sealed class LogicNode(BinaryOperator op, Node left, Node right) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var l = left.Eval(registers);
            var r = right.Eval(registers);
            bool and = op == BinaryOperator.And;
            if (l.IsConstant && r.IsConstant)
                return TValue.Of((and ? l.Constant != 0 && r.Constant != 0 : l.Constant != 0 || r.Constant != 0) ? 1 : 0, l.Transient || r.Transient);
            if (l.IsConstant || r.IsConstant)
            {
                var (k, t) = l.IsConstant ? (l.Constant != 0, r) : (r.Constant != 0, l);
                if (and) return k ? t : TValue.Of(0);
                return k ? TValue.Of(1) : t;
            }
            return TValue.Temporary(and ? l.Tensor!.logical_and(r.Tensor!) : l.Tensor!.logical_or(r.Tensor!));
        }
    }

    private sealed class NotNode(Node operand) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var a = operand.Eval(registers);
            return a.IsConstant ? TValue.Of(a.Constant == 0 ? 1 : 0, a.Transient) : TValue.Temporary(a.Tensor!.logical_not());
        }
    }

    /// <summary>A number used as a condition: true where non-zero.</summary>
    private sealed class NonZeroNode(TensorExpressionCompiler c, Node number) : Node
    {
        public override TValue Eval(TValue[] registers)
        {
            var a = number.Eval(registers);
            return a.IsConstant ? TValue.Of(a.Constant != 0 ? 1 : 0, a.Transient) : TValue.Temporary(a.Tensor!.ne(c.ScalarOf(0)));
        }
    }

    // ------------------------------------------------------------------ compilation (mirrors VectorExpressionWriter)

    private Node CompileNumber(Expr expr, Func<string, Operand> symbol)
    {
        switch (expr)
        {
            case NumberExpr n:
                return new ConstNode(n.Value);
            case SymbolExpr s:
            {
                var o = symbol(s.Name);
                return o.IsConstant ? new ConstNode(o.Constant) : new RegisterNode(o.Register);
            }
            case NegateExpr u:
            {
                var a = CompileNumber(u.Operand, symbol);
                return Fold(new UnaryNode(a, x => -x, (t, owned) => owned ? t.neg_() : t.neg()), a);
            }
            case NotExpr:
            case BinaryExpr { Operator: >= BinaryOperator.Less }:
            {
                var m = CompileMask(expr, symbol);
                return Fold(new MaskToNumberNode(this, m), m);
            }
            case BinaryExpr { Operator: BinaryOperator.Power, Right: NumberExpr { Value: var p } } b
                when p == Math.Floor(p) && p >= 1 && p <= 4:
            {
                // Small integer powers as products, as the CPU writes them: ((x * x) * x) ...
                var x = CompileNumber(b.Left, symbol);
                Node product = x;
                for (int i = 1; i < (int)p; i++) product = Fold(new BinaryNode(this, BinaryOperator.Multiply, product, x), product, x);
                return product;
            }
            case BinaryExpr { Operator: BinaryOperator.Divide, Right: NumberExpr { Value: var divisor } } b when divisor != 0:
            {
                // A division by a literal is a multiplication by its reciprocal, as in the CPU's generated code.
                var l = CompileNumber(b.Left, symbol);
                var r = new ConstNode(1.0 / divisor);
                return Fold(new BinaryNode(this, BinaryOperator.Multiply, l, r), l, r);
            }
            case BinaryExpr b:
            {
                var l = CompileNumber(b.Left, symbol);
                var r = CompileNumber(b.Right, symbol);
                return Fold(new BinaryNode(this, b.Operator, l, r), l, r);
            }
            case CallExpr c:
            {
                var args = c.Arguments.Select(a => CompileNumber(a, symbol)).ToArray();
                return Fold(new CallNode(this, c.Function, args), args);
            }
            case ConditionalExpr c:
            {
                var m = CompileMask(c.Condition, symbol);
                var then = CompileNumber(c.Then, symbol);
                var otherwise = CompileNumber(c.Else, symbol);
                if (m is ConstNode k) return k.Eval([]).Constant != 0 ? then : otherwise;
                return new WhereNode(this, m, then, otherwise);
            }
            default:
                throw new NotSupportedException($"Expression node {expr.GetType().Name}.");
        }
    }

    private Node CompileMask(Expr expr, Func<string, Operand> symbol)
    {
        switch (expr)
        {
            case NotExpr u:
            {
                var a = CompileMask(u.Operand, symbol);
                return Fold(new NotNode(a), a);
            }
            case BinaryExpr { Operator: BinaryOperator.And or BinaryOperator.Or } b:
            {
                var l = CompileMask(b.Left, symbol);
                var r = CompileMask(b.Right, symbol);
                return Fold(new LogicNode(b.Operator, l, r), l, r);
            }
            case BinaryExpr { Operator: >= BinaryOperator.Less and <= BinaryOperator.NotEqual } b:
            {
                var l = CompileNumber(b.Left, symbol);
                var r = CompileNumber(b.Right, symbol);
                return Fold(new CompareNode(this, b.Operator, l, r), l, r);
            }
            case NumberExpr n:
                return new ConstNode(n.Value != 0 ? 1 : 0);
            default:
            {
                var a = CompileNumber(expr, symbol);
                return Fold(new NonZeroNode(this, a), a);
            }
        }
    }

    /// <summary>
    /// Evaluates a node once, at compile time, when all its operands are constants (it then never touches a tensor),
    /// as the CPU's compiler folds constant vector expressions.
    /// </summary>
    private static Node Fold(Node node, params Node[] operands) =>
        operands.All(o => o is ConstNode) ? new ConstNode(node.Eval([]).Constant) : node;

    // ------------------------------------------------------------------ operations

    private TValue Apply(BinaryOperator op, TValue l, TValue r)
    {
        if (l.IsConstant && r.IsConstant)
        {
            double a = l.Constant, b = r.Constant;
            return TValue.Of(op switch
            {
                BinaryOperator.Add => a + b,
                BinaryOperator.Subtract => a - b,
                BinaryOperator.Multiply => a * b,
                BinaryOperator.Divide => a / b,
                BinaryOperator.Power => Math.Pow(a, b),
                _ => throw new NotSupportedException(op.ToString()),
            }, l.Transient || r.Transient);
        }
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
                    var s = ScalarFor(r);
                    return TValue.Temporary(l.Owned ? (add ? t.Plus_(s) : t.mul_(s)) : (add ? t.Plus(s) : t.mul(s)));
                }
                return TValue.Temporary(l.Owned ? (add ? t.Plus_(r.Tensor!) : t.mul_(r.Tensor!)) : (add ? t.Plus(r.Tensor!) : t.mul(r.Tensor!)));
            }
            case BinaryOperator.Subtract:
            {
                if (l.IsConstant) return TValue.Temporary(TensorFor(l).sub(r.Tensor!));
                var t = l.Tensor!;
                if (r.IsConstant)
                {
                    var s = ScalarFor(r);
                    return TValue.Temporary(l.Owned ? t.sub_(s) : t.sub(s));
                }
                return TValue.Temporary(l.Owned ? t.sub_(r.Tensor!) : t.sub(r.Tensor!));
            }
            case BinaryOperator.Divide:
            {
                if (l.IsConstant) return TValue.Temporary(TensorFor(l).div(r.Tensor!));
                var t = l.Tensor!;
                var d = r.IsConstant ? TensorFor(r) : r.Tensor!;
                return TValue.Temporary(l.Owned ? t.div_(d) : t.div(d));
            }
            case BinaryOperator.Power:
            {
                var b = l.IsConstant ? TensorFor(l) : l.Tensor!;
                return TValue.Temporary(r.IsConstant ? b.pow(ScalarFor(r)) : b.pow(r.Tensor!));
            }
            default:
                throw new NotSupportedException(op.ToString());
        }
    }

    private TValue Compare(BinaryOperator op, TValue l, TValue r)
    {
        if (l.IsConstant && r.IsConstant)
        {
            double a = l.Constant, b = r.Constant;
            bool v = op switch
            {
                BinaryOperator.Less => a < b,
                BinaryOperator.LessOrEqual => a <= b,
                BinaryOperator.Greater => a > b,
                BinaryOperator.GreaterOrEqual => a >= b,
                BinaryOperator.Equal => a == b,
                _ => a != b,
            };
            return TValue.Of(v ? 1 : 0, l.Transient || r.Transient);
        }
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
        var t = l.Tensor!;
        if (r.IsConstant)
        {
            var s = ScalarFor(r);
            return TValue.Temporary(op switch
            {
                BinaryOperator.Less => t.lt(s),
                BinaryOperator.LessOrEqual => t.le(s),
                BinaryOperator.Greater => t.gt(s),
                BinaryOperator.GreaterOrEqual => t.ge(s),
                BinaryOperator.Equal => t.eq(s),
                _ => t.ne(s),
            });
        }
        var u = r.Tensor!;
        return TValue.Temporary(op switch
        {
            BinaryOperator.Less => t.lt(u),
            BinaryOperator.LessOrEqual => t.le(u),
            BinaryOperator.Greater => t.gt(u),
            BinaryOperator.GreaterOrEqual => t.ge(u),
            BinaryOperator.Equal => t.eq(u),
            _ => t.ne(u),
        });
    }

    private Tensor AsTensor(TValue v) => v.IsConstant ? TensorFor(v) : v.Tensor!;

    private Tensor Call(string function, TValue[] a)
    {
        var x = AsTensor(a[0]);
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
            "min" => a[1].IsConstant ? x.clamp_max(ScalarFor(a[1])) : x.minimum(AsTensor(a[1])),
            "max" => a[1].IsConstant ? x.clamp_min(ScalarFor(a[1])) : x.maximum(AsTensor(a[1])),
            "pow" => a[1].IsConstant ? x.pow(ScalarFor(a[1])) : x.pow(AsTensor(a[1])),
            _ => throw new NotSupportedException($"Function '{function}'."),
        };
    }

    /// <summary><c>where(mask, a, b)</c> with constants as 0-dim tensors.</summary>
    public Tensor Where(Tensor mask, TValue a, TValue b) => torch.where(mask, AsTensor(a), AsTensor(b));
}
