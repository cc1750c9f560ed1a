using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Populations;

namespace Meta.Tests.Cli;

/// <summary>SpikeSourceGamma, SpikeSourcePoissonRefractory and SpikeSourceInhGamma in the JSON network format.</summary>
public class SpikeSourceNetworkTests
{
    private const string Network =
        """
        {"simulation": {"timestep": 0.1, "seed": 9, "duration": 1000},
         "populations": [
           {"label": "gamma", "size": 3, "cell_type": "SpikeSourceGamma", "parameters": {"alpha": 4, "beta": [400, 800, 1200]}, "record": "spikes"},
           {"label": "dead", "size": 2, "cell_type": "SpikeSourcePoissonRefractory",
            "parameters": {"rate": 50, "tau_refrac": 5, "start": 100, "duration": 500}, "record": "spikes"},
           {"label": "inh", "size": 2, "cell_type": "SpikeSourceInhGamma",
            "parameters": {"a": [1, 3], "b": [[0.02, 0.001], [0.05, 0.002]], "tbins": [0, 500]}, "record": "spikes"},
           {"label": "cells", "size": 2, "cell_type": "IF_curr_exp", "record": ["spikes", "v"]}
         ],
         "projections": [
           {"pre": "gamma", "post": "cells", "connector": {"type": "AllToAllConnector"}, "synapse": {"weight": 0.5, "delay": 1.0}},
           {"pre": "inh", "post": "cells", "connector": {"type": "OneToOneConnector"}, "synapse": {"weight": 0.5, "delay": 1.0}}
         ]}
        """;

    [Fact]
    public void The_sources_parse_with_scalar_and_sequence_parameters()
    {
        var doc = NetworkParser.Parse(Network, "test");
        doc.Populations.Select(p => p.CellType).Should().Equal("SpikeSourceGamma", "SpikeSourcePoissonRefractory", "SpikeSourceInhGamma", "IF_curr_exp");
        var inh = doc.Populations[2].Parameters.ToDictionary(p => p.Name, p => p.Value);
        inh["a"].Should().BeOfType<ArraySpec>().Which.Values.Should().Equal(1.0, 3.0);
        var b = inh["b"].Should().BeOfType<MatrixSpec>().Which;
        b.Path.Should().Be("populations[2].parameters.b");
        inh["tbins"].Should().BeOfType<ArraySpec>().Which.Values.Should().Equal(0.0, 500.0);
    }

    [Fact]
    public void The_sources_build_run_and_drive_their_targets()
    {
        var doc = NetworkParser.Parse(Network, "test");
        using var net = NetworkBuilder.Build(doc, new CpuBackend());
        var inh = (Population)net.Collections["inh"];
        inh.GetSequence("b").Should().BeEquivalentTo(new[] { new[] { 0.02, 0.001 }, new[] { 0.05, 0.002 } }, o => o.WithStrictOrdering());
        ((Population)net.Collections["dead"]).Get("tau_refrac").Should().Equal(5.0, 5.0);
        net.Simulation.Run(doc.Simulation.Duration!.Value);

        double[][] Trains(string label) => net.Collections[label].GetData().Segments[^1].SpikeTrains.Select(t => t.Times).ToArray();
        var gamma = Trains("gamma");
        gamma.Select(t => t.Length).Should().SatisfyRespectively(
            n => n.Should().BeInRange(60, 140), n => n.Should().BeInRange(150, 250), n => n.Should().BeInRange(240, 360));
        Trains("dead").Should().AllSatisfy(t => t.Should().NotBeEmpty().And.OnlyContain(x => x >= 105 && x <= 600.05));
        var inhTrains = Trains("inh");
        // Cell 0: 50 Hz (a = 1, b = 0.02 s) for 500 ms, then 333 Hz (a = 3, b = 0.001 s).
        inhTrains[0].Count(x => x < 500).Should().BeInRange(10, 45);
        inhTrains[0].Count(x => x >= 500).Should().BeInRange(120, 215);
        Trains("cells").Sum(t => t.Length).Should().BePositive("the sources drive the cells");
    }

    [Theory]
    [InlineData("""{"populations": [{"label": "s", "size": 1, "cell_type": "SpikeSourceInhGamma", "parameters": {"a": [1, 2], "b": [1, 1], "tbins": [0, 0]}}]}""",
        "populations[0].parameters.tbins: ", "strictly increasing")]
    [InlineData("""{"populations": [{"label": "s", "size": 1, "cell_type": "SpikeSourceInhGamma", "parameters": {"a": [1, 2], "b": [1], "tbins": [0, 10]}}]}""",
        "populations[0]: ", "'a', 'b' and 'tbins' must have the same length")]
    [InlineData("""{"populations": [{"label": "s", "size": 1, "cell_type": "SpikeSourceInhGamma", "parameters": {"b": [-1]}}]}""",
        "populations[0].parameters.b: ", "'b' of SpikeSourceInhGamma", "> 0 s")]
    [InlineData("""{"populations": [{"label": "s", "size": 2, "cell_type": "SpikeSourcePoissonRefractory", "parameters": {"rate": [100, 400], "tau_refrac": 3}}]}""",
        "populations[0]: ", "(cell 1)", "shorter than tau_refrac")]
    [InlineData("""{"populations": [{"label": "s", "size": 1, "cell_type": "SpikeSourceGamma", "parameters": {"alpha": -2}}]}""",
        "populations[0]: ", "'alpha' of SpikeSourceGamma", "> 0")]
    public void Invalid_source_parameters_are_reported_at_their_json_path(string json, string start, params string[] contains)
    {
        var doc = NetworkParser.Parse(json, "test");
        var act = () => NetworkBuilder.Build(doc, new CpuBackend()).Dispose();
        var e = act.Should().Throw<NetworkFormatException>().Which;
        e.Message.Should().StartWith(start);
        foreach (var c in contains) e.Message.Should().Contain(c);
    }
}
