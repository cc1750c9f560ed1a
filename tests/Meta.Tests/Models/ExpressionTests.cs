using Meta.Expressions;

namespace Meta.Tests.Models;

public class ExpressionTests
{
    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("2 ** 3 ** 2", 512)]
    [InlineData("-2 ** 2", -4)]
    [InlineData("2 ^ 3", 8)]
    [InlineData("exp(0) + log(1) + sqrt(16)", 5)]
    [InlineData("min(3, 4) + max(3, 4)", 7)]
    [InlineData("1 if 2 > 1 else 0", 1)]
    [InlineData("3 >= 3 and not (1 > 2)", 1)]
    [InlineData("1e-3 * 2", 0.002)]
    [InlineData("pi", Math.PI)]
    public void Parses_and_evaluates_like_Python(string text, double expected) =>
        Expr.Parse(text).Evaluate(_ => 0).Should().BeApproximately(expected, 1e-12);

    [Theory]
    [InlineData("1 +")]
    [InlineData("foo(1)")]
    [InlineData("exp(1, 2)")]
    [InlineData("(1 + 2")]
    [InlineData("1 $ 2")]
    public void Rejects_bad_syntax_with_a_position(string text) =>
        FluentActions.Invoking(() => Expr.Parse(text)).Should().Throw<ExpressionSyntaxException>().WithMessage("*position*");

    [Fact]
    public void Printing_round_trips()
    {
        var e = Expr.Parse("(v_rest - v)/tau_m + gsyn_exc*(e_rev_E - v)/cm - (a if v > 0 else b)");
        Expr.Parse(e.ToString()).Should().Be(e);
    }

    [Fact]
    public void Derivatives_are_correct_numerically()
    {
        var f = Expr.Parse("exp((v - v_t)/d) * g * (e - v) + v**3 / tau + sin(v) * log(v + 100)");
        var df = f.Derivative("v");
        double Value(Expr e, double v) => e.Evaluate(n => n switch { "v" => v, "v_t" => -50, "d" => 2, "g" => 0.3, "e" => 10, "tau" => 7, _ => throw new KeyNotFoundException(n) });
        foreach (var v in new[] { -70.0, -52.3, -10.0 })
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(v));
            double numeric = (Value(f, v + h) - Value(f, v - h)) / (2 * h);
            Value(df, v).Should().BeApproximately(numeric, 1e-5 * Math.Max(1, Math.Abs(numeric)));
        }
    }

    [Fact]
    public void Simplify_folds_constants_and_identities()
    {
        Expr.Parse("0 * x + 1 * y + (2 + 3)").Simplify().ToString().Should().Be("(y + 5)");
        Expr.Parse("x - x").Simplify().Should().Be(Expr.Const(0));
    }

    [Fact]
    public void Symbols_lists_every_name()
    {
        Expr.Parse("a + b * exp(c) if d > 0 else e").Symbols().Should().BeEquivalentTo(["a", "b", "c", "d", "e"]);
    }
}
