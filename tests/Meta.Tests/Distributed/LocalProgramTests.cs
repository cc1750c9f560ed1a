using Meta.Backends.Cpu;
using Meta.Backends.Programs;
using Meta.Cli.Networks;
using Meta.Distributed;

namespace Meta.Tests.Distributed;

/// <summary>
/// A rank's program (<see cref="LocalProgram"/>) keeps a projection-wide weight or delay as one value
/// (<see cref="RepeatedValue{T}"/>), as the single-process program does, and per-connection values per connection, every delay
/// shortened by the exchange interval.
/// </summary>
public class LocalProgramTests
{
    private static LocalProgram[] Locals(string network, int ranks)
    {
        var locals = new LocalProgram[ranks];
        InProcessDistributionTests.OnEveryRank(ranks, c =>
        {
            using var built = NetworkBuilder.Build(NetworkParser.Parse(network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = c });
            built.Simulation.Run(1.0);
            locals[c.Rank] = built.Simulation.Distribution!.Local;
        });
        return locals;
    }

    [Fact]
    public void A_projection_wide_weight_and_delay_stay_one_value_on_every_rank()
    {
        var locals = Locals(InProcessDistributionTests.WithDelay(0.3), 2);
        foreach (var local in locals)
        {
            local.Lag.Should().Be(3);
            for (int j = 0; j < local.Program.Projections.Count; j++)
            {
                var p = local.Program.Projections[j];
                var global = local.Global.Projections[j];
                p.Count.Should().BeGreaterThan(0);
                p.Weights.Should().BeOfType<RepeatedValue<double>>().Which.Value.Should().Be(((RepeatedValue<double>)global.Weights).Value);
                p.Weights.Count.Should().Be(p.Count);
                p.DelaySteps.Should().BeOfType<RepeatedValue<int>>().Which.Value.Should().Be(0, "3 steps shortened by the interval of 3");
                p.DelaySteps.Count.Should().Be(p.Count);
            }
        }
    }

    [Fact]
    public void Per_connection_delays_are_shortened_by_the_interval_connection_by_connection()
    {
        // The projections' delays are drawn from uniform(0.2, 1.5) and uniform(0.3, 1.0) ms: one per connection.
        var locals = Locals(InProcessDistributionTests.Network, 2);
        foreach (var local in locals)
        {
            local.Lag.Should().BeGreaterThanOrEqualTo(2, "the smallest drawn delay is at least 0.2 ms");
            for (int j = 0; j < local.Program.Projections.Count; j++)
            {
                var p = local.Program.Projections[j];
                var global = local.Global.Projections[j];
                p.DelaySteps.Should().BeOfType<int[]>();
                p.DelaySteps.Should().Contain(d => d > 0, "drawn delays differ");
                int start = local.Start(global.PostGroup);
                var kept = Enumerable.Range(0, global.Count).Where(k => global.PostIndices[k] >= start && global.PostIndices[k] < start + local.Placement.Count(global.PostGroup, local.Rank)).ToArray();
                p.PreIndices.Should().Equal(kept.Select(k => global.PreIndices[k]));
                p.PostIndices.Should().Equal(kept.Select(k => global.PostIndices[k] - start));
                p.DelaySteps.Should().Equal(kept.Select(k => global.DelaySteps[k] - local.Lag));
                p.Weights.Should().Equal(kept.Select(k => global.Weights[k]));
            }
        }
    }

    [Fact]
    public void A_rank_relays_only_the_cells_with_a_connection_onto_its_own_cells()
    {
        // One-to-one: rank r of 2 owns cells [5r, 5r + 5) of a, b and src, and the only connections onto them come from the
        // same positions, so each rank needs the spikes of its own half of a and src only.
        string network = PerRankConnectivityTests.Network("""{"type": "OneToOneConnector"}""", "0.2")
            .Replace("\"size\": 37", "\"size\": 10", StringComparison.Ordinal)
            .Replace("\"size\": 23", "\"size\": 10", StringComparison.Ordinal)
            .Replace("\"size\": 11", "\"size\": 10", StringComparison.Ordinal);
        network.Should().NotContain("37").And.NotContain("23");
        foreach (var local in Locals(network, 2))
        {
            var needed = SpikeExchange.Needed(local);
            int first = 5 * local.Rank;
            foreach (int p in new[] { 0, 2 })
                needed[p].Should().Equal(Enumerable.Range(0, 10).Select(i => i >= first && i < first + 5), $"population {p} on rank {local.Rank}");
            needed[1].Should().BeNull("b sends no spikes, so it has no relay");
        }
    }

    [Fact]
    public void Ranks_that_relay_only_what_they_need_equal_the_single_process_run()
    {
        // Sparse recurrent connections (5 %: about 2 targets per cell): on 3 ranks many cells have no target on some rank,
        // which then does not relay their spikes; rank 0 must still record exactly the single-process spikes and traces.
        string network = InProcessDistributionTests.Network.Replace("\"p_connect\": 0.2", "\"p_connect\": 0.05", StringComparison.Ordinal);
        network.Should().NotBe(InProcessDistributionTests.Network);
        const int ranks = 3;
        var spikes = new double[ranks + 1][][];
        var v = new double[ranks + 1][];
        var unneeded = new int[ranks];
        void Run(ICommunicator? c, int slot)
        {
            using var built = NetworkBuilder.Build(NetworkParser.Parse(network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = c });
            var sim = built.Simulation;
            sim.Run(60);
            if (c is not null) unneeded[c.Rank] = SpikeExchange.Needed(sim.Distribution!.Local)[0]!.Count(n => !n);
            var segment = sim.Populations[0].GetData().Segments[^1];
            spikes[slot] = segment.SpikeTrains.Select(t => t.Times.ToArray()).ToArray();
            v[slot] = sim.Rank == 0 ? segment.Signal("v").Data.ToArray() : [];
        }
        Run(null, ranks);
        InProcessDistributionTests.OnEveryRank(ranks, c => Run(c, c.Rank));

        spikes[ranks].Sum(t => t.Length).Should().BeGreaterThan(20, "the network must spike for the comparison to mean something");
        unneeded.Sum().Should().BeGreaterThan(0, "some cells must have no target on some rank for the test to mean something");
        for (int i = 0; i < spikes[ranks].Length; i++) spikes[0][i].Should().Equal(spikes[ranks][i], $"cell {i}'s spikes");
        v[0].Should().Equal(v[ranks]);
    }
}
