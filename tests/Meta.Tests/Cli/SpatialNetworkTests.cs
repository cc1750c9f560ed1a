using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Spatial;

namespace Meta.Tests.Cli;

/// <summary>Structures, positions, spaces and the spatial/explicit connectors in the JSON network format.</summary>
public class SpatialNetworkTests
{
    private static NetworkDocument Parse(string json, string? baseDirectory = null) => NetworkParser.Parse(json, "test", baseDirectory);

    private static BuiltNetwork Build(string json, string? baseDirectory = null) => NetworkBuilder.Build(Parse(json, baseDirectory), new CpuBackend());

    private static string Error(string json, string? baseDirectory = null)
    {
        var act = () => NetworkBuilder.Build(Parse(json, baseDirectory), new CpuBackend()).Dispose();
        return act.Should().Throw<NetworkFormatException>().Which.Message;
    }

    private static string Network(string populationExtra = "", string projection = "") =>
        $$"""
        {"simulation": {"timestep": 0.1, "seed": 11},
         "populations": [{"label": "a", "size": 16, "cell_type": "IF_cond_exp"{{populationExtra}}},
                         {"label": "b", "size": 4, "cell_type": "IF_cond_exp"}],
         "projections": [{{projection}}]}
        """;

    [Fact]
    public void Structures_spaces_and_distance_connectors_build_like_the_API()
    {
        const string json = """
            {"simulation": {"timestep": 0.1, "seed": 11},
             "populations": [
               {"label": "grid", "size": 36, "cell_type": "IF_cond_exp",
                "structure": {"type": "Grid2D", "aspect_ratio": 1, "dx": 10, "dy": 10, "x0": -30, "y0": -30}},
               {"label": "line", "size": 4, "cell_type": "IF_cond_exp", "structure": {"type": "Line", "dx": 2, "y": 1}},
               {"label": "cube", "size": 20, "cell_type": "IF_cond_exp",
                "structure": {"type": "RandomStructure", "boundary": {"type": "Cuboid", "width": 100, "height": 100, "depth": 10}, "origin": [0, 0, 50]}},
               {"label": "ball", "size": 8, "cell_type": "IF_cond_exp", "structure": {"type": "Grid3D", "dx": 5, "z0": 1}},
               {"label": "fixed", "size": 2, "cell_type": "IF_cond_exp", "positions": [[0, 3], [0, 4], [0, 0]]}],
             "projections": [
               {"label": "ddpc", "pre": "grid", "post": "grid",
                "connector": {"type": "DistanceDependentProbabilityConnector", "d_expression": "0.8*exp(-d/15)", "allow_self_connections": false},
                "synapse": {"weight": 0.01, "delay": "0.2 + 0.05*d"},
                "space": {"axes": "xy", "periodic_boundaries": [[-35, 25], [-35, 25], null]}}]}
            """;
        using var net = Build(json);
        var grid = (Population)net.Collections["grid"];
        grid.Structure.Should().BeOfType<Grid2D>();
        (grid.Positions[0, 7], grid.Positions[1, 7]).Should().Be((-20.0, -20.0)); // k = 7, ny = 6: x index 1, y index 1
        ((Population)net.Collections["line"]).Positions[0, 3].Should().Be(6);
        var cube = ((Population)net.Collections["cube"]).Positions;
        Enumerable.Range(0, 20).Should().AllSatisfy(k => cube[2, k].Should().BeInRange(45, 55));
        var ball = ((Population)net.Collections["ball"]).Positions; // 2 × 2 × 2, dx = 5, dz = 1, z0 = 1
        (ball[0, 4], ball[2, 1]).Should().Be((5.0, 2.0));
        ((Population)net.Collections["fixed"]).Positions[1, 1].Should().Be(4);

        var prj = net.Simulation.Projections.Single();
        prj.Space.Axes.Should().Be("xy");
        prj.Space.PeriodicBoundaries[0].Should().Be((-35.0, 25.0));

        // The same network through the API gives the same connections and delays.
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 11 });
        var g = sim.CreatePopulation(36, new CellType("IF_cond_exp"), new Grid2D(1, 10, 10, -30, -30));
        var api = new Projection(g, g, new DistanceDependentProbabilityConnector("0.8*exp(-d/15)", false), new StaticSynapse(0.01, "0.2 + 0.05*d"),
            space: new Space("xy", periodicBoundaries: [(-35, 25), (-35, 25), null]));
        prj.PreIndices.Should().Equal(api.PreIndices);
        prj.PostIndices.Should().Equal(api.PostIndices);
        prj.Delays.Should().Equal(api.Delays);
        prj.Size.Should().BeGreaterThan(50);
    }

    [Fact]
    public void Every_new_connector_is_read_by_its_PyNN_name()
    {
        var dir = Directory.CreateTempSubdirectory("meta-spatial-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "conns.txt"), "# columns = [\"i\", \"j\", \"weight\", \"delay\"]\n0 1 0.02 1.5\n3 2 0.03 2.5\n");
            const string json = """
                {"simulation": {"timestep": 0.1, "seed": 3},
                 "populations": [{"label": "a", "size": 4, "cell_type": "IF_cond_exp"}, {"label": "b", "size": 3, "cell_type": "IF_cond_exp"}],
                 "projections": [
                   {"label": "total", "pre": "a", "post": "b", "connector": {"type": "FixedTotalNumberConnector", "n": 7, "with_replacement": false}},
                   {"label": "file", "pre": "a", "post": "b", "connector": {"type": "FromFileConnector", "file": "conns.txt"}},
                   {"label": "clone", "pre": "a", "post": "b", "connector": {"type": "CloneConnector", "reference_projection": "total"}, "synapse": {"weight": 0.5}},
                   {"label": "array", "pre": "a", "post": "b", "connector": {"type": "ArrayConnector", "array": [[1, 0, 0], [0, 1, 0], [true, false, true], [0, 0, 0]]}},
                   {"label": "index", "pre": "a", "post": "a", "connector": {"type": "IndexBasedProbabilityConnector", "index_expression": "i == j"}},
                   {"label": "disp", "pre": "a", "post": "a", "connector": {"type": "DisplacementDependentProbabilityConnector", "disp_function": "dx == 1"}},
                   {"label": "small", "pre": "a", "post": "a", "connector": {"type": "SmallWorldConnector", "degree": 1, "rewiring": 0, "allow_self_connections": false, "n_connections": 1, "seed": 9}}]}
                """;
            var path = Path.Combine(dir.FullName, "net.json");
            File.WriteAllText(path, json);
            var doc = NetworkParser.ParseFile(path);
            doc.Projections[0].Connector.WithReplacement.Should().BeFalse();
            doc.Projections[1].Connector.File.Should().Be(Path.Combine(dir.FullName, "conns.txt"));
            using var net = NetworkBuilder.Build(doc, new CpuBackend());
            var p = net.Simulation.Projections;
            p[0].Size.Should().Be(7);
            Enumerable.Range(0, 7).Select(k => (p[0].PreIndices[k], p[0].PostIndices[k])).Should().OnlyHaveUniqueItems();
            p[1].Weights.Should().Equal(0.02, 0.03);
            p[1].Delays.Should().Equal(1.5, 2.5);
            p[2].PreIndices.Should().Equal(p[0].PreIndices);
            p[2].PostIndices.Should().Equal(p[0].PostIndices);
            p[2].Weights.Should().AllSatisfy(w => w.Should().Be(0.5));
            p[3].PreIndices.Should().Equal(0, 2, 1, 2);
            p[3].PostIndices.Should().Equal(0, 0, 1, 2);
            p[4].PreIndices.Should().Equal(0, 1, 2, 3);
            p[4].PostIndices.Should().Equal(0, 1, 2, 3);
            p[5].PreIndices.Should().Equal(0, 1, 2);
            p[5].PostIndices.Should().Equal(1, 2, 3);
            p[6].Size.Should().Be(4);
            p[6].Connector.Should().BeOfType<SmallWorldConnector>().Which.Rng.Should().NotBeNull();
        }
        finally { dir.Delete(true); }
    }

    [Theory]
    [InlineData(""", "structure": {"type": "Grid4D"}""", "populations[0].structure.type: unknown structure 'Grid4D' (valid: Line, Grid2D, Grid3D, RandomStructure)*")]
    [InlineData(""", "structure": {"type": "Grid2D", "spacing": 2}""", "populations[0].structure.spacing: unknown key 'spacing' in Grid2D (valid keys: type, aspect_ratio, dx, dy, x0, y0, z, fill_order, seed*")]
    [InlineData(""", "structure": {"type": "Grid2D", "aspect_ratio": 2}""", "populations[0].structure: Grid2D(aspect_ratio=2): a population of 16 cells does not fill the grid*")]
    [InlineData(""", "structure": {"type": "Grid3D"}""", "populations[0].structure: Grid3D*16 cells does not fill the grid*")]
    [InlineData(""", "structure": {"type": "Grid2D", "fill_order": "spiral"}""", "populations[0].structure.fill_order: unknown fill_order 'spiral' (valid: sequential, random)")]
    [InlineData(""", "structure": {"type": "RandomStructure"}""", "populations[0].structure.boundary: missing required field 'boundary'*Cuboid*Sphere*")]
    [InlineData(""", "structure": {"type": "RandomStructure", "boundary": {"type": "Ball", "radius": 1}}""", "populations[0].structure.boundary.type: unknown boundary shape 'Ball' (valid: Cuboid, Sphere)*")]
    [InlineData(""", "structure": {"type": "RandomStructure", "boundary": {"type": "Sphere", "radius": -1}}""", "populations[0].structure.boundary: Sphere: radius must be a positive number*")]
    [InlineData(""", "structure": {"type": "RandomStructure", "boundary": {"type": "Sphere", "radius": 1}, "origin": [1, 2]}""", "populations[0].structure.origin: expected an origin [x, y, z], got 2 values")]
    [InlineData(""", "positions": [[0], [0], [0]]""", "populations[0].positions[0]: expected 16 numbers (one per cell), got 1")]
    [InlineData(""", "positions": [[0]]""", "populations[0].positions: expected an array of 3 arrays*got 1 arrays")]
    [InlineData(""", "structure": {"type": "Line"}, "positions": [[0], [0], [0]]""", "populations[0].positions*")]
    public void Bad_structures_and_positions_name_the_field(string extra, string message) =>
        FluentActions.Invoking(() => Parse(Network(extra))).Should().Throw<NetworkFormatException>().WithMessage(message);

    [Theory]
    [InlineData("""{"axis": "xy"}""", "projections[0].space.axis: unknown key 'axis' in a space (valid keys: axes, scale_factor, offset, periodic_boundaries)*")]
    [InlineData("""{"axes": "xw"}""", "projections[0].space: Space: axes must be a combination of distinct letters x, y and z*")]
    [InlineData("""{"periodic_boundaries": [[0, 10], null]}""", "projections[0].space.periodic_boundaries: expected an array of 3 entries (x, y, z), each null or [min, max], got 2 entries")]
    [InlineData("""{"periodic_boundaries": [[0, 10, 20], null, null]}""", "projections[0].space.periodic_boundaries[0]: expected null or [min, max], got 3 values")]
    [InlineData("""{"periodic_boundaries": [[10, 0], null, null]}""", "projections[0].space: Space: the periodic boundaries of axis x must be finite with max > min*")]
    public void Bad_spaces_name_the_field(string space, string message) =>
        FluentActions.Invoking(() => Parse(Network(projection: $$"""{"pre": "a", "post": "b", "connector": {"type": "AllToAllConnector"}, "space": {{space}}}"""))).Should()
            .Throw<NetworkFormatException>().WithMessage(message);

    [Theory]
    [InlineData("""{"type": "DistanceDependentProbabilityConnector", "d_expression": "exp(-r/10)"}""", "projections[0].connector.d_expression: DistanceDependentProbabilityConnector: d_expression 'exp(-r/10)' uses unknown symbol 'r'; it may use only 'd' (the distance)*")]
    [InlineData("""{"type": "DistanceDependentProbabilityConnector"}""", "projections[0].connector.d_expression: missing required field 'd_expression'*")]
    [InlineData("""{"type": "DistanceDependentProbabilityConnector", "d_expression": "d - 5"}""", "projections[0].connector.d_expression: *must be ≥ 0 at d = 0*")]
    [InlineData("""{"type": "DistanceDependentProbabilityConnector", "d_expression": "1", "p_connect": 1}""", "projections[0].connector.p_connect: unknown key 'p_connect' in DistanceDependentProbabilityConnector (valid keys: type, d_expression, allow_self_connections, seed)*")]
    [InlineData("""{"type": "IndexBasedProbabilityConnector", "index_expression": "k"}""", "projections[0].connector.index_expression: IndexBasedExpression*unknown symbol 'k'*'i', 'j'*")]
    [InlineData("""{"type": "DisplacementDependentProbabilityConnector", "disp_function": "d"}""", "projections[0].connector.disp_function: *unknown symbol 'd'*'dx', 'dy', 'dz'*")]
    [InlineData("""{"type": "FixedTotalNumberConnector", "n": -2}""", "projections[0].connector.n: expected the total number of connections, a non-negative integer, got -2")]
    [InlineData("""{"type": "FromFileConnector", "file": "no-such-file.txt"}""", "projections[0].connector.file: FromFileConnector: cannot read*no-such-file.txt*")]
    [InlineData("""{"type": "CloneConnector", "reference_projection": "nope"}""", "projections[0].connector.reference_projection: no earlier projection labelled 'nope'*")]
    [InlineData("""{"type": "ArrayConnector", "array": [[1, 2]]}""", "projections[0].connector.array[0][1]: expected true/false or 1/0*")]
    [InlineData("""{"type": "ArrayConnector", "array": [[1, 0], [1]]}""", "projections[0].connector.array[1]: all rows must have the same length (2), got 1")]
    [InlineData("""{"type": "SmallWorldConnector", "degree": 1, "rewiring": 2}""", "projections[0].connector: SmallWorldConnector: rewiring must be a probability in [0, 1]*")]
    [InlineData("""{"type": "SmallWorldConnector", "rewiring": 0.1}""", "projections[0].connector.degree: missing required field 'degree'*")]
    [InlineData("""{"type": "CSAConnector"}""", "projections[0].connector.type: connector 'CSAConnector' exists in PyNN but Meta does not provide it*")]
    public void Bad_connectors_name_the_field(string connector, string message) =>
        FluentActions.Invoking(() => Parse(Network(projection: $$"""{"pre": "a", "post": "b", "connector": {{connector}}}"""))).Should()
            .Throw<NetworkFormatException>().WithMessage(message);

    [Fact]
    public void Build_errors_name_the_connector()
    {
        Error(Network(projection: """{"pre": "a", "post": "b", "connector": {"type": "ArrayConnector", "array": [[1, 0, 0, 0]]}}"""))
            .Should().Be("projections[0].connector.array: the array must have 16 rows (one per pre cell) of 4 values (one per post cell), got 1 rows of 4");
        Error(Network(projection: """{"pre": "b", "post": "b", "connector": {"type": "FixedTotalNumberConnector", "n": 17, "with_replacement": false}}"""))
            .Should().StartWith("projections[0].connector: FixedTotalNumberConnector: cannot make 17 distinct connections without replacement: only 16 pairs");
        Error(Network(projection: """
            {"label": "x", "pre": "a", "post": "b", "connector": {"type": "AllToAllConnector"}},
            {"pre": "b", "post": "b", "connector": {"type": "CloneConnector", "reference_projection": "x"}}
            """)).Should().StartWith("projections[1].connector: CloneConnector: the pre cells");
        Error(Network(projection: """{"pre": "a", "post": "a", "connector": {"type": "SmallWorldConnector", "degree": 1, "rewiring": 0, "n_connections": 5}}"""))
            .Should().StartWith("projections[0].connector: SmallWorldConnector: pre cell 0 has only 2 post cells within degree 1");
    }

    [Fact]
    public void Clone_references_must_be_unique_earlier_projections()
    {
        FluentActions.Invoking(() => Parse(Network(projection: """
            {"pre": "a", "post": "b", "connector": {"type": "AllToAllConnector"}},
            {"pre": "a", "post": "b", "connector": {"type": "AllToAllConnector"}},
            {"pre": "a", "post": "b", "connector": {"type": "CloneConnector", "reference_projection": "a→b"}}
            """))).Should().Throw<NetworkFormatException>().WithMessage("projections[2].connector.reference_projection: the projection label 'a→b' is used more than once*");
        using var net = Build(Network(projection: """
            {"pre": "a", "post": "b", "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.5}},
            {"pre": "a", "post": "b", "connector": {"type": "CloneConnector", "reference_projection": "a→b"}}
            """));
        net.Simulation.Projections[1].PreIndices.Should().Equal(net.Simulation.Projections[0].PreIndices);
    }

    [Fact]
    public void The_spatial_example_parses_and_builds()
    {
        var doc = NetworkParser.ParseFile(CliTestSupport.Example("spatial-grid.json"));
        doc.Populations.Should().HaveCount(2);
        doc.Projections.Select(p => p.Connector.Type).Should().Equal(
            "DistanceDependentProbabilityConnector", "DistanceDependentProbabilityConnector", "FixedTotalNumberConnector");
        using var net = NetworkBuilder.Build(doc, new CpuBackend());
        var sheet = (Population)net.Collections["sheet"];
        sheet.Structure.Should().BeOfType<Grid2D>();
        (sheet.Positions[0, 399], sheet.Positions[1, 399]).Should().Be((190.0, 190.0));
        var p = net.Simulation.Projections;
        p[2].Size.Should().Be(2000);
        p[1].Delays.Should().AllSatisfy(d => d.Should().BeInRange(0.2, 0.2 + Math.Sqrt(2) * 200 / 50 + 0.05));
    }
}
