using Meta.Analysis;

namespace Meta.Sweeps;

/// <summary>The variant-level measures of one population (<see cref="PopulationMeasures"/>), computed from its spikes alone.</summary>
internal static class VariantMeasures
{
    public static PopulationMeasures Of(string label, int size, VariantSpikes spikes, double durationMs, double dt, double burstMaxInterval)
    {
        var times = Enumerable.Range(0, size).Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < spikes.Cells.Length; i++) times[spikes.Cells[i]].Add(spikes.Steps[i] * dt);
        double periods = 0, perBurst = 0;
        int bursting = 0;
        var activity = new CellActivity[size];
        for (int c = 0; c < size; c++)
        {
            var cell = times[c];
            var bursts = Bursts.Detect(cell, burstMaxInterval);
            activity[c] = cell.Count == 0 ? CellActivity.Silent : bursts.Count >= 2 ? CellActivity.Bursting : CellActivity.Tonic;
            if (bursts.Count < 2) continue;
            bursting++;
            periods += (bursts[^1].Start - bursts[0].Start) / (bursts.Count - 1);
            perBurst += bursts.Average(b => b.SpikeCount);
        }
        long count = spikes.Cells.Length;
        return new PopulationMeasures(label, size, count, count / (size * durationMs / 1000.0),
            bursting == 0 ? double.NaN : periods / bursting, bursting == 0 ? double.NaN : perBurst / bursting,
            times.Select(t => t.Count).ToArray(), activity);
    }
}
