using FluentAssertions;

namespace Meta.Tests.Random;

/// <summary>
/// Statistical helpers for the random-number tests: moment checks with honest standard errors, the
/// Kolmogorov–Smirnov D statistic, a chi-square goodness-of-fit test for discrete distributions, and reference
/// CDFs written independently of the code under test.
/// </summary>
internal static class RandomTestStatistics
{
    /// <summary>The asymptotic 1% critical value of sqrt(n) D for the one-sample KS test.</summary>
    public const double KsCritical1Percent = 1.6276;

    /// <summary>The number of standard errors a sample moment may deviate from its expectation.</summary>
    public const double Tolerance = 5.0;

    public static (double Mean, double Variance) MeanVariance(IReadOnlyList<double> x)
    {
        double mean = 0;
        for (int i = 0; i < x.Count; i++) mean += x[i];
        mean /= x.Count;
        double ss = 0;
        for (int i = 0; i < x.Count; i++) ss += (x[i] - mean) * (x[i] - mean);
        return (mean, ss / (x.Count - 1));
    }

    /// <summary>
    /// Asserts that the sample mean and variance match <paramref name="mean"/> and <paramref name="variance"/> within
    /// <see cref="Tolerance"/> standard errors; the variance's standard error is sqrt((mu4 - sigma^4)/n) with
    /// mu4 = sigma^4 (3 + excess kurtosis).
    /// </summary>
    public static void ShouldHaveMoments(IReadOnlyList<double> x, double mean, double variance, double excessKurtosis, string what)
    {
        int n = x.Count;
        var (m, v) = MeanVariance(x);
        double seMean = Math.Sqrt(variance / n);
        double seVar = variance * Math.Sqrt((2.0 + excessKurtosis) / n);
        m.Should().BeApproximately(mean, Tolerance * seMean, $"the mean of {what} is {mean} (standard error {seMean:G3})");
        v.Should().BeApproximately(variance, Tolerance * seVar, $"the variance of {what} is {variance} (standard error {seVar:G3})");
    }

    /// <summary>The one-sample Kolmogorov–Smirnov statistic D of <paramref name="x"/> against a continuous CDF.</summary>
    public static double KolmogorovSmirnovD(double[] x, Func<double, double> cdf)
    {
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(f - (double)i / n, (double)(i + 1) / n - f));
        }
        return d;
    }

    public static void ShouldPassKs(double[] x, Func<double, double> cdf, string what)
    {
        double d = KolmogorovSmirnovD(x, cdf);
        double critical = KsCritical1Percent / Math.Sqrt(x.Length);
        d.Should().BeLessThan(critical, $"{what} should pass the KS test at the 1% level");
    }

    /// <summary>
    /// Pearson's chi-square goodness-of-fit of integer samples against <paramref name="pmf"/> (defined on
    /// 0..<paramref name="maxK"/>; everything above maxK is lumped into the last cell); neighbouring cells are merged
    /// until each expects at least 5 counts. Asserts the statistic is below the 0.999 quantile (Wilson–Hilferty).
    /// </summary>
    public static void ShouldFitPmf(long[] samples, Func<long, double> pmf, long maxK, string what)
    {
        int n = samples.Length;
        var observed = new double[maxK + 2];
        long negative = 0;
        foreach (long s in samples)
        {
            if (s < 0) negative++;
            else observed[Math.Min(s, maxK + 1)]++;
        }
        negative.Should().Be(0, $"{what} has no negative values");
        var expected = new double[maxK + 2];
        double total = 0;
        for (long k = 0; k <= maxK; k++)
        {
            expected[k] = n * pmf(k);
            total += expected[k];
        }
        expected[maxK + 1] = Math.Max(0, n - total);

        var cellsO = new List<double>();
        var cellsE = new List<double>();
        double accO = 0, accE = 0;
        for (int k = 0; k < expected.Length; k++)
        {
            accO += observed[k];
            accE += expected[k];
            if (accE >= 5)
            {
                cellsO.Add(accO);
                cellsE.Add(accE);
                accO = accE = 0;
            }
        }
        cellsO[^1] += accO;
        cellsE[^1] += accE;

        double chi2 = 0;
        for (int i = 0; i < cellsO.Count; i++) chi2 += (cellsO[i] - cellsE[i]) * (cellsO[i] - cellsE[i]) / cellsE[i];
        int df = cellsO.Count - 1;
        double z = 3.0902; // the 0.999 quantile of N(0, 1)
        double h = 2.0 / (9.0 * df);
        double critical = df * Math.Pow(1 - h + z * Math.Sqrt(h), 3);
        chi2.Should().BeLessThan(critical, $"{what} should fit its pmf (chi-square, {df} degrees of freedom, p = 0.001)");
    }

    /// <summary>log(k!) by summing logarithms.</summary>
    public static double LogFactorialBySum(long k)
    {
        double s = 0;
        for (long i = 2; i <= k; i++) s += Math.Log(i);
        return s;
    }

    public static Func<long, double> PoissonPmf(double lambda)
    {
        return k => Math.Exp(-lambda + k * Math.Log(lambda) - LogFactorialBySum(k));
    }

    public static Func<long, double> BinomialPmf(long n, double p)
    {
        var logFact = new double[n + 1];
        for (long i = 1; i <= n; i++) logFact[i] = logFact[i - 1] + Math.Log(i);
        return k => k > n ? 0 : Math.Exp(logFact[n] - logFact[k] - logFact[n - k] + k * Math.Log(p) + (n - k) * Math.Log(1 - p));
    }

    /// <summary>erfc by the Chebyshev fit of Numerical Recipes (fractional error below 1.2e-7).</summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                     t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                     t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }

    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2.0));

    public static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI);

    /// <summary>
    /// I1(kappa)/I0(kappa): by backward recurrence of the ratios r_v = I_(v+1)/I_v, or for kappa &gt; 1000 by the
    /// asymptotic series 1 - 1/(2k) - 1/(8k^2) - 1/(8k^3) (next term below 1e-12 relative).
    /// </summary>
    public static double BesselRatio(double kappa)
    {
        if (kappa > 1000)
        {
            double t = 1 / kappa;
            return 1 - t * (0.5 + t * (0.125 + t * 0.125));
        }
        int top = (int)(2 * kappa) + 300;
        double r = 0;
        for (int v = top; v >= 1; v--) r = 1.0 / (2.0 * v / kappa + r);
        return r;
    }

    /// <summary>The von Mises CDF on [-pi, pi) for mean direction 0, by trapezoidal integration on a fine grid.</summary>
    public static Func<double, double> VonMisesCdf(double kappa)
    {
        const int steps = 200_000;
        double h = 2 * Math.PI / steps;
        var cumulative = new double[steps + 1];
        double Density(double t) => Math.Exp(kappa * (Math.Cos(t) - 1.0));
        for (int i = 1; i <= steps; i++)
        {
            double a = -Math.PI + (i - 1) * h, b = -Math.PI + i * h;
            cumulative[i] = cumulative[i - 1] + 0.5 * h * (Density(a) + Density(b));
        }
        double total = cumulative[steps];
        return x =>
        {
            double pos = (x + Math.PI) / h;
            int i = Math.Clamp((int)Math.Floor(pos), 0, steps - 1);
            double frac = pos - i;
            return (cumulative[i] + frac * (cumulative[i + 1] - cumulative[i])) / total;
        };
    }
}
