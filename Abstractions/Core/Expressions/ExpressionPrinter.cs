namespace Meta.Expressions;

/// <summary>Writes an expression back in Meta's equation syntax, fully parenthesised where needed.</summary>
public static class ExpressionPrinter
{
    /// <summary>The text form of <paramref name="expr"/>.</summary>
    public static string ToText(Expr expr) => expr switch
    {
        NumberExpr n => n.Value < 0 ? $"({MathFunctions.Format(n.Value)})" : MathFunctions.Format(n.Value),
        SymbolExpr s => s.Name,
        NegateExpr u => $"(-{ToText(u.Operand)})",
        NotExpr u => $"(not {ToText(u.Operand)})",
        BinaryExpr b => $"({ToText(b.Left)} {Symbol(b.Operator)} {ToText(b.Right)})",
        CallExpr c => $"{c.Function}({string.Join(", ", c.Arguments.Select(ToText))})",
        ConditionalExpr c => $"({ToText(c.Then)} if {ToText(c.Condition)} else {ToText(c.Else)})",
        _ => throw new NotSupportedException(expr.GetType().Name),
    };

    /// <summary>The operator's text.</summary>
    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Power => "**",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.And => "and",
        BinaryOperator.Or => "or",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };
}
