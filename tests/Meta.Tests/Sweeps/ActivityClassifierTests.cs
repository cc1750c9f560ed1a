using Meta.Sweeps;

namespace Meta.Tests.Sweeps;

public sealed class ActivityClassifierTests
{
    private static CellActivity Classify(IEnumerable<long> stamps, int gap = 100) =>
        ActivityClassifier.Classify(CellSpikeStatistics.FromStamps(stamps.ToArray(), gap));

    private static IEnumerable<long> Every(long interval, int count, long start = 10) => Enumerable.Range(0, count).Select(k => start + k * interval);

    private static IEnumerable<long> Bursts(params long[] starts) => starts.SelectMany(s => new[] { s, s + 5, s + 10 });

    [Fact]
    public void No_spike_is_silent() => Classify([]).Should().Be(CellActivity.Silent);

    [Fact]
    public void More_than_ten_regular_spikes_are_tonic_even_closer_than_the_burst_gap()
    {
        Classify(Every(200, 11)).Should().Be(CellActivity.Tonic);
        Classify(Every(50, 11)).Should().Be(CellActivity.Tonic, "one long run of regular spikes is tonic spiking, not a burst");
    }

    [Fact]
    public void Ten_spikes_or_intervals_varying_by_five_percent_are_not_tonic()
    {
        Classify(Every(200, 10)).Should().Be(CellActivity.Irregular);
        var drifting = Every(200, 10).Append(10 + 9 * 200 + 211).ToArray();
        Classify(drifting).Should().Be(CellActivity.Irregular, "intervals of 200 and 211 steps differ by 5.4 % of their mean");
        var steady = Every(200, 10).Append(10 + 9 * 200 + 209).ToArray();
        Classify(steady).Should().Be(CellActivity.Tonic, "200 and 209 steps differ by 4.4 %");
    }

    [Fact]
    public void Three_bursts_with_equal_periods_are_bursting_and_unequal_ones_irregular()
    {
        Classify(Bursts(0, 1000, 2000)).Should().Be(CellActivity.Bursting);
        Classify(Bursts(0, 1000, 2040)).Should().Be(CellActivity.Bursting, "periods of 1000 and 1040 steps differ by 3.9 %");
        Classify(Bursts(0, 1000, 2060)).Should().Be(CellActivity.Irregular, "periods of 1000 and 1060 steps differ by 5.8 %");
        Classify(Bursts(0, 1000)).Should().Be(CellActivity.Irregular, "two bursts give one period, which shows no periodicity");
        Classify(Bursts(0, 3000, 3700, 4400)).Should().Be(CellActivity.Bursting, "only the last two periods count");
    }

    [Fact]
    public void Statistics_count_bursts_at_the_gap_in_steps()
    {
        // Intervals of 99 steps join a burst at a gap of 100; 100 splits.
        var s = CellSpikeStatistics.FromStamps([1, 100, 199, 299, 398, 1000], 100);
        s.Should().Be(new CellSpikeStatistics(Spikes: 6, Bursts: 2, BurstSpikes: 5, FirstBurst: 1, LastBurst: 299, SecondLastBurst: 1,
            ThirdLastBurst: 0, MinInterval: 99, MaxInterval: 602));
        s.BurstPeriod(0.5).Should().Be(149);
    }
}
