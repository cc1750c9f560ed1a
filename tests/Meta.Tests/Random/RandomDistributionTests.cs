using FluentAssertions;
using Meta.Random;
using Xunit;
using static Meta.Tests.Random.RandomTestStatistics;

namespace Meta.Tests.Random;

public class RandomDistributionTests
{
    private const int N = 100_000;

    private static Dictionary<string, double> P(params (string Name, double Value)[] items) =>
        items.ToDictionary(i => i.Name, i => i.Value);

    [Fact]
    public void Distributions_lists_PyNN_names_and_parameter_order()
    {
        var d = RandomDistribution.Distributions;
        d.Keys.Should().BeEquivalentTo("uniform", "uniform_int", "normal", "normal_clipped", "normal_clipped_to_boundary",
                                       "exponential", "gamma", "lognormal", "poisson", "binomial", "vonmises");
        d["uniform"].Should().Equal("low", "high");
        d["uniform_int"].Should().Equal("low", "high");
        d["normal"].Should().Equal("mu", "sigma");
        d["normal_clipped"].Should().Equal("mu", "sigma", "low", "high");
        d["normal_clipped_to_boundary"].Should().Equal("mu", "sigma", "low", "high");
        d["exponential"].Should().Equal("beta");
        d["gamma"].Should().Equal("k", "theta");
        d["lognormal"].Should().Equal("mu", "sigma");
        d["poisson"].Should().Equal("lambda_");
        d["binomial"].Should().Equal("n", "p");
        d["vonmises"].Should().Equal("mu", "kappa");
    }

    [Fact]
    public void Named_and_positional_construction_agree()
    {
        var rng = new RandomStream(5);
        var named = new RandomDistribution("normal_clipped", P(("high", 3), ("low", -1), ("sigma", 2), ("mu", 0.5)), rng);
        var positional = new RandomDistribution("normal_clipped", 0.5, 2, -1, 3);
        named.Name.Should().Be("normal_clipped");
        named.Rng.Should().BeSameAs(rng);
        positional.Rng.Should().BeNull();
        named.Parameters.Should().BeEquivalentTo(positional.Parameters);
        positional.Parameters.Should().BeEquivalentTo(P(("mu", 0.5), ("sigma", 2), ("low", -1), ("high", 3)));
        named.Parameters.Keys.Should().Equal("mu", "sigma", "low", "high");
        named.Next(20, new RandomStream(9)).Should().Equal(positional.Next(20, new RandomStream(9)));
    }

    [Fact]
    public void ToString_is_PyNN_like()
    {
        new RandomDistribution("normal", 0, 1).ToString().Should().Be("RandomDistribution('normal', mu=0, sigma=1)");
        new RandomDistribution("gamma", P(("theta", 0.25), ("k", 2.5))).ToString()
            .Should().Be("RandomDistribution('gamma', k=2.5, theta=0.25)");
        new RandomDistribution("normal_clipped", -65, 5, -70, double.PositiveInfinity).ToString()
            .Should().Be("RandomDistribution('normal_clipped', mu=-65, sigma=5, low=-70, high=inf)");
    }

    [Fact]
    public void Next_n_equals_n_single_draws_and_Next_uses_Rng()
    {
        var d = new RandomDistribution("gamma", 2, 3);
        var single = new RandomStream(1);
        var expected = Enumerable.Range(0, 10).Select(_ => d.Next(single)).ToArray();
        d.Next(10, new RandomStream(1)).Should().Equal(expected);

        var withRng = new RandomDistribution("gamma", new double[] { 2, 3 }, new RandomStream(1));
        withRng.Next(10).Should().Equal(expected);
        ((Action)(() => d.Next())).Should().Throw<InvalidOperationException>();
    }

    // ---------------------------------------------------------------- values

