using System.Collections.Immutable;

namespace Meta.Expressions;

/// <summary>
/// Symbolic operations on expressions used by model analysis: the names an expression uses,
/// substitution, simplification, partial derivatives and numeric evaluation.
/// </summary>
public static class ExpressionAlgebra
{
    /// <summary>The names of all symbols referenced by <paramref name="expr"/>.</summary>
    public static ISet<string> Symbols(this Expr expr)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        Collect(expr, set);
        return set;
    }

    /// <summary>The names of the symbols referenced by <paramref name="expr"/>, each once, in order of first appearance (left to right).</summary>
    public static IReadOnlyList<string> SymbolsInOrder(this Expr expr)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        void Walk(Expr e)
        {
            switch (e)
            {
                case SymbolExpr s: if (set.Add(s.Name)) list.Add(s.Name); break;
                case NegateExpr u: Walk(u.Operand); break;
                case NotExpr u: Walk(u.Operand); break;
                case BinaryExpr b: Walk(b.Left); Walk(b.Right); break;
                case CallExpr c: foreach (var a in c.Arguments) Walk(a); break;
                case ConditionalExpr c: Walk(c.Condition); Walk(c.Then); Walk(c.Else); break;
            }
        }
        Walk(expr);
        return list;
    }

    private static void Collect(Expr expr, HashSet<string> set)
    {
        switch (expr)
        {
            case SymbolExpr s: set.Add(s.Name); break;
            case NegateExpr u: Collect(u.Operand, set); break;
            case NotExpr u: Collect(u.Operand, set); break;
            case BinaryExpr b: Collect(b.Left, set); Collect(b.Right, set); break;
            case CallExpr c: foreach (var a in c.Arguments) Collect(a, set); break;
            case ConditionalExpr c: Collect(c.Condition, set); Collect(c.Then, set); Collect(c.Else, set); break;
        }
    }

    /// <summary>True when <paramref name="expr"/> references any of <paramref name="names"/>.</summary>
    public static bool DependsOnAny(this Expr expr, IEnumerable<string> names) => expr.Symbols().Overlaps(names);

    /// <summary>Replaces symbols by expressions; unknown symbols stay.</summary>
    public static Expr Substitute(this Expr expr, Func<string, Expr?> replacement) => expr switch
    {
        SymbolExpr s => replacement(s.Name) ?? s,
        NegateExpr u => new NegateExpr(u.Operand.Substitute(replacement)),
        NotExpr u => new NotExpr(u.Operand.Substitute(replacement)),
        BinaryExpr b => new BinaryExpr(b.Operator, b.Left.Substitute(replacement), b.Right.Substitute(replacement)),
        CallExpr c => new CallExpr(c.Function, c.Arguments.Select(a => a.Substitute(replacement)).ToImmutableArray()),
        ConditionalExpr c => new ConditionalExpr(c.Condition.Substitute(replacement), c.Then.Substitute(replacement), c.Else.Substitute(replacement)),
        _ => expr,
    };

    /// <summary>Replaces one symbol by an expression.</summary>
    public static Expr Substitute(this Expr expr, string name, Expr value) =>
        expr.Substitute(n => n == name ? value : null);

    /// <summary>Evaluates numerically; <paramref name="lookup"/> gives each symbol's value.</summary>
    public static double Evaluate(this Expr expr, Func<string, double> lookup)
    {
        switch (expr)
        {
            case NumberExpr n: return n.Value;
            case SymbolExpr s: return lookup(s.Name);
            case NegateExpr u: return -u.Operand.Evaluate(lookup);
            case NotExpr u: return u.Operand.Evaluate(lookup) == 0 ? 1 : 0;
            case ConditionalExpr c: return c.Condition.Evaluate(lookup) != 0 ? c.Then.Evaluate(lookup) : c.Else.Evaluate(lookup);
            case CallExpr c:
                Span<double> args = stackalloc double[c.Arguments.Length];
                for (int i = 0; i < args.Length; i++) args[i] = c.Arguments[i].Evaluate(lookup);
                return MathFunctions.Apply(c.Function, args);
            case BinaryExpr b:
                double l = b.Left.Evaluate(lookup), r = b.Right.Evaluate(lookup);
                return b.Operator switch
                {
                    BinaryOperator.Add => l + r,
                    BinaryOperator.Subtract => l - r,
                    BinaryOperator.Multiply => l * r,
                    BinaryOperator.Divide => l / r,
                    BinaryOperator.Power => Math.Pow(l, r),
                    BinaryOperator.Less => l < r ? 1 : 0,
                    BinaryOperator.LessOrEqual => l <= r ? 1 : 0,
                    BinaryOperator.Greater => l > r ? 1 : 0,
                    BinaryOperator.GreaterOrEqual => l >= r ? 1 : 0,
                    BinaryOperator.Equal => l == r ? 1 : 0,
                    BinaryOperator.NotEqual => l != r ? 1 : 0,
                    BinaryOperator.And => l != 0 && r != 0 ? 1 : 0,
                    BinaryOperator.Or => l != 0 || r != 0 ? 1 : 0,
                    _ => throw new NotSupportedException(b.Operator.ToString()),
                };
            default: throw new NotSupportedException(expr.GetType().Name);
        }
    }

    /// <summary>Constant folding and the identities x+0, x*1, x*0, 0/x, --x.</summary>
    public static Expr Simplify(this Expr expr)
    {
        switch (expr)
        {
            case NegateExpr u:
            {
                var o = u.Operand.Simplify();
                return o switch
                {
                    NumberExpr n => new NumberExpr(-n.Value),
                    NegateExpr inner => inner.Operand,
                    _ => new NegateExpr(o),
                };
            }
            case NotExpr u:
            {
                var o = u.Operand.Simplify();
                return o is NumberExpr n ? new NumberExpr(n.Value == 0 ? 1 : 0) : new NotExpr(o);
            }
            case CallExpr c:
            {
                var args = c.Arguments.Select(Simplify).ToImmutableArray();
                if (args.Length > 0 && args.All(a => a is NumberExpr))
                    return new NumberExpr(MathFunctions.Apply(c.Function, args.Select(a => ((NumberExpr)a).Value).ToArray()));
                return new CallExpr(c.Function, args);
            }
            case ConditionalExpr c:
            {
                var cond = c.Condition.Simplify();
                var t = c.Then.Simplify();
                var e = c.Else.Simplify();
                if (cond is NumberExpr n) return n.Value != 0 ? t : e;
                return t == e ? t : new ConditionalExpr(cond, t, e);
            }
            case BinaryExpr b:
            {
                var l = b.Left.Simplify();
                var r = b.Right.Simplify();
                if (l is NumberExpr ln && r is NumberExpr rn)
                    return new NumberExpr(new BinaryExpr(b.Operator, ln, rn).Evaluate(_ => 0));
                bool IsZero(Expr x) => x is NumberExpr { Value: 0 };
                bool IsOne(Expr x) => x is NumberExpr { Value: 1 };
                switch (b.Operator)
                {
                    case BinaryOperator.Add:
                        if (IsZero(l)) return r;
                        if (IsZero(r)) return l;
                        if (r is NegateExpr rneg) return new BinaryExpr(BinaryOperator.Subtract, l, rneg.Operand);
                        break;
                    case BinaryOperator.Subtract:
                        if (IsZero(r)) return l;
                        if (IsZero(l)) return new NegateExpr(r).Simplify();
                        if (l == r) return new NumberExpr(0);
                        break;
                    case BinaryOperator.Multiply:
                        if (IsZero(l) || IsZero(r)) return new NumberExpr(0);
                        if (IsOne(l)) return r;
                        if (IsOne(r)) return l;
                        if (l is NumberExpr { Value: -1 }) return new NegateExpr(r).Simplify();
                        if (r is NumberExpr { Value: -1 }) return new NegateExpr(l).Simplify();
                        break;
                    case BinaryOperator.Divide:
                        if (IsZero(l)) return new NumberExpr(0);
                        if (IsOne(r)) return l;
                        break;
                    case BinaryOperator.Power:
                        if (IsZero(r)) return new NumberExpr(1);
                        if (IsOne(r)) return l;
                        break;
                }
                return new BinaryExpr(b.Operator, l, r);
            }
            default:
                return expr;
        }
    }

    /// <summary>
    /// The partial derivative of <paramref name="expr"/> with respect to <paramref name="name"/>, simplified.
    /// Comparisons and conditions are treated as piecewise constant in their condition.
    /// </summary>
    public static Expr Derivative(this Expr expr, string name) => Differentiate(expr, name).Simplify();

    private static Expr Differentiate(Expr expr, string x)
    {
        if (!expr.Symbols().Contains(x)) return new NumberExpr(0);
        switch (expr)
        {
            case SymbolExpr: return new NumberExpr(1);
            case NegateExpr u: return new NegateExpr(Differentiate(u.Operand, x));
            case ConditionalExpr c: return new ConditionalExpr(c.Condition, Differentiate(c.Then, x), Differentiate(c.Else, x));
            case BinaryExpr b:
            {
                var (f, g) = (b.Left, b.Right);
                var (df, dg) = (Differentiate(f, x), Differentiate(g, x));
                return b.Operator switch
                {
                    BinaryOperator.Add => df + dg,
                    BinaryOperator.Subtract => df - dg,
                    BinaryOperator.Multiply => df * g + f * dg,
                    BinaryOperator.Divide => (df * g - f * dg) / (g * g),
                    BinaryOperator.Power when !g.Symbols().Contains(x) =>
                        g * new BinaryExpr(BinaryOperator.Power, f, g - 1) * df,
                    BinaryOperator.Power =>
                        expr * (dg * new CallExpr("log", [f]) + g * df / f),
                    _ => new NumberExpr(0), // comparisons and logic: piecewise constant
                };
            }
            case CallExpr c:
            {
                var a = c.Arguments[0];
                var da = Differentiate(a, x);
                return c.Function switch
                {
                    "exp" => expr * da,
                    "log" => da / a,
                    "sqrt" => da / (2.0 * expr),
                    "sin" => new CallExpr("cos", [a]) * da,
                    "cos" => -new CallExpr("sin", [a]) * da,
                    "tan" => da / (new CallExpr("cos", [a]) * new CallExpr("cos", [a])),
                    "tanh" => (1.0 - expr * expr) * da,
                    "abs" => new ConditionalExpr(new BinaryExpr(BinaryOperator.GreaterOrEqual, a, 0.0), da, -da),
                    "pow" => Differentiate(new BinaryExpr(BinaryOperator.Power, a, c.Arguments[1]), x),
                    "min" => new ConditionalExpr(new BinaryExpr(BinaryOperator.LessOrEqual, a, c.Arguments[1]), da, Differentiate(c.Arguments[1], x)),
                    "max" => new ConditionalExpr(new BinaryExpr(BinaryOperator.GreaterOrEqual, a, c.Arguments[1]), da, Differentiate(c.Arguments[1], x)),
                    _ => new NumberExpr(0), // floor, ceil: piecewise constant
                };
            }
            default: return new NumberExpr(0);
        }
    }
}
