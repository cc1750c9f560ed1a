using Meta.Expressions;

namespace Meta.Nestml.Compilation;

/// <summary>
/// Tidies translated expressions: <see cref="ExpressionAlgebra.Simplify"/>, then every chain of products has its numbers
/// multiplied into one factor, dropped where it is 1. Unit factors (<c>unit_psg</c> = 0.001 µS times the 1000 nS per µS of
/// a weight) so vanish, and the equations read as the standard cells' do.
/// </summary>
internal static class ConstantFolding
{
    /// <summary>The tidied expression.</summary>
    public static Expr Fold(Expr e) => Products(e.Simplify()).Simplify();

    private static Expr Products(Expr e)
    {
        switch (e)
        {
            case BinaryExpr { Operator: BinaryOperator.Multiply }:
                {
                    var factors = new List<Expr>();
                    Flatten(e, factors);
                    var numbers = new List<double>();
                    var rest = new List<Expr>();
                    foreach (var f in factors.Select(Products))
                    {
                        if (f is NumberExpr n) numbers.Add(n.Value);
                        else rest.Add(f);
                    }
                    double number = Multiply(numbers);
                    if (rest.Count == 0) return new NumberExpr(number);
                    var product = rest.Aggregate((a, b) => new BinaryExpr(BinaryOperator.Multiply, a, b));
                    return number == 1 ? product : new BinaryExpr(BinaryOperator.Multiply, new NumberExpr(number), product);
                }
            case BinaryExpr b:
                return b with { Left = Products(b.Left), Right = Products(b.Right) };
            case NegateExpr n:
                return n with { Operand = Products(n.Operand) };
            case NotExpr n:
                return n with { Operand = Products(n.Operand) };
            case ConditionalExpr c:
                return new ConditionalExpr(Products(c.Condition), Products(c.Then), Products(c.Else));
            case CallExpr c:
                return c with { Arguments = [.. c.Arguments.Select(Products)] };
            default:
                return e;
        }
    }

    /// <summary>
    /// The product of unit factors such as 0.001, 1e-6 and 1000, in decimal arithmetic where the numbers allow it, so that
    /// 1000 · 1e-6 · 1000 is exactly 1 (in binary floating point it is 1.0000000000000002).
    /// </summary>
    private static double Multiply(List<double> numbers)
    {
        try
        {
            decimal product = 1m;
            foreach (var x in numbers)
            {
                if (!double.IsFinite(x) || Math.Abs(x) > 1e15 || (x != 0 && Math.Abs(x) < 1e-15)) return numbers.Aggregate(1.0, (a, b) => a * b);
                decimal d = (decimal)x;
                if ((double)d != x) return numbers.Aggregate(1.0, (a, b) => a * b); // more digits than decimal keeps (e, pi)
                product *= d;
            }
            return (double)product;
        }
        catch (OverflowException)
        {
            return numbers.Aggregate(1.0, (a, b) => a * b);
        }
    }

    private static void Flatten(Expr e, List<Expr> into)
    {
        if (e is BinaryExpr { Operator: BinaryOperator.Multiply } m)
        {
            Flatten(m.Left, into);
            Flatten(m.Right, into);
        }
        else into.Add(e);
    }
}
