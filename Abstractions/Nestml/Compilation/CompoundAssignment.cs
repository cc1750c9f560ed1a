using Meta.Expressions;

namespace Meta.Nestml.Compilation;

/// <summary>
/// NESTML's assignment operators (<c>=</c>, <c>+=</c>, <c>-=</c>, <c>*=</c>, <c>/=</c>) as one expression: the value the
/// target has after the assignment, from its value before. Used by update blocks, onCondition and inlined functions alike.
/// </summary>
internal static class CompoundAssignment
{
    /// <summary>The operators known.</summary>
    public static IReadOnlyList<string> Operators { get; } = ["=", "+=", "-=", "*=", "/="];

    /// <summary>
    /// The target's new value: <paramref name="value"/> for <c>=</c>, else <paramref name="before"/> combined with it; an
    /// unknown operator is an error at <paramref name="line"/> naming the known ones.
    /// </summary>
    public static Expr Combine(string op, Expr before, Expr value, CompileContext context, int line) => op switch
    {
        "=" => value,
        "+=" => new BinaryExpr(BinaryOperator.Add, before, value),
        "-=" => new BinaryExpr(BinaryOperator.Subtract, before, value),
        "*=" => new BinaryExpr(BinaryOperator.Multiply, before, value),
        "/=" => new BinaryExpr(BinaryOperator.Divide, before, value),
        _ => throw context.Error(line, $"unknown assignment '{op}' (known: {string.Join(", ", Operators)})"),
    };
}
