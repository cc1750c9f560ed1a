namespace Meta.Recording;

/// <summary>
/// The recorded spikes of some cells in the latest segment as flat columns, one entry per spike
/// (<see cref="Populations.CellCollection.GetSpikeEvents"/>): in time order, spikes at the same time in the order of their
/// cells' spike trains in <see cref="Segment.SpikeTrains"/>. The same spikes as the segment's trains, without one array per
/// cell: 12 bytes a spike (16 with several populations).
/// </summary>
/// <param name="Times">The time of each spike in ms.</param>
/// <param name="Cells">The cell of each spike: its index in its population.</param>
/// <param name="Populations">
/// The population of each spike as an index into <paramref name="PopulationLabels"/>; null when the spikes come from one
/// population (or none).
/// </param>
/// <param name="RecordedCells">The spike-recorded cells, in the order of <see cref="Segment.SpikeTrains"/>: index in their population.</param>
/// <param name="RecordedPopulations">The population of each recorded cell, an index into <paramref name="PopulationLabels"/>.</param>
/// <param name="PopulationLabels">The labels of the populations the recorded cells belong to, in order of first appearance.</param>
public sealed record SpikeEvents(double[] Times, int[] Cells, int[]? Populations, int[] RecordedCells, int[] RecordedPopulations,
    IReadOnlyList<string> PopulationLabels)
{
    /// <summary>The number of spikes.</summary>
    public int Count => Times.Length;

    /// <summary>
    /// Sorts spikes into this record's order: by time, those at the same time by their train's place
    /// (<paramref name="trains"/>, sorted along). Writers that join parts of a recording (e.g. one per MPI rank) use it to
    /// reproduce <see cref="Populations.CellCollection.GetSpikeEvents"/>'s order.
    /// </summary>
    public static void SortByTimeThenTrain(double[] times, int[] trains)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(trains);
        Array.Sort(times, trains);
        for (int i = 0; i < times.Length;)
        {
            int j = i + 1;
            while (j < times.Length && times[j] == times[i]) j++;
            if (j - i > 1) Array.Sort(trains, i, j - i);
            i = j;
        }
    }
}
