using Meta.Random;

namespace Meta.Tests.Random;

public class IncompleteGammaTests
{
    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(10.0, 12.801827480081469)]   // log 9!
    [InlineData(0.5, 0.57236494292470008)]   // log sqrt(pi)
    [InlineData(0.1, 2.2527126517342059)]
    [InlineData(171.5, 709.1431630309282)]
    public void LogGamma_matches_known_values(double a, double expected) =>
        IncompleteGamma.LogGamma(a).Should().BeApproximately(expected, 1e-12 * Math.Max(1, Math.Abs(expected)));

    /// <summary>For integer shapes, Q(n, x) = e^-x Σ_{k&lt;n} x^k/k!; for a = 1/2, Q = erfc(√x).</summary>
    [Theory]
    [InlineData(1, 0.3)]
    [InlineData(1, 40)]
    [InlineData(2, 0.01)]
    [InlineData(2, 3)]
    [InlineData(6, 2)]
    [InlineData(6, 7)]
    [InlineData(6, 60)]
    [InlineData(20, 15)]
    [InlineData(20, 30)]
    public void LogQ_matches_the_closed_form_for_integer_shapes(int n, double x)
    {
        double sum = 0, term = 1;
        for (int k = 0; k < n; k++)
        {
            sum += term;
            term *= x / (k + 1);
        }
        double expected = -x + Math.Log(sum);
        IncompleteGamma.LogQ(n, x).Should().BeApproximately(expected, 1e-12 * Math.Max(1, Math.Abs(expected)));
    }

    [Theory]
    [InlineData(0.01, 0.8875370839817152)]
    [InlineData(0.5, 0.31731050786291404)]
    [InlineData(1.5, 0.08326451666355043)]
    [InlineData(4, 0.004677734981047265)]
    public void LogQ_of_one_half_is_the_complementary_error_function(double x, double erfcOfSqrtX) =>
        Math.Exp(IncompleteGamma.LogQ(0.5, x)).Should().BeApproximately(erfcOfSqrtX, 1e-14 + 1e-13 * erfcOfSqrtX);

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(6.0)]
    [InlineData(50.0)]
    public void InverseLogQ_inverts_LogQ(double a)
    {
        foreach (double x in new[] { 1e-6, 0.01, 0.3, 1, a, 3 * a + 5, 200 })
        {
            double logQ = IncompleteGamma.LogQ(a, x);
            if (logQ == 0 || double.IsNegativeInfinity(logQ)) continue;
            IncompleteGamma.InverseLogQ(a, logQ).Should().BeApproximately(x, 1e-11 * x, $"a = {a}, x = {x}");
        }
        IncompleteGamma.InverseLogQ(a, 0).Should().Be(0);
        IncompleteGamma.InverseLogQ(a, double.NegativeInfinity).Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        ((Action)(() => IncompleteGamma.LogQ(0, 1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => IncompleteGamma.LogQ(1, -1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => IncompleteGamma.InverseLogQ(1, 0.5))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => IncompleteGamma.LogGamma(double.NaN))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
