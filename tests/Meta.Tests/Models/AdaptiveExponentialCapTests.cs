using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Models;

/// <summary>AdEx with NEST's default V_peak (0 mV): the spike step's overshoot must not leak into w.</summary>
public class AdaptiveExponentialCapTests
{
    [Theory]
    [InlineData(-40.0)]
    [InlineData(0.0)]
    public void The_adaptation_current_after_the_first_spike_is_b_plus_its_subthreshold_growth(double vSpike)
    {
        using var sim = NewSimulation();
        var cell = sim.CreatePopulation(1, new CellType("EIF_cond_exp_isfa_ista").With("v_spike", vSpike).With("i_offset", 1.0), "aeif");
        cell.Record("w");
        cell.Record("spikes");
        sim.Run(100);
        var spikes = SpikeTimes(cell)[0];
        spikes.Should().NotBeEmpty();
        var w = Signal(cell, "w").Column(0);
        int after = (int)Math.Round(spikes[0] / 0.1) + 1;
        // Subthreshold, w grows by a·(v − v_rest)/tau_w: at most 4 nS · 80 mV over the 144 ms time constant, far below 1 nA.
        w[after].Should().BeInRange(0.0805, 0.0805 + 0.05, "w = b (0.0805 nA) plus slow subthreshold adaptation, whatever v_spike is");
    }
}
