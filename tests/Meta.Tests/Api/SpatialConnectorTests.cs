using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using Meta.Spatial;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>The spatial and explicit connectors (spec §4, §5.7, §7 test_connectors) and distance-dependent synapse values in a Space.</summary>
public class SpatialConnectorTests
{
    private static (int Pre, int Post)[] Pairs(Projection prj) =>
        Enumerable.Range(0, prj.Size).Select(k => (prj.PreIndices[k], prj.PostIndices[k])).ToArray();

    private static bool InColumnOrder(Projection prj) =>
        Pairs(prj).Zip(Pairs(prj).Skip(1)).All(p => p.First.Post < p.Second.Post || p.First.Post == p.Second.Post && p.First.Pre <= p.Second.Pre);

    private static Population Cells(Simulation sim, int n, string? label = null) => sim.CreatePopulation(n, new CellType("IF_cond_exp"), label);

    // ------------------------------------------------------------------ test_connectors (§7)

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    public void All_to_all_without_self_connections_has_distance_delays_on_the_default_Line(int n)
    {
        using var sim = NewSimulation(timestep: 0.1, minDelay: 0.1);
        var p = Cells(sim, n);
        var prj = new Projection(p, p, new AllToAllConnector(false), new StaticSynapse(0.01, "0.2+0.3*d"));
        prj.Size.Should().Be(n * (n - 1));
        prj.Space.ToString().Should().Be(new Space().ToString());
        foreach (var (pre, post, values) in prj.GetList("delay"))
            Close(values[0], 0.2 + 0.3 * Math.Abs(pre - post)).Should().BeTrue();
    }

