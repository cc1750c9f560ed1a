using Meta.Backends.Cpu;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Tests.Distributed;

/// <summary>
/// <see cref="Projection.SetParameterColumn"/> in a distributed run: distributed runs take StaticSynapse only, which has no
/// parameter to set per connection, so a column is refused when it is given (naming the projection and parameter), not at
/// the first run. The ranks are threads (<see cref="ThreadCommunicator"/>): the refusal depends on the number of ranks only.
/// </summary>
public class ParameterColumnRanksTests
{
    [Fact]
    public void A_parameter_column_is_refused_on_two_ranks_naming_the_projection_and_parameter()
    {
        var refusals = new Exception?[2];
        var tauMinus = new double[2][];
        InProcessDistributionTests.OnEveryRank(2, c =>
        {
            using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 3, Threads = 1, Communicator = c });
            var sources = sim.CreatePopulation(4, new CellType("SpikeSourcePoisson").With("rate", 20.0), "sources");
            var cells = sim.CreatePopulation(4, new CellType("IF_curr_exp"), "cells");
            var stdp = new Projection(sources, cells, new AllToAllConnector(),
                new STDPMechanism(new SpikePairRule(20, 20, 0.01, 0.012), new AdditiveWeightDependence(0, 1), 0.5, 1.0), "excitatory", "plastic");
            // The values of this rank's own connections, as the SONATA reader makes them (per target cell).
            double[] column = [.. stdp.PostIndices.Select(j => 10.0 + j)];
            refusals[c.Rank] = Xunit.Record.Exception(() => stdp.SetParameterColumn("tau_minus", column));
            tauMinus[c.Rank] = [.. stdp.Get("tau_minus")];
        });
        refusals.Should().AllSatisfy(e => e.Should().BeOfType<NotSupportedException>().Which.Message.Should()
            .Contain("'plastic'").And.Contain("'tau_minus'").And.Contain("2 ranks").And.Contain("StaticSynapse only"));
        tauMinus.Should().AllSatisfy(t => t.Should().NotBeEmpty().And.OnlyContain(x => x == 20.0, "a refused column changes nothing"));
    }

    [Fact]
    public void One_process_still_takes_the_column()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 3, Threads = 1 });
        var sources = sim.CreatePopulation(4, new CellType("SpikeSourcePoisson").With("rate", 20.0), "sources");
        var cells = sim.CreatePopulation(4, new CellType("IF_curr_exp"), "cells");
        var stdp = new Projection(sources, cells, new AllToAllConnector(),
            new STDPMechanism(new SpikePairRule(20, 20, 0.01, 0.012), new AdditiveWeightDependence(0, 1), 0.5, 1.0), "excitatory", "plastic");
        double[] column = [.. stdp.PostIndices.Select(j => 10.0 + j)];
        stdp.SetParameterColumn("tau_minus", column);
        stdp.Get("tau_minus").Should().Equal(column);
    }
}
