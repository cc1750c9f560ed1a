using Meta.Backends.Cpu;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Populations;
using Meta.Random;
using static Meta.Tests.Api.ApiTestSupport;
using static Meta.Tests.Cpu.SynapseTableTests;

namespace Meta.Tests.Cpu;

/// <summary>
/// A projection part in row order (<see cref="SynapseGroupProgram.RowStarts"/>): its pre cells are made from the row starts only
/// when read, the cpu table takes its row starts and post cells as they are, and the load makes the static parts of projections
/// that can draw their connections again in that order (the same connections, sorted stably by pre cell).
/// </summary>
public class RowOrderedPartTests
{
    /// <summary>Pre cells 0, 0, 1, 2, 2, 2 (three pre cells) given as row starts only.</summary>
    private static SynapseGroupProgram RowOrdered(IReadOnlyList<double> weights, IReadOnlyList<int> delays) => new()
    {
        Index = 0, Label = "p", PreGroup = 0, PostGroup = 1, Receptor = 0,
        RowStarts = [0, 2, 3, 6], PostIndices = [3, 2, 0, 1, 1, 4], Weights = weights, DelaySteps = delays,
    };

    private static readonly int[] PreOfRows = [0, 0, 1, 2, 2, 2];

    [Fact]
    public void A_part_given_row_starts_makes_its_pre_cells_from_them_and_releases_and_restores_them_all()
    {
        var p = RowOrdered(new RepeatedValue<double>(0.5, 6), new RepeatedValue<int>(2, 6));
        p.Count.Should().Be(6);
        p.PreIndices.Should().Equal(PreOfRows);
        var copy = p with { Label = "copy" };
        p.ReleaseConnections();
        copy.ConnectionsReleased.Should().BeTrue("a with-copy shares the part's arrays");
        copy.Count.Should().Be(6);
        copy.Invoking(x => x.RowStarts).Should().Throw<InvalidOperationException>().WithMessage("*released*");
        copy.Invoking(x => x.PostIndices).Should().Throw<InvalidOperationException>().WithMessage("*released*");
        p.RestoreConnections([0, 0, 1, 2, 2, 2], [3, 2, 0, 1, 1, 4]);
        copy.RowStarts.Should().BeNull("restored arrays come without row starts");
        copy.PreIndices.Should().Equal(PreOfRows);
    }

    [Fact]
    public void A_part_without_pre_cells_or_row_starts_says_so()
    {
        var p = new SynapseGroupProgram
        {
            Index = 0, Label = "bare", PreGroup = 0, PostGroup = 1, Receptor = 0, PostIndices = [1, 2],
            Weights = new RepeatedValue<double>(0.5, 2), DelaySteps = new RepeatedValue<int>(1, 2),
        };
        p.Invoking(x => x.PreIndices).Should().Throw<InvalidOperationException>().WithMessage("*bare*neither pre cells nor row starts*");
    }

    [Fact]
    public void Row_starts_that_decrease_or_do_not_span_the_connections_are_refused()
    {
        ConnectionRows.CellsOf([0, 2, 3, 6]).Should().Equal(PreOfRows);
        ConnectionRows.CellsOf([0]).Should().BeEmpty();
        var decreasing = () => ConnectionRows.CellsOf([0, 3, 2, 6]);
        decreasing.Should().Throw<ArgumentException>().WithMessage("*decrease at cell 1*");
        var notFromZero = () => ConnectionRows.CellsOf([1, 2]);
        notFromZero.Should().Throw<ArgumentException>();
        var p = RowOrdered(new RepeatedValue<double>(0.5, 6), new RepeatedValue<int>(2, 6));
        var tooFewCells = () => new SynapseTable<double>(p, 2, new InputRing<double>(5, 4));
        tooFewCells.Should().Throw<ArgumentException>().WithMessage("Projection part 'p':*over 2 cells*");
        var short_ = () => new SynapseTable<double>(p with { RowStarts = [0, 2, 3, 5] }, 3, new InputRing<double>(5, 4));
        short_.Should().Throw<ArgumentException>().WithMessage("Projection part 'p':*of 6 connections*");
    }

