using System.Globalization;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.CSharp;

/// <summary>
/// Scalar C#: one cell or synapse per thread or loop iteration, numbers in <c>double</c> or <c>float</c>, conditions in
/// <c>bool</c>. Functions call <paramref name="mathClass"/> (<c>System.Math</c> on the CPU; ILGPU's <c>DeviceMath</c>, which
/// compiles for every ILGPU target); float32 literals are the float64 value rounded once, the same rounding as every value
/// uploaded to a float32 device.
/// </summary>
/// <param name="single">Whether numbers are float32.</param>
/// <param name="mathClass">The class with <c>Exp</c>, <c>Log</c>, <c>Sqrt</c>, <c>Abs</c>, <c>Floor</c>, <c>Ceiling</c>, <c>Min</c>, <c>Max</c>, <c>Sin</c>, <c>Cos</c>, <c>Tan</c>, <c>Tanh</c>, <c>Pow</c>.</param>
public sealed class ScalarDialect(bool single, string mathClass = "global::System.Math") : CSharpDialect
{
    private string MathClass => mathClass;

    /// <inheritdoc />
    public override string NumberType => single ? "float" : "double";
    /// <inheritdoc />
    public override string MaskType => "bool";

    /// <inheritdoc />
    public override string Literal(double value) => LiteralOf(value, single);

    /// <summary>A literal of the kernel's type.</summary>
    public static string LiteralOf(double v, bool single)
    {
        string s = double.IsPositiveInfinity(v) ? "double.PositiveInfinity"
            : double.IsNegativeInfinity(v) ? "double.NegativeInfinity"
            : double.IsNaN(v) ? "double.NaN"
            : v.ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.', StringComparison.Ordinal) && !s.Contains('E', StringComparison.Ordinal) && !s.Contains('d', StringComparison.Ordinal)
            && !s.Contains('N', StringComparison.Ordinal)) s += ".0";
        return single ? $"((float){s})" : (v < 0 ? $"({s})" : s);
    }

    /// <inheritdoc />
    public override string MaskLiteral(bool value) => value ? "true" : "false";

    /// <inheritdoc />
    public override string Compare(BinaryOperator op, string left, string right) => op switch
    {
        BinaryOperator.Less => $"({left} < {right})",
        BinaryOperator.LessOrEqual => $"({left} <= {right})",
        BinaryOperator.Greater => $"({left} > {right})",
        BinaryOperator.GreaterOrEqual => $"({left} >= {right})",
        BinaryOperator.Equal => $"({left} == {right})",
        BinaryOperator.NotEqual => $"({left} != {right})",
        _ => throw new NotSupportedException(op.ToString()),
    };

    /// <inheritdoc />
    public override string And(string left, string right) => $"({left} & {right})";
    /// <inheritdoc />
    public override string Or(string left, string right) => $"({left} | {right})";
    /// <inheritdoc />
    public override string Not(string operand) => $"(!{operand})";
    /// <inheritdoc />
    public override string Select(string condition, string then, string otherwise) => $"({condition} ? {then} : {otherwise})";
    /// <inheritdoc />
    public override string IsNonZero(string number) => $"({number} != {Literal(0)})";
    /// <inheritdoc />
    public override string OneWhere(string condition) => $"({condition} ? {Literal(1)} : {Literal(0)})";
    /// <inheritdoc />
    public override string AssignWhere(string target, string condition, string value) => $"if ({condition}) {target} = {value};";

    /// <inheritdoc />
    public override string Call(string function, IReadOnlyList<string> a)
    {
        if (function == KernelSymbols.Phi) return $"Phi({a[0]}, {a[1]})";
        if (function == KernelSymbols.Binomial) return $"Binomial({a[0]}, {a[1]}, {a[2]})";
        string name = function switch
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
            _ => throw new NotSupportedException($"Function '{function}' in a scalar C# kernel."),
        };
        return $"{MathClass}.{name}({string.Join(", ", a)})";
    }
}
