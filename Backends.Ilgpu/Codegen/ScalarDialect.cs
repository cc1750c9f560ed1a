using System.Globalization;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// The ILGPU kernels' C#: one thread per cell, numbers in <c>double</c> or <c>float</c>, conditions in <c>bool</c>.
/// Functions call <see cref="Kernels.DeviceMath"/>, which compiles for every ILGPU target; float32 literals are the float64
/// value rounded once, the same rounding as every value uploaded to the device.
/// </summary>
internal sealed class ScalarDialect(bool single) : CSharpDialect
{
    private const string MathClass = "global::Meta.Backends.Ilgpu.Kernels.DeviceMath";

    public override string NumberType => single ? "float" : "double";
    public override string MaskType => "bool";

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

    public override string MaskLiteral(bool value) => value ? "true" : "false";

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

    public override string And(string left, string right) => $"({left} & {right})";
    public override string Or(string left, string right) => $"({left} | {right})";
    public override string Not(string operand) => $"(!{operand})";
    public override string Select(string condition, string then, string otherwise) => $"({condition} ? {then} : {otherwise})";
    public override string IsNonZero(string number) => $"({number} != {Literal(0)})";
    public override string OneWhere(string condition) => $"({condition} ? {Literal(1)} : {Literal(0)})";
    public override string AssignWhere(string target, string condition, string value) => $"if ({condition}) {target} = {value};";

    public override string Call(string function, IReadOnlyList<string> a)
    {
        if (function == KernelSymbols.Phi) return $"Phi({a[0]}, {a[1]})";
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
            _ => throw new NotSupportedException($"Function '{function}' in an ILGPU kernel."),
        };
        return $"{MathClass}.{name}({string.Join(", ", a)})";
    }
}
