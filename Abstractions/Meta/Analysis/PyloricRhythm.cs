namespace Meta.Analysis;

/// <summary>The measures of one cell type's bursting in a pyloric rhythm.</summary>
/// <param name="MeanDuration">Mean burst duration over the analysed cycles (ms).</param>
/// <param name="DutyCycle">Mean burst duration / cycle period.</param>
/// <param name="OnPhase">Mean burst start after the reference (PD) burst start, as a fraction of the period.</param>
/// <param name="OffPhase">Mean burst end after the reference burst start, as a fraction of the period.</param>
/// <param name="MeanSpikesPerBurst">Mean number of spikes per burst.</param>
public sealed record BurstMeasures(double MeanDuration, double DutyCycle, double OnPhase, double OffPhase, double MeanSpikesPerBurst);

/// <summary>
/// The network measures of a pyloric rhythm from the spike trains of one PD (pacemaker), one LP and one PY cell, as Prinz,
/// Bucher &amp; Marder (2004) classify their circuits: cycles run from one PD burst start to the next; a cycle is
/// <i>triphasic</i> when each of PD, LP and PY starts exactly one burst in it; a triphasic cycle is <i>pyloric</i> when the
/// bursts come in the pyloric order: PD ends before LP starts, LP starts before PY starts and LP ends before PY ends. The
/// rhythm is triphasic when at least 90 % of its cycles are, and pyloric-like when it is triphasic and at least 70 % of the
/// triphasic cycles are pyloric (the thresholds of the summary statistics used with the Prinz model database).
/// </summary>
public sealed record PyloricRhythm
{
    /// <summary>The fraction of cycles that must be triphasic for a triphasic rhythm.</summary>
    public const double TriphasicThreshold = 0.9;

    /// <summary>The fraction of triphasic cycles that must be pyloric for a pyloric-like rhythm.</summary>
    public const double PyloricThreshold = 0.7;

    /// <summary>The number of complete PD cycles analysed.</summary>
    public required int Cycles { get; init; }

    /// <summary>The number of them in which PD, LP and PY each start exactly one burst.</summary>
    public required int TriphasicCycles { get; init; }

    /// <summary>The number of triphasic cycles in the pyloric order.</summary>
    public required int PyloricCycles { get; init; }

    /// <summary>Mean PD cycle period (ms); NaN with fewer than two PD bursts.</summary>
    public required double Period { get; init; }

    /// <summary>Coefficient of variation of the PD cycle periods.</summary>
    public required double PeriodCv { get; init; }

    /// <summary>PD's measures (on phase 0 by definition).</summary>
    public required BurstMeasures PD { get; init; }

    /// <summary>LP's measures over the triphasic cycles (NaN where there are none).</summary>
    public required BurstMeasures LP { get; init; }

    /// <summary>PY's measures over the triphasic cycles (NaN where there are none).</summary>
    public required BurstMeasures PY { get; init; }

    /// <summary>At least <see cref="TriphasicThreshold"/> of the cycles are triphasic (and there are two or more).</summary>
    public bool IsTriphasic => Cycles >= 2 && TriphasicCycles >= TriphasicThreshold * Cycles;

    /// <summary>Triphasic, and at least <see cref="PyloricThreshold"/> of the triphasic cycles are in the pyloric order.</summary>
    public bool IsPyloricLike => IsTriphasic && PyloricCycles >= PyloricThreshold * TriphasicCycles;

    /// <summary>Measures the rhythm of the three cells' spike trains (ms, increasing) from <paramref name="from"/> on.</summary>
    /// <param name="pd">The pacemaker (PD or AB/PD) spikes.</param>
    /// <param name="lp">The LP spikes.</param>
    /// <param name="py">The PY spikes.</param>
    /// <param name="from">Spikes before this time (ms) are ignored: the transient.</param>
    /// <param name="maxInterval">The largest interval inside a burst (ms).</param>
    public static PyloricRhythm Measure(IReadOnlyList<double> pd, IReadOnlyList<double> lp, IReadOnlyList<double> py,
        double from = 0, double maxInterval = Bursts.DefaultMaxInterval)
    {
        ArgumentNullException.ThrowIfNull(pd);
        ArgumentNullException.ThrowIfNull(lp);
        ArgumentNullException.ThrowIfNull(py);
        var bPd = Bursts.Detect(pd.Where(t => t >= from).ToArray(), maxInterval);
        var bLp = Bursts.Detect(lp.Where(t => t >= from).ToArray(), maxInterval);
        var bPy = Bursts.Detect(py.Where(t => t >= from).ToArray(), maxInterval);

        var periods = new List<double>();
        var lpCycles = new List<(double Period, Burst Pd, Burst Burst)>();
        var pyCycles = new List<(double Period, Burst Pd, Burst Burst)>();
        var pdCycles = new List<(double Period, Burst Pd, Burst Burst)>();
        int triphasic = 0, pyloric = 0;
        for (int c = 0; c + 1 < bPd.Count; c++)
        {
            double start = bPd[c].Start, end = bPd[c + 1].Start, period = end - start;
            periods.Add(period);
            pdCycles.Add((period, bPd[c], bPd[c]));
            var l = bLp.Where(b => b.Start >= start && b.Start < end).ToArray();
            var y = bPy.Where(b => b.Start >= start && b.Start < end).ToArray();
            if (l.Length != 1 || y.Length != 1) continue;
            triphasic++;
            lpCycles.Add((period, bPd[c], l[0]));
            pyCycles.Add((period, bPd[c], y[0]));
            if (bPd[c].End <= l[0].Start && l[0].Start <= y[0].Start && l[0].End <= y[0].End) pyloric++;
        }
        double mean = periods.Count > 0 ? periods.Average() : double.NaN;
        double cv = periods.Count > 1 ? Math.Sqrt(periods.Sum(p => (p - mean) * (p - mean)) / (periods.Count - 1)) / mean : double.NaN;
        return new PyloricRhythm
        {
            Cycles = periods.Count,
            TriphasicCycles = triphasic,
            PyloricCycles = pyloric,
            Period = mean,
            PeriodCv = cv,
            PD = Measures(pdCycles),
            LP = Measures(lpCycles),
            PY = Measures(pyCycles),
        };
    }

    private static BurstMeasures Measures(List<(double Period, Burst Pd, Burst Burst)> cycles)
    {
        if (cycles.Count == 0) return new BurstMeasures(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        return new BurstMeasures(
            cycles.Average(c => c.Burst.Duration),
            cycles.Average(c => c.Burst.Duration / c.Period),
            cycles.Average(c => (c.Burst.Start - c.Pd.Start) / c.Period),
            cycles.Average(c => (c.Burst.End - c.Pd.Start) / c.Period),
            cycles.Average(c => (double)c.Burst.SpikeCount));
    }
}
