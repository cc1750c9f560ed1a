using System.Globalization;
using Meta.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// Writes an expression tree as C# over <c>Vector&lt;double&gt;</c> (one lane per cell). Conditions become
/// <c>Vector&lt;long&gt;</c> lane masks. Symbols with a value in <c>constants</c> are substituted and constant
/// subtrees folded first; a division by a constant becomes a multiplication by its reciprocal. Functions without
/// a vector form are applied lane by lane.
/// </summary>
internal sealed class VectorExpressionWriter(IReadOnlyDictionary<string, double> constants, Func<string, string> symbol,
    CommonSubexpressions? shared = null)
{
    /// <summary>The expression as a <c>Vector&lt;double&gt;</c> expression.</summary>
    public string Number(Expr expr) => Write(Fold(expr));

    /// <summary>The expression as a <c>Vector&lt;long&gt;</c> mask (all bits set where true).</summary>
    public string Mask(Expr expr) => WriteMask(Fold(expr));

    private Expr Fold(Expr expr) =>
        expr.Substitute(n => constants.TryGetValue(n, out double v) ? Expr.Const(v) : null).Simplify();

    private string Write(Expr expr) => expr switch
    {
        NumberExpr n => Literal(n.Value),
        SymbolExpr s => symbol(s.Name),
        NegateExpr u => $"(-{Write(u.Operand)})",
        NotExpr or BinaryExpr { Operator: >= BinaryOperator.Less } => $"Vector.ConditionalSelect({WriteMask(expr)}, ONE, ZERO)",
        BinaryExpr b => Arithmetic(b),
        CallExpr c => Call(c),
        ConditionalExpr c => $"Vector.ConditionalSelect({WriteMask(c.Condition)}, {Write(c.Then)}, {Write(c.Else)})",
        _ => throw new NotSupportedException(expr.GetType().Name),
    };

    private string WriteMask(Expr expr) => expr switch
    {
        NotExpr u => $"(~{WriteMask(u.Operand)})",
        BinaryExpr { Operator: BinaryOperator.And } b => $"({WriteMask(b.Left)} & {WriteMask(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Or } b => $"({WriteMask(b.Left)} | {WriteMask(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Less } b => $"Vector.LessThan({Write(b.Left)}, {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.LessOrEqual } b => $"Vector.LessThanOrEqual({Write(b.Left)}, {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Greater } b => $"Vector.GreaterThan({Write(b.Left)}, {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.GreaterOrEqual } b => $"Vector.GreaterThanOrEqual({Write(b.Left)}, {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Equal } b => $"Vector.Equals({Write(b.Left)}, {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.NotEqual } b => $"(~Vector.Equals({Write(b.Left)}, {Write(b.Right)}))",
        NumberExpr n => n.Value != 0 ? "ALL" : "NONE",
        _ => $"(~Vector.Equals({Write(expr)}, ZERO))",
    };

    private string Arithmetic(BinaryExpr b)
    {
        if (b.Operator == BinaryOperator.Power)
        {
            // Small integer powers as products: exact and much faster than pow.
            if (b.Right is NumberExpr { Value: var p } && p == Math.Floor(p) && p >= 1 && p <= 4)
            {
                string x = Write(b.Left);
                return "(" + string.Join(" * ", Enumerable.Repeat(x, (int)p)) + ")";
            }
            return Expensive($"VMath.Pow({Write(b.Left)}, {Write(b.Right)})");
        }
        if (b.Operator == BinaryOperator.Divide && b.Right is NumberExpr { Value: var divisor } && divisor != 0)
            return $"({Write(b.Left)} * {Literal(1.0 / divisor)})";
        string op = b.Operator switch
        {
            BinaryOperator.Add => "+",
            BinaryOperator.Subtract => "-",
            BinaryOperator.Multiply => "*",
            BinaryOperator.Divide => "/",
            _ => throw new NotSupportedException(b.Operator.ToString()),
        };
        return $"({Write(b.Left)} {op} {Write(b.Right)})";
    }

    private string Call(CallExpr c)
    {
        var a = c.Arguments.Select(Write).ToArray();
        return c.Function switch
        {
            "exp" => Expensive($"Vector.Exp({a[0]})"),
            "log" => Expensive($"Vector.Log({a[0]})"),
            "sqrt" => Expensive($"Vector.SquareRoot({a[0]})"),
            "abs" => $"Vector.Abs({a[0]})",
            "floor" => $"Vector.Floor({a[0]})",
            "ceil" => $"Vector.Ceiling({a[0]})",
            "min" => $"Vector.Min({a[0]}, {a[1]})",
            "max" => $"Vector.Max({a[0]}, {a[1]})",
            "sin" => Expensive($"VMath.Sin({a[0]})"),
            "cos" => Expensive($"VMath.Cos({a[0]})"),
            "tan" => Expensive($"VMath.Tan({a[0]})"),
            "tanh" => Expensive($"VMath.Tanh({a[0]})"),
            "pow" => Expensive($"VMath.Pow({a[0]}, {a[1]})"),
            _ => throw new NotSupportedException($"Function '{c.Function}'."),
        };
    }

    /// <summary>An expensive call, shared with the block's other statements when a sharing scope is given.</summary>
    private string Expensive(string code) => shared is null ? code : shared.Share(code);

    /// <summary>A broadcast constant.</summary>
    public static string Literal(double v)
    {
        if (v == 0) return "ZERO";
        if (v == 1) return "ONE";
        string s = double.IsPositiveInfinity(v) ? "double.PositiveInfinity"
            : double.IsNegativeInfinity(v) ? "double.NegativeInfinity"
            : double.IsNaN(v) ? "double.NaN"
            : v.ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.', StringComparison.Ordinal) && !s.Contains('E', StringComparison.Ordinal) && !s.Contains('d', StringComparison.Ordinal)
            && !s.Contains('N', StringComparison.Ordinal)) s += ".0";
        return $"new Vector<double>({s})";
    }
}
