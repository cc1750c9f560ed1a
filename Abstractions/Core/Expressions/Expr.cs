using System.Collections.Immutable;
using System.Globalization;

namespace Meta.Expressions;

/// <summary>
/// A node of a mathematical expression tree: the right-hand side of an ODE, a threshold condition,
/// a reset value. Expressions are immutable; backends compile them to code or tensor operations.
/// Booleans are represented as 1 (true) and 0 (false) when evaluated numerically.
/// </summary>
public abstract record Expr
{
    /// <summary>Parses an expression in Meta's equation syntax (see <see cref="ExpressionParser"/>).</summary>
    public static Expr Parse(string text) => ExpressionParser.Parse(text);

    /// <summary>A numeric literal.</summary>
    public static Expr Const(double value) => new NumberExpr(value);

    /// <summary>A reference to a parameter, state variable or input by name.</summary>
    public static Expr Symbol(string name) => new SymbolExpr(name);

    /// <summary>Implicit conversion from a number to a literal.</summary>
    public static implicit operator Expr(double value) => new NumberExpr(value);

    /// <summary>Sum.</summary>
    public static Expr operator +(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Add, a, b);
    /// <summary>Difference.</summary>
    public static Expr operator -(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Subtract, a, b);
    /// <summary>Product.</summary>
    public static Expr operator *(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Multiply, a, b);
    /// <summary>Quotient.</summary>
    public static Expr operator /(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Divide, a, b);
    /// <summary>Negation.</summary>
    public static Expr operator -(Expr a) => new NegateExpr(a);

    /// <summary>The expression in Meta's equation syntax; parsing it gives back an equal tree.</summary>
    public sealed override string ToString() => ExpressionPrinter.ToText(this);
}

/// <summary>A numeric literal.</summary>
/// <param name="Value">The value.</param>
public sealed record NumberExpr(double Value) : Expr;

/// <summary>A named parameter, state variable or input.</summary>
/// <param name="Name">The name as written in the model definition.</param>
public sealed record SymbolExpr(string Name) : Expr;

/// <summary>Arithmetic negation.</summary>
/// <param name="Operand">The negated expression.</param>
public sealed record NegateExpr(Expr Operand) : Expr;

/// <summary>Logical negation (1 if the operand is 0, else 0).</summary>
/// <param name="Operand">The negated condition.</param>
public sealed record NotExpr(Expr Operand) : Expr;

/// <summary>Binary operators of the expression language.</summary>
public enum BinaryOperator
{
    /// <summary>a + b</summary>
    Add,
    /// <summary>a - b</summary>
    Subtract,
    /// <summary>a * b</summary>
    Multiply,
    /// <summary>a / b</summary>
    Divide,
    /// <summary>a ** b (also written a ^ b)</summary>
    Power,
    /// <summary>a &lt; b</summary>
    Less,
    /// <summary>a &lt;= b</summary>
    LessOrEqual,
    /// <summary>a &gt; b</summary>
    Greater,
    /// <summary>a &gt;= b</summary>
    GreaterOrEqual,
    /// <summary>a == b</summary>
    Equal,
    /// <summary>a != b</summary>
    NotEqual,
    /// <summary>a and b</summary>
    And,
    /// <summary>a or b</summary>
    Or,
}

/// <summary>A binary operation.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right) : Expr;

/// <summary>A call of one of the built-in functions listed in <see cref="MathFunctions"/>.</summary>
/// <param name="Function">The function name.</param>
/// <param name="Arguments">The arguments.</param>
public sealed record CallExpr(string Function, ImmutableArray<Expr> Arguments) : Expr
{
    /// <inheritdoc />
    public bool Equals(CallExpr? other) =>
        other is not null && Function == other.Function && Arguments.SequenceEqual(other.Arguments);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Function);
        foreach (var a in Arguments) hash.Add(a);
        return hash.ToHashCode();
    }
}

/// <summary>A conditional expression: <c>Then</c> where <c>Condition</c> is non-zero, else <c>Else</c>.</summary>
/// <param name="Condition">The condition.</param>
/// <param name="Then">The value where the condition holds.</param>
/// <param name="Else">The value elsewhere.</param>
public sealed record ConditionalExpr(Expr Condition, Expr Then, Expr Else) : Expr;

/// <summary>The built-in functions of the expression language and their arities.</summary>
public static class MathFunctions
{
    /// <summary>Function name to number of arguments.</summary>
    public static IReadOnlyDictionary<string, int> Arity { get; } = new Dictionary<string, int>
    {
        ["exp"] = 1, ["log"] = 1, ["sqrt"] = 1, ["sin"] = 1, ["cos"] = 1, ["tan"] = 1,
        ["tanh"] = 1, ["abs"] = 1, ["floor"] = 1, ["ceil"] = 1,
        ["min"] = 2, ["max"] = 2, ["pow"] = 2,
        ["uniform"] = 0, ["binomial"] = 2,
    };

    /// <summary>Constants the parser knows by name.</summary>
    public static IReadOnlyDictionary<string, double> Constants { get; } = new Dictionary<string, double>
    {
        ["pi"] = Math.PI,
    };

    /// <summary>Evaluates a built-in function.</summary>
    public static double Apply(string function, ReadOnlySpan<double> a) => function switch
    {
        "exp" => Math.Exp(a[0]),
        "log" => Math.Log(a[0]),
        "sqrt" => Math.Sqrt(a[0]),
        "sin" => Math.Sin(a[0]),
        "cos" => Math.Cos(a[0]),
        "tan" => Math.Tan(a[0]),
        "tanh" => Math.Tanh(a[0]),
        "abs" => Math.Abs(a[0]),
        "floor" => Math.Floor(a[0]),
        "ceil" => Math.Ceiling(a[0]),
        "min" => Math.Min(a[0], a[1]),
        "max" => Math.Max(a[0], a[1]),
        "pow" => Math.Pow(a[0], a[1]),
        "uniform" => throw new InvalidOperationException(
            "uniform() is a random draw of a model's step; it has no value outside a model's equations."),
        "binomial" => throw new InvalidOperationException(
            "binomial(n, p) is a random draw of a synapse event; it has no value outside a synapse model's event code."),
        _ => throw new ArgumentException($"Unknown function '{function}'.", nameof(function)),
    };

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