    [Fact]
    public void Issue309_fixed_probability_one_without_self_equals_all_to_all_without_self()
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 5);
        var a = new Projection(p, p, new AllToAllConnector(false));
        var f = new Projection(p, p, new FixedProbabilityConnector(1, false));
        var d = new Projection(p, p, new DistanceDependentProbabilityConnector("1", false));
        f.Size.Should().Be(20);
        Pairs(f).Order().Should().Equal(Pairs(a).Order());
        Pairs(d).Should().Equal(Pairs(a)); // same column order too
    }

    [Fact]
    public void Distance_dependent_delays_and_weights_use_the_projection_space()
    {
        using var sim = NewSimulation(timestep: 0.1, minDelay: 0.1);
        var a = Cells(sim, 3);
        var b = Cells(sim, 3);
        // Post positions become 2·(x + 1): 2, 4, 6; pre at 0, 1, 2.
        var prj = new Projection(a, b, new AllToAllConnector(), new StaticSynapse((Func<double, double>)(d => 0.01 * d), "0.2+0.1*d"),
            space: new Space("x", scaleFactor: 2, offset: 1));
        foreach (var (pre, post, values) in prj.GetList("weight", "delay"))
        {
            double d = Math.Abs(pre - 2.0 * (post + 1));
            values[0].Should().BeApproximately(0.01 * d, 1e-12);
            values[1].Should().BeApproximately(0.2 + 0.1 * d, 1e-9);
        }
        prj.Set("weight", (Func<double, double>)(d => 0.001 * d));
        prj.GetArray("weight")[2, 0].Should().BeApproximately(0.001 * 0, 1e-15); // pre 2 vs post' 2
        prj.GetArray("weight")[0, 2].Should().BeApproximately(0.001 * 6, 1e-15);
    }

    // ------------------------------------------------------------------ DistanceDependentProbabilityConnector

    [Fact]
    public void DDPC_with_a_step_expression_connects_exactly_the_near_pairs()
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 10);
        var prj = new Projection(p, p, new DistanceDependentProbabilityConnector("d <= 1.5", allowSelfConnections: false));
        Pairs(prj).Should().Equal(Enumerable.Range(0, 10).SelectMany(j => Enumerable.Range(0, 10).Where(i => i != j && Math.Abs(i - j) <= 1).Select(i => (i, j))));
    }

    [Fact]
    public void DDPC_honours_periodic_boundaries()
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 10); // x = 0..9, periodic on [0, 10): 0 and 9 are neighbours
        var prj = new Projection(p, p, new DistanceDependentProbabilityConnector("d < 1.01"), space: new Space(periodicBoundaries: [(0, 10), null, null]));
        prj.Size.Should().Be(30);
        Pairs(prj).Should().Contain((9, 0)).And.Contain((0, 9));
        var flat = new Projection(p, p, new DistanceDependentProbabilityConnector("d < 1.01"));
        flat.Size.Should().Be(28);
    }

    [Fact]
    public void DDPC_on_a_grid_with_axes_x_ignores_y()
    {
        using var sim = NewSimulation();
        var g = sim.CreatePopulation(16, new CellType("IF_cond_exp"), new Grid2D(dx: 1, dy: 100));
        var prj = new Projection(g, g, new DistanceDependentProbabilityConnector("d == 0"), space: new Space("x"));
        // Same column (x) of the 4 × 4 grid: 4 × 16 pairs.
        prj.Size.Should().Be(64);
        Pairs(prj).Should().AllSatisfy(p => (p.Pre / 4).Should().Be(p.Post / 4));
    }

    [Fact]
    public void DDPC_connection_probability_follows_the_expression()
    {
        // 300 × 300 cells on a Line: p = 0.5·exp(−d/40). Per distance band the count is a sum of independent Bernoullis:
        // expected Σp, SD √Σp(1−p); every band must lie within 4 SD (a false alarm about once in 15 000 bands).
        using var sim = NewSimulation(seed: 4242);
        var a = Cells(sim, 300);
        var b = Cells(sim, 300);
        var prj = new Projection(a, b, new DistanceDependentProbabilityConnector("0.5*exp(-d/40)"));
        InColumnOrder(prj).Should().BeTrue();
        var bands = new[] { 0.0, 10, 25, 50, 100, 200, 300 };
        for (int k = 0; k + 1 < bands.Length; k++)
        {
            double lo = bands[k], hi = bands[k + 1], mean = 0, variance = 0;
            for (int i = 0; i < 300; i++)
                for (int j = 0; j < 300; j++)
                {
                    double d = Math.Abs(i - j);
                    if (d < lo || d >= hi) continue;
                    double p = 0.5 * Math.Exp(-d / 40);
                    mean += p;
                    variance += p * (1 - p);
                }
            int count = Pairs(prj).Count(x => Math.Abs(x.Pre - x.Post) >= lo && Math.Abs(x.Pre - x.Post) < hi);
            Math.Abs(count - mean).Should().BeLessThanOrEqualTo(4 * Math.Sqrt(variance) + 1, $"band [{lo}, {hi}): {count} vs {mean:0.0}");
        }
    }

    [Fact]
    public void DDPC_function_and_expression_give_the_same_connections_and_clip_above_one()
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 40);
        var e = new Projection(p, p, new DistanceDependentProbabilityConnector("0.3 + 0.01*d"));
        var f = new Projection(p, p, new DistanceDependentProbabilityConnector(d => 0.3 + 0.01 * d) { Rng = new RandomStream(sim.Options.Seed, RandomStreams.Projection(0)) });
        Pairs(f).Should().Equal(Pairs(e));
        var all = new Projection(p, p, new DistanceDependentProbabilityConnector("5"));
        all.Size.Should().Be(1600);
    }

    [Theory]
    [InlineData("d + x", "*DistanceDependentProbabilityConnector*unknown symbol 'x'*'d'*")]
    [InlineData("d +", "*DistanceDependentProbabilityConnector*not a valid expression*")]
    [InlineData("foo(d)", "*DistanceDependentProbabilityConnector*not a valid expression*Unknown function 'foo'*")]
    [InlineData("-1", "*must be ≥ 0 at d = 0*")]
    [InlineData("1 - d", "*must be ≥ 0 at d = 0 and d = 1e12, but 1 - d gives -999999999999 at d = 1e12.")]
    public void DDPC_rejects_bad_expressions_clearly(string expression, string message) =>
        FluentActions.Invoking(() => new DistanceDependentProbabilityConnector(expression)).Should().Throw<InvalidParameterValueException>().WithMessage(message);

    [Fact]
    public void DDPC_with_views_and_assemblies_excludes_the_same_cells()
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 6);
        var q = Cells(sim, 2);
        var view = p[2, 3, 4];
        var prj = new Projection(view, view + q, new DistanceDependentProbabilityConnector("1", allowSelfConnections: false));
        // Post 0..2 are cells 2, 3, 4 (self excluded), post 3, 4 are q's cells.
        prj.Size.Should().Be(3 * 2 + 2 * 3);
        Pairs(prj).Should().NotContain(x => x.Post < 3 && x.Pre == x.Post);
    }

    // ------------------------------------------------------------------ index- and displacement-based

    [Fact]
    public void IndexBasedProbabilityConnector_takes_a_function_or_an_expression()
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 8);
        var diagonal = new Projection(p, p, new IndexBasedProbabilityConnector((Func<int, int, double>)((i, j) => i == j ? 1 : 0)));
        Pairs(diagonal).Should().Equal(Enumerable.Range(0, 8).Select(i => (i, i)));
        var band = new Projection(p, p, new IndexBasedProbabilityConnector(IndexBasedExpression.Parse("abs(i - j) <= 1"), allowSelfConnections: false));
        band.Size.Should().Be(14);
        FluentActions.Invoking(() => IndexBasedExpression.Parse("i + d")).Should().Throw<InvalidParameterValueException>().WithMessage("*'d'*'i', 'j'*");
    }

    [Fact]
    public void DisplacementDependentProbabilityConnector_sees_post_minus_pre()
    {
        using var sim = NewSimulation();
        var g = sim.CreatePopulation(9, new CellType("IF_cond_exp"), new Grid2D()); // 3 × 3, x = k / 3, y = k mod 3
        var right = new Projection(g, g, new DisplacementDependentProbabilityConnector("dx > 0 and dy == 0"));
        right.Size.Should().Be(9);
        var pos = g.Positions;
        Pairs(right).Should().AllSatisfy(p => (pos[0, p.Post] > pos[0, p.Pre] && pos[1, p.Post] == pos[1, p.Pre]).Should().BeTrue());
        var viaFunction = new Projection(g, g, new DisplacementDependentProbabilityConnector((dx, dy, dz) => dx > 0 && dy == 0 ? 1 : 0));
        Pairs(viaFunction).Should().Equal(Pairs(right));
        FluentActions.Invoking(() => new DisplacementDependentProbabilityConnector("d < 1")).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*DisplacementDependentProbabilityConnector*'d'*'dx', 'dy', 'dz'*");
    }

    // ------------------------------------------------------------------ FixedTotalNumberConnector

    [Theory]
    [InlineData(true, true, 500)]
    [InlineData(false, true, 500)]
    [InlineData(false, false, 20)]  // sparse: rejection of repeats
    [InlineData(false, false, 85)]  // dense: partial shuffle of the 90 allowed pairs
    [InlineData(false, false, 90)]
    [InlineData(true, false, 100)]
    public void FixedTotalNumber_makes_exactly_n_connections(bool allowSelf, bool withReplacement, int n)
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 10);
        var prj = new Projection(p, p, new FixedTotalNumberConnector(n, allowSelf, withReplacement));
        prj.Size.Should().Be(n);
        InColumnOrder(prj).Should().BeTrue();
        if (!allowSelf) Pairs(prj).Should().NotContain(x => x.Pre == x.Post);
        if (!withReplacement) Pairs(prj).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void FixedTotalNumber_draws_pairs_uniformly()
    {
        // 20 000 draws over 10 × 10 pairs: each pre (and post) index is hit Binomial(20 000, 0.1) times, SD ≈ 42; allow 4 SD.
        using var sim = NewSimulation(seed: 99);
        var p = Cells(sim, 10);
        var prj = new Projection(p, p, new FixedTotalNumberConnector(20_000));
        double sd = Math.Sqrt(20_000 * 0.1 * 0.9);
        foreach (var g in Pairs(prj).GroupBy(x => x.Pre)) g.Count().Should().BeCloseTo(2000, (uint)(4 * sd));
        foreach (var g in Pairs(prj).GroupBy(x => x.Post)) g.Count().Should().BeCloseTo(2000, (uint)(4 * sd));
    }

    [Fact]
    public void FixedTotalNumber_without_replacement_cannot_exceed_the_allowed_pairs()
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 10);
        FluentActions.Invoking(() => new Projection(p, p, new FixedTotalNumberConnector(91, false, false)))
            .Should().Throw<ConnectionException>().WithMessage("*91 distinct connections*only 90 pairs*");
        var one = Cells(sim, 1);
        FluentActions.Invoking(() => new Projection(one, one, new FixedTotalNumberConnector(1, false)))
            .Should().Throw<ConnectionException>().WithMessage("*no allowed pair*");
        FluentActions.Invoking(() => new FixedTotalNumberConnector(-1)).Should().Throw<InvalidParameterValueException>();
    }

    // ------------------------------------------------------------------ FromFile, Clone, Array

    [Fact]
    public void FromFileConnector_reads_PyNN_text_files()
    {
        using var sim = NewSimulation(timestep: 0.1);
        var a = Cells(sim, 3);
        var b = Cells(sim, 4);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# a comment\n# columns = [\"i\", \"j\", \"delay\", \"weight\"]\n\n0 1 1.5 0.01\n2\t3   2.0 0.02\n# trailing comment\n2 3 2.0 0.03\n");
            var connector = new FromFileConnector(file);
            connector.ColumnNames.Should().Equal("i", "j", "delay", "weight");
            var prj = new Projection(a, b, connector, new StaticSynapse(0.5, 1.0));
            prj.GetList("weight", "delay").Select(r => (r.Pre, r.Post, r.Values[0], r.Values[1]))
                .Should().Equal((0, 1, 0.01, 1.5), (2, 3, 0.02, 2.0), (2, 3, 0.03, 2.0));

            File.WriteAllText(file, "0 0\n1 2\n");
            new Projection(a, b, new FromFileConnector(file), new StaticSynapse(0.5, 1.0)).Weights.Should().Equal(0.5, 0.5);
            File.WriteAllText(file, "# columns = ['i', 'j', 'weight']\n0 0 0.25\n");
            new Projection(a, b, new FromFileConnector(file)).Weights.Should().Equal(0.25);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Projection_save_and_FromFileConnector_round_trip()
    {
        using var sim = NewSimulation(timestep: 0.1);
        var a = Cells(sim, 12);
        var b = Cells(sim, 9);
        var original = new Projection(a, b, new FixedTotalNumberConnector(40),
            new StaticSynapse(new RandomDistribution("uniform", 0.001, 0.01), new RandomDistribution("uniform", 0.5, 3.0)));
        var file = Path.GetTempFileName();
        try
        {
            original.Save(file);
            File.ReadLines(file).First().Should().Be("# columns = [\"i\", \"j\", \"weight\", \"delay\"]");
            var copy = new Projection(a, b, new FromFileConnector(file));
            copy.GetList("weight", "delay").Select(r => (r.Pre, r.Post, r.Values[0], r.Values[1]))
                .Should().Equal(original.GetList("weight", "delay").Select(r => (r.Pre, r.Post, r.Values[0], r.Values[1])));
            original.Save(file, "delay");
            new FromFileConnector(file).ColumnNames.Should().Equal("i", "j", "delay");
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("0 1\n1 x\n", "*line 2*'x' is not a finite number*")]
    [InlineData("0 1\n1 2 3 4 5\n", "*line 2*expected 2 (i j)*got 5*")]
    [InlineData("# columns = [\"i\", \"j\", \"tau\"]\n0 1 3\n", "*line 1*unknown column 'tau'*weight, delay*")]
    [InlineData("# columns = [\"j\", \"i\"]\n0 1\n", "*line 1*first two columns must be \"i\" and \"j\"*")]
    [InlineData("# columns = [\"i\", \"j\", \"weight\"]\n0 1\n", "*line 2*expected 3 values (i, j, weight), got 2*")]
    [InlineData("0 1.5\n", "*line 1*post index must be a non-negative integer*")]
    public void FromFileConnector_errors_name_the_file_and_line(string text, string message)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, text);
            FluentActions.Invoking(() => new FromFileConnector(file)).Should().Throw<InvalidParameterValueException>()
                .WithMessage($"FromFileConnector: '{file}'{message}");
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void FromFileConnector_checks_indices_against_the_projection_and_missing_files()
    {
        using var sim = NewSimulation();
        var a = Cells(sim, 2);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "0 1\n\n1 5\n");
            FluentActions.Invoking(() => new Projection(a, a, new FromFileConnector(file))).Should().Throw<ConnectionException>()
                .WithMessage("*line 3: post index 5 is out of range for a post size of 2*");
        }
        finally { File.Delete(file); }
        FluentActions.Invoking(() => new FromFileConnector(file + ".missing")).Should().Throw<InvalidParameterValueException>().WithMessage("*cannot read*");
    }

    [Fact]
    public void CloneConnector_copies_connectivity_not_weights()
    {
        using var sim = NewSimulation();
        var a = Cells(sim, 20);
        var b = Cells(sim, 15);
        var reference = new Projection(a, b, new FixedProbabilityConnector(0.3), new StaticSynapse(0.01));
        var clone = new Projection(a, b, new CloneConnector(reference), new StaticSynapse(0.05));
        Pairs(clone).Should().Equal(Pairs(reference));
        clone.Weights.Should().AllSatisfy(w => w.Should().Be(0.05));
        FluentActions.Invoking(() => new Projection(b, a, new CloneConnector(reference))).Should().Throw<ConnectionException>().WithMessage("CloneConnector: the pre cells*");
        FluentActions.Invoking(() => new Projection(a, b[0..14], new CloneConnector(reference))).Should().Throw<ConnectionException>().WithMessage("CloneConnector: the post cells*");
        // The same cells through a view are fine.
        new Projection(a[0..20], b, new CloneConnector(reference)).Size.Should().Be(reference.Size);
    }

    [Fact]
    public void ArrayConnector_connects_the_true_entries_column_by_column()
    {
        using var sim = NewSimulation();
        var a = Cells(sim, 2);
        var b = Cells(sim, 3);
        var prj = new Projection(a, b, new ArrayConnector(new[,] { { true, false, true }, { true, true, false } }));
        Pairs(prj).Should().Equal((0, 0), (1, 0), (1, 1), (0, 2));
        FluentActions.Invoking(() => new Projection(a, b, new ArrayConnector(new bool[3, 2]))).Should().Throw<ConnectionException>()
            .WithMessage("*shape (3, 2)*(2, 3)*");
    }

    // ------------------------------------------------------------------ SmallWorldConnector

    [Fact]
    public void SmallWorld_without_rewiring_is_the_local_graph()
    {
        using var sim = NewSimulation();
        var p = Cells(sim, 20);
        var prj = new Projection(p, p, new SmallWorldConnector(degree: 2, rewiring: 0, allowSelfConnections: false));
        Pairs(prj).Should().Equal(Enumerable.Range(0, 20).SelectMany(j => Enumerable.Range(0, 20).Where(i => i != j && Math.Abs(i - j) <= 2).Select(i => (i, j))));
    }

    [Fact]
    public void SmallWorld_rewiring_keeps_out_degrees_and_moves_about_the_given_fraction()
    {
        // 200 cells on a Line, degree 2 (4 local targets each, 2·2 + 2·3 + 196·4 = 794 connections). Each connection is rewired with probability 0.3
        // to a uniformly chosen non-target; it lands on a local cell again with probability < 3/195, so the number of non-local
        // connections is Binomial(794, 0.3·(1 − ε)): mean ≈ 238, SD ≈ 13; allow 4 SD.
        using var sim = NewSimulation(seed: 5);
        var p = Cells(sim, 200);
        var prj = new Projection(p, p, new SmallWorldConnector(2, 0.3, allowSelfConnections: false));
        var pairs = Pairs(prj);
        pairs.Length.Should().Be(794);
        pairs.Should().OnlyHaveUniqueItems().And.NotContain(x => x.Pre == x.Post);
        InColumnOrder(prj).Should().BeTrue();
        foreach (var g in pairs.GroupBy(x => x.Pre))
            g.Count().Should().Be(g.Key is 0 or 199 ? 2 : g.Key is 1 or 198 ? 3 : 4);
        int nonLocal = pairs.Count(x => Math.Abs(x.Pre - x.Post) > 2);
        nonLocal.Should().BeCloseTo(238, (uint)(4 * Math.Sqrt(794 * 0.3 * 0.7)));
    }

    [Fact]
    public void SmallWorld_n_connections_fixes_the_out_degree()
    {
        using var sim = NewSimulation();
        var g = sim.CreatePopulation(100, new CellType("IF_cond_exp"), new Grid2D());
        var prj = new Projection(g, g, new SmallWorldConnector(1.5, 0.1, allowSelfConnections: false, nConnections: 3));
        prj.Size.Should().Be(300);
        Pairs(prj).GroupBy(x => x.Pre).Should().AllSatisfy(x => x.Count().Should().Be(3));
        FluentActions.Invoking(() => new Projection(g, g, new SmallWorldConnector(1, 0, false, nConnections: 4)))
            .Should().Throw<ConnectionException>().WithMessage("*pre cell 0 has only 2 post cells within degree 1*");
        FluentActions.Invoking(() => new SmallWorldConnector(1, 1.5)).Should().Throw<InvalidParameterValueException>();
        FluentActions.Invoking(() => new SmallWorldConnector(-1, 0)).Should().Throw<InvalidParameterValueException>();
    }

    [Fact]
    public void Random_connectors_are_reproducible_from_the_seed()
    {
        (int, int)[] Run(ulong seed)
        {
            using var sim = NewSimulation(seed: seed);
            var p = Cells(sim, 30);
            _ = new Projection(p, p, new FixedTotalNumberConnector(50));
            return Pairs(new Projection(p, p, new SmallWorldConnector(3, 0.5)))
                .Concat(Pairs(new Projection(p, p, new DistanceDependentProbabilityConnector("exp(-d/5)")))).ToArray();
        }
        Run(1).Should().Equal(Run(1));
        Run(1).Should().NotEqual(Run(2));
    }
}
