using System.Globalization;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The CPU backend's C#: every number is a <c>Vector&lt;double&gt;</c> (or, in float32, <c>Vector&lt;float&gt;</c>) whose lanes
/// are cells, every condition a <c>Vector&lt;long&gt;</c> (<c>Vector&lt;int&gt;</c>) lane mask, and a branch a lane-wise select, so
/// every cell takes the same arithmetic path whatever its neighbours do (results do not depend on the number of threads).
/// Functions without a vector form are applied lane by lane by <see cref="KernelMath"/>'s precompiled helpers, which the IL kernels call too. In float32 a
/// literal is the float64 value rounded once, as every value stored in a float32 buffer is. Wide lanes
/// (<see cref="LaneType.Wide"/>) are <c>Vector512</c>s with masks of the element type; exp, log, min and max are then applied
/// to their 256-bit halves through the same <c>Vector</c> functions, so that a wide kernel computes what the
/// <c>Vector&lt;T&gt;</c> kernel computes (tests/Meta.Tests/Cpu/WideKernelTests.cs).
/// </summary>
/// <param name="lanes">The element type (float64 or float32) and width of the lanes.</param>
/// <param name="taylorOnly">Whether <c>phi</c> is written as <c>KernelMath.PhiTaylor(b, h, ref LARGE)</c>, the series alone, which marks
/// the lanes outside its range in the loop's <c>LARGE</c> mask (the CPU kernel's call-free loop), rather than <c>KernelMath.Phi(b, h)</c>.</param>
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

    /// <summary>
    /// A call of a model function, as <see cref="KernelFunctions"/> says it is computed: the vector class's own function,
    /// <c>Vector</c>'s (in wide lanes <see cref="KernelMath"/>'s overload that applies it to the two halves), or
    /// <see cref="KernelMath"/>'s helper (the generated class calls the helpers the IL kernels call).
    /// </summary>
    /// <exception cref="NotSupportedException">CPU kernels know no such function, or it takes another number of arguments.</exception>
    public override string Call(string function, IReadOnlyList<string> a)
    {
        var f = KernelFunctions.Find(function)
            ?? throw new NotSupportedException($"Function '{function}' in a CPU kernel: CPU kernels know {KernelFunctions.Names}.");
        if (a.Count != f.Arity) throw new NotSupportedException($"Function '{function}' in a CPU kernel takes {f.Arity} arguments, not {a.Count}.");
        string args = string.Join(", ", a);
        return f.Form switch
        {
            KernelFunctionForm.Vector => $"{V}.{f.MethodIn(lanes.Wide)}({args})",
            KernelFunctionForm.Halves => lanes.Wide ? $"{nameof(KernelMath)}.{f.Method}({args})" : $"Vector.{f.Method}({args})",
            KernelFunctionForm.Helper => $"{nameof(KernelMath)}.{f.Method}({args})",
            KernelFunctionForm.Phi => PhiCall(a[0], a[1]),
            _ => throw new NotSupportedException($"Function '{function}' is computed in a form ({f.Form}) the CPU kernel's C# dialect does not know."),
        };
    }

    private string PhiCall(string b, string h)
    {
        UsesPhi = true;
        return taylorOnly ? $"{nameof(KernelMath)}.PhiTaylor({b}, {h}, ref LARGE)" : $"{nameof(KernelMath)}.Phi({b}, {h})";
    }
}
