using Meta.Lowering.Measures;

namespace Meta.Sweeps;

/// <summary>
/// The variant-level measures of one population (<see cref="PopulationMeasures"/>), computed from each cell's
/// <see cref="CellSpikeStatistics"/>: taken from the recorded spikes on the host (<see cref="Of(string, int, VariantSpikes, double, double, double)"/>)
/// or from the measures the backend kept while it ran (<see cref="FromDevice"/>).
/// </summary>
internal static class VariantMeasures
{
    /// <summary>The measures of <paramref name="size"/> cells from their spikes (stamps in steps).</summary>
    public static PopulationMeasures Of(string label, int size, VariantSpikes spikes, double durationMs, double dt, double burstMaxInterval)
    {
        var stamps = Enumerable.Range(0, size).Select(_ => new List<long>()).ToArray();
        for (int i = 0; i < spikes.Cells.Length; i++) stamps[spikes.Cells[i]].Add(spikes.Steps[i]);
        int gap = SpikeMeasureLowering.GapStepsOf(burstMaxInterval, dt);
        return Of(label, stamps.Select(s => CellSpikeStatistics.FromStamps(s, gap)).ToArray(), durationMs, dt);
    }

    /// <summary>
    /// The measures of the cells whose final measure states are <paramref name="states"/>: per state of
    /// <see cref="SpikeMeasureLowering.States"/>, in that order, one value per cell.
    /// </summary>
    public static PopulationMeasures FromDevice(string label, IReadOnlyList<double[]> states, double durationMs, double dt)
    {
        int size = states[0].Length;
        long Value(string name, int cell) => checked((long)states[IndexOf(name)][cell]);
        var cells = new CellSpikeStatistics[size];
        for (int c = 0; c < size; c++)
        {
            cells[c] = new CellSpikeStatistics(Value(SpikeMeasureLowering.Spikes, c), Value(SpikeMeasureLowering.Bursts, c),
                Value(SpikeMeasureLowering.BurstSpikes, c), Value(SpikeMeasureLowering.FirstBurst, c), Value(SpikeMeasureLowering.LastBurst, c),
                Value(SpikeMeasureLowering.SecondLastBurst, c), Value(SpikeMeasureLowering.ThirdLastBurst, c),
                Value(SpikeMeasureLowering.MinInterval, c), Value(SpikeMeasureLowering.MaxInterval, c));
        }
        return Of(label, cells, durationMs, dt);
    }

    private static int IndexOf(string state)
    {
        for (int i = 0; i < SpikeMeasureLowering.States.Count; i++) if (SpikeMeasureLowering.States[i] == state) return i;
        throw new ArgumentException($"'{state}' is not a spike measure.", nameof(state));
    }

    /// <summary>The population's measures from its cells' statistics.</summary>
    public static PopulationMeasures Of(string label, CellSpikeStatistics[] cells, double durationMs, double dt)
    {
        double periods = 0, perBurst = 0;
        int bursting = 0;
        long count = 0;
        foreach (var cell in cells)
        {
            count += cell.Spikes;
            if (cell.Bursts < 2) continue;
            bursting++;
            periods += cell.BurstPeriod(dt);
            perBurst += (double)cell.BurstSpikes / cell.Bursts;
        }
        int size = cells.Length;
        return new PopulationMeasures(label, size, count, count / (size * durationMs / 1000.0),
            bursting == 0 ? double.NaN : periods / bursting, bursting == 0 ? double.NaN : perBurst / bursting,
            cells.Select(c => checked((int)c.Spikes)).ToArray(), cells.Select(ActivityClassifier.Classify).ToArray())
        { Statistics = cells };
    }
}
