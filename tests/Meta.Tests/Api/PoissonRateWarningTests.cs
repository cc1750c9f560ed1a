using Meta.Diagnostics;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>A Poisson source asked for more than one spike per step can give is named, with what it delivers.</summary>
public class PoissonRateWarningTests
{
    [Fact]
    public void The_delivered_rate_is_that_of_one_Bernoulli_draw_per_step()
    {
        // The Brunel example: 20 kHz at dt 0.1 ms gives 8.65 kHz.
        PoissonRateCheck.DeliveredRate(20_000, 0.1).Should().BeApproximately(8646.6, 0.1);
        PoissonRateCheck.DeliveredRate(10, 0.1).Should().BeApproximately(9.995, 0.001, "0.05 % are lost at 10 Hz");
    }

    [Fact]
    public void A_run_warns_once_about_an_undeliverable_rate_and_the_delivered_spikes_match_it()
    {
        using var sim = NewSimulation(seed: 5);
        var fast = sim.CreatePopulation(50, new CellType("SpikeSourcePoisson").With("rate", 20_000.0), "drive");
        var slow = sim.CreatePopulation(50, new CellType("SpikeSourcePoisson").With("rate", 20.0), "background");
        fast.Record("spikes");
        sim.Run(100);
        sim.Run(100);
        var warning = sim.Warnings.Should().ContainSingle().Subject;
        warning.Should().Contain("'drive'").And.Contain("20000 Hz").And.Contain("8646.647 Hz").And.Contain("56.8 %");
        double measured = fast.GetData().Segments[0].SpikeTrains.Sum(t => t.Times.Length) / (50 * 0.2);
        measured.Should().BeApproximately(8646.6, 8646.6 * 0.02, "the source delivers the rate the warning states");

        slow.Set("rate", 5000.0);
        sim.Run(10);
        sim.Warnings.Should().HaveCount(2).And.Contain(w => w.Contains("'background'") && w.Contains("5000 Hz"));
    }
}
