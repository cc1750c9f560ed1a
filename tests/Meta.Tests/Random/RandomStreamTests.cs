using FluentAssertions;
using Meta.Random;
using Xunit;
using static Meta.Tests.Random.RandomTestStatistics;

namespace Meta.Tests.Random;

public class RandomStreamTests
{
    private const int N = 100_000;

    private static double[] Draw(int n, Func<double> next)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = next();
        return x;
    }

    private static long[] DrawLong(int n, Func<long> next)
    {
        var x = new long[n];
        for (int i = 0; i < n; i++) x[i] = next();
        return x;
    }

    // ---------------------------------------------------------------- mapping onto Philox, determinism

    [Fact]
    public void Words_are_the_Philox_blocks_of_the_stream_in_order()
    {
        const ulong seed = 0xA1B2C3D4E5F60718UL, streamId = 0x0000000500000003UL;
        var rng = new RandomStream(seed, streamId);
        for (uint n = 0; n < 5; n++)
        {
            Philox.Generate(0xE5F60718u, 0xA1B2C3D4u, n, 0, 3, 5, out uint r0, out uint r1, out uint r2, out uint r3);
            new[] { rng.NextUInt32(), rng.NextUInt32(), rng.NextUInt32(), rng.NextUInt32() }.Should().Equal(r0, r1, r2, r3);
        }
        rng.WordsConsumed.Should().Be(20);
    }

    [Fact]
    public void Even_doubles_equal_Philox_Uniform_of_the_block()
    {
        const ulong seed = 987654321, streamId = 42;
        var rng = new RandomStream(seed, streamId);
        for (ulong n = 0; n < 100; n++)
        {
            rng.NextDouble().Should().Be(Philox.Uniform(seed, streamId, n));
            Philox.Generate((uint)seed, 0, (uint)n, 0, (uint)streamId, 0, out _, out _, out uint r2, out uint r3);
            rng.NextDouble().Should().Be(Philox.ToUnitDouble(r2, r3));
        }
    }

    [Fact]
    public void NextUInt64_puts_the_first_word_high()
    {
        var a = new RandomStream(5, 6);
        var b = new RandomStream(5, 6);
        ulong hi = b.NextUInt32(), lo = b.NextUInt32();
        a.NextUInt64().Should().Be((hi << 32) | lo);
    }

    private static double[] MixedSequence(RandomStream rng)
    {
        var list = new List<double>();
        for (int i = 0; i < 50; i++)
        {
            list.Add(rng.NextDouble());
            list.Add(rng.NextNormal());
            list.Add(rng.NextInt(17));
            list.Add(rng.NextGamma(0.7, 2));
            list.Add(rng.NextPoisson(4));
            list.Add(rng.NextPoisson(250));
            list.Add(rng.NextBinomial(40, 0.2));
            list.Add(rng.NextBinomial(5000, 0.4));
            list.Add(rng.NextVonMises(0.3, 3));
            list.Add(rng.NextExponential(1.5));
        }
        return list.ToArray();
    }

    [Fact]
    public void Same_seed_and_stream_give_the_same_sequence()
    {
        MixedSequence(new RandomStream(2024, 7)).Should().Equal(MixedSequence(new RandomStream(2024, 7)));
    }

    [Fact]
    public void Different_streams_or_seeds_give_different_sequences()
    {
        var reference = MixedSequence(new RandomStream(2024, 7));
        MixedSequence(new RandomStream(2024, 8)).Should().NotEqual(reference);
        MixedSequence(new RandomStream(2025, 7)).Should().NotEqual(reference);
        Draw(1000, new RandomStream(1, 0).NextDouble).Intersect(Draw(1000, new RandomStream(1, 1).NextDouble))
            .Should().BeEmpty("two streams should not share values by chance");
    }

    [Fact]
    public void Properties_report_seed_and_stream()
    {
        var rng = new RandomStream(11, 12);
        rng.Seed.Should().Be(11);
        rng.StreamId.Should().Be(12);
        new RandomStream(3).StreamId.Should().Be(0);
    }

    // ---------------------------------------------------------------- uniform and integers

    [Fact]
    public void NextDouble_is_uniform_on_the_unit_interval()
    {
        var rng = new RandomStream(1);
        var x = Draw(N, rng.NextDouble);
        x.Should().OnlyContain(v => v >= 0 && v < 1);
        ShouldHaveMoments(x, 0.5, 1.0 / 12, -1.2, "U(0,1)");
        ShouldPassKs(x, v => v, "U(0,1)");
    }

    [Fact]
    public void NextDouble_with_bounds_is_uniform_on_the_interval()
    {
        var rng = new RandomStream(2);
        var x = Draw(N, () => rng.NextDouble(-3, 5));
        x.Should().OnlyContain(v => v >= -3 && v < 5);
        ShouldHaveMoments(x, 1, 64.0 / 12, -1.2, "U(-3,5)");
        ShouldPassKs(x, v => (v + 3) / 8, "U(-3,5)");
        new RandomStream(2).NextDouble(1.0, Math.BitIncrement(1.0)).Should().Be(1.0);
    }

    [Fact]
    public void NextInt_is_unbiased_and_in_range()
    {
        var rng = new RandomStream(3);
        var x = DrawLong(60_000, () => rng.NextInt(6));
        ShouldFitPmf(x, k => k < 6 ? 1.0 / 6 : 0, 5, "NextInt(6)");
        Enumerable.Range(0, 1000).Select(_ => rng.NextInt(1)).Should().OnlyContain(v => v == 0);
        Enumerable.Range(0, 1000).Select(_ => rng.NextInt(int.MaxValue)).Should().OnlyContain(v => v >= 0 && v < int.MaxValue);
    }

    [Fact]
    public void NextInt_rejects_to_avoid_modulo_bias_in_32_bit_ranges()
    {
        // range 3 * 2^30: plain "word mod range" would put half the mass below 2^30 instead of a third.
        var rng = new RandomStream(4);
        const long range = 3L << 30;
        int below = 0, outside = 0;
        for (int i = 0; i < N; i++)
        {
            long v = rng.NextInt(10, 10 + range) - 10;
            if (v < 0 || v >= range) outside++;
            if (v < (1L << 30)) below++;
        }
        outside.Should().Be(0);
        ((double)below / N).Should().BeApproximately(1.0 / 3, 5 * Math.Sqrt(2.0 / 9 / N));
    }

    [Fact]
    public void NextInt_rejects_to_avoid_modulo_bias_in_64_bit_ranges()
    {
        // range 3 * 2^62 (from long.MinValue up to 2^62).
        var rng = new RandomStream(5);
        int below = 0, outside = 0;
        for (int i = 0; i < N; i++)
        {
            long v = rng.NextInt(long.MinValue, 1L << 62);
            if (v >= 1L << 62) outside++;
            if (v < long.MinValue + (1L << 62)) below++;
        }
        outside.Should().Be(0);
        ((double)below / N).Should().BeApproximately(1.0 / 3, 5 * Math.Sqrt(2.0 / 9 / N));
    }

    [Fact]
    public void NextInt_long_matches_NextInt_int_for_small_ranges_and_handles_extremes()
    {
        var a = new RandomStream(6);
        var b = new RandomStream(6);
        Enumerable.Range(0, 1000).Select(_ => a.NextInt(-5L, 95L)).Should().Equal(Enumerable.Range(0, 1000).Select(_ => b.NextInt(100) - 5L));

        var rng = new RandomStream(7);
        Enumerable.Range(0, 1000).Select(_ => rng.NextInt(long.MinValue, long.MaxValue)).Should().NotContain(long.MaxValue);
        Enumerable.Range(0, 1000).Select(_ => rng.NextInt(0L, 1L << 32)).Should().OnlyContain(v => v >= 0 && v <= uint.MaxValue);
        rng.NextInt(long.MaxValue - 1, long.MaxValue).Should().Be(long.MaxValue - 1);
    }

    [Fact]
    public void Invalid_arguments_throw()
    {
        var rng = new RandomStream(0);
        ((Action)(() => rng.NextInt(0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextInt(-3))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextInt(5L, 5L))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextDouble(1, 1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextDouble(0, double.PositiveInfinity))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextExponential(-1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextGamma(0, 1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextGamma(1, double.NaN))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextPoisson(-0.1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextPoisson(double.PositiveInfinity))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextBinomial(-1, 0.5))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextBinomial(10, 1.5))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextBinomial(10, double.NaN))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.NextVonMises(0, -1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => rng.Permutation(-1))).Should().Throw<ArgumentOutOfRangeException>();
    }

    // ---------------------------------------------------------------- continuous distributions

    [Fact]
    public void NextNormal_is_standard_normal()
    {
        var rng = new RandomStream(10);
        var x = Draw(N, rng.NextNormal);
        ShouldHaveMoments(x, 0, 1, 0, "N(0,1)");
        ShouldPassKs(x, NormalCdf, "N(0,1)");
        // The cached second value of each pair must also be N(0,1) and independent of the first.
        var odd = Enumerable.Range(0, N / 2).Select(i => x[2 * i + 1]).ToArray();
        ShouldPassKs(odd, NormalCdf, "the second value of each Box-Muller pair");
        double cross = Enumerable.Range(0, N / 2).Sum(i => x[2 * i] * x[2 * i + 1]) / (N / 2);
        cross.Should().BeApproximately(0, 5 / Math.Sqrt(N / 2.0));
    }

    [Fact]
    public void NextExponential_has_the_given_mean()
    {
        var rng = new RandomStream(11);
        var x = Draw(N, () => rng.NextExponential(2.5));
        x.Should().OnlyContain(v => v >= 0);
        ShouldHaveMoments(x, 2.5, 6.25, 6, "Exp(mean 2.5)");
        ShouldPassKs(x, v => 1 - Math.Exp(-v / 2.5), "Exp(mean 2.5)");
    }

    [Fact]
    public void NextGamma_with_shape_below_one_is_correct()
    {
        var rng = new RandomStream(12);
        var x = Draw(N, () => rng.NextGamma(0.5, 2.0));
        x.Should().OnlyContain(v => v >= 0);
        ShouldHaveMoments(x, 1.0, 2.0, 12, "Gamma(0.5, 2)");
        // Gamma(1/2, 2) is chi-square with 1 degree of freedom, so sqrt(x) is |N(0,1)|.
        ShouldPassKs(x.Select(v => Math.Sqrt(v)).ToArray(), v => 2 * NormalCdf(v) - 1, "sqrt of Gamma(0.5, 2)");
    }

    [Fact]
    public void NextGamma_with_shape_above_one_is_correct()
    {
        var rng = new RandomStream(13);
        var x = Draw(N, () => rng.NextGamma(5, 0.5));
        ShouldHaveMoments(x, 2.5, 1.25, 6.0 / 5, "Gamma(5, 0.5)");
        // Integer shape: P(X <= x) = 1 - exp(-y) sum_{j<5} y^j / j!, y = x / scale.
        ShouldPassKs(x, v =>
        {
            double y = v / 0.5, term = 1, sum = 0;
            for (int j = 0; j < 5; j++) { sum += term; term *= y / (j + 1); }
            return 1 - Math.Exp(-y) * sum;
        }, "Gamma(5, 0.5)");
    }

    [Fact]
    public void NextGamma_with_shape_one_is_exponential()
    {
        var rng = new RandomStream(14);
        var x = Draw(N / 2, () => rng.NextGamma(1, 3));
        ShouldPassKs(x, v => 1 - Math.Exp(-v / 3), "Gamma(1, 3)");
    }

    // ---------------------------------------------------------------- Poisson

    [Theory]
    [InlineData(3.0, 15)]     // Knuth
    [InlineData(29.5, 70)]    // Knuth, just below the switch
    [InlineData(30.0, 70)]    // PTRS, at the switch
    [InlineData(100.0, 180)]  // PTRS
    public void NextPoisson_fits_the_pmf(double lambda, long maxK)
    {
        var rng = new RandomStream(20 + (ulong)lambda);
        var x = DrawLong(N, () => rng.NextPoisson(lambda));
        ShouldFitPmf(x, PoissonPmf(lambda), maxK, $"Poisson({lambda})");
        ShouldHaveMoments(x.Select(v => (double)v).ToArray(), lambda, lambda, 1 / lambda, $"Poisson({lambda})");
    }

    [Fact]
    public void NextPoisson_handles_zero_and_huge_lambda()
    {
        var rng = new RandomStream(21);
        rng.NextPoisson(0).Should().Be(0);
        rng.WordsConsumed.Should().Be(0);
        var x = Draw(N / 2, () => rng.NextPoisson(1e6));
        ShouldHaveMoments(x, 1e6, 1e6, 1e-6, "Poisson(1e6)");
    }

    // ---------------------------------------------------------------- binomial

    [Theory]
    [InlineData(20, 0.3)]    // inversion
    [InlineData(50, 0.9)]    // n - inversion(50, 0.1)
    [InlineData(1000, 0.3)]  // BTRS
    [InlineData(200, 0.8)]   // n - BTRS(200, 0.2)
    [InlineData(61, 0.5)]    // BTRS, n p just above 30
    public void NextBinomial_fits_the_pmf(long n, double p)
    {
        var rng = new RandomStream(30 + (ulong)n);
        var x = DrawLong(N, () => rng.NextBinomial(n, p));
        x.Should().OnlyContain(v => v >= 0 && v <= n);
        ShouldFitPmf(x, BinomialPmf(n, p), n, $"Binomial({n}, {p})");
        double variance = n * p * (1 - p);
        ShouldHaveMoments(x.Select(v => (double)v).ToArray(), n * p, variance, (1 - 6 * p * (1 - p)) / variance, $"Binomial({n}, {p})");
    }

    [Theory]
    [InlineData(1_000_000_000L, 0.5)]
    [InlineData(1_000_000_000_000L, 1e-11)]   // n p = 10 by inversion with a huge n
    [InlineData(1_000_000L, 0.999)]
    public void NextBinomial_has_the_right_moments_for_extreme_parameters(long n, double p)
    {
        var rng = new RandomStream(31);
        var x = Draw(N / 2, () => rng.NextBinomial(n, p));
        double variance = n * p * (1 - p);
        ShouldHaveMoments(x, n * p, variance, (1 - 6 * p * (1 - p)) / variance, $"Binomial({n}, {p})");
    }

    [Fact]
    public void NextBinomial_degenerate_cases()
    {
        var rng = new RandomStream(32);
        rng.NextBinomial(0, 0.5).Should().Be(0);
        rng.NextBinomial(100, 0).Should().Be(0);
        rng.NextBinomial(100, 1).Should().Be(100);
        rng.WordsConsumed.Should().Be(0);
    }

    // ---------------------------------------------------------------- von Mises

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-2.5, 0.1)]
    [InlineData(3.0, 8.0)]  // mean direction near pi: values wrap around
    public void NextVonMises_fits_the_distribution(double mu, double kappa)
    {
        var rng = new RandomStream(40 + (ulong)kappa);
        var x = Draw(N, () => rng.NextVonMises(mu, kappa));
        x.Should().OnlyContain(v => v >= -Math.PI && v < Math.PI);
        var cdf = VonMisesCdf(kappa);
        // Rotate back to mean direction 0 and wrap into [-pi, pi).
        var centred = x.Select(v => Math.IEEERemainder(v - mu, 2 * Math.PI)).ToArray();
        ShouldPassKs(centred, cdf, $"VonMises({mu}, {kappa})");
        ShouldHaveCircularMoments(x, mu, kappa);
    }

    private static void ShouldHaveCircularMoments(double[] x, double mu, double kappa)
    {
        double a = BesselRatio(kappa);
        // E[1 - cos(x - mu)] = 1 - A(kappa); E[sin(x - mu)] = 0. Computed as 2 sin^2(d/2) for accuracy.
        var oneMinusCos = x.Select(v => 2 * Math.Pow(Math.Sin((v - mu) / 2), 2)).ToArray();
        var sin = x.Select(v => Math.Sin(v - mu)).ToArray();
        var (m1, v1) = MeanVariance(oneMinusCos);
        var (m2, v2) = MeanVariance(sin);
        m1.Should().BeApproximately(1 - a, Tolerance * Math.Sqrt(v1 / x.Length), $"E[1 - cos] for kappa={kappa}");
        m2.Should().BeApproximately(0, Tolerance * Math.Sqrt(v2 / x.Length), $"E[sin] for kappa={kappa}");
    }

    [Fact]
    public void BesselRatio_reference_is_correct()
    {
        BesselRatio(2.0).Should().BeApproximately(1.590636854637329 / 2.279585302336067, 1e-12);
    }

    [Theory]
    [InlineData(1e4)]
    [InlineData(1e9)]
    public void NextVonMises_is_accurate_for_large_kappa(double kappa)
    {
        var rng = new RandomStream(41);
        var x = Draw(N / 2, () => rng.NextVonMises(0.5, kappa));
        ShouldHaveCircularMoments(x, 0.5, kappa);
        // For large kappa, sqrt(kappa) (x - mu) is close to N(0,1).
        var z = x.Select(v => (v - 0.5) * Math.Sqrt(kappa)).ToArray();
        ShouldPassKs(z, NormalCdf, $"sqrt(kappa) (x - mu) for kappa={kappa}");
    }

    [Fact]
    public void NextVonMises_with_zero_kappa_is_uniform_on_the_circle()
    {
        var rng = new RandomStream(42);
        var x = Draw(N, () => rng.NextVonMises(1.0, 0));
        x.Should().OnlyContain(v => v >= -Math.PI && v < Math.PI);
        ShouldPassKs(x, v => (v + Math.PI) / (2 * Math.PI), "VonMises(1, 0)");
    }

    // ---------------------------------------------------------------- shuffles, permutations, forks

    [Fact]
    public void Permutation_contains_each_index_once()
    {
        var rng = new RandomStream(50);
        rng.Permutation(0).Should().BeEmpty();
        rng.Permutation(1).Should().Equal(0);
        var p = rng.Permutation(1000);
        p.Should().BeEquivalentTo(Enumerable.Range(0, 1000));
        p.Should().NotEqual(Enumerable.Range(0, 1000));
    }

    [Fact]
    public void Permutations_of_three_are_uniform()
    {
        var rng = new RandomStream(51);
        var index = new Dictionary<string, long>();
        var x = DrawLong(60_000, () =>
        {
            string key = string.Join(",", rng.Permutation(3));
            if (!index.TryGetValue(key, out long id)) index[key] = id = index.Count;
            return id;
        });
        index.Should().HaveCount(6);
        ShouldFitPmf(x, k => k < 6 ? 1.0 / 6 : 0, 5, "permutations of 3");
    }

    [Fact]
    public void Shuffle_follows_Fisher_Yates_with_NextInt()
    {
        var items = new[] { "a", "b", "c", "d", "e" };
        new RandomStream(52).Shuffle(items.AsSpan());
        var expected = new[] { "a", "b", "c", "d", "e" };
        var rng = new RandomStream(52);
        for (int i = expected.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }
        items.Should().Equal(expected);
    }

    private static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [Fact]
    public void Fork_uses_the_documented_stream_id()
    {
        var parent = new RandomStream(77, 9);
        var child = parent.Fork(3);
        child.Seed.Should().Be(77);
        child.StreamId.Should().Be(Mix64(Mix64(9 + 0x9E3779B97F4A7C15UL) + 3));
        RandomStream.ForkStreamId(9, 3).Should().Be(child.StreamId);
    }

    [Fact]
    public void Forks_are_deterministic_distinct_and_leave_the_parent_alone()
    {
        var parent = new RandomStream(77, 0);
        parent.NextDouble();
        var before = parent.WordsConsumed;
        var ids = Enumerable.Range(0, 1000).Select(c => parent.Fork((ulong)c).StreamId).ToList();
        parent.WordsConsumed.Should().Be(before);
        ids.Should().OnlyHaveUniqueItems().And.NotContain(0UL);
        new RandomStream(77, 1).Fork(0).StreamId.Should().NotBe(parent.Fork(0).StreamId);
        parent.Fork(5).NextDouble().Should().Be(new RandomStream(77, 0).Fork(5).NextDouble());
        Draw(1000, parent.Fork(1).NextDouble).Intersect(Draw(1000, new RandomStream(77, 0).NextDouble)).Should().BeEmpty();
    }

    // ---------------------------------------------------------------- numerical helpers

    [Fact]
    public void LogFactorial_matches_summed_logarithms()
    {
        double sum = 0;
        for (int k = 0; k <= 3000; k++)
        {
            if (k > 1) sum += Math.Log(k);
            Meta.Random.RandomMath.LogFactorial(k).Should().BeApproximately(sum, 1e-13 * Math.Max(1, sum));
        }
    }

    [Fact]
    public void LogBinomialPmfRatio_matches_the_direct_formula()
    {
        const long n = 2000;
        const double p = 0.37;
        var pmf = BinomialPmf(n, p);
        double m = Math.Floor((n + 1) * p);
        double logR = Math.Log(p / (1 - p));
        foreach (long k in new long[] { 0, 1, 10, 500, 700, 740, 741, 800, 1500, 1999, 2000 })
        {
            double direct = LogFactorialBySum((long)m) + LogFactorialBySum(n - (long)m) - LogFactorialBySum(k) - LogFactorialBySum(n - k)
                          + (k - m) * logR;
            Meta.Random.RandomMath.LogBinomialPmfRatio(n, k, m, logR).Should().BeApproximately(direct, 1e-9 * Math.Max(1, Math.Abs(direct)));
        }
        pmf(740).Should().BeGreaterThan(0);
    }
}
