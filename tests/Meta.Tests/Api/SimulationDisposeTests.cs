using Meta.Projections;
using Meta.Projections.Connectors;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>
/// Disposing a simulation releases its engine and the resolved network it was loaded from, and keeps what the user holds:
/// the recorded data and the projections' own values.
/// </summary>
public class SimulationDisposeTests
{
    [Fact]
    public void Recorded_spikes_and_projection_values_survive_dispose()
    {
        var sim = NewSimulation(timestep: 0.1, seed: 7);
        var driven = sim.CreatePopulation(4, new CellType("IF_curr_exp") { ["i_offset"] = 1.0 });
        var target = sim.CreatePopulation(3, new CellType("IF_curr_exp"));
        var prj = new Projection(driven, target, new FixedProbabilityConnector(0.6), new StaticSynapse(0.8));
        driven.Record("spikes");
        target.Record("spikes");
        sim.Run(60.0);
        var drivenSpikes = SpikeTimes(driven);
        var targetSpikes = SpikeTimes(target);
        var weights = prj.Get("weight");
        var delays = prj.Get("delay");

        sim.Dispose();

        drivenSpikes.Sum(t => t.Length).Should().BeGreaterThan(0, "the driven cells fire");
        SpikeTimes(driven).Should().BeEquivalentTo(drivenSpikes, o => o.WithStrictOrdering());
        SpikeTimes(target).Should().BeEquivalentTo(targetSpikes, o => o.WithStrictOrdering());
        prj.Get("weight").Should().Equal(weights);
        prj.Get("delay").Should().Equal(delays);
        prj.Size.Should().Be(weights.Length).And.BeGreaterThan(0);
    }
}
