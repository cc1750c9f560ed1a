using Meta.Random;
using Meta.Spatial;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Spatial;

/// <summary>Space (spec §5.7: axes, scale factor, offset, periodic boundaries), structures and population positions.</summary>
public class SpaceAndStructureTests
{
    [Fact]
    public void Default_space_is_Euclidean_over_three_axes()
    {
        var s = new Space();
        s.Distance(0, 0, 0, 3, 4, 12).Should().Be(13);
        s.Displacement(1, 1, 1, 3, 4, 12).Should().Be((2.0, 3.0, 11.0));
        s.ToString().Should().Be("Space(axes='xyz', scale_factor=1, offset=0)");
    }

    [Theory]
    [InlineData("x", 3.0)]
    [InlineData("y", 4.0)]
    [InlineData("xy", 5.0)]
    [InlineData("xz", 12.369316876852981)] // √(9 + 144)
    [InlineData("yz", 12.649110640673518)] // √(16 + 144)
    [InlineData("zyx", 13.0)]
    public void Only_the_selected_axes_count(string axes, double expected)
    {
        var s = new Space(axes);
        s.Distance(0, 0, 0, 3, 4, 12).Should().BeApproximately(expected, 1e-12);
        var (dx, dy, dz) = s.Displacement(0, 0, 0, 3, 4, 12);
        (dx, dy, dz).Should().Be((axes.Contains('x') ? 3.0 : 0, axes.Contains('y') ? 4.0 : 0, axes.Contains('z') ? 12.0 : 0));
    }

    [Fact]
    public void Scale_factor_and_offset_transform_the_post_position_only()
    {
        // B' = 2·(B + 1): post (1, 0, 0) → (4, 2, 2); pre (0, 0, 0).
        var s = new Space(scaleFactor: 2, offset: 1);
        s.Distance(0, 0, 0, 1, 0, 0).Should().BeApproximately(Math.Sqrt(16 + 4 + 4), 1e-12);
        // Not symmetric: pre (1, 0, 0), post (0, 0, 0) → post' = (2, 2, 2).
        s.Distance(1, 0, 0, 0, 0, 0).Should().BeApproximately(Math.Sqrt(1 + 4 + 4), 1e-12);
        s.Displacement(0, 0, 0, 1, 0, 0).Should().Be((4.0, 2.0, 2.0));
    }

    [Fact]
    public void Periodic_boundaries_take_the_shorter_way_round_per_axis()
    {
        var s = new Space(periodicBoundaries: [(-100, 100), (-100, 100), null]);
        s.Distance(-90, 0, 0, 90, 0, 0).Should().BeApproximately(20, 1e-12);
        s.Distance(-50, 0, 0, 50, 0, 0).Should().BeApproximately(100, 1e-12);
        s.Distance(0, -95, 0, 0, 95, 0).Should().BeApproximately(10, 1e-12);
        s.Distance(0, 0, -95, 0, 0, 95).Should().BeApproximately(190, 1e-12); // z is not periodic
        s.Distance(-90, -95, 0, 90, 95, 0).Should().BeApproximately(Math.Sqrt(400 + 100), 1e-12);
        // Displacement: from −90 the short way to 90 goes down by 20.
        s.Displacement(-90, 0, 0, 90, 0, 0).Dx.Should().BeApproximately(-20, 1e-12);
        s.Displacement(90, 0, 0, -90, 0, 0).Dx.Should().BeApproximately(20, 1e-12);
        s.Displacement(-10, 0, 0, 30, 0, 0).Dx.Should().BeApproximately(40, 1e-12);
    }

    [Fact]
    public void Distances_gives_a_pre_by_post_array()
    {
        var s = new Space("x");
        var a = new double[,] { { 0, 1 }, { 0, 0 }, { 0, 0 } };
        var b = new double[,] { { 0, 5, 9 }, { 7, 7, 7 }, { 0, 0, 0 } };
        var d = s.Distances(a, b);
        d.Should().BeEquivalentTo(new double[,] { { 0, 5, 9 }, { 1, 4, 8 } });
        s.Invoking(x => x.Distances(new double[2, 1], b)).Should().Throw<InvalidDimensionsException>();
    }

    [Theory]
    [InlineData("")]
    [InlineData("xx")]
    [InlineData("w")]
    [InlineData("xyzx")]
    public void Bad_axes_are_rejected(string axes) =>
        FluentActions.Invoking(() => new Space(axes)).Should().Throw<InvalidParameterValueException>().WithMessage("*axes*");

