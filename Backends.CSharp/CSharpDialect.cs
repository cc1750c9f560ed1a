using Meta.Expressions;

namespace Meta.Backends.CSharp;

/// <summary>
/// How one C# target writes the values of a kernel: lane values and conditions, literals, operators and functions. The
/// CPU backend's dialect is SIMD (<c>Vector&lt;double&gt;</c> lanes, lane masks); ILGPU's is scalar (<c>double</c> or
/// <c>float</c>, <c>bool</c>). Everything else about translating a statement is shared (<see cref="KernelBodyWriter"/>).
/// </summary>
public abstract class CSharpDialect
{
    /// <summary>The C# type of a number.</summary>
    public abstract string NumberType { get; }

    /// <summary>The C# type of a condition.</summary>
    public abstract string MaskType { get; }

    /// <summary>A literal number.</summary>
    public abstract string Literal(double value);

    /// <summary>A literal condition.</summary>
    public abstract string MaskLiteral(bool value);

    /// <summary>An arithmetic operation (<c>+ - * /</c>).</summary>
    public virtual string Arithmetic(string op, string left, string right) => $"({left} {op} {right})";

    /// <summary>Negation.</summary>
    public virtual string Negate(string operand) => $"(-{operand})";

    /// <summary>A comparison giving a condition.</summary>
    public abstract string Compare(BinaryOperator op, string left, string right);

    /// <summary>Both conditions.</summary>
    public abstract string And(string left, string right);

    /// <summary>Either condition.</summary>
    public abstract string Or(string left, string right);

    /// <summary>The opposite condition.</summary>
    public abstract string Not(string operand);

    /// <summary><paramref name="then"/> where the condition holds, else <paramref name="otherwise"/>.</summary>
    public abstract string Select(string condition, string then, string otherwise);

    /// <summary>The condition "not zero".</summary>
    public abstract string IsNonZero(string number);

    /// <summary>1 where the condition holds, else 0.</summary>
    public abstract string OneWhere(string condition);

    /// <summary>A call of a function of the expression language, or of <c>phi</c>.</summary>
    public abstract string Call(string function, IReadOnlyList<string> arguments);

    /// <summary>The statement <c>target = value</c> where the condition holds.</summary>
    public abstract string AssignWhere(string target, string condition, string value);
}