    [Fact]
    public void Pre_cells_made_from_row_starts_that_do_not_span_the_post_cells_or_decrease_are_an_error_naming_the_part()
    {
        var p = RowOrdered(new RepeatedValue<double>(0.5, 6), new RepeatedValue<int>(2, 6));
        var short_ = () => (p with { RowStarts = [0, 2, 3, 5] }).PreIndices;
        short_.Should().Throw<ArgumentException>().WithMessage("Projection part 'p':*of 6 connections*to 5*");
        var long_ = () => (p with { RowStarts = [0, 2, 3, 7] }).PreIndices;
        long_.Should().Throw<ArgumentException>().WithMessage("Projection part 'p':*of 6 connections*to 7*");
        var decreasing = () => (p with { RowStarts = [0, 3, 2, 6] }).PreIndices;
        decreasing.Should().Throw<ArgumentException>().WithMessage("Projection part 'p': Row starts decrease at cell 1*");
        p.PreIndicesMadeFromRowStarts.Should().BeFalse("the failed reads made nothing");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void New_connections_given_with_a_with_expression_drop_the_old_row_starts_and_deliver_right(bool preFirst)
    {
        double[] weights = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        int[] delays = [1, 3, 2, 1, 1, 3];
        var p = RowOrdered(weights, delays);
        p.RowStarts.Should().Equal([0, 2, 3, 6], "an object initializer keeps the row starts given before the post cells");
        // Other connections, of the same count, not in row order: the old row starts would deliver them to the wrong cells.
        int[] pre = [2, 0, 1, 0, 2, 1], post = [0, 1, 2, 3, 4, 0];
        var q = preFirst ? p with { PreIndices = pre, PostIndices = post } : p with { PostIndices = post, PreIndices = pre };
        q.RowStarts.Should().BeNull();
        q.PreIndices.Should().Equal(pre);
        q.PostIndices.Should().Equal(post);
        (p with { PostIndices = post }).RowStarts.Should().BeNull("new post cells alone belong to other connections too");
        (p with { PreIndices = PreOfRows }).RowStarts.Should().BeNull("new pre cells need not be in the row starts' order");
        var table = new SynapseTable<double>(q, 3, new InputRing<double>(5, 4));
        table.SharesRowStarts.Should().BeFalse();
        var expected = Expected(q, table.Target);
        expected.Should().NotEqual(Expected(p with { PreIndices = PreOfRows, PostIndices = post }, table.Target),
            "the old row starts would deliver otherwise");
        Delivered(table).Should().Equal(expected);
    }

    [Fact]
    public void The_cpu_table_takes_a_row_ordered_part_as_it_is_and_delivers_as_from_pre_cells()
    {
        double[] weights = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        int[] delays = [1, 3, 2, 1, 1, 3];
        var p = RowOrdered(weights, delays);
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        table.SharesRowStarts.Should().BeTrue();
        table.SharesProgramArrays.Should().BeTrue();
        var withPre = p with { PreIndices = PreOfRows };
        Delivered(table).Should().Equal(Expected(withPre, table.Target));

        // New values (in the part's order) after the program's arrays were released and restored, as the host does for an update.
        p.ReleaseConnections();
        p.RestoreConnections(PreOfRows, [3, 2, 0, 1, 1, 4]);
        double[] newWeights = [0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
        table.SetWeights(newWeights);
        table.SetDelays(new double[] { 2, 2, 1, 3, 1, 1 });
        Array.Clear(table.Target.Buffer);
        Delivered(table).Should().Equal(Expected(withPre with { Weights = newWeights, DelaySteps = [2, 2, 1, 3, 1, 1] }, table.Target));
    }

    [Fact]
    public void The_load_makes_a_replayable_static_projection_s_parts_in_row_order_with_the_connections_of_connection_order()
    {
        static (Simulation Sim, Projection Replayed, Projection Kept) Network()
        {
            var sim = NewSimulation(timestep: 0.1, minDelay: 0.1, seed: 23);
            var a = sim.CreatePopulation(30, new CellType("IF_cond_exp"), "a");
            var b = sim.CreatePopulation(20, new CellType("IF_cond_exp"), "b");
            var all = new Assembly([a, b]);
            // Drawn post cell by post cell (not in row order), onto two populations (two parts), weights varying per connection.
            var replayed = new Projection(a, all, new FixedProbabilityConnector(0.3),
                new StaticSynapse(new RandomDistribution("uniform", 0.002, 0.006), 0.5), label: "replayed");
            var kept = new Projection(b, a, new FixedProbabilityConnector(0.3) { Rng = new RandomStream(99) }, new StaticSynapse(0.001, 0.5),
                receptorType: "inhibitory", label: "kept");
            return (sim, replayed, kept);
        }

        var (reference, _, _) = Network();
        using var __ = reference;
        var inConnectionOrder = reference.Resolve().Projections;
        inConnectionOrder.Should().OnlyContain(p => p.RowStarts == null, "the public Resolve keeps connection order");

        var (sim, _, _) = Network();
        using var ___ = sim;
        var made = new List<(string Label, int[]? RowStarts, int[] Pre, int[] Post, double[] Weights)>();
        sim.PartsMadeHook = (_, parts) => made.AddRange(parts.Select(p => (p.Label, p.RowStarts?.ToArray(), p.PreIndices.ToArray(), p.PostIndices.ToArray(), p.Weights.ToArray())));
        sim.Load();
        made.Select(m => m.Label).Should().Equal(inConnectionOrder.Select(p => p.Label));
        made.Should().HaveCount(3, "a→a, a→b and b→a");
        foreach (var (m, reference_) in made.Zip(inConnectionOrder))
        {
            bool replayable = m.Label.StartsWith("replayed", StringComparison.Ordinal);
            (m.RowStarts is not null).Should().Be(replayable, m.Label);
            // The same connections, stably sorted by pre cell for the row-ordered parts, as they were for the others.
            var order = Enumerable.Range(0, reference_.Count).ToArray();
            if (replayable) order = order.OrderBy(k => reference_.PreIndices[k]).ToArray();
            order.Should().NotBeEmpty();
            m.Pre.Should().Equal(order.Select(k => reference_.PreIndices[k]), m.Label);
            m.Post.Should().Equal(order.Select(k => reference_.PostIndices[k]), m.Label);
            m.Weights.Should().Equal(order.Select(k => reference_.Weights[k]), m.Label);
            if (replayable) m.RowStarts.Should().Equal(ConnectionRows.Starts(m.Pre, 30), m.Label);
        }
        made.Where(m => m.RowStarts is not null).Should().Contain(m => !m.Pre.SequenceEqual(inConnectionOrder.Single(p => p.Label == m.Label).PreIndices),
            "the connector draws post cell by post cell, so row order is another order");
    }
}