    [Fact]
    public void Bad_periodic_boundaries_are_rejected()
    {
        FluentActions.Invoking(() => new Space(periodicBoundaries: [(1, 1), null, null])).Should().Throw<InvalidParameterValueException>().WithMessage("*axis x*");
        FluentActions.Invoking(() => new Space(periodicBoundaries: [null, null])).Should().Throw<InvalidParameterValueException>().WithMessage("*3 entries*");
        FluentActions.Invoking(() => new Space(scaleFactor: double.NaN)).Should().Throw<InvalidParameterValueException>();
    }

    [Fact]
    public void Line_places_cells_along_x()
    {
        var p = new Line(dx: 2.5, x0: -1, y: 3, z: 4).GeneratePositions(4);
        p.Should().BeEquivalentTo(new double[,] { { -1, 1.5, 4, 6.5 }, { 3, 3, 3, 3 }, { 4, 4, 4, 4 } });
    }

    [Fact]
    public void Grid2D_fills_along_y_first()
    {
        // n = 12, aspect ratio 3: nx = √36 = 6, ny = 2. Cell k at (x0 + dx·(k / 2), y0 + dy·(k mod 2), z).
        var g = new Grid2D(aspectRatio: 3, dx: 10, dy: 5, x0: 1, y0: 2, z: 7);
        g.CalculateSize(12).Should().Be((6, 2));
        var p = g.GeneratePositions(12);
        for (int k = 0; k < 12; k++)
            (p[0, k], p[1, k], p[2, k]).Should().Be((1 + 10.0 * (k / 2), 2 + 5.0 * (k % 2), 7.0));
    }

    [Theory]
    [InlineData(10, 1.0)]
    [InlineData(12, 1.0)]
    [InlineData(8, 2.5)]
    public void Grid2D_rejects_sizes_that_do_not_fill_it(int n, double aspect) =>
        new Grid2D(aspect).Invoking(g => g.GeneratePositions(n)).Should().Throw<InvalidParameterValueException>()
            .WithMessage($"Grid2D*{n} cells does not fill the grid*");

    [Fact]
    public void Grid3D_fills_z_first_then_y_then_x()
    {
        // PyNN test_scenario4: Grid3D(1, 5, dx=dy=dz=10, z0=200) for 200 cells: nx = ∛1000 = 10, ny = 10, nz = 2.
        var g = new Grid3D(1, 5, dx: 10, dy: 10, dz: 10, z0: 200);
        g.CalculateSize(200).Should().Be((10, 10, 2));
        var p = g.GeneratePositions(200);
        for (int k = 0; k < 200; k++)
            (p[0, k], p[1, k], p[2, k]).Should().Be((10.0 * (k / 20), 10.0 * (k / 2 % 10), 200 + 10.0 * (k % 2)));
        g.Invoking(x => x.GeneratePositions(199)).Should().Throw<InvalidParameterValueException>().WithMessage("Grid3D*199 cells*");
    }

    [Fact]
    public void Random_fill_order_is_a_seeded_permutation_of_the_grid()
    {
        var sequential = new Grid2D().GeneratePositions(100);
        var shuffled = new Grid2D(fillOrder: FillOrder.Random).GeneratePositions(100, new RandomStream(7, 3));
        var again = new Grid2D(fillOrder: FillOrder.Random) { Rng = new RandomStream(7, 3) }.GeneratePositions(100);
        shuffled.Should().BeEquivalentTo(again, o => o.WithStrictOrdering());
        var cols = (double[,] p) => Enumerable.Range(0, 100).Select(k => (p[0, k], p[1, k])).ToArray();
        cols(shuffled).Order().Should().Equal(cols(sequential).Order());
        cols(shuffled).Should().NotEqual(cols(sequential));
    }

    [Fact]
    public void Random_structures_stay_inside_their_shapes()
    {
        const int n = 4000;
        var cube = new RandomStructure(new Cuboid(500, 200, 100), origin: (10, 20, 30)).GeneratePositions(n, new RandomStream(1));
        for (int k = 0; k < n; k++)
        {
            cube[0, k].Should().BeInRange(-240, 260);
            cube[1, k].Should().BeInRange(-80, 120);
            cube[2, k].Should().BeInRange(-20, 80);
        }
        // Means of uniforms: SD of the mean of x is 500/√12/√n ≈ 2.3; allow 4 SD.
        Enumerable.Range(0, n).Average(k => cube[0, k]).Should().BeApproximately(10, 4 * 500 / Math.Sqrt(12 * n));
        var ball = new RandomStructure(new Sphere(50)).GeneratePositions(n, new RandomStream(2));
        var r = Enumerable.Range(0, n).Select(k => Math.Sqrt(ball[0, k] * ball[0, k] + ball[1, k] * ball[1, k] + ball[2, k] * ball[2, k])).ToArray();
        r.Should().AllSatisfy(x => x.Should().BeLessThanOrEqualTo(50));
        // Uniform in a ball: P(r ≤ R/2) = 1/8; binomial SD √(n·⅛·⅞) ≈ 21; allow 4 SD.
        r.Count(x => x <= 25).Should().BeCloseTo(n / 8, (uint)(4 * Math.Sqrt(n / 8.0 * 7 / 8)));
        FluentActions.Invoking(() => new Sphere(0)).Should().Throw<InvalidParameterValueException>();
        FluentActions.Invoking(() => new Cuboid(1, -1, 1)).Should().Throw<InvalidParameterValueException>();
    }

