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
}
