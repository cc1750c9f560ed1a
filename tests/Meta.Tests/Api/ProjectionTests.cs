using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>Projections, connectors and synapse attributes (spec §1.0 weight rule, §2, §4, §5.4, §7 test_connectors etc.).</summary>
public class ProjectionTests
{
    private static (int Pre, int Post)[] Pairs(Projection prj) =>
        Enumerable.Range(0, prj.Size).Select(k => (prj.PreIndices[k], prj.PostIndices[k])).ToArray();

    private static (int Pre, int Post)[] SortedPairs(Projection prj) => Pairs(prj).Order().ToArray();

    private static int CountNonNaN(double[,] a, int? row = null, int? column = null)
    {
        int n = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                if ((row is null || row == i) && (column is null || column == j) && !double.IsNaN(a[i, j])) n++;
        return n;
    }

    private static double NanSum(double[,] a, int? row = null, int? column = null)
    {
        double s = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                if ((row is null || row == i) && (column is null || column == j) && !double.IsNaN(a[i, j])) s += a[i, j];
        return s;
    }

    private static void ShouldEqualWithNaN(double[,] actual, double[,] expected)
    {
        actual.GetLength(0).Should().Be(expected.GetLength(0));
        actual.GetLength(1).Should().Be(expected.GetLength(1));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                if (double.IsNaN(expected[i, j])) double.IsNaN(actual[i, j]).Should().BeTrue($"[{i},{j}] is unconnected");
                else actual[i, j].Should().Be(expected[i, j], $"[{i},{j}]");
    }

    private const double N = double.NaN;

    // ------------------------------------------------------------------ AllToAll, OneToOne

    [Fact]
    public void AllToAll_with_and_without_self_connections()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        var with = new Projection(p, p, new AllToAllConnector());
        var without = new Projection(p, p, new AllToAllConnector(allowSelfConnections: false));
        with.Size.Should().Be(25);
        without.Size.Should().Be(5 * 4);
        Pairs(without).Should().NotContain(c => c.Pre == c.Post).And.OnlyHaveUniqueItems();
        Pairs(with).Should().OnlyHaveUniqueItems();
        with.Shape.Should().Be((5, 5));
        // PyNN's creation order: column by column (post), pre ascending.
        Pairs(with).Take(6).Should().Equal((0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (0, 1));
        // Different populations never make "self" connections.
        var q = sim.CreatePopulation(4, new CellType("IF_cond_exp"));
        new Projection(p, q, new AllToAllConnector(allowSelfConnections: false)).Size.Should().Be(20);
    }

    [Fact]
    public void AllToAll_without_self_on_views_compares_cells_not_positions()
    {
        // issue622: views [2,3,4] → [2,3,4], overlapping views, and a view-plus-view assembly target.
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(6, new CellType("IF_cond_exp"));
        var same = new Projection(p[2..5], p[2..5], new AllToAllConnector(false));
        SortedPairs(same).Should().Equal((0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1));

        var overlapping = new Projection(p[1..4], p[2..5], new AllToAllConnector(false)); // cells 1,2,3 → 2,3,4
        SortedPairs(overlapping).Should().Equal((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 0), (2, 2));

        var target = p[0..2] + p[4..6]; // cells 0,1,4,5
        var toAssembly = new Projection(p[0..2], target, new AllToAllConnector(false)); // cells 0,1 → 0,1,4,5
        SortedPairs(toAssembly).Should().Equal((0, 1), (0, 2), (0, 3), (1, 0), (1, 2), (1, 3));
    }

    [Fact]
    public void OneToOne_connects_i_to_i_and_needs_equal_sizes()
    {
        using var sim = NewSimulation();
        var a = sim.CreatePopulation(4, new CellType("SpikeSourcePoisson"));
        var b = sim.CreatePopulation(4, new CellType("IF_curr_exp"));
        var prj = new Projection(a, b, new OneToOneConnector(), new StaticSynapse(0.5));
        Pairs(prj).Should().Equal((0, 0), (1, 1), (2, 2), (3, 3));
        var c = sim.CreatePopulation(3, new CellType("IF_curr_exp"));
        sim.Invoking(_ => new Projection(a, c, new OneToOneConnector())).Should().Throw<ConnectionException>();
    }