    [Fact]
    public void Population_structure_and_positions()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(6, new CellType("IF_cond_exp"));
        p.Structure.Should().BeOfType<Line>();
        p.Positions[0, 5].Should().Be(5);
        p.Structure = new Grid2D(aspectRatio: 1.5, dx: 2);
        p.Positions.Should().BeEquivalentTo(new double[,] { { 0, 0, 2, 2, 4, 4 }, { 0, 1, 0, 1, 0, 1 }, { 0, 0, 0, 0, 0, 0 } });
        p.Invoking(x => x.Structure = new Grid2D()).Should().Throw<InvalidParameterValueException>().WithMessage("*6 cells*");
        var explicitPositions = new double[,] { { 1, 2, 3, 4, 5, 6 }, { 0, 0, 0, 0, 0, 0 }, { 9, 9, 9, 9, 9, 9 } };
        p.Positions = explicitPositions;
        p.Structure.Should().BeNull();
        explicitPositions[0, 0] = 100; // copied
        p.Positions[0, 0].Should().Be(1);
        p.Invoking(x => x.Positions = new double[3, 5]).Should().Throw<InvalidDimensionsException>();

        var created = sim.CreatePopulation(8, new CellType("IF_cond_exp"), new Grid3D(), "grid"); // 2 × 2 × 2
        (created.Positions[0, 4], created.Positions[1, 2], created.Positions[2, 1]).Should().Be((1.0, 1.0, 1.0));
        created.Label.Should().Be("grid");
    }

    [Fact]
    public void Views_and_assemblies_expose_and_set_their_cells_positions()
    {
        using var sim = NewSimulation();
        var a = sim.CreatePopulation(4, new CellType("IF_cond_exp"), new Line(dx: 10));
        var b = sim.CreatePopulation(2, new CellType("IF_cond_exp"), new Line(y: 5));
        var view = a[3, 1];
        view.Positions.Should().BeEquivalentTo(new double[,] { { 10, 30 }, { 0, 0 }, { 0, 0 } }, o => o.WithStrictOrdering());
        var assembly = view + b;
        assembly.Positions.Should().BeEquivalentTo(new double[,] { { 10, 30, 0, 1 }, { 0, 0, 5, 5 }, { 0, 0, 0, 0 } }, o => o.WithStrictOrdering());
        view.Positions = new double[,] { { -1, -3 }, { 0, 0 }, { 7, 7 } };
        (a.Positions[0, 1], a.Positions[0, 3], a.Positions[2, 3], a.Positions[0, 2]).Should().Be((-1.0, -3.0, 7.0, 20.0));
        a.Structure.Should().BeNull("positions set through a view no longer follow the structure");
        b.Structure.Should().NotBeNull();
    }

    [Fact]
    public void Random_positions_come_from_the_population_stream_of_the_seed()
    {
        double[,] Positions(ulong seed, int extraPopulations)
        {
            using var sim = NewSimulation(seed: seed);
            for (int k = 0; k < extraPopulations; k++) sim.CreatePopulation(1, new CellType("IF_cond_exp"));
            var p = sim.CreatePopulation(50, new CellType("IF_cond_exp"), new RandomStructure(new Cuboid(1, 1, 1)));
            return p.Positions;
        }
        Positions(5, 0).Should().BeEquivalentTo(Positions(5, 0), o => o.WithStrictOrdering());
        Positions(5, 0).Should().NotBeEquivalentTo(Positions(6, 0));
        Positions(5, 0).Should().NotBeEquivalentTo(Positions(5, 1), "each population index has its own stream");
        var expected = new RandomStructure(new Cuboid(1, 1, 1)).GeneratePositions(50, new RandomStream(5, RandomStreams.Structure(0)));
        Positions(5, 0).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }
}
