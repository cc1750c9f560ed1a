using Meta.Backends.Programs;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>
/// A weight or delay shared by every connection of a projection is stored once (<see cref="RepeatedValue{T}"/>), in the
/// projection and in the step program, and reads back as one value per connection, before and after a run.
/// </summary>
public class ProjectionStorageTests
{
    private static (Simulation Sim, Projection Prj) Network(SynapseType synapse)
    {
        var sim = NewSimulation(timestep: 0.1, minDelay: 0.1);
        var p = sim.CreatePopulation(20, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new FixedProbabilityConnector(0.3), synapse);
        return (sim, prj);
    }

    [Fact]
    public void A_scalar_weight_and_delay_are_stored_once_and_read_per_connection()
    {
        var (sim, prj) = Network(new StaticSynapse(0.004, 0.24));
        using var _ = sim;
        prj.Size.Should().BeGreaterThan(10);
        prj.Weights.Should().BeOfType<RepeatedValue<double>>().Which.Count.Should().Be(prj.Size);
        prj.Delays.Should().BeOfType<RepeatedValue<double>>();
        prj.Get("weight").Should().HaveCount(prj.Size).And.OnlyContain(w => w == 0.004);
        prj.Get("delay").Should().HaveCount(prj.Size).And.OnlyContain(d => Close(d, 0.2, 1e-12, 0), "0.24 ms rounds to 2 steps of 0.1 ms");
        var program = sim.Resolve().Projections.Single();
        program.Weights.Should().BeOfType<RepeatedValue<double>>().Which.Value.Should().Be(0.004);
        program.DelaySteps.Should().BeOfType<RepeatedValue<int>>().Which.Value.Should().Be(2);
        program.Weights.Count.Should().Be(prj.Size);
    }

    [Fact]
    public void Varying_values_are_kept_per_connection_and_equal_values_set_later_are_stored_once_again()
    {
        // The delay buffers are sized at the first run by the largest delay (0.3 ms); the delays set later stay within it.
        var (sim, prj) = Network(new StaticSynapse(new RandomDistribution("uniform", 0.001, 0.002), 0.3));
        using var _ = sim;
        prj.Weights.Should().BeOfType<double[]>();
        prj.Weights.Should().OnlyHaveUniqueItems();
        var drawn = prj.Get("weight");
        sim.Run(2.0);
        prj.Get("weight").Should().Equal(drawn, "a static weight reads back as created after a run");
        prj.Set("weight", 0.003);
        prj.Weights.Should().BeOfType<RepeatedValue<double>>();
        prj.Set("delay", Enumerable.Range(0, prj.Size).Select(k => 0.1 * (1 + k % 3)).ToArray());
        prj.Delays.Should().BeOfType<double[]>();
        sim.Run(2.0);
        prj.Get("weight").Should().HaveCount(prj.Size).And.OnlyContain(w => w == 0.003);
        prj.GetArray("weight").Cast<double>().Where(w => !double.IsNaN(w)).Should().OnlyContain(w => w == 0.003 || w == 0.006 || w == 0.009,
            "pairs connected more than once sum");
        prj.Get("delay").Distinct().Order().Should().HaveCount(3);
    }

    [Fact]
    public void A_network_with_one_weight_per_projection_spikes_as_with_the_same_weights_listed_per_connection()
    {
        // The listed run gives the input's connections as columns (SONATA's path), whose weight column the projection keeps
        // as an array; the other stores one weight. Both must deliver the same spikes.
        static double[][] Spikes(bool listed)
        {
            using var sim = NewSimulation(timestep: 0.1, minDelay: 0.1, seed: 11);
            var cells = sim.CreatePopulation(50, new CellType("IF_cond_exp"));
            var kick = sim.CreatePopulation(5, new CellType("SpikeSourcePoisson") { ["rate"] = 400.0 });
            int[] pre = [.. Enumerable.Range(0, 5 * 50).Select(k => k / 50)], post = [.. Enumerable.Range(0, 5 * 50).Select(k => k % 50)];
            var input = listed
                ? new Projection(kick, cells, new ColumnsConnector(pre, post, Enumerable.Repeat(0.02, pre.Length).ToArray(), null), new StaticSynapse(0.0, 0.1))
                : new Projection(kick, cells, new AllToAllConnector(), new StaticSynapse(0.02, 0.1));
            input.Weights.Should().BeOfType(listed ? typeof(double[]) : typeof(RepeatedValue<double>));
            _ = new Projection(cells, cells, new FixedProbabilityConnector(0.2), new StaticSynapse(0.01, 0.5));
            cells.Record("spikes");
            sim.Run(50.0);
            return SpikeTimes(cells);
        }
        var once = Spikes(listed: false);
        once.Sum(t => t.Length).Should().BeGreaterThan(0, "the network must spike for the comparison to mean anything");
        Spikes(listed: true).Should().BeEquivalentTo(once, o => o.WithStrictOrdering(), "the same spike times, cell by cell");
    }
}
