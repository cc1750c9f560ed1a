using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>
/// Once its network is loaded, a static projection drops its own pre and post positions and keeps its connections as a
/// fingerprint, drawing its connector again when it needs them (<see cref="ReplayedConnections"/>), or, when the connector
/// cannot be drawn again (here: one with its own random stream), as the loaded step program's parts
/// (<see cref="ReleasedConnections"/>); either way everything that reads connections by position rebuilds them exactly, and
/// they are released again at the next run.
/// </summary>
public class ReleasedConnectionsTests
{
    /// <summary>
    /// A projection of two parts per side: pre is a view listing two populations' cells out of order, post an assembly of two
    /// populations, so connection order interleaves four parts and positions differ from cell indices.
    /// </summary>
    private static (Simulation Sim, Projection Prj) Network(bool replayable, ulong seed = 11)
    {
        var sim = NewSimulation(timestep: 0.1, minDelay: 0.1, seed: seed);
        var a = sim.CreatePopulation(12, new CellType("IF_cond_exp") { ["i_offset"] = 2.0 }, "a");
        var b = sim.CreatePopulation(9, new CellType("IF_cond_exp"), "b");
        var c = sim.CreatePopulation(7, new CellType("IF_cond_exp"), "c");
        var pre = new Assembly([a[7, 2, 11, 0, 5], b[8, 1, 4, 3]]);
        // A connector with its own stream has moved on since it drew: only the program's parts can give its pairs back.
        var connector = replayable ? new FixedProbabilityConnector(0.5) : new FixedProbabilityConnector(0.5) { Rng = new RandomStream(seed + 1000) };
        var prj = new Projection(pre, b + c, connector,
            new StaticSynapse(new RandomDistribution("uniform", 0.001, 0.004), new RandomDistribution("uniform", 0.1, 0.5)));
        foreach (var p in new[] { a, b, c }) p.Record("spikes");
        return (sim, prj);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void After_a_run_positions_lists_and_arrays_read_back_as_before_and_are_released_again_at_the_next_run(bool replayable)
    {
        var (sim, prj) = Network(replayable);
        using var _ = sim;
        var pre = prj.PreIndices.ToArray();
        var post = prj.PostIndices.ToArray();
        var list = prj.GetList("weight", "delay");
        var array = prj.GetArray("weight");
        var weights = prj.Get("weight");
        pre.Select((i, k) => (i, post[k])).Select(pair => pair.i / 5 * 2 + pair.Item2 / 9).Distinct().Should().HaveCount(4,
            "the connections fall into four population pairs");

        sim.Run(5.0);
        prj.ConnectionsReleased.Should().BeTrue("a static projection keeps its connections as a fingerprint or the loaded program's parts");
        prj.ReleasedWithoutProgramArrays.Should().Be(replayable);
        prj.Size.Should().Be(pre.Length);
        prj.Get("weight").Should().Equal(weights);
        prj.Get("delay").Should().HaveCount(pre.Length);
        prj.ConnectionsReleased.Should().BeTrue("reading one value per connection needs no positions");

        prj.GetList("weight", "delay").Should().BeEquivalentTo(list, o => o.WithStrictOrdering());
        prj.ConnectionsReleased.Should().BeFalse("a list is read by position, so the positions were rebuilt");
        prj.PreIndices.Should().Equal(pre);
        prj.PostIndices.Should().Equal(post);
        prj.GetArray("weight").Should().BeEquivalentTo(array);

        sim.Run(5.0);
        prj.ConnectionsReleased.Should().BeTrue("rebuilt positions are released again before the next run");
        prj.PreIndices.Should().Equal(pre);
        prj.PostIndices.Should().Equal(post);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Setting_a_matrix_after_the_positions_were_released_gives_the_values_and_spikes_of_setting_it_before(bool replayable)
    {
        var matrix = new double[9, 16];
        for (int i = 0; i < 9; i++) for (int j = 0; j < 16; j++) matrix[i, j] = 0.001 * (1 + (i * 16 + j) % 7);

        var (early, earlyPrj) = Network(replayable);
        using var _ = early;
        earlyPrj.Set("weight", matrix);
        earlyPrj.ConnectionsReleased.Should().BeFalse("nothing is released before the network is loaded");
        early.Run(20.0);

        var (late, latePrj) = Network(replayable);
        using var __ = late;
        late.Run(0.0);
        latePrj.ConnectionsReleased.Should().BeTrue();
        latePrj.Set("weight", matrix);
        latePrj.ConnectionsReleased.Should().BeFalse("the matrix is read by position, so the positions were rebuilt");
        late.Run(20.0);

        latePrj.Get("weight").Should().Equal(earlyPrj.Get("weight"));
        latePrj.Get("weight").Distinct().Should().HaveCountGreaterThan(3, "the matrix gives connections different weights");
        var spikes = early.Populations.Select(p => SpikeTimes(p)).ToArray();
        spikes[0].Sum(t => t.Length).Should().BeGreaterThan(0, "population a is driven");
        late.Populations.Select(p => SpikeTimes(p)).Should().BeEquivalentTo(spikes, o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_collection_that_lists_a_cell_twice_keeps_its_positions_unless_its_connector_can_draw_them_again()
    {
        var sim = NewSimulation(timestep: 0.1, seed: 3);
        using var _ = sim;
        var p = sim.CreatePopulation(6, new CellType("IF_cond_exp"), "p");
        var pre = new Assembly([p[0, 1, 2], p[1, 2, 3]]);
        pre.Size.Should().Be(6, "cells 1 and 2 are listed twice");
        var prj = new Projection(pre, p, new FixedProbabilityConnector(0.7) { Rng = new RandomStream(5) }, new StaticSynapse(0.002));
        var replayed = new Projection(pre, p, new AllToAllConnector(), new StaticSynapse(0.003));
        var before = prj.GetList("weight");
        var replayedBefore = replayed.GetList("weight");
        sim.Run(1.0);
        prj.ConnectionsReleased.Should().BeFalse("a position of cell 1 or 2 could not be told from its cell in the program's parts");
        prj.GetList("weight").Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        replayed.ConnectionsReleased.Should().BeTrue("drawing the connector again gives positions, not cells");
        replayed.GetList("weight").Should().BeEquivalentTo(replayedBefore, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Resolve_releases_nothing_and_a_load_releases_each_projection_before_the_next_ones_parts_are_made()
    {
        var sim = NewSimulation(timestep: 0.1, minDelay: 0.1, seed: 5);
        using var _ = sim;
        var a = sim.CreatePopulation(10, new CellType("IF_cond_exp") { ["i_offset"] = 2.0 }, "a");
        var b = sim.CreatePopulation(8, new CellType("IF_cond_exp"), "b");
        var first = new Projection(a, b, new FixedProbabilityConnector(0.5), new StaticSynapse(0.002, 0.2));
        var second = new Projection(b, a, new FixedProbabilityConnector(0.5), new StaticSynapse(0.001, 0.3));

        sim.Resolve();
        first.ConnectionsReleased.Should().BeFalse("the public Resolve (used by sweeps) releases nothing");
        second.ConnectionsReleased.Should().BeFalse();

        // At each release during the load: which projection, and whether each was released by then.
        var seen = new List<(Projection Released, bool First, bool Second)>();
        sim.ReleasedWhileResolvingHook = p => seen.Add((p, first.ConnectionsReleased, second.ConnectionsReleased));
        sim.Run(1.0);
        seen.Should().Equal((first, true, false), (second, true, true));
    }
}
