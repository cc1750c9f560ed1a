namespace Meta.Conformance.Scenarios;

/// <summary>Measures users know for comparing spike trains, voltages and rates.</summary>
public static class Metrics
{
    /// <summary>The largest distance from a spike of <paramref name="a"/> to the nearest spike of <paramref name="b"/>, both ways; 0 if both are empty, ∞ if one is.</summary>
    public static double MaxSpikeTimeDifference(double[] a, double[] b)
    {
        if (a.Length == 0 && b.Length == 0) return 0;
        if (a.Length == 0 || b.Length == 0) return double.PositiveInfinity;
        static double OneWay(double[] x, double[] y) => x.Max(t => y.Min(u => Math.Abs(t - u)));
        return Math.Max(OneWay(a, b), OneWay(b, a));
    }

    /// <summary>
    /// The van Rossum distance (ms⁰·⁵-free form, van Rossum 2001) with kernel time constant <paramref name="tau"/> ms:
    /// sqrt(∫(f−g)²dt / tau), where f and g are the trains convolved with exp(−t/tau). 0 for identical trains;
    /// about sqrt(n/2) for n unmatched spikes.
    /// </summary>
    public static double VanRossum(double[] a, double[] b, double tau = 10.0)
    {
        // Closed form: D² = ½·[Σ_ij e^{-|ai−aj|/τ} + Σ_ij e^{-|bi−bj|/τ} − 2·Σ_ij e^{-|ai−bj|/τ}].
        static double Sum(double[] x, double[] y, double tau)
        {
            double s = 0;
            foreach (var p in x) foreach (var q in y) s += Math.Exp(-Math.Abs(p - q) / tau);
            return s;
        }
        double d2 = 0.5 * (Sum(a, a, tau) + Sum(b, b, tau) - 2 * Sum(a, b, tau));
        return Math.Sqrt(Math.Max(0, d2));
    }

    /// <summary>The RMS difference of two equally long signals.</summary>
    public static double Rms(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Signals of {a.Length} and {b.Length} samples.");
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return a.Length == 0 ? 0 : Math.Sqrt(s / a.Length);
    }

    /// <summary>The mean firing rate in Hz of spike trains over <paramref name="durationMs"/>.</summary>
    public static double MeanRate(IReadOnlyList<double[]> trains, double durationMs) =>
        trains.Count == 0 ? 0 : trains.Sum(t => t.Length) / (double)trains.Count * 1000.0 / durationMs;

    /// <summary>The mean coefficient of variation of inter-spike intervals over cells with at least 3 spikes (NaN if none).</summary>
    public static double MeanCvIsi(IReadOnlyList<double[]> trains)
    {
        var cvs = new List<double>();
        foreach (var t in trains.Where(t => t.Length >= 3))
        {
            var isi = t.Zip(t.Skip(1), (x, y) => y - x).ToArray();
            double mean = isi.Average();
            double sd = Math.Sqrt(isi.Sum(x => (x - mean) * (x - mean)) / isi.Length);
            if (mean > 0) cvs.Add(sd / mean);
        }
        return cvs.Count == 0 ? double.NaN : cvs.Average();
    }

    /// <summary>
    /// The mean pairwise Pearson correlation of spike counts in bins of <paramref name="binMs"/> over the first
    /// <paramref name="pairs"/> cell pairs (cells taken in order), a standard synchrony measure.
    /// </summary>
    public static double MeanCountCorrelation(IReadOnlyList<double[]> trains, double durationMs, double binMs = 5.0, int pairs = 200)
    {
        int bins = (int)Math.Ceiling(durationMs / binMs);
        double[] Counts(double[] t)
        {
            var c = new double[bins];
            foreach (var s in t) c[Math.Min(bins - 1, (int)(s / binMs))]++;
            return c;
        }
        var counts = trains.Take(2 * pairs).Select(Counts).ToArray();
        var r = new List<double>();
        for (int k = 0; k + 1 < counts.Length; k += 2)
        {
            var (x, y) = (counts[k], counts[k + 1]);
            double mx = x.Average(), my = y.Average();
            double sxy = 0, sxx = 0, syy = 0;
            for (int i = 0; i < bins; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my); }
            if (sxx > 0 && syy > 0) r.Add(sxy / Math.Sqrt(sxx * syy));
        }
        return r.Count == 0 ? double.NaN : r.Average();
    }
}
