using Meta.Expressions;

namespace Meta.Models;

/// <summary>
/// Replaces each <c>uniform()</c> call of a model's expressions by its own draw symbol
/// (<see cref="ModelDefinition.RandomDrawSymbol"/>), numbering them in the order met.
/// </summary>
internal sealed class RandomDrawNumbering
{
    /// <summary>The name of the random function in equations: a uniform number in [0, 1).</summary>
    public const string Function = "uniform";

    /// <summary>The number of draws numbered so far.</summary>
    public int Count { get; private set; }

    /// <summary><paramref name="expr"/> with every <c>uniform()</c> replaced by the next draw symbol.</summary>
    public Expr Number(Expr expr) => expr switch
    {
        CallExpr { Function: Function } => Expr.Symbol(ModelDefinition.RandomDrawSymbol(Next())),
        CallExpr c => c with { Arguments = [.. c.Arguments.Select(Number)] },
        BinaryExpr b => b with { Left = Number(b.Left), Right = Number(b.Right) },
        NegateExpr n => n with { Operand = Number(n.Operand) },
        NotExpr n => n with { Operand = Number(n.Operand) },
        ConditionalExpr c => c with { Condition = Number(c.Condition), Then = Number(c.Then), Else = Number(c.Else) },
        _ => expr,
    };

    /// <summary>Whether <paramref name="expr"/> still contains a raw <c>uniform()</c> call.</summary>
    public static bool Calls(Expr expr) => expr switch
    {
        CallExpr { Function: Function } => true,
        CallExpr c => c.Arguments.Any(Calls),
        BinaryExpr b => Calls(b.Left) || Calls(b.Right),
        NegateExpr n => Calls(n.Operand),
        NotExpr n => Calls(n.Operand),
        ConditionalExpr c => Calls(c.Condition) || Calls(c.Then) || Calls(c.Else),
        _ => false,
    };

    private int Next()
    {
        if (Count >= ModelDefinition.MaxRandomDraws)
            throw new InvalidModelException($"A model may call uniform() at most {ModelDefinition.MaxRandomDraws} times.");
        return Count++;
    }
}
