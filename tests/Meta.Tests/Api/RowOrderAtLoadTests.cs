using Meta.Backends.Programs;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>
/// The load makes the static parts of replayable projections in row order (<see cref="SynapseGroupProgram.RowStarts"/>): the
/// same connections sorted stably by pre cell, so that results keep their bits (multapses and equal delays included, where the
/// order of additions into one ring slot matters), the cpu engine never makes their pre cells, and the public
/// <see cref="Simulation.Resolve()"/> called after the load leaves the loaded parts alone.
/// </summary>
public class RowOrderAtLoadTests
{
    /// <summary>
    /// Poisson sources onto cells, drawn post cell by post cell with replacement (multapses, not in row order), random weights,
    /// one delay for all (many additions into the same slot of the same cell), a second projection from a list with repeated
    /// pairs; spikes and v recorded.
    /// </summary>
    private static (Simulation Sim, Population Cells, Projection Drawn, Projection Listed) Network(bool rowOrder)
    {
        var sim = NewSimulation(timestep: 0.1, minDelay: 0.1, seed: 41);
        sim.RowOrderAtLoad = rowOrder;
        var sources = sim.CreatePopulation(40, new CellType("SpikeSourcePoisson") { ["rate"] = 80.0 }, "sources");
        var cells = sim.CreatePopulation(12, new CellType("IF_cond_exp"), "cells");
        var drawn = new Projection(sources, cells, new FixedNumberPreConnector(30, withReplacement: true),
            new StaticSynapse(new RandomDistribution("uniform", 0.001, 0.012), 1.0), label: "drawn");
        var pairs = Enumerable.Range(0, 60).Select(k => new double[] { (k * 7) % 40, k % 12, 0.0005 * (1 + k % 5), 1.0 })
            .Concat(Enumerable.Range(0, 20).Select(k => new double[] { (k * 7) % 40, k % 12, 0.0003 * (1 + k % 4), 1.0 }));
        var listed = new Projection(sources, cells, new FromListConnector(pairs, ["weight", "delay"]), new StaticSynapse(),
            receptorType: "inhibitory", label: "listed");
        cells.Record(["spikes", "v"]);
        return (sim, cells, drawn, listed);
    }

    /// <summary>The static parts <paramref name="sim"/>'s load makes, each with whether it is in row order, as they are made.</summary>
    private static List<(SynapseGroupProgram Part, bool InRowOrder)> PartsMade(Simulation sim)
    {
        var made = new List<(SynapseGroupProgram Part, bool InRowOrder)>();
        sim.PartsMadeHook = (_, parts) => made.AddRange(parts.Select(p => (p, p.RowStarts != null)));
        return made;
    }

    private static bool HasMultapses(Projection p) => p.GetList().GroupBy(c => (c.Pre, c.Post)).Any(g => g.Count() > 1);

    [Fact]
    public void Multapses_with_random_weights_and_one_delay_give_the_same_spikes_and_v_bits_in_row_order_as_in_connection_order()
    {
        var (sim, cells, drawn, listed) = Network(rowOrder: true);
        using var disposeSim = sim;
        var made = PartsMade(sim);
        sim.Run(200.0);
        var (reference, refCells, refDrawn, refListed) = Network(rowOrder: false);
        using var disposeReference = reference;
        var inConnectionOrder = PartsMade(reference);
        reference.Run(200.0);

        made.Should().HaveCount(2).And.OnlyContain(p => p.InRowOrder, "both projections are static and replayable");
        inConnectionOrder.Should().HaveCount(2).And.OnlyContain(p => !p.InRowOrder, "row order was switched off");
        HasMultapses(drawn).Should().BeTrue();
        HasMultapses(listed).Should().BeTrue();
        refDrawn.PreIndices.Zip(refDrawn.PreIndices.Skip(1)).Should().Contain(c => c.First > c.Second, "drawn post cell by post cell: not in row order");
        drawn.Get("weight").Should().Equal(refDrawn.Get("weight"));
        listed.Get("weight").Should().Equal(refListed.Get("weight"));
        var spikes = SpikeTimes(cells);
        spikes.Sum(t => t.Length).Should().BeGreaterThan(20, "the cells must fire for the comparison to mean something");
        spikes.Should().BeEquivalentTo(SpikeTimes(refCells), o => o.WithStrictOrdering());
        Signal(cells, "v").Data.Should().Equal(Signal(refCells, "v").Data, (a, b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b));
    }

    [Fact]
    public void The_cpu_load_never_makes_the_pre_cells_of_a_row_ordered_part()
    {
        var (sim, _, _, _) = Network(rowOrder: true);
        using var disposeSim = sim;
        var made = PartsMade(sim);
        sim.Run(10.0);
        made.Should().HaveCount(2).And.OnlyContain(p => p.InRowOrder);
        made.Should().OnlyContain(p => !p.Part.PreIndicesMadeFromRowStarts, "the cpu table takes the row starts as they are");
        sim.LoadedSynapseParts.Should().OnlyContain(p => p.ConnectionsReleased && !p.PreIndicesMadeFromRowStarts);
    }

    [Fact]
    public void Resolve_called_after_the_load_keeps_the_loaded_parts_for_a_later_update()
    {
        static double[] NewWeights(Projection p) => p.Get("weight").Select((w, k) => w * (1 + k % 3)).ToArray();

        var (reference, refCells, refDrawn, _) = Network(rowOrder: true);
        using var disposeReference = reference;
        refDrawn.Set("weight", NewWeights(refDrawn));
        reference.Run(100.0);

        var (sim, cells, drawn, _) = Network(rowOrder: true);
        using var disposeSim = sim;
        sim.Load();
        var loaded = sim.LoadedSynapseParts;
        loaded.Should().HaveCount(2).And.OnlyContain(p => p.ConnectionsReleased, "released after the load");
        var resolved = sim.Resolve();
        resolved.Projections.Should().OnlyContain(p => p.RowStarts == null && !p.ConnectionsReleased, "the public Resolve keeps connection order");
        sim.LoadedSynapseParts.Should().Equal(loaded, (a, b) => ReferenceEquals(a, b), "the loaded parts stay those of the load");
        drawn.Set("weight", NewWeights(drawn));
        sim.Run(100.0);
        var spikes = SpikeTimes(cells);
        spikes.Sum(t => t.Length).Should().BeGreaterThan(10);
        spikes.Should().BeEquivalentTo(SpikeTimes(refCells), o => o.WithStrictOrdering());
        Signal(cells, "v").Data.Should().Equal(Signal(refCells, "v").Data);
    }
}
