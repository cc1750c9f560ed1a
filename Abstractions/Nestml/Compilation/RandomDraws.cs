using Meta.Expressions;

namespace Meta.Nestml.Compilation;

/// <summary>
/// NESTML's random functions written with Meta's <c>uniform()</c> draws (uniform in [0, 1), one counter-based Philox draw
/// per call, cell and step on every backend; docs/semantics.md): a normal value by the Box–Muller transform of two draws,
/// as Meta's noise sources take theirs.
/// </summary>
internal static class RandomDraws
{
    private static Expr Draw() => new CallExpr("uniform", []);

    /// <summary><c>random_uniform(low, high)</c>: <c>low + (high − low)·u</c>.</summary>
    public static Expr Uniform(Expr low, Expr high) =>
        new BinaryExpr(BinaryOperator.Add, low, new BinaryExpr(BinaryOperator.Multiply, new BinaryExpr(BinaryOperator.Subtract, high, low), Draw()));

    /// <summary><c>random_normal(mean, std)</c>: <c>mean + std·sqrt(−2·ln(1 − u1))·cos(2π·u2)</c>.</summary>
    public static Expr Normal(Expr mean, Expr std)
    {
        var radius = new CallExpr("sqrt", [new BinaryExpr(BinaryOperator.Multiply, new NumberExpr(-2),
            new CallExpr("log", [new BinaryExpr(BinaryOperator.Subtract, new NumberExpr(1), Draw())]))]);
        var angle = new CallExpr("cos", [new BinaryExpr(BinaryOperator.Multiply, new NumberExpr(2 * Math.PI), Draw())]);
        return new BinaryExpr(BinaryOperator.Add, mean, new BinaryExpr(BinaryOperator.Multiply, std, new BinaryExpr(BinaryOperator.Multiply, radius, angle)));
    }
}
