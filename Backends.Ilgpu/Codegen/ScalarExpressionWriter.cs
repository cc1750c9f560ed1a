using System.Globalization;
using Meta.Expressions;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// Writes an expression tree as scalar C# for one cell in <c>double</c> or <c>float</c>. It makes the same choices
/// as the CPU backend's vector writer, so that float64 kernels do the same arithmetic in the same order: symbols with
/// a value in <c>constants</c> are substituted and constant subtrees folded first, a division by a constant becomes a
/// multiplication by its reciprocal, and small integer powers become products. Functions call
/// <see cref="Kernels.DeviceMath"/>, which compiles for every ILGPU target.
/// </summary>
internal sealed class ScalarExpressionWriter(IReadOnlyDictionary<string, double> constants, Func<string, string> symbol, bool single)
{
    private const string MathClass = "global::Meta.Backends.Ilgpu.Kernels.DeviceMath";

    /// <summary>The expression as a number.</summary>
    public string Number(Expr expr) => Write(Fold(expr));

    /// <summary>The expression as a bool.</summary>
    public string Condition(Expr expr) => WriteCondition(Fold(expr));

    private Expr Fold(Expr expr) =>
        expr.Substitute(n => constants.TryGetValue(n, out double v) ? Expr.Const(v) : null).Simplify();

    private string One => single ? "1f" : "1.0";
    private string Zero => single ? "0f" : "0.0";

    private string Write(Expr expr) => expr switch
    {
        NumberExpr n => Literal(n.Value, single),
        SymbolExpr s => symbol(s.Name),
        NegateExpr u => $"(-{Write(u.Operand)})",
        NotExpr or BinaryExpr { Operator: >= BinaryOperator.Less } => $"({WriteCondition(expr)} ? {One} : {Zero})",
        BinaryExpr b => Arithmetic(b),
        CallExpr c => Call(c),
        ConditionalExpr c => $"({WriteCondition(c.Condition)} ? {Write(c.Then)} : {Write(c.Else)})",
        _ => throw new NotSupportedException(expr.GetType().Name),
    };

    private string WriteCondition(Expr expr) => expr switch
    {
        NotExpr u => $"(!{WriteCondition(u.Operand)})",
        BinaryExpr { Operator: BinaryOperator.And } b => $"({WriteCondition(b.Left)} & {WriteCondition(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Or } b => $"({WriteCondition(b.Left)} | {WriteCondition(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Less } b => $"({Write(b.Left)} < {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.LessOrEqual } b => $"({Write(b.Left)} <= {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Greater } b => $"({Write(b.Left)} > {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.GreaterOrEqual } b => $"({Write(b.Left)} >= {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.Equal } b => $"({Write(b.Left)} == {Write(b.Right)})",
        BinaryExpr { Operator: BinaryOperator.NotEqual } b => $"({Write(b.Left)} != {Write(b.Right)})",
        NumberExpr n => n.Value != 0 ? "true" : "false",
        _ => $"({Write(expr)} != {Zero})",
    };

    private string Arithmetic(BinaryExpr b)
    {
        if (b.Operator == BinaryOperator.Power)
        {
            // Small integer powers as products, as on the CPU.
            if (b.Right is NumberExpr { Value: var p } && p == Math.Floor(p) && p >= 1 && p <= 4)
            {
                string x = Write(b.Left);
                return "(" + string.Join(" * ", Enumerable.Repeat(x, (int)p)) + ")";
            }
            return $"{MathClass}.Pow({Write(b.Left)}, {Write(b.Right)})";
        }
        if (b.Operator == BinaryOperator.Divide && b.Right is NumberExpr { Value: var divisor } && divisor != 0)
            return $"({Write(b.Left)} * {Literal(1.0 / divisor, single)})";
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
        string name = c.Function switch
        {
            "exp" => "Exp",
            "log" => "Log",
            "sqrt" => "Sqrt",
            "abs" => "Abs",
            "floor" => "Floor",
            "ceil" => "Ceiling",
            "min" => "Min",
            "max" => "Max",
            "sin" => "Sin",
            "cos" => "Cos",
            "tan" => "Tan",
            "tanh" => "Tanh",
            "pow" => "Pow",
            _ => throw new NotSupportedException($"Function '{c.Function}'."),
        };
        return $"{MathClass}.{name}({string.Join(", ", a)})";
    }

    /// <summary>
    /// A literal of the kernel's type. float32 literals are the float64 value rounded once (a cast of the double
    /// literal, folded by the compiler), the same rounding as every other constant uploaded to the device.
    /// </summary>
    public static string Literal(double v, bool single)
    {
        string s = double.IsPositiveInfinity(v) ? "double.PositiveInfinity"
            : double.IsNegativeInfinity(v) ? "double.NegativeInfinity"
            : double.IsNaN(v) ? "double.NaN"
            : v.ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.', StringComparison.Ordinal) && !s.Contains('E', StringComparison.Ordinal) && !s.Contains('d', StringComparison.Ordinal)
            && !s.Contains('N', StringComparison.Ordinal)) s += ".0";
        return single ? $"((float){s})" : (v < 0 ? $"({s})" : s);
    }
}
