namespace Meta.Conformance.References;

/// <summary>Measures of agreement between two single-cell results, as reference/comparison.md defines them.</summary>
public sealed record TraceComparison(int SpikesA, int SpikesB, double MaxSpikeTimeGap, double VoltageRms, double VoltageMax)
{
    /// <summary>
    /// Compares spike trains (the largest distance from a spike of A to the nearest spike of B; NaN if either is empty)
    /// and voltages sampled every <paramref name="dtA"/> / <paramref name="dtB"/> ms, only at times more than
    /// <paramref name="awayFromSpikes"/> ms from any spike of either.
    /// </summary>
    public static TraceComparison Compare(double[] spikesA, double[] vA, double dtA, double[] spikesB, double[] vB, double dtB, double awayFromSpikes = 5.0)
    {
        double gap = double.NaN;
        if (spikesA.Length > 0 && spikesB.Length > 0)
            gap = spikesA.Max(a => spikesB.Min(b => Math.Abs(a - b)));
        var all = spikesA.Concat(spikesB).Order().ToArray();
        double sum = 0, max = 0;
        int n = 0;
        double tEnd = Math.Min((vA.Length - 1) * dtA, (vB.Length - 1) * dtB);
        // Compare on the coarser grid.
        double step = Math.Max(dtA, dtB);
        for (int k = 0; k * step <= tEnd + 1e-9; k++)
        {
            double t = k * step;
            if (Near(all, t, awayFromSpikes)) continue;
            int ia = (int)Math.Round(t / dtA), ib = (int)Math.Round(t / dtB);
            double d = vA[ia] - vB[ib];
            sum += d * d;
            max = Math.Max(max, Math.Abs(d));
            n++;
        }
        return new TraceComparison(spikesA.Length, spikesB.Length, gap, n > 0 ? Math.Sqrt(sum / n) : double.NaN, n > 0 ? max : double.NaN);
    }

    private static bool Near(double[] sorted, double t, double window)
    {
        int i = Array.BinarySearch(sorted, t);
        if (i < 0) i = ~i;
        return (i < sorted.Length && Math.Abs(sorted[i] - t) <= window) || (i > 0 && Math.Abs(sorted[i - 1] - t) <= window);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"spikes {SpikesA} vs {SpikesB}, max spike gap {MaxSpikeTimeGap:0.###} ms, v RMS {VoltageRms:0.####} mV, v max {VoltageMax:0.####} mV";
}
