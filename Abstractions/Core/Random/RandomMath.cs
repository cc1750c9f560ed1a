namespace Meta.Random;

/// <summary>Numerical helpers shared by the samplers: log-factorials and an accurate log(1 + x).</summary>
internal static class RandomMath
{
    /// <summary>0.5 * log(2 pi).</summary>
    internal const double HalfLogTwoPi = 0.91893853320467274178032973640562;

    /// <summary>Below this argument <see cref="LogFactorial"/> uses the exact table.</summary>
    private const int TableSize = 16;

    /// <summary>log(k!) for k = 0..15, summed exactly in double precision.</summary>
    private static readonly double[] LogFactorialTable = BuildTable();

    private static double[] BuildTable()
    {
        var table = new double[TableSize];
        double acc = 0.0;
        table[0] = 0.0;
        for (int k = 1; k < TableSize; k++)
        {
            acc += Math.Log(k);
            table[k] = acc;
        }
        return table;
    }

    /// <summary>
    /// The Stirling tail <c>delta(k) = log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2]</c>, i.e. the
    /// asymptotic series of log Gamma(x) at <c>x = k + 1</c>: <c>1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7)
    /// + 1/(1188x^9)</c>. For <c>k &lt; 16</c> it is computed from the exact table (absolute error below 1e-14 in
    /// both branches).
    /// </summary>
    /// <param name="k">A non-negative integer value.</param>
    internal static double StirlingTail(double k)
    {
        if (k < TableSize)
        {
            int i = (int)k;
            return LogFactorialTable[i] - ((i + 0.5) * Math.Log(i + 1.0) - (i + 1.0) + HalfLogTwoPi);
        }
        double x = k + 1.0;
        double r = 1.0 / x;
        double r2 = r * r;
        return r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 * (1.0 / 1680.0 - r2 * (1.0 / 1188.0)))));
    }

    /// <summary>log(k!) for a non-negative integer value <paramref name="k"/> (exact table below 16, Stirling above).</summary>
    /// <param name="k">A non-negative integer value (may exceed the range of <see cref="long"/>).</param>
    internal static double LogFactorial(double k)
    {
        if (k < TableSize) return LogFactorialTable[(int)k];
        return (k + 0.5) * Math.Log(k + 1.0) - (k + 1.0) + HalfLogTwoPi + StirlingTail(k);
    }

    /// <summary>
    /// log(1 + x) accurate also for small |x| (Goldberg's trick: with u = 1 + x rounded,
    /// <c>log(u) * x / (u - 1)</c>).
    /// </summary>
    /// <param name="x">A value greater than -1.</param>
    internal static double Log1P(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>
    /// <c>log(f(k) / f(m))</c> for the binomial pmf <c>f(j) = C(n, j) p^j q^(n-j)</c>, written so that the large
    /// terms cancel analytically:
    /// <c>(m + 1/2) log((m + 1)/(k + 1)) + (n - m + 1/2) log((n - m + 1)/(n - k + 1))
    /// + (k - m) log(r (n - k + 1)/(k + 1)) + delta(m) + delta(n - m) - delta(k) - delta(n - k)</c>
    /// with <c>r = p/q</c> and <c>delta</c> the <see cref="StirlingTail"/>.
    /// </summary>
    /// <param name="n">The number of trials.</param>
    /// <param name="k">The value whose probability is compared, 0 &lt;= k &lt;= n.</param>
    /// <param name="m">The reference value (the mode), 0 &lt;= m &lt;= n.</param>
    /// <param name="logR">log(p / q).</param>
    internal static double LogBinomialPmfRatio(double n, double k, double m, double logR)
    {
        return (m + 0.5) * Math.Log((m + 1.0) / (k + 1.0))
             + (n - m + 0.5) * Math.Log((n - m + 1.0) / (n - k + 1.0))
             + (k - m) * (logR + Math.Log((n - k + 1.0) / (k + 1.0)))
             + StirlingTail(m) + StirlingTail(n - m) - StirlingTail(k) - StirlingTail(n - k);
    }
}