    [Fact]
    public void Uniform_is_on_low_high()
    {
        var x = new RandomDistribution("uniform", -70, -50).Next(N, new RandomStream(100));
        x.Should().OnlyContain(v => v >= -70 && v < -50);
        ShouldHaveMoments(x, -60, 400.0 / 12, -1.2, "uniform(-70, -50)");
        ShouldPassKs(x, v => (v + 70) / 20, "uniform(-70, -50)");
    }

    [Fact]
    public void Uniform_int_excludes_high_and_covers_every_value_equally()
    {
        var x = new RandomDistribution("uniform_int", -2, 3).Next(N, new RandomStream(101));
        x.Should().OnlyContain(v => v == Math.Floor(v) && v >= -2 && v <= 2, "uniform_int's high is exclusive");
        ShouldFitPmf(x.Select(v => (long)v + 2).ToArray(), k => k < 5 ? 0.2 : 0, 4, "uniform_int(-2, 3)");
        new RandomDistribution("uniform_int", 7, 8).Next(100, new RandomStream(1)).Should().OnlyContain(v => v == 7);
    }

    [Fact]
    public void Normal_has_mu_and_sigma()
    {
        var x = new RandomDistribution("normal", -65, 5).Next(N, new RandomStream(102));
        ShouldHaveMoments(x, -65, 25, 0, "normal(-65, 5)");
        ShouldPassKs(x, v => NormalCdf((v + 65) / 5), "normal(-65, 5)");
    }

    [Fact]
    public void Normal_clipped_redraws_into_the_interval()
    {
        const double mu = 1, sigma = 2, low = 0, high = 4;
        var x = new RandomDistribution("normal_clipped", mu, sigma, low, high).Next(N, new RandomStream(103));
        x.Should().OnlyContain(v => v >= low && v <= high);
        x.Should().NotContain(low).And.NotContain(high, "values are redrawn, not clipped");
        // Truncated normal: with a = (low - mu)/sigma, b = (high - mu)/sigma and Z = Phi(b) - Phi(a),
        // mean = mu + sigma (phi(a) - phi(b)) / Z, variance = sigma^2 (1 + (a phi(a) - b phi(b))/Z - ((phi(a) - phi(b))/Z)^2).
        double a = (low - mu) / sigma, b = (high - mu) / sigma, z = NormalCdf(b) - NormalCdf(a);
        double d = (NormalPdf(a) - NormalPdf(b)) / z;
        double mean = mu + sigma * d;
        double variance = sigma * sigma * (1 + (a * NormalPdf(a) - b * NormalPdf(b)) / z - d * d);
        var (m, _) = MeanVariance(x);
        m.Should().BeApproximately(mean, Tolerance * Math.Sqrt(variance / N));
        ShouldPassKs(x, v => (NormalCdf((v - mu) / sigma) - NormalCdf(a)) / z, "normal_clipped(1, 2, 0, 4)");
    }

    [Fact]
    public void Normal_clipped_allows_infinite_bounds()
    {
        var x = new RandomDistribution("normal_clipped", 0, 1, 0, double.PositiveInfinity).Next(N / 4, new RandomStream(104));
        x.Should().OnlyContain(v => v >= 0);
        ShouldPassKs(x, v => 2 * NormalCdf(v) - 1, "half-normal via normal_clipped");
    }

