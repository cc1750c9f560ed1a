using Meta.Cli.Networks;
using Meta.Tests.Cli;

namespace Meta.Tests.Compartments;

/// <summary>The JSON network format with the multi-compartment inferior-olive cell.</summary>
public class InferiorOliveNetworkFileTests
{
    [Fact]
    public void Takes_the_cell_by_name_with_compartment_parameters_and_recordings()
    {
        var doc = NetworkParser.Parse("""
            {"populations": [{"label": "io", "size": 2, "cell_type": "DeGruijl2012", "parameters": {"soma.CaL.g": 0.9},
                              "record": ["spikes", "soma.v", "dend.cai"]}]}
            """, "test");
        doc.Populations[0].Record.Select(r => r.Name).Should().Equal("spikes", "soma.v", "dend.cai");
        doc.Populations[0].Parameters.Single().Name.Should().Be("soma.CaL.g");
        FluentActions.Invoking(() => NetworkParser.Parse("""{"populations": [{"label": "io", "size": 1, "cell_type": "DeGruijl2012", "record": ["soma.w"]}]}""", "test"))
            .Should().Throw<NetworkFormatException>().WithMessage("*cannot record 'soma.w' from DeGruijl2012*soma.v*");
    }

    [Fact]
    public void The_example_parses()
    {
        var doc = NetworkParser.ParseFile(CliTestSupport.Example(Path.Combine("inferior-olive", "degruijl2012-cell.json")));
        doc.Name.Should().Be("degruijl2012-cell");
        doc.Populations.Select(p => p.CellType).Should().Equal("DeGruijl2012", "DeGruijl2012");
        doc.Simulation.Duration.Should().Be(3000);
    }
}
