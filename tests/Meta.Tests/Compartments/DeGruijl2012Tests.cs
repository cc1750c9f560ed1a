using Meta.Conformance.Scenarios;
using Meta.Models.Library;
using Meta.Projections;
using Meta.Projections.Connectors;
using Xunit.Abstractions;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Compartments;

/// <summary>The de Gruijl et al. (2012) inferior-olive cell (<see cref="DeGruijl2012"/>) on the CPU backend.</summary>
public class DeGruijl2012Tests(ITestOutputHelper output)
{
    [Fact]
    public void Shows_subthreshold_oscillations_without_input()
    {
        const double dt = 0.025;
        using var sim = NewSimulation(dt);
        var cell = sim.CreatePopulation(1, new CellType("DeGruijl2012"), "io");
        cell.Record(["spikes", "soma.v", "dend.v", "dend.cai"]);
        sim.Run(3000);
        var soma = Signal(cell, "soma.v").Column(0).ToArray();
        var (f, a) = PassiveTwoCompartmentCell.Oscillation(soma, dt, (int)(1000 / dt));
        var spikes = SpikeTimes(cell)[0];
        output.WriteLine($"soma.v {soma.Skip(40000).Min():F2}..{soma.Skip(40000).Max():F2} mV, {f:F2} Hz, {a:F2} mV peak-to-peak, {spikes.Length} spikes; " +
                         $"dend.cai {Signal(cell, "dend.cai").Column(0).ToArray().Max():F3}");
        spikes.Should().BeEmpty("the oscillations stay below threshold");
        f.Should().BeInRange(2, 20);
        a.Should().BeInRange(1, 30);
    }

    [Fact]
    public void A_synapse_onto_a_dendritic_receptor_drives_the_dendrite_first()
    {
        const double dt = 0.025;
        using var sim = NewSimulation(dt);
        var input = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 100.0 }), "input");
        var cell = sim.CreatePopulation(1, new CellType("DeGruijl2012"), "io");
        _ = new Projection(input, cell, new AllToAllConnector(), new StaticSynapse(0.002, 1.0), "dend.excitatory");
        cell.Record(["dend.excitatory.g", "soma.v", "dend.v"]);
        sim.Run(110);
        var g = Signal(cell, "dend.excitatory.g").Column(0).ToArray();
        int arrival = (int)Math.Round(101 / dt);
        g[arrival].Should().Be(0);
        g[arrival + 1].Should().BeApproximately(0.002 * Math.Exp(-dt / 5), 1e-12, "the weight arrives at 101 ms and decays with tau 5 ms");
        var soma = Signal(cell, "soma.v").Column(0).ToArray();
        var dend = Signal(cell, "dend.v").Column(0).ToArray();
        (dend[arrival + 40] - dend[arrival]).Should().BeGreaterThan(soma[arrival + 40] - soma[arrival], "the dendrite depolarises more than the soma");
    }
}
