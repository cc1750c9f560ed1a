using Meta.Sweeps;

namespace Meta.Tests.Sweeps;

public sealed class VariantMeasuresTests
{
    [Fact]
    public void Cells_are_silent_tonic_or_bursting_and_bursts_give_a_period()
    {
        // Cell 0 silent; cell 1 tonic at 5 Hz (11 intervals of 200 ms, above the 150 ms burst interval); cell 2 three bursts of
        // three spikes every 500 ms.
        double dt = 0.1;
        var spikes = new List<(int Cell, long Step)>();
        for (int k = 0; k < 11; k++) spikes.Add((1, (long)((100 + 200 * k) / dt)));
        for (int b = 0; b < 3; b++)
            for (int s = 0; s < 3; s++) spikes.Add((2, (long)((200 + 500 * b + 10 * s) / dt)));
        spikes.Sort((x, y) => x.Step.CompareTo(y.Step));
        var m = VariantMeasures.Of("P", 3, new VariantSpikes(spikes.Select(s => s.Cell).ToArray(), spikes.Select(s => s.Step).ToArray()), 2000, dt, 150);

        m.Activity.Should().Equal(CellActivity.Silent, CellActivity.Tonic, CellActivity.Bursting);
        m.SpikeCounts.Should().Equal(0, 11, 9);
        m.SpikeCount.Should().Be(20);
        m.MeanRate.Should().BeApproximately(20 / (3 * 2.0), 1e-12);
        m.BurstPeriod.Should().BeApproximately(500, 1e-9);
        m.SpikesPerBurst.Should().BeApproximately(3, 1e-12);
    }

    [Fact]
    public void Without_bursts_the_burst_measures_are_nan()
    {
        var m = VariantMeasures.Of("P", 1, new VariantSpikes([0], [100]), 100, 0.1, 150);
        m.Activity.Should().Equal(CellActivity.Irregular);
        double.IsNaN(m.BurstPeriod).Should().BeTrue();
        double.IsNaN(m.SpikesPerBurst).Should().BeTrue();
    }
}
