using Meta.Analysis;

namespace Meta.Sweeps;

/// <summary>
/// What a sweep keeps of one cell's spikes over the measured run, counted in steps (a spike of step k has the stamp k + 1):
/// the same numbers whether the backend computed them in the step program (<see cref="Lowering.Measures.SpikeMeasureLowering"/>)
/// or the host computed them from the recorded spikes (<see cref="FromStamps"/>). Bursts are runs of spikes closer than
/// the gap in steps, of at least two spikes (<see cref="Bursts.Detect"/>).
/// </summary>
/// <param name="Spikes">The number of spikes.</param>
/// <param name="Bursts">The number of bursts.</param>
/// <param name="BurstSpikes">The spikes of all bursts together.</param>
/// <param name="FirstBurst">The stamp of the first burst's first spike (0 without bursts).</param>
/// <param name="LastBurst">The stamp of the last burst's first spike (0 without bursts).</param>
/// <param name="SecondLastBurst">The start stamp of the burst before the last (0 with fewer than two bursts).</param>
/// <param name="ThirdLastBurst">The start stamp of the burst before that (0 with fewer than three bursts).</param>
/// <param name="MinInterval">The shortest interval between consecutive spikes, in steps (0 with fewer than two spikes).</param>
/// <param name="MaxInterval">The longest interval between consecutive spikes, in steps (0 with fewer than two spikes).</param>
public sealed record CellSpikeStatistics(long Spikes, long Bursts, long BurstSpikes, long FirstBurst, long LastBurst, long SecondLastBurst,
    long ThirdLastBurst, long MinInterval, long MaxInterval)
{
    /// <summary>The statistics of the spikes with stamps <paramref name="stamps"/> (increasing), bursts split at gaps of <paramref name="gapSteps"/> steps or more.</summary>
    public static CellSpikeStatistics FromStamps(IReadOnlyList<long> stamps, int gapSteps)
    {
        ArgumentNullException.ThrowIfNull(stamps);
        ArgumentOutOfRangeException.ThrowIfLessThan(gapSteps, 1);
        // Whole steps as numbers: an interval g is inside a burst when g < gap, that is g < gap − ½.
        var bursts = Analysis.Bursts.Detect(stamps.Select(s => (double)s).ToArray(), gapSteps - 0.5);
        long min = 0, max = 0;
        for (int i = 1; i < stamps.Count; i++)
        {
            long interval = stamps[i] - stamps[i - 1];
            if (i == 1 || interval < min) min = interval;
            if (interval > max) max = interval;
        }
        long Start(int fromEnd) => bursts.Count >= fromEnd ? (long)bursts[^fromEnd].Start : 0;
        return new CellSpikeStatistics(stamps.Count, bursts.Count, bursts.Sum(b => (long)b.SpikeCount),
            bursts.Count > 0 ? (long)bursts[0].Start : 0, Start(1), Start(2), Start(3), min, max);
    }

    /// <summary>The mean interval between burst starts in ms (NaN with fewer than two bursts).</summary>
    public double BurstPeriod(double dt) => Bursts < 2 ? double.NaN : (LastBurst * dt - FirstBurst * dt) / (Bursts - 1);
}
