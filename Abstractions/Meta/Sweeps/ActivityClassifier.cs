namespace Meta.Sweeps;

/// <summary>
/// Sorts a cell's activity over a run into the classes of the Prinz et al. (2003) model-neuron database, from its
/// <see cref="CellSpikeStatistics"/> (docs/sweeps.md, "Activity classes"):
/// <list type="bullet">
/// <item><b>silent</b>: no spike;</item>
/// <item><b>tonic</b>: more than <see cref="TonicMinSpikes"/> spikes whose longest and shortest intervals differ by less than
/// <see cref="Tolerance"/> of their mean (the database's test for regular single spiking);</item>
/// <item><b>bursting</b>: at least three bursts (runs of at least two spikes closer than the burst gap) whose last two
/// periods (intervals between burst starts) differ by less than <see cref="Tolerance"/> of their mean (the database's test of
/// periodic bursting);</item>
/// <item><b>irregular</b>: any other spiking.</item>
/// </list>
/// The database splits bursts at an interval threshold taken from each cell's own intervals, and also accepts periods of
/// two or three bursts; this rule uses the fixed burst gap of the sweep and periods of one burst, so it is computed from a
/// handful of numbers per cell that the backend keeps while it runs.
/// </summary>
public static class ActivityClassifier
{
    /// <summary>The relative tolerance of the regularity tests (0.05, the database's 5 %).</summary>
    public const double Tolerance = 0.05;

    /// <summary>A tonic cell has more than this many spikes (the database's 10).</summary>
    public const int TonicMinSpikes = 10;

    /// <summary>The class of a cell with these statistics.</summary>
    public static CellActivity Classify(CellSpikeStatistics cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell.Spikes == 0) return CellActivity.Silent;
        if (cell.Spikes > TonicMinSpikes && Regular(cell.MaxInterval, cell.MinInterval)) return CellActivity.Tonic;
        if (cell.Bursts >= 3 && Regular(cell.LastBurst - cell.SecondLastBurst, cell.SecondLastBurst - cell.ThirdLastBurst)) return CellActivity.Bursting;
        return CellActivity.Irregular;
    }

    /// <summary>Whether two intervals differ by less than <see cref="Tolerance"/> of their mean.</summary>
    private static bool Regular(long a, long b) => a > 0 && b > 0 && Math.Abs(a - b) < Tolerance * (a + b) / 2.0;
}
