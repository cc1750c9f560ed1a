using Meta.Analysis;

namespace Meta.Tests.Analysis;

public class PyloricRhythmTests
{
    /// <summary>Spikes every <paramref name="isi"/> ms from <paramref name="start"/> to <paramref name="end"/>, in each of the cycles.</summary>
    private static double[] Train(double period, int cycles, double start, double end, double isi = 10) =>
        Enumerable.Range(0, cycles)
            .SelectMany(c => Enumerable.Range(0, (int)Math.Floor((end - start) / isi) + 1).Select(i => c * period + start + i * isi))
            .ToArray();

    [Fact]
    public void Bursts_are_runs_of_short_intervals()
    {
        var b = Bursts.Detect([10, 20, 30, 400, 410, 900], maxInterval: 150);
        b.Should().Equal(new Burst(10, 30, 3), new Burst(400, 410, 2));
    }

    [Fact]
    public void Bursts_refuse_decreasing_times_and_a_nonpositive_gap()
    {
        FluentActions.Invoking(() => Bursts.Detect([10, 5])).Should().Throw<ArgumentException>().WithMessage("*increase*");
        FluentActions.Invoking(() => Bursts.Detect([10], maxInterval: 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_pyloric_pattern_gives_its_period_duty_cycles_and_phases()
    {
        // PD bursts 0–200 ms, LP 400–600 ms, PY 650–900 ms of a 1000 ms cycle, 6 cycles.
        var r = PyloricRhythm.Measure(Train(1000, 6, 0, 200), Train(1000, 6, 400, 600), Train(1000, 6, 650, 900));
        r.Cycles.Should().Be(5);
        r.Period.Should().BeApproximately(1000, 1e-9);
        r.PeriodCv.Should().BeApproximately(0, 1e-12);
        r.TriphasicCycles.Should().Be(5);
        r.PyloricCycles.Should().Be(5);
        r.IsPyloricLike.Should().BeTrue();
        r.PD.DutyCycle.Should().BeApproximately(0.2, 1e-9);
        r.LP.OnPhase.Should().BeApproximately(0.4, 1e-9);
        r.LP.OffPhase.Should().BeApproximately(0.6, 1e-9);
        r.PY.OnPhase.Should().BeApproximately(0.65, 1e-9);
        r.PY.DutyCycle.Should().BeApproximately(0.25, 1e-9);
        r.LP.MeanSpikesPerBurst.Should().Be(21);
    }

    [Fact]
    public void The_wrong_order_is_triphasic_but_not_pyloric()
    {
        // PY fires before LP in every cycle.
        var r = PyloricRhythm.Measure(Train(1000, 6, 0, 200), Train(1000, 6, 650, 900), Train(1000, 6, 400, 600));
        r.IsTriphasic.Should().BeTrue();
        r.PyloricCycles.Should().Be(0);
        r.IsPyloricLike.Should().BeFalse();
    }

    [Fact]
    public void A_silent_follower_is_not_triphasic()
    {
        var r = PyloricRhythm.Measure(Train(1000, 6, 0, 200), [], Train(1000, 6, 650, 900));
        r.TriphasicCycles.Should().Be(0);
        r.IsTriphasic.Should().BeFalse();
        double.IsNaN(r.LP.DutyCycle).Should().BeTrue();
    }

    [Fact]
    public void The_transient_is_skipped()
    {
        var pd = Train(1000, 6, 0, 200);
        var r = PyloricRhythm.Measure(pd, Train(1000, 6, 400, 600), Train(1000, 6, 650, 900), from: 1500);
        r.Cycles.Should().Be(3);
    }
}
