using Meta.Conformance.References;
using Meta.Models.Standard;

namespace Meta.Tests.Models;

/// <summary>The exact LIF step response the conformance suite measures the LIF reference scenarios against.</summary>
public class AnalyticLifTests
{
    private static ReferenceTrace Step(double low, double high) => new()
    {
        Simulator = "test", Scenario = "IF_curr_exp_step", CellType = "IF_curr_exp", Parameters = new Dictionary<string, double>(),
        Dt = 0.1, TStop = 300, StimulusKind = "StepCurrentSource", StepTimes = [50, 150, 250], StepAmplitudes = [low, high, 0],
        Spikes = [], Signals = new Dictionary<string, double[]>(),
    };

    [Fact]
    public void Intervals_are_the_refractory_period_plus_the_logarithmic_rise_time()
    {
        var (spikes, v) = AnalyticLif.Solve(Step(0.5, 2.0), IntegrateAndFire.IF_curr_exp, 0.01);
        // 2 nA through 20 MΩ drives v towards -25 mV; from v_reset = -65 mV to v_thresh = -50 mV takes 20·ln(40/25) ms.
        double interval = 0.1 + 20 * Math.Log(40.0 / 25.0);
        spikes.Should().HaveCount(11).And.OnlyContain(t => t > 150 && t < 250);
        for (int k = 1; k < spikes.Length; k++) (spikes[k] - spikes[k - 1]).Should().BeApproximately(interval, 1e-9);
        // The first spike starts from v(150) = -55 - 10·exp(-5): 0.5 nA for 100 ms relaxes towards -55 mV.
        double v150 = -55 - 10 * Math.Exp(-5);
        spikes[0].Should().BeApproximately(150 + 20 * Math.Log((-25 - v150) / 25.0), 1e-9);
        v.Should().HaveCount(30001);
        v[15000].Should().BeApproximately(v150, 1e-9);
        v.Max().Should().BeLessThanOrEqualTo(-50 + 1e-9, "v never passes threshold");
        v[(int)Math.Round((spikes[0] + 0.05) / 0.01)].Should().Be(-65, "v is held at v_reset during the refractory period");
        v[^1].Should().BeGreaterThanOrEqualTo(-65).And.BeLessThan(-63.7, "50 ms after the step v has relaxed to within 15·exp(-2.5) mV of rest");
    }

    [Fact]
    public void Below_threshold_there_are_no_spikes() =>
        AnalyticLif.Solve(Step(0.5, 0.7), IntegrateAndFire.IF_curr_exp, 0.1).Spikes.Should().BeEmpty("0.7 nA drives v only to -51 mV");

    [Fact]
    public void Only_the_LIF_cells_under_current_steps_are_solved()
    {
        AnalyticLif.Solves(Step(0.5, 2.0)).Should().BeTrue();
        var syn = new ReferenceTrace
        {
            Simulator = "test", Scenario = "IF_curr_exp_syn", CellType = "IF_curr_exp", Parameters = new Dictionary<string, double>(),
            Dt = 0.1, TStop = 300, StimulusKind = "SpikeSourceArray", Spikes = [], Signals = new Dictionary<string, double[]>(),
        };
        AnalyticLif.Solves(syn).Should().BeFalse("synaptic input is not solved analytically");
    }
}
