using System.Globalization;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The CPU backend's C#: every number is a <c>Vector&lt;double&gt;</c> (or, in float32, <c>Vector&lt;float&gt;</c>) whose lanes
/// are cells, every condition a <c>Vector&lt;long&gt;</c> (<c>Vector&lt;int&gt;</c>) lane mask, and a branch a lane-wise select, so
/// every cell takes the same arithmetic path whatever its neighbours do (results do not depend on the number of threads).
/// Functions without a vector form are applied lane by lane (<c>VMath</c>, written into each kernel class). In float32 a
/// literal is the float64 value rounded once, as every value stored in a float32 buffer is. Wide lanes
/// (<see cref="LaneType.Wide"/>) are <c>Vector512</c>s with masks of the element type; exp, log, min and max are then applied
/// to their 256-bit halves through the same <c>Vector</c> functions, so that a wide kernel computes what the
/// <c>Vector&lt;T&gt;</c> kernel computes (tests/Meta.Tests/Cpu/WideKernelTests.cs).
/// </summary>
/// <param name="lanes">The element type (float64 or float32) and width of the lanes.</param>
/// <param name="taylorOnly">Whether <c>phi</c> is written as <c>PhiTaylor(b, h, ref LARGE)</c>, the series alone, which marks
/// the lanes outside its range in the loop's <c>LARGE</c> mask (the CPU kernel's call-free loop), rather than <c>Phi(b, h)</c>.</param>
internal sealed class VectorDialect(LaneType lanes, bool taylorOnly = false) : CSharpDialect
{
    /// <summary>Whether a translated expression called <c>phi</c>.</summary>
    public bool UsesPhi { get; private set; }

    public override string NumberType => lanes.NumberVector;
    public override string MaskType => lanes.MaskVector;

    public override string Literal(double value)
    {
        if (value == 0) return "ZERO";
        if (value == 1) return "ONE";
        string type = lanes.Number;
        string s = double.IsPositiveInfinity(value) ? $"{type}.PositiveInfinity"
            : double.IsNegativeInfinity(value) ? $"{type}.NegativeInfinity"
            : double.IsNaN(value) ? $"{type}.NaN"
            : lanes.Single ? ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f"
            : value.ToString("R", CultureInfo.InvariantCulture);
        if (!lanes.Single && !s.Contains('.', StringComparison.Ordinal) && !s.Contains('E', StringComparison.Ordinal) && !s.Contains('d', StringComparison.Ordinal)
            && !s.Contains('N', StringComparison.Ordinal)) s += ".0";
        return lanes.Broadcast(s);
    }

    public override string MaskLiteral(bool value) => value ? "ALL" : "NONE";

    private string V => lanes.VectorClass;

    public override string Compare(BinaryOperator op, string left, string right) => op switch
    {
        BinaryOperator.Less => $"{V}.LessThan({left}, {right})",
        BinaryOperator.LessOrEqual => $"{V}.LessThanOrEqual({left}, {right})",
        BinaryOperator.Greater => $"{V}.GreaterThan({left}, {right})",
        BinaryOperator.GreaterOrEqual => $"{V}.GreaterThanOrEqual({left}, {right})",
        BinaryOperator.Equal => $"{V}.Equals({left}, {right})",
        BinaryOperator.NotEqual => $"(~{V}.Equals({left}, {right}))",
        _ => throw new NotSupportedException(op.ToString()),
    };

    public override string And(string left, string right) => $"({left} & {right})";
    public override string Or(string left, string right) => $"({left} | {right})";
    public override string Not(string operand) => $"(~{operand})";
    public override string Select(string condition, string then, string otherwise) => $"{V}.ConditionalSelect({condition}, {then}, {otherwise})";
    public override string IsNonZero(string number) => $"(~{V}.Equals({number}, ZERO))";
    public override string OneWhere(string condition) => $"{V}.ConditionalSelect({condition}, ONE, ZERO)";
    public override string AssignWhere(string target, string condition, string value) => $"{target} = {V}.ConditionalSelect({condition}, {value}, {target});";

    public override string Call(string function, IReadOnlyList<string> a) => function switch
    {
        "exp" => lanes.HalvesCall("Exp", a[0]),
        "log" => lanes.HalvesCall("Log", a[0]),
        "sqrt" => lanes.Wide ? $"Vector512.Sqrt({a[0]})" : $"Vector.SquareRoot({a[0]})",
        "abs" => $"{V}.Abs({a[0]})",
        "floor" => $"{V}.Floor({a[0]})",
        "ceil" => $"{V}.Ceiling({a[0]})",
        "min" => lanes.HalvesCall("Min", a[0], a[1]),
        "max" => lanes.HalvesCall("Max", a[0], a[1]),
        "sin" => $"VMath.Sin({a[0]})",
        "cos" => $"VMath.Cos({a[0]})",
        "tan" => $"VMath.Tan({a[0]})",
        "tanh" => $"VMath.Tanh({a[0]})",
        "pow" => $"VMath.Pow({a[0]}, {a[1]})",
        KernelSymbols.Phi => PhiCall(a[0], a[1]),
        _ => throw new NotSupportedException($"Function '{function}' in a CPU kernel."),
    };

    private string PhiCall(string b, string h)
    {
        UsesPhi = true;
        return taylorOnly ? $"PhiTaylor({b}, {h}, ref LARGE)" : $"Phi({b}, {h})";
    }
}
