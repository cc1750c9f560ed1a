namespace Meta.Random;

/// <summary>
/// The gamma function's logarithm and the regularized upper incomplete gamma function <c>Q(a, x)</c>, in logarithmic
/// form, with its inverse. <c>−log Q(a, x/θ)</c> is the cumulative hazard of a gamma distribution of shape a and scale θ,
/// which is what the inhomogeneous gamma spike source integrates (docs/semantics.md).
/// </summary>
public static class IncompleteGamma
{
    // Lanczos approximation, g = 7, nine coefficients (relative error below 2e-15 for a > 0).
    private static readonly double[] s_lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>log Γ(a) for a &gt; 0.</summary>
    /// <param name="a">The argument, finite and &gt; 0.</param>
    /// <returns>The natural logarithm of the gamma function.</returns>
    public static double LogGamma(double a)
    {
        if (!(a > 0) || !double.IsFinite(a)) throw new ArgumentOutOfRangeException(nameof(a), a, "a must be finite and > 0.");
        // For small a the reflection-free shift Γ(a) = Γ(a + 1)/a keeps the series in its accurate range.
        if (a < 0.5) return LogGamma(a + 1.0) - Math.Log(a);
        double x = a - 1.0;
        double sum = s_lanczos[0];
        for (int k = 1; k < s_lanczos.Length; k++) sum += s_lanczos[k] / (x + k);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>
    /// <c>log Q(a, x)</c>, the logarithm of the regularized upper incomplete gamma function
    /// <c>Q(a, x) = Γ(a, x)/Γ(a)</c>: by its power series (as <c>log(1 − P)</c>) for <c>x &lt; a + 1</c>, and by its continued
    /// fraction (modified Lentz) in logarithmic form otherwise, so that it stays accurate where Q underflows.
    /// </summary>
    /// <param name="a">The shape, finite and &gt; 0.</param>
    /// <param name="x">The argument, ≥ 0 (+∞ gives −∞).</param>
    /// <returns>log Q(a, x), in (−∞, 0].</returns>
    public static double LogQ(double a, double x)
    {
        if (!(a > 0) || !double.IsFinite(a)) throw new ArgumentOutOfRangeException(nameof(a), a, "a must be finite and > 0.");
        if (double.IsNaN(x) || x < 0) throw new ArgumentOutOfRangeException(nameof(x), x, "x must be ≥ 0.");
        if (x == 0) return 0.0;
        if (double.IsPositiveInfinity(x)) return double.NegativeInfinity;
        double logPrefactor = -x + a * Math.Log(x) - LogGamma(a);
        if (x < a + 1.0)
        {
            // P(a, x) = x^a e^-x / Γ(a + 1) · Σ_n x^n / ((a + 1)...(a + n)).
            double term = 1.0 / a, sum = term;
            for (int n = 1; n < 10_000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (term < sum * 1e-17) break;
            }
            double p = Math.Exp(logPrefactor) * sum;
            return p >= 1.0 ? double.NegativeInfinity : RandomMath.Log1P(-p);
        }
        // Q(a, x) = x^a e^-x / Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − ...))).
        const double Tiny = 1e-300;
        double b = x + 1.0 - a, c = 1.0 / Tiny, d = 1.0 / b, h = d;
        for (int i = 1; i < 10_000; i++)
        {
            double an = -i * (i - a);
            b += 2.0;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1.0 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16) break;
        }
        return logPrefactor + Math.Log(h);
    }

    /// <summary>
    /// The x ≥ 0 with <c>log Q(a, x) = logQ</c> (Q is strictly decreasing from 1 at x = 0). It solves
    /// <c>log(−log Q(a, eʸ)) = log(−logQ)</c> for y = log x, which is close to linear in y both where Q ≈ 1
    /// (<c>−log Q ≈ P ∝ xᵃ</c>) and in the tail (<c>−log Q ≈ x</c>), by Newton steps kept inside a bisection bracket; the
    /// derivative is <c>x·h(x)/(−log Q)</c> with the hazard <c>h = x^(a−1) e^(−x) / (Γ(a) Q)</c>. The result is within a
    /// relative 1e-12 of the exact root.
    /// </summary>
    /// <param name="a">The shape, finite and &gt; 0.</param>
    /// <param name="logQ">The target, ≤ 0 (0 gives 0, −∞ gives +∞).</param>
    /// <returns>The root x.</returns>
    public static double InverseLogQ(double a, double logQ)
    {
        if (!(a > 0) || !double.IsFinite(a)) throw new ArgumentOutOfRangeException(nameof(a), a, "a must be finite and > 0.");
        if (double.IsNaN(logQ) || logQ > 0) throw new ArgumentOutOfRangeException(nameof(logQ), logQ, "logQ must be ≤ 0.");
        if (logQ == 0) return 0.0;
        if (double.IsNegativeInfinity(logQ)) return double.PositiveInfinity;
        double target = Math.Log(-logQ);
        double logGammaA = LogGamma(a);
        // G(y) = log(−log Q(a, e^y)) − target, increasing in y; −∞ where Q rounds to 1.
        double G(double y)
        {
            double l = LogQ(a, Math.Exp(y));
            return l == 0 ? double.NegativeInfinity : Math.Log(-l) - target;
        }

        double y0 = Math.Log(Math.Max(a, 1.0)), lo, hi, step = 1;
        if (G(y0) < 0)
        {
            lo = y0;
            hi = y0 + step;
            while (G(hi) < 0)
            {
                lo = hi;
                step *= 2;
                hi = y0 + step;
                if (hi > 710) return double.PositiveInfinity;
            }
        }
        else
        {
            hi = y0;
            lo = y0 - step;
            while (G(lo) >= 0)
            {
                hi = lo;
                step *= 2;
                lo = y0 - step;
                if (lo < -745) return 0.0;
            }
        }
        double y = 0.5 * (lo + hi);
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double x = Math.Exp(y);
            double l = LogQ(a, x);
            double g = l == 0 ? double.NegativeInfinity : Math.Log(-l) - target;
            if (g == 0) return x;
            if (g < 0) lo = y; else hi = y;
            double derivative = x * Math.Exp((a - 1.0) * y - x - logGammaA - l) / -l;
            double next = y - g / derivative;
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (Math.Abs(next - y) <= 1e-14 * Math.Max(1.0, Math.Abs(y)) || hi - lo <= 1e-14 * Math.Max(1.0, Math.Abs(y)))
                return Math.Exp(next);
            y = next;
        }
        return Math.Exp(y);
    }
}
