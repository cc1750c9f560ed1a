using System.Globalization;
using Meta.Models.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>Writes an expression tree as C# source over doubles; symbols are mapped to C# names by the caller.</summary>
internal sealed class CSharpExpressionWriter(Func<string, string> symbol)
{
    /// <summary>The expression as a C# double expression.</summary>
    public string Number(Expr expr) => expr switch
    {
        NumberExpr n => Literal(n.Value),
        SymbolExpr s => symbol(s.Name),
        NegateExpr u => $"(-{Number(u.Operand)})",
        NotExpr or BinaryExpr { Operator: >= BinaryOperator.Less } => $"({Bool(expr)} ? 1.0 : 0.0)",
        BinaryExpr b => Arithmetic(b),
        CallExpr c => Call(c),
        ConditionalExpr c => $"({Bool(c.Condition)} ? {Number(c.Then)} : {Number(c.Else)})",
        _ => throw new NotSupportedException(expr.GetType().Name),
    };

    /// <summary>The expression as a C# bool expression (non-zero is true).</summary>
    public string Bool(Expr expr) => expr switch
    {
        NotExpr u => $"(!{Bool(u.Operand)})",
        BinaryExpr { Operator: BinaryOperator.And } b => $"({Bool(b.Left)} && {Bool(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Or } b => $"({Bool(b.Left)} || {Bool(b.Right)})",
        BinaryExpr { Operator: >= BinaryOperator.Less } b => $"({Number(b.Left)} {ExpressionPrinter.Symbol(b.Operator)} {Number(b.Right)})",
        _ => $"({Number(expr)} != 0.0)",
    };

    private string Arithmetic(BinaryExpr b)
    {
        if (b.Operator == BinaryOperator.Power)
        {
            // Small integer powers as products: exact and much faster than Math.Pow.
            if (b.Right is NumberExpr { Value: var p } && p == Math.Floor(p) && p >= 1 && p <= 4)
            {
                string x = Number(b.Left);
                return "(" + string.Join(" * ", Enumerable.Repeat(x, (int)p)) + ")";
            }
            return $"Math.Pow({Number(b.Left)}, {Number(b.Right)})";
        }
        string op = b.Operator switch
        {
            BinaryOperator.Add => "+",
            BinaryOperator.Subtract => "-",
            BinaryOperator.Multiply => "*",
            BinaryOperator.Divide => "/",
            _ => throw new NotSupportedException(b.Operator.ToString()),
        };
        return $"({Number(b.Left)} {op} {Number(b.Right)})";
    }

    private string Call(CallExpr c)
    {
        var a = c.Arguments.Select(Number).ToArray();
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
