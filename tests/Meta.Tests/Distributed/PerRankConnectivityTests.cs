using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Distributed;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Tests.Distributed;

/// <summary>
/// A distributed run's rank builds only the connections onto its own cells (docs/architecture.md, "Distributed runs"): for
/// every connector, each rank's projection holds exactly the single-process connections whose post cell it owns (same pre,
/// post, weight and delay, in the same order), so together the ranks hold the network once.
/// </summary>
public class PerRankConnectivityTests
{
    internal static string Network(string connector, string delay) => $$"""
        {
          "name": "per-rank",
          "simulation": {"timestep": 0.1, "min_delay": 0.2, "max_delay": 2.0, "seed": 7, "duration": 10.0},
          "populations": [
            {"label": "a", "size": 37, "cell_type": "IF_cond_exp"},
            {"label": "b", "size": 23, "cell_type": "IF_cond_exp"},
            {"label": "src", "size": 11, "cell_type": "SpikeSourcePoisson", "parameters": {"rate": 50.0} }
          ],
          "projections": [
            {"label": "ab", "pre": "a", "post": "b", "connector": {{connector}},
             "synapse": {"type": "StaticSynapse", "weight": 0.01, "delay": {{delay}} }, "receptor_type": "excitatory"},
            {"label": "sa", "pre": "src", "post": "a", "connector": {{connector}},
             "synapse": {"type": "StaticSynapse", "weight": 0.02, "delay": {{delay}} }, "receptor_type": "excitatory"}
          ]
        }
        """;

    private record Edges(int[] Pre, int[] Post, double[] Weight, double[] Delay, long Total);

    private static Edges[] Build(string json, ICommunicator? communicator)
    {
        using var built = NetworkBuilder.Build(NetworkParser.Parse(json), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = communicator });
        return built.Simulation.Projections.Select(p => new Edges(p.PreIndices.ToArray(), p.PostIndices.ToArray(), p.Get("weight"), p.Get("delay"), p.TotalSize)).ToArray();
    }

    [Theory]
    [InlineData("""{"type": "FixedProbabilityConnector", "p_connect": 0.3}""")]
    [InlineData("""{"type": "AllToAllConnector"}""")]
    [InlineData("""{"type": "FixedNumberPreConnector", "n": 4}""")]
    [InlineData("""{"type": "FixedNumberPostConnector", "n": 5}""")]
    [InlineData("""{"type": "FixedTotalNumberConnector", "n": 90}""")]
    [InlineData("""{"type": "DistanceDependentProbabilityConnector", "d_expression": "0.6*exp(-d/20)"}""")]
    public void Each_rank_holds_exactly_the_single_process_connections_onto_its_cells(string connector)
    {
        foreach (var delay in new[] { "0.5", """{"distribution": "uniform", "low": 0.2, "high": 1.5}""" })
        {
            string json = Network(connector, delay);
            var single = Build(json, null);
            single.Sum(e => e.Pre.Length).Should().BeGreaterThan(20, "the projections must have connections for the comparison to mean something");
            const int ranks = 3;
            var perRank = new Edges[ranks][];
            InProcessDistributionTests.OnEveryRank(ranks, c => perRank[c.Rank] = Build(json, c));

            int[] postSizes = [23, 37];
            for (int j = 0; j < single.Length; j++)
                for (int r = 0; r < ranks; r++)
                {
                    var keep = Enumerable.Range(0, single[j].Pre.Length)
                        .Where(k => Placement.Owns(postSizes[j], single[j].Post[k], r, ranks)).ToArray();
                    var local = perRank[r][j];
                    string why = $"{connector}, delay {delay}, projection {j}, rank {r}";
                    local.Pre.Should().Equal(keep.Select(k => single[j].Pre[k]), why);
                    local.Post.Should().Equal(keep.Select(k => single[j].Post[k]), why);
                    local.Weight.Should().Equal(keep.Select(k => single[j].Weight[k]), why);
                    local.Delay.Should().Equal(keep.Select(k => single[j].Delay[k]), why);
                    local.Total.Should().Be(single[j].Pre.Length, why + ": every rank knows the projection's size");
                }
        }
    }

    [Fact]
    public void Connectors_that_cannot_be_asked_for_targets_say_so()
    {
        new FixedProbabilityConnector(0.1).DrawsPerTarget.Should().BeTrue();
        new AllToAllConnector().DrawsPerTarget.Should().BeTrue();
        new FixedTotalNumberConnector(10).DrawsPerTarget.Should().BeFalse("its draws choose among all pairs at once, so it is run whole and cut");
    }

    [Fact]
    public void Post_targets_know_where_the_last_one_is()
    {
        var targets = new PostTargets([false, true, true, false, false]);
        targets.End.Should().Be(3);
        targets.Count.Should().Be(2);
        targets.Contains(0).Should().BeFalse();
        targets.Contains(2).Should().BeTrue();
        new PostTargets([false, false]).End.Should().Be(0);
    }

    [Fact]
    public void A_rank_refuses_to_set_a_distribution_or_a_list_and_sets_the_per_connection_forms()
    {
        // A rank holds only its connections, so a distribution's draws (one stream over all connections) and a list's positions
        // (all connections, in PyNN's order) would not be the single-process ones: refused by name. A scalar and a pre × post
        // array give each connection its own value, so they are set on the rank's connections as one process sets them.
        string json = Network("""{"type": "FixedProbabilityConnector", "p_connect": 0.3}""", "0.5");
        const int ranks = 2;
        var refused = new List<string>[ranks];
        var weights = new double[ranks][];
        var posts = new int[ranks][];
        InProcessDistributionTests.OnEveryRank(ranks, c =>
        {
            using var built = NetworkBuilder.Build(NetworkParser.Parse(json), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = c });
            var p = built.Simulation.Projections[0];
            p.Size.Should().BeLessThan((int)p.TotalSize, "each rank holds part of the projection");
            refused[c.Rank] = [];
            foreach (var value in new[] { SynapseValue.Random(new RandomDistribution("uniform", 0.01, 0.02)), SynapseValue.List(new double[p.TotalSize]) })
            {
                var act = () => p.Set("weight", value);
                refused[c.Rank].Add(act.Should().Throw<NotSupportedException>().Which.Message);
            }
            var matrix = new double[p.Shape.Pre, p.Shape.Post];
            for (int i = 0; i < p.Shape.Pre; i++) for (int j = 0; j < p.Shape.Post; j++) matrix[i, j] = 0.001 * (1 + j);
            p.Set("weight", SynapseValue.Matrix(matrix));
            weights[c.Rank] = p.Get("weight");
            posts[c.Rank] = p.PostIndices.ToArray();
        });
        foreach (var messages in refused)
            foreach (var message in messages)
                message.Should().Contain("Projection 'ab'").And.Contain("'weight'").And.Contain("distributed run").And.Contain("scalar");
        for (int r = 0; r < ranks; r++)
        {
            weights[r].Should().NotBeEmpty();
            weights[r].Should().Equal(posts[r].Select(j => 0.001 * (1 + j)), $"rank {r} sets the array's value of each of its connections");
        }
    }
}
