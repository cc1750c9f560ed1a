using Meta.Models;
using Meta.Models.Library;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Models;

/// <summary>The Prinz et al. (2004) stomatogastric model neuron (<see cref="Prinz2004"/>), isolated.</summary>
public class Prinz2004Tests
{
    [Fact]
    public void Every_AB_PD_model_neuron_bursts_in_isolation()
    {
        // Prinz et al. (2004) took their AB/PD model neurons from the database's intrinsic bursters.
        using var sim = NewSimulation(0.025);
        var names = Prinz2004.NeuronTypes.Keys.Where(n => n.StartsWith("AB/PD", StringComparison.Ordinal)).ToArray();
        var cells = names.Select(n => sim.CreatePopulation(1, new CellType("Prinz2004", n), n.Replace(' ', '_'))).ToArray();
        foreach (var c in cells) c.Record("spikes");
        sim.Run(6000);
        for (int i = 0; i < names.Length; i++)
        {
            var spikes = cells[i].GetData().Segments[0].SpikeTrains[0].Times.Where(t => t > 2000).ToArray();
            // A burst starts after a silence of more than 300 ms.
            var onsets = spikes.Where((t, k) => k > 0 && t - spikes[k - 1] > 300).ToArray();
            onsets.Length.Should().BeGreaterThanOrEqualTo(2, $"{names[i]} bursts (spikes after 2 s: {string.Join(" ", spikes.Select(t => t.ToString("F0")))})");
            double period = (onsets[^1] - onsets[0]) / (onsets.Length - 1);
            period.Should().BeInRange(500, 2500, $"{names[i]}'s burst period");
            (spikes.Length / (double)(onsets.Length + 1)).Should().BeGreaterThan(4, $"{names[i]} fires several spikes per burst");
        }
    }

    [Fact]
    public void A_named_parameter_set_sets_the_conductances_and_an_unknown_one_lists_the_valid_names()
    {
        var lp = new CellType("Prinz2004", "LP 4");
        lp["g_CaS"].ScalarValue.Should().Be(4);
        lp["g_Kd"].ScalarValue.Should().Be(25);
        lp["g_leak"].ScalarValue.Should().Be(0.03);
        new CellType("Prinz2004")["g_CaS"].ScalarValue.Should().Be(0, "without a parameter set the conductances are the model's defaults");
        FluentActions.Invoking(() => new CellType("Prinz2004", "LP 9")).Should().Throw<InvalidModelException>().WithMessage("*'LP 9'*AB/PD 1*PY 6*");
        FluentActions.Invoking(() => new CellType("Prinz")).Should().Throw<InvalidModelException>().WithMessage("*published models: *Prinz2004*");
    }

    [Fact]
    public void The_gating_variables_start_at_their_steady_state_at_minus_50_mV_as_in_the_Prinz_lab_code()
    {
        // Initial values of the Prinz lab's pyloric code (3 decimals, m_Na truncated), the steady states at v = −50 mV and Ca = 0.05 µM.
        var published = new Dictionary<string, double>
        {
            ["m_Na"] = 0.009, ["h_Na"] = 0.553, ["m_CaT"] = 0.040, ["h_CaT"] = 0.963, ["m_CaS"] = 0.109, ["h_CaS"] = 0.166,
            ["m_A"] = 0.068, ["h_A"] = 0.197, ["m_KCa"] = 0.003, ["m_Kd"] = 0.039, ["m_H"] = 0.011,
        };
        using var sim = NewSimulation(0.025);
        var cell = sim.CreatePopulation(1, new CellType("Prinz2004", "AB/PD 1"), "abpd");
        cell.GetInitialValues("v")[0].Should().Be(-50);
        cell.GetInitialValues("Ca")[0].Should().Be(0.05);
        foreach (var (state, value) in published)
            cell.GetInitialValues(state)[0].Should().BeApproximately(value, 0.001, state);
    }

    [Fact]
    public void Calcium_settles_where_the_influx_f_times_the_calcium_current_density_balances_the_buffering()
    {
        // v held at −50 mV by a huge capacitance; only CaS is on. At steady state Ca = Ca0 − f·i_CaS with
        // i_CaS = g·m∞³·h∞·(v − 12.2·ln(3000/Ca)) in µA/cm² (f = 14.96, Prinz et al. 2003): solved here by fixed point.
        using var sim = NewSimulation(0.025);
        var type = new CellType("Prinz2004").With("g_Na", 0).With("g_CaS", 6).With("cm", 1e9);
        var cell = sim.CreatePopulation(1, type, "cas");
        cell.Record("Ca");
        sim.Run(4000);
        double Inf(double b, double c) => 1 / (1 + Math.Exp((-50 + b) / c));
        double open = 6 * Math.Pow(Inf(33, -8.1), 3) * Inf(60, 6.2);
        double ca = 0.05;
        for (int k = 0; k < 200; k++) ca = 0.05 - 14.96 * open * (-50 - 12.2 * Math.Log(3000 / ca));
        var trace = Signal(cell, "Ca").Column(0);
        trace[^1].Should().BeApproximately(ca, 1e-3 * ca, "f multiplies the current density, not the current in nA (0.628 times less)");
        ca.Should().BeGreaterThan(1, "the check is not trivial: calcium rises well above Ca0");
    }
}