    [Fact]
    public void Normal_clipped_gives_up_after_1000_redraws()
    {
        var d = new RandomDistribution("normal_clipped", 0, 1, 50, 60);
        ((Action)(() => d.Next(new RandomStream(1)))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*normal_clipped*1000*");
    }

    [Fact]
    public void Normal_clipped_to_boundary_clips()
    {
        var x = new RandomDistribution("normal_clipped_to_boundary", 0, 1, 0, 1).Next(N, new RandomStream(105));
        x.Should().OnlyContain(v => v >= 0 && v <= 1);
        double atLow = x.Count(v => v == 0) / (double)N, atHigh = x.Count(v => v == 1) / (double)N;
        atLow.Should().BeApproximately(0.5, 5 * Math.Sqrt(0.25 / N));
        double pHigh = 1 - NormalCdf(1);
        atHigh.Should().BeApproximately(pHigh, 5 * Math.Sqrt(pHigh * (1 - pHigh) / N));
    }

    [Fact]
    public void Exponential_beta_is_the_mean()
    {
        var x = new RandomDistribution("exponential", 20).Next(N, new RandomStream(106));
        ShouldHaveMoments(x, 20, 400, 6, "exponential(20)");
        ShouldPassKs(x, v => 1 - Math.Exp(-v / 20), "exponential(20)");
    }

    [Theory]
    [InlineData(0.5, 3.0)]
    [InlineData(5.0, 0.2)]
    public void Gamma_has_shape_k_and_scale_theta(double k, double theta)
    {
        var x = new RandomDistribution("gamma", P(("k", k), ("theta", theta))).Next(N, new RandomStream(107));
        x.Should().OnlyContain(v => v >= 0);
        ShouldHaveMoments(x, k * theta, k * theta * theta, 6 / k, $"gamma({k}, {theta})");
    }

    [Fact]
    public void Lognormal_parameters_are_those_of_the_underlying_normal()
    {
        const double mu = 1, sigma = 0.5;
        var x = new RandomDistribution("lognormal", mu, sigma).Next(N, new RandomStream(108));
        x.Should().OnlyContain(v => v > 0);
        ShouldHaveMoments(x.Select(v => Math.Log(v)).ToArray(), mu, sigma * sigma, 0, "log of lognormal(1, 0.5)");
        double mean = Math.Exp(mu + sigma * sigma / 2);
        double variance = (Math.Exp(sigma * sigma) - 1) * Math.Exp(2 * mu + sigma * sigma);
        MeanVariance(x).Mean.Should().BeApproximately(mean, Tolerance * Math.Sqrt(variance / N));
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(100.0)]
    public void Poisson_has_mean_and_variance_lambda(double lambda)
    {
        var x = new RandomDistribution("poisson", P(("lambda_", lambda))).Next(N, new RandomStream(109));
        x.Should().OnlyContain(v => v >= 0 && v == Math.Floor(v));
        ShouldHaveMoments(x, lambda, lambda, 1 / lambda, $"poisson({lambda})");
    }

    [Theory]
    [InlineData(10.0, 0.25)]
    [InlineData(400.0, 0.6)]
    public void Binomial_has_the_right_moments(double n, double p)
    {
        var x = new RandomDistribution("binomial", n, p).Next(N, new RandomStream(110));
        x.Should().OnlyContain(v => v >= 0 && v <= n && v == Math.Floor(v));
        double variance = n * p * (1 - p);
        ShouldHaveMoments(x, n * p, variance, (1 - 6 * p * (1 - p)) / variance, $"binomial({n}, {p})");
    }

    [Fact]
    public void Vonmises_has_mean_direction_mu_and_concentration_kappa()
    {
        const double mu = -1, kappa = 4;
        var x = new RandomDistribution("vonmises", mu, kappa).Next(N, new RandomStream(111));
        x.Should().OnlyContain(v => v >= -Math.PI && v < Math.PI);
        var cosines = x.Select(v => Math.Cos(v - mu)).ToArray();
        var (m, v) = MeanVariance(cosines);
        m.Should().BeApproximately(BesselRatio(kappa), Tolerance * Math.Sqrt(v / N));
        ShouldPassKs(x.Select(t => Math.IEEERemainder(t - mu, 2 * Math.PI)).ToArray(), VonMisesCdf(kappa), "vonmises(-1, 4)");
    }

    // ---------------------------------------------------------------- errors

    [Fact]
    public void Unknown_distribution_lists_the_valid_names()
    {
        ((Action)(() => new RandomDistribution("gaussian", 0, 1))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*gaussian*uniform*normal_clipped_to_boundary*vonmises*");
        ((Action)(() => new RandomDistribution("Normal", P(("mu", 0), ("sigma", 1))))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*Normal*");
    }

    [Fact]
    public void Missing_parameters_are_named()
    {
        ((Action)(() => new RandomDistribution("normal", P(("mu", 0))))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*mu, sigma*missing: sigma*");
    }

    [Fact]
    public void Unexpected_parameters_are_named()
    {
        ((Action)(() => new RandomDistribution("poisson", P(("lambda_", 2), ("lambda", 2))))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*lambda_*not expected: lambda*");
        ((Action)(() => new RandomDistribution("exponential", P(("scale", 2))))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*beta*missing: beta*not expected: scale*");
    }

    [Fact]
    public void Wrong_number_of_positional_parameters_is_reported()
    {
        ((Action)(() => new RandomDistribution("normal", 0, 1, 2))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*normal*2*mu, sigma*got 3*");
        ((Action)(() => new RandomDistribution("exponential"))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*beta*got 0*");
    }

    [Theory]
    [InlineData("uniform", new[] { 1.0, 1.0 }, "low")]
    [InlineData("uniform", new[] { 2.0, 1.0 }, "low")]
    [InlineData("uniform", new[] { double.NegativeInfinity, 1.0 }, "low")]
    [InlineData("uniform_int", new[] { 0.0, 2.5 }, "high")]
    [InlineData("uniform_int", new[] { 3.0, 3.0 }, "low")]
    [InlineData("normal", new[] { 0.0, -1.0 }, "sigma")]
    [InlineData("normal", new[] { double.NaN, 1.0 }, "mu")]
    [InlineData("normal_clipped", new[] { 0.0, -0.1, 0.0, 1.0 }, "sigma")]
    [InlineData("normal_clipped", new[] { 0.0, 1.0, 1.0, 0.0 }, "low")]
    [InlineData("normal_clipped_to_boundary", new[] { 0.0, 1.0, 2.0, 2.0 }, "low")]
    [InlineData("normal_clipped_to_boundary", new[] { 0.0, 1.0, 0.0, double.NaN }, "high")]
    [InlineData("exponential", new[] { 0.0 }, "beta")]
    [InlineData("exponential", new[] { -2.0 }, "beta")]
    [InlineData("gamma", new[] { 0.0, 1.0 }, "k")]
    [InlineData("gamma", new[] { 1.0, -1.0 }, "theta")]
    [InlineData("lognormal", new[] { 0.0, -1.0 }, "sigma")]
    [InlineData("poisson", new[] { -1.0 }, "lambda_")]
    [InlineData("poisson", new[] { double.PositiveInfinity }, "lambda_")]
    [InlineData("binomial", new[] { 10.5, 0.5 }, "n")]
    [InlineData("binomial", new[] { -1.0, 0.5 }, "n")]
    [InlineData("binomial", new[] { 10.0, 1.5 }, "p")]
    [InlineData("binomial", new[] { 10.0, -0.5 }, "p")]
    [InlineData("vonmises", new[] { 0.0, -1.0 }, "kappa")]
    [InlineData("vonmises", new[] { double.PositiveInfinity, 1.0 }, "mu")]
    public void Invalid_values_are_rejected_naming_the_parameter(string name, double[] values, string parameter)
    {
        ((Action)(() => new RandomDistribution(name, values))).Should().Throw<InvalidParameterValueException>()
            .WithMessage($"*'{parameter}'*{name}*");
    }

    [Fact]
    public void Boundary_values_that_are_valid_are_accepted()
    {
        var rng = new RandomStream(1);
        new RandomDistribution("normal", 3, 0).Next(rng).Should().Be(3);
        new RandomDistribution("poisson", 0).Next(rng).Should().Be(0);
        new RandomDistribution("binomial", 0, 0.5).Next(rng).Should().Be(0);
        new RandomDistribution("binomial", 7, 1).Next(rng).Should().Be(7);
        new RandomDistribution("vonmises", 0.5, 0).Next(rng).Should().BeInRange(-Math.PI, Math.PI);
        new RandomDistribution("normal_clipped_to_boundary", 0, 1, double.NegativeInfinity, 0).Next(rng).Should().BeLessThanOrEqualTo(0);
    }
}
