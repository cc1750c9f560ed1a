using System.Text.Json;
using Meta.Cli.Networks;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Nestml;

/// <summary>
/// A network file's population may name a NESTML file (<c>"nestml": PATH</c>, relative to the network file), which
/// <c>meta run</c> compiles and runs like any cell type.
/// </summary>
public class NestmlNetworkFileTests
{
    private static string Network(string nestml, string extra = "") => $$$"""
        {"simulation": {"timestep": 0.1, "duration": 100},
         "populations": [
           {"label": "cells", "size": 3, "nestml": {{{JsonSerializer.Serialize(nestml)}}}{{{extra}}},
            "parameters": {"I_e": [0.3, 0.5, 0.7]}, "record": ["spikes", "V_m"]},
           {"label": "input", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [10, 20, 30]}}],
         "projections": [{"pre": "input", "post": "cells", "connector": {"type": "AllToAllConnector"},
                          "synapse": {"type": "StaticSynapse", "weight": 0.2, "delay": 1.0}, "receptor_type": "excitatory"}]}
        """;

    [NestmlFact]
    public void A_population_of_a_nestml_file_runs_from_the_network_file()
    {
        using var temp = new Cli.TempFolder();
        string fixture = NestmlFixtures.File("neurons/iaf_psc_exp_neuron.nestml");
        // A path relative to the network file's folder.
        string file = temp.File("net.json", Network(Path.GetRelativePath(temp.Path, fixture), ", \"cell_type\": \"iaf_psc_exp_neuron\""));
        string outFolder = Path.Combine(temp.Path, "out");
        var (exit, _, stderr) = Run(AppWithCpu(), "run", file, "--out", outFolder, "--no-plots", "--quiet");
        exit.Should().Be(0, stderr);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outFolder, "summary.json")));
        var cells = summary.RootElement.GetProperty("populations").EnumerateArray().First(p => p.GetProperty("label").GetString() == "cells");
        cells.GetProperty("cell_type").GetString().Should().Be("iaf_psc_exp_neuron");
        cells.GetProperty("spikes").GetInt32().Should().BeGreaterThan(3, "0.5 and 0.7 nA drive the cells above threshold");
    }

    [NestmlFact]
    public void A_wrong_name_a_missing_file_and_an_unsupported_model_are_errors_naming_the_field()
    {
        string fixture = NestmlFixtures.File("neurons/iaf_psc_exp_neuron.nestml");
        FluentActions.Invoking(() => NetworkParser.Parse(Network(fixture, ", \"cell_type\": \"IF_curr_exp\"")))
            .Should().Throw<NetworkFormatException>().WithMessage("populations[0].cell_type: *defines the NESTML model 'iaf_psc_exp_neuron', not 'IF_curr_exp'*");
        FluentActions.Invoking(() => NetworkParser.Parse(Network("/no/such/file.nestml")))
            .Should().Throw<NetworkFormatException>().WithMessage("populations[0].nestml: cannot read NESTML file '/no/such/file.nestml'*");
        string rejected = NestmlFixtures.File("synapses/static_synapse.nestml");
        FluentActions.Invoking(() => NetworkParser.Parse(Network(rejected)))
            .Should().Throw<NetworkFormatException>().WithMessage($"populations[0].nestml: {rejected}:39: unsupported NESTML construct: *");
    }
}
