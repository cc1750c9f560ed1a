using System.Globalization;
using Meta.Models.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// Writes an expression tree as C# source over doubles; symbols are mapped to C# names by the caller.
/// Symbols with a value in <c>constants</c> are substituted first and constant subtrees folded; a division by a
/// constant becomes a multiplication by its reciprocal.
/// </summary>
internal sealed class CSharpExpressionWriter(IReadOnlyDictionary<string, double> constants, Func<string, string> symbol)
{
    /// <summary>The expression as a C# double expression.</summary>
    public string Number(Expr expr) => Write(Fold(expr));

    /// <summary>The expression as a C# bool expression (non-zero is true).</summary>
    public string Bool(Expr expr) => WriteBool(Fold(expr));

    private Expr Fold(Expr expr) =>
        constants.Count == 0 ? expr : expr.Substitute(n => constants.TryGetValue(n, out double v) ? Expr.Const(v) : null).Simplify();

    private string Write(Expr expr) => expr switch
    {
        NumberExpr n => Literal(n.Value),
        SymbolExpr s => symbol(s.Name),
        NegateExpr u => $"(-{Write(u.Operand)})",
        NotExpr or BinaryExpr { Operator: >= BinaryOperator.Less } => $"({WriteBool(expr)} ? 1.0 : 0.0)",
        BinaryExpr b => Arithmetic(b),
        CallExpr c => Call(c),
        ConditionalExpr c => $"({WriteBool(c.Condition)} ? {Write(c.Then)} : {Write(c.Else)})",
        _ => throw new NotSupportedException(expr.GetType().Name),
    };

    private string WriteBool(Expr expr) => expr switch
    {
        NotExpr u => $"(!{WriteBool(u.Operand)})",
        BinaryExpr { Operator: BinaryOperator.And } b => $"({WriteBool(b.Left)} && {WriteBool(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Or } b => $"({WriteBool(b.Left)} || {WriteBool(b.Right)})",
        BinaryExpr { Operator: >= BinaryOperator.Less } b => $"({Write(b.Left)} {ExpressionPrinter.Symbol(b.Operator)} {Write(b.Right)})",
        _ => $"({Write(expr)} != 0.0)",
    };

    private string Arithmetic(BinaryExpr b)
    {
        if (b.Operator == BinaryOperator.Power)
        {
            // Small integer powers as products: exact and much faster than Math.Pow.
            if (b.Right is NumberExpr { Value: var p } && p == Math.Floor(p) && p >= 1 && p <= 4)
            {
                string x = Write(b.Left);
                return "(" + string.Join(" * ", Enumerable.Repeat(x, (int)p)) + ")";
            }
            return $"Math.Pow({Write(b.Left)}, {Write(b.Right)})";
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
            "exp" => $"Math.Exp({a[0]})",
            "log" => $"Math.Log({a[0]})",
            "sqrt" => $"Math.Sqrt({a[0]})",
            "sin" => $"Math.Sin({a[0]})",
            "cos" => $"Math.Cos({a[0]})",
            "tan" => $"Math.Tan({a[0]})",
            "tanh" => $"Math.Tanh({a[0]})",
            "abs" => $"Math.Abs({a[0]})",
            "floor" => $"Math.Floor({a[0]})",
            "ceil" => $"Math.Ceiling({a[0]})",
            "min" => $"Math.Min({a[0]}, {a[1]})",
            "max" => $"Math.Max({a[0]}, {a[1]})",
            "pow" => $"Math.Pow({a[0]}, {a[1]})",
            _ => throw new NotSupportedException($"Function '{c.Function}'."),
        };
    }

    private static string Literal(double v)
    {
        if (double.IsPositiveInfinity(v)) return "double.PositiveInfinity";
        if (double.IsNegativeInfinity(v)) return "double.NegativeInfinity";
        if (double.IsNaN(v)) return "double.NaN";
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.', StringComparison.Ordinal) && !s.Contains('E', StringComparison.Ordinal)) s += ".0";
        return v < 0 ? $"({s})" : s;
    }
}