    [Fact]
    public void Spike_sources_cannot_be_targets()
    {
        using var sim = NewSimulation();
        var a = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        var s = sim.CreatePopulation(2, new CellType("SpikeSourceArray"));
        sim.Invoking(_ => new Projection(a, s, new AllToAllConnector())).Should().Throw<ConnectionException>();
    }

    // ------------------------------------------------------------------ FixedProbability

    [Fact]
    public void FixedProbability_one_without_self_equals_AllToAll_without_self()
    {
        // issue309
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        var fp = new Projection(p, p, new FixedProbabilityConnector(1.0, allowSelfConnections: false));
        var all = new Projection(p, p, new AllToAllConnector(allowSelfConnections: false));
        fp.Size.Should().Be(20);
        SortedPairs(fp).Should().Equal(SortedPairs(all));
    }

    [Fact]
    public void FixedProbability_zero_gives_no_connections()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(30, new CellType("IF_cond_exp"));
        new Projection(p, p, new FixedProbabilityConnector(0.0)).Size.Should().Be(0);
        sim.Invoking(_ => new FixedProbabilityConnector(1.5)).Should().Throw<InvalidParameterValueException>();
        sim.Invoking(_ => new FixedProbabilityConnector(-0.1)).Should().Throw<InvalidParameterValueException>();
    }

    [Fact]
    public void FixedProbability_count_per_post_and_total_follow_the_binomial()
    {
        using var sim = NewSimulation();
        const int nPre = 200, nPost = 150;
        const double p = 0.1;
        var pre = sim.CreatePopulation(nPre, new CellType("SpikeSourcePoisson"));
        var post = sim.CreatePopulation(nPost, new CellType("IF_cond_exp"));
        var prj = new Projection(pre, post, new FixedProbabilityConnector(p));
        double mean = nPre * nPost * p, se = Math.Sqrt(nPre * nPost * p * (1 - p));
        prj.Size.Should().BeInRange((int)(mean - 3 * se), (int)(mean + 3 * se));
        Pairs(prj).Should().OnlyHaveUniqueItems();
        // Every post cell gets roughly n_pre·p inputs; the per-column counts have the binomial variance.
        var perPost = Enumerable.Range(0, nPost).Select(j => prj.PostIndices.Count(x => x == j)).ToArray();
        double variance = perPost.Select(c => (c - perPost.Average()) * (c - perPost.Average())).Sum() / (nPost - 1);
        variance.Should().BeInRange(nPre * p * (1 - p) * 0.6, nPre * p * (1 - p) * 1.5);
        // Pre cells are used evenly too (no bias toward low indices).
        double lowHalf = prj.PreIndices.Count(i => i < nPre / 2);
        (lowHalf / prj.Size).Should().BeInRange(0.5 - 3 * Math.Sqrt(0.25 / prj.Size), 0.5 + 3 * Math.Sqrt(0.25 / prj.Size));
    }

    [Fact]
    public void FixedProbability_is_reproducible_from_the_seed_and_changes_with_it()
    {
        (int, int)[] Connect(ulong seed, RandomStream? rng = null)
        {
            using var sim = NewSimulation(seed: seed);
            var p = sim.CreatePopulation(40, new CellType("IF_cond_exp"));
            return Pairs(new Projection(p, p, new FixedProbabilityConnector(0.2) { Rng = rng }));
        }

        Connect(1).Should().Equal(Connect(1));
        Connect(1).Should().NotEqual(Connect(2));
        // A connector's own stream overrides the simulation seed.
        Connect(1, new RandomStream(77)).Should().Equal(Connect(2, new RandomStream(77)));
        Connect(1, new RandomStream(77)).Should().NotEqual(Connect(1, new RandomStream(78)));
    }

    [Fact]
    public void Two_projections_with_the_same_connector_get_different_connections_and_do_not_disturb_each_other()
    {
        // issue672: creating a second projection does not change the first one.
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(30, new CellType("IF_cond_exp"));
        var first = new Projection(p, p, new FixedProbabilityConnector(0.3), new StaticSynapse(0.01));
        var before = first.GetArray("weight");
        var second = new Projection(p, p, new FixedProbabilityConnector(0.3), new StaticSynapse(0.02));
        ShouldEqualWithNaN(first.GetArray("weight"), before);
        Pairs(second).Should().NotEqual(Pairs(first), "each projection draws from its own stream");
    }

    // ------------------------------------------------------------------ FixedNumberPre / Post

    [Fact]
    public void FixedNumberPre_without_replacement_gives_exactly_n_distinct_inputs_per_post()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new FixedNumberPreConnector(3), new StaticSynapse(0.5));
        prj.Size.Should().Be(15);
        Pairs(prj).Should().OnlyHaveUniqueItems();
        var w = prj.GetArray("weight");
        for (int j = 0; j < 5; j++)
        {
            CountNonNaN(w, column: j).Should().Be(3, $"column {j}");
            NanSum(w, column: j).Should().BeApproximately(1.5, 1e-12);
        }
    }

    [Fact]
    public void FixedNumberPost_without_replacement_gives_exactly_n_distinct_targets_per_pre()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new FixedNumberPostConnector(3), new StaticSynapse(0.5));
        prj.Size.Should().Be(15);
        Pairs(prj).Should().OnlyHaveUniqueItems();
        var w = prj.GetArray("weight");
        for (int i = 0; i < 5; i++)
        {
            CountNonNaN(w, row: i).Should().Be(3, $"row {i}");
            NanSum(w, row: i).Should().BeApproximately(1.5, 1e-12);
        }
    }

    [Fact]
    public void FixedNumber_without_self_connections_never_chooses_the_cell_itself()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(6, new CellType("IF_cond_exp"));
        var pre = new Projection(p, p, new FixedNumberPreConnector(5, allowSelfConnections: false));
        var post = new Projection(p, p, new FixedNumberPostConnector(5, allowSelfConnections: false));
        // 5 of the 5 other cells: every non-self pair exactly once.
        SortedPairs(pre).Should().Equal(SortedPairs(new Projection(p, p, new AllToAllConnector(false))));
        SortedPairs(post).Should().Equal(SortedPairs(pre));
        var withReplacement = new Projection(p, p, new FixedNumberPreConnector(20, allowSelfConnections: false, withReplacement: true));
        Pairs(withReplacement).Should().NotContain(c => c.Pre == c.Post);
    }

    [Fact]
    public void FixedNumberPre_with_replacement_gives_n_connections_per_post()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new FixedNumberPreConnector(3, withReplacement: true), new StaticSynapse(0.5));
        prj.Size.Should().Be(3 * 5);
        for (int j = 0; j < 5; j++) prj.PostIndices.Count(x => x == j).Should().Be(3);
        var sum = prj.GetArray("weight", "sum");
        for (int j = 0; j < 5; j++) NanSum(sum, column: j).Should().BeApproximately(1.5, 1e-12);
    }

    [Fact]
    public void FixedNumberPost_with_replacement_sums_and_takes_minimum_of_multiple_synapses()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new FixedNumberPostConnector(9, withReplacement: true), new StaticSynapse(0.5));
        prj.Size.Should().Be(9 * 5);
        Pairs(prj).Distinct().Count().Should().BeLessThan(prj.Size, "9 targets out of 5 must repeat");
        var sum = prj.GetArray("weight", "sum");
        var min = prj.GetArray("weight", "min");
        for (int i = 0; i < 5; i++)
        {
            NanSum(sum, row: i).Should().BeApproximately(4.5, 1e-12);
            for (int j = 0; j < 5; j++)
                if (!double.IsNaN(min[i, j])) min[i, j].Should().Be(0.5);
        }
    }

    [Fact]
    public void FixedNumberPre_without_replacement_and_n_above_N_uses_full_copies_plus_a_partial_draw()
    {
        // Spec §4: without replacement, n//N full copies of all cells plus rng.permutation(cells)[:n%N].
        using var sim = NewSimulation();
        var pre = sim.CreatePopulation(5, new CellType("SpikeSourcePoisson"));
        var post = sim.CreatePopulation(3, new CellType("IF_cond_exp"));
        var prj = new Projection(pre, post, new FixedNumberPreConnector(7), new StaticSynapse(1.0));
        prj.Size.Should().Be(21);
        var w = prj.GetArray("weight", "sum");
        for (int j = 0; j < 3; j++)
        {
            CountNonNaN(w, column: j).Should().Be(5, "every pre cell is used at least once");
            var counts = Enumerable.Range(0, 5).Select(i => (int)w[i, j]).OrderDescending().ToArray();
            counts.Should().Equal(2, 2, 1, 1, 1);
        }
    }

    // ------------------------------------------------------------------ FromList

    [Fact]
    public void FromList_with_two_columns_uses_the_synapse_defaults()
    {
        using var sim = NewSimulation(minDelay: 0.3);
        var a = sim.CreatePopulation(3, new CellType("IF_cond_exp"));
        var b = sim.CreatePopulation(4, new CellType("IF_cond_exp"));
        var prj = new Projection(a, b, new FromListConnector([(0, 3), (2, 1), (2, 1)]), new StaticSynapse(0.25));
        Pairs(prj).Should().Equal((0, 3), (2, 1), (2, 1));
        prj.Weights.Should().Equal(0.25, 0.25, 0.25);
        prj.Delays.Should().AllSatisfy(d => d.Should().BeApproximately(0.3, 1e-12));
        prj.GetArray("weight")[2, 1].Should().Be(0.5, "two synapses are summed by default");
    }

    [Fact]
    public void FromList_with_four_columns_sets_weight_and_delay()
    {
        using var sim = NewSimulation();
        var a = sim.CreatePopulation(3, new CellType("IF_cond_exp"));
        var prj = new Projection(a, a, new FromListConnector([[0, 1, 0.1, 1.5], [1, 2, 0.2, 0.7], [2, 0, 0.3, 2.0]]), new StaticSynapse(0.9, 5.0));
        Pairs(prj).Should().BeEquivalentTo(new[] { (0, 1), (1, 2), (2, 0) });
        var w = prj.GetArray("weight");
        var d = prj.GetArray("delay");
        (w[0, 1], w[1, 2], w[2, 0]).Should().Be((0.1, 0.2, 0.3));
        d[0, 1].Should().BeApproximately(1.5, 1e-12);
        d[1, 2].Should().BeApproximately(0.7, 1e-12);
        d[2, 0].Should().BeApproximately(2.0, 1e-12);
    }

    [Fact]
    public void FromList_index_out_of_range_raises_ConnectionError()
    {
        using var sim = NewSimulation();
        var a = sim.CreatePopulation(3, new CellType("IF_cond_exp"));
        var b = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        sim.Invoking(_ => new Projection(a, b, new FromListConnector([(3, 0)]))).Should().Throw<ConnectionException>();
        sim.Invoking(_ => new Projection(a, b, new FromListConnector([(0, 2)]))).Should().Throw<ConnectionException>();
        sim.Invoking(_ => new Projection(a, b, new FromListConnector([(-1, 0)]))).Should().Throw<ConnectionException>();
        sim.Projections.Should().BeEmpty();
    }

    // ------------------------------------------------------------------ distance expressions

    [Fact]
    public void Distance_expression_delays_on_default_Line_positions()
    {
        // test_connectors all_to_all: delays "0.2+0.3*d" equal 0.2+0.3|i−j|; with dt 0.1 every value lies on the step grid.
        using var sim = NewSimulation(timestep: 0.1, minDelay: 0.1);
        var p = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new AllToAllConnector(false), new StaticSynapse(0.01, "0.2+0.3*d"));
        prj.Size.Should().Be(20);
        foreach (var (pre, post, values) in prj.GetList("delay"))
            Close(values[0], 0.2 + 0.3 * Math.Abs(pre - post)).Should().BeTrue($"delay of ({pre},{post}) is {values[0]}");
    }

    [Fact]
    public void Weight_as_a_function_of_distance_uses_the_population_positions()
    {
        using var sim = NewSimulation();
        var a = sim.CreatePopulation(3, new CellType("IF_cond_exp"));
        var b = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        b.Positions = new double[,] { { 0, 3 }, { 4, 4 }, { 0, 0 } }; // (0,4,0) and (3,4,0)
        var prj = new Projection(a, b, new AllToAllConnector(), new StaticSynapse((Func<double, double>)(d => d)));
        var w = prj.GetArray("weight");
        for (int i = 0; i < 3; i++)
        {
            w[i, 0].Should().BeApproximately(Math.Sqrt(i * i + 16.0), 1e-12);
            w[i, 1].Should().BeApproximately(Math.Sqrt((i - 3.0) * (i - 3.0) + 16.0), 1e-12);
        }
        sim.Invoking(_ => SynapseValue.Expression("0.2 + x")).Should().Throw<InvalidParameterValueException>();
        sim.Invoking(_ => SynapseValue.Expression("0.2 + * d")).Should().Throw<InvalidParameterValueException>();
    }

    [Fact]
    public void Delays_are_rounded_to_the_time_step()
    {
        using var sim = NewSimulation(timestep: 0.1);
        var p = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.0, 0.34));
        prj.Delays.Should().AllSatisfy(d => d.Should().BeApproximately(0.3, 1e-12));
    }

    // ------------------------------------------------------------------ get / set (test_parameter_handling)

    [Fact]
    public void Set_and_get_on_a_fully_connected_projection()
    {
        using var sim = NewSimulation();
        var p1 = sim.CreatePopulation(4, new CellType("IF_cond_exp"));
        var p2 = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        var prj = new Projection(p1, p2, new AllToAllConnector(), new StaticSynapse(0.123, 0.1));
        prj.GetList("weight", "delay").Should().HaveCount(8).And.OnlyContain(r => r.Values[0] == 0.123 && Close(r.Values[1], 0.1, 1e-12, 0));

        var positional = new double[,] { { 0, 1 }, { 2, 3 }, { 4, 5 }, { 6, 7 } };
        prj.Set("weight", positional);
        ShouldEqualWithNaN(prj.GetArray("weight"), positional);

        // A list is applied in connection order, which for PyNN is pre-major (the non-NaN entries of the array, row by row).
        prj.Set("weight", new[] { 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2 });
        ShouldEqualWithNaN(prj.GetArray("weight"), new double[,] { { 0.9, 0.8 }, { 0.7, 0.6 }, { 0.5, 0.4 }, { 0.3, 0.2 } });

        prj.Set("delay", (Func<double, double>)(d => 0.5 + d));
        ShouldEqualWithNaN(prj.GetArray("delay"), new double[,] { { 0.5, 1.5 }, { 1.5, 0.5 }, { 2.5, 1.5 }, { 3.5, 2.5 } });

        // Round trip: the values of GetList, set back as a list, change nothing.
        var list = prj.GetList("weight").Select(r => r.Values[0]).ToArray();
        prj.Set("weight", list);
        ShouldEqualWithNaN(prj.GetArray("weight"), new double[,] { { 0.9, 0.8 }, { 0.7, 0.6 }, { 0.5, 0.4 }, { 0.3, 0.2 } });
    }

    [Fact]
    public void Set_and_get_on_a_partially_connected_projection()
    {
        using var sim = NewSimulation();
        var p1 = sim.CreatePopulation(4, new CellType("IF_cond_exp"));
        var p2 = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        var prj = new Projection(p1, p2, new FromListConnector([(0, 0), (3, 0), (1, 1), (1, 0), (2, 1)]), new StaticSynapse(0.123, 0.1));
        ShouldEqualWithNaN(prj.GetArray("weight"), new double[,] { { 0.123, N }, { 0.123, 0.123 }, { N, 0.123 }, { 0.123, N } });

        var positional = new double[,] { { 0, N }, { 2, 3 }, { N, 5 }, { 6, N } };
        prj.Set("weight", positional);
        ShouldEqualWithNaN(prj.GetArray("weight"), positional);

        prj.Set("weight", new[] { 0.9, 0.8, 0.7, 0.6, 0.5 });
        ShouldEqualWithNaN(prj.GetArray("weight"), new double[,] { { 0.9, N }, { 0.8, 0.7 }, { N, 0.6 }, { 0.5, N } });

        prj.Set("delay", (Func<double, double>)(d => 0.5 + d));
        ShouldEqualWithNaN(prj.GetArray("delay"), new double[,] { { 0.5, N }, { 1.5, 0.5 }, { N, 1.5 }, { 3.5, N } });

        prj.Invoking(x => x.Set("weight", new[] { 1.0, 2.0 })).Should().Throw<InvalidDimensionsException>();
        prj.Invoking(x => x.Set("weight", new double[3, 2])).Should().Throw<InvalidDimensionsException>();
        prj.Invoking(x => x.Set("U", 0.5)).Should().Throw<NonExistentParameterException>();
        prj.Invoking(x => x.GetArray("tau")).Should().Throw<NonExistentParameterException>();
    }

    [Fact]
    public void Multiple_synapses_between_one_pair_get_the_same_array_value_and_combine_on_get()
    {
        using var sim = NewSimulation();
        var p1 = sim.CreatePopulation(4, new CellType("IF_cond_exp"));
        var p2 = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        var prj = new Projection(p1, p2, new FromListConnector([(0, 0), (1, 0), (3, 0), (1, 1), (1, 0), (2, 1)]), new StaticSynapse(0.123, 0.1));
        prj.Set("weight", new double[,] { { 0, N }, { 2, 3 }, { N, 5 }, { 6, N } });
        prj.GetList("weight").Where(r => r.Pre == 1 && r.Post == 0).Select(r => r.Values[0]).Should().Equal(2.0, 2.0);

        prj.GetArray("weight")[1, 0].Should().Be(4.0, "'sum' is the default");
        prj.GetArray("weight", "first")[1, 0].Should().Be(2.0);
        prj.GetArray("weight", "last")[1, 0].Should().Be(2.0);
        prj.GetArray("weight", "min")[1, 0].Should().Be(2.0);
        prj.GetArray("weight", "max")[1, 0].Should().Be(2.0);

        // A list gives each synapse its own value, in (pre, post) order; duplicates keep their creation order.
        prj.Set("weight", new[] { 0.9, 0.8, 0.7, 0.6, 0.5, 0.4 });
        prj.GetArray("weight", "first")[1, 0].Should().Be(0.8);
        prj.GetArray("weight", "last")[1, 0].Should().Be(0.7);
        prj.GetArray("weight", "min")[1, 0].Should().Be(0.7);
        prj.GetArray("weight", "max")[1, 0].Should().Be(0.8);
        prj.GetArray("weight")[1, 0].Should().BeApproximately(1.5, 1e-12);
        ShouldEqualWithNaN(prj.GetArray("weight", "first"), new double[,] { { 0.9, N }, { 0.8, 0.6 }, { N, 0.5 }, { 0.4, N } });

        prj.Invoking(x => x.GetArray("weight", "average")).Should().Throw<InvalidParameterValueException>();
    }

    [Fact]
    public void Set_with_a_distribution_draws_one_value_per_connection()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(6, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new AllToAllConnector());
        prj.Set("weight", new RandomDistribution("uniform", 0.1, 0.2));
        prj.Weights.Should().OnlyContain(w => w >= 0.1 && w < 0.2).And.OnlyHaveUniqueItems();
        prj.Set("delay", new RandomDistribution("uniform_int", 1.0, 4.0));
        prj.Delays.Should().OnlyContain(d => Close(d, 1, 1e-12) || Close(d, 2, 1e-12) || Close(d, 3, 1e-12));
        prj.Delays.Select(d => Math.Round(d)).Distinct().Should().HaveCount(3);
    }

    [Fact]
    public void Set_works_when_one_side_has_a_single_cell()
    {
        // issue302
        using var sim = NewSimulation();
        var p1 = sim.CreatePopulation(1, new CellType("IF_cond_exp"));
        var p5 = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        var prj15 = new Projection(p1, p5, new AllToAllConnector());
        var prj51 = new Projection(p5, p1, new AllToAllConnector());
        prj15.Set("weight", 0.123);
        prj51.Set("weight", 0.123);
        prj15.Weights.Should().Equal(Enumerable.Repeat(0.123, 5));
        prj51.Weights.Should().Equal(Enumerable.Repeat(0.123, 5));
    }

    // ------------------------------------------------------------------ weight sign rule, receptors

    [Fact]
    public void Negative_weight_onto_an_excitatory_receptor_raises()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        var c = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        sim.Invoking(_ => new Projection(p, p, new AllToAllConnector(), new StaticSynapse(-0.1), "excitatory")).Should().Throw<ConnectionException>();
        sim.Invoking(_ => new Projection(p, c, new AllToAllConnector(), new StaticSynapse(-0.1), "excitatory")).Should().Throw<ConnectionException>();
    }

    [Fact]
    public void Positive_weight_onto_an_inhibitory_current_receptor_raises_but_conductances_need_non_negative()
    {
        using var sim = NewSimulation();
        var curr = sim.CreatePopulation(2, new CellType("IF_curr_alpha"));
        var delta = sim.CreatePopulation(2, new CellType("IF_curr_delta"));
        var cond = sim.CreatePopulation(2, new CellType("IF_cond_alpha"));
        sim.Invoking(_ => new Projection(curr, curr, new AllToAllConnector(), new StaticSynapse(0.1), "inhibitory")).Should().Throw<ConnectionException>();
        sim.Invoking(_ => new Projection(curr, delta, new AllToAllConnector(), new StaticSynapse(0.1), "inhibitory")).Should().Throw<ConnectionException>();
        new Projection(curr, curr, new AllToAllConnector(), new StaticSynapse(-0.1), "inhibitory").ReceptorType.Should().Be("inhibitory");

        sim.Invoking(_ => new Projection(curr, cond, new AllToAllConnector(), new StaticSynapse(-0.1), "inhibitory")).Should().Throw<ConnectionException>();
        new Projection(curr, cond, new AllToAllConnector(), new StaticSynapse(0.1), "inhibitory").Weights.Should().OnlyContain(w => w == 0.1);
    }

    [Fact]
    public void Mixed_weight_signs_and_sign_changes_through_set_raise()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        sim.Invoking(_ => new Projection(p, p, new FromListConnector([[0, 0, 0.1, 0.1], [0, 1, -0.1, 0.1]])))
            .Should().Throw<ConnectionException>();
        var exc = new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.1));
        exc.Invoking(x => x.Set("weight", -0.2)).Should().Throw<ConnectionException>();
        exc.Weights.Should().OnlyContain(w => w == 0.1);
        var inh = new Projection(p, p, new AllToAllConnector(), new StaticSynapse(-0.1));
        inh.Invoking(x => x.Set("weight", new[] { -0.1, -0.2, 0.3, -0.4 })).Should().Throw<ConnectionException>();
    }

    [Fact]
    public void Receptor_is_guessed_from_the_weight_sign()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.5)).ReceptorType.Should().Be("excitatory");
        new Projection(p, p, new AllToAllConnector(), new StaticSynapse(-0.5)).ReceptorType.Should().Be("inhibitory");
        new Projection(p, p, new AllToAllConnector()).ReceptorType.Should().Be("excitatory", "the default weight is 0");
        new Projection(p, p, new AllToAllConnector(), new StaticSynapse(-0.5), "default").ReceptorType.Should().Be("inhibitory");
        new Projection(p, p, new AllToAllConnector()).Weights.Should().OnlyContain(w => w == 0.0);
    }

    [Fact]
    public void Unknown_receptor_raises_and_lists_the_valid_ones()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        sim.Invoking(_ => new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.1), "NMDA"))
            .Should().Throw<ConnectionException>()
            .Which.Message.Should().Contain("NMDA").And.Contain("excitatory").And.Contain("inhibitory");
    }

    // ------------------------------------------------------------------ delays

    [Fact]
    public void Delay_outside_min_and_max_delay_raises()
    {
        using var sim = NewSimulation(timestep: 0.1, minDelay: 0.5, maxDelay: 5.0);
        var p = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        sim.Invoking(_ => new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.1, 0.2))).Should().Throw<ConnectionException>();
        sim.Invoking(_ => new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.1, 6.0))).Should().Throw<ConnectionException>();
        sim.Invoking(_ => new Projection(p, p, new FromListConnector([[0, 1, 0.1, 5.5]]))).Should().Throw<ConnectionException>();
        var ok = new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.1, 5.0));
        ok.Delays.Should().OnlyContain(d => Close(d, 5.0, 1e-12, 0));
        ok.Invoking(x => x.Set("delay", 10.0)).Should().Throw<ConnectionException>();
        ok.Invoking(x => x.Set("delay", 0.1)).Should().Throw<ConnectionException>();
        var dflt = new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.1));
        dflt.Delays.Should().OnlyContain(d => Close(d, 0.5, 1e-12, 0), "the default delay is min_delay");
    }

    [Fact]
    public void Default_delay_is_min_delay()
    {
        // issue505
        using var sim = NewSimulation(timestep: 0.05, minDelay: 0.05);
        var p = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new AllToAllConnector());
        prj.GetList("delay").Select(r => r.Values[0]).Should().Equal(0.05, 0.05, 0.05, 0.05);
        using var auto = NewSimulation(timestep: 0.25);
        var q = auto.CreatePopulation(2, new CellType("IF_cond_exp"));
        new Projection(q, q, new AllToAllConnector()).Delays.Should().OnlyContain(d => d == 0.25, "min_delay 'auto' is one time step");
    }

    [Fact]
    public void Projections_cannot_be_added_after_the_first_run()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
        sim.Run(1.0);
        sim.Invoking(_ => new Projection(p, p, new AllToAllConnector())).Should().Throw<InvalidOperationException>();
    }
}
