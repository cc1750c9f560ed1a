using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Projections;

namespace Meta.Tests.Cli;

/// <summary>Synapse types with dynamics and user synapse models in the network file.</summary>
public class SynapseNetworkFileTests
{
    private const string Populations =
        """
        "populations": [
          {"label": "src", "size": 20, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [5.0, 12.0, 19.0, 26.0, 33.0, 40.0]}},
          {"label": "cell", "size": 1, "cell_type": "IF_cond_exp", "record": ["spikes"]}
        ]
        """;

    private static string Network(string synapse, string models = "") =>
        "{\"simulation\": {\"timestep\": 0.1, \"duration\": 60}, " + models + Populations +
        ", \"projections\": [{\"label\": \"p\", \"pre\": \"src\", \"post\": \"cell\", \"connector\": {\"type\": \"AllToAllConnector\"}, \"synapse\": " +
        synapse + ", \"receptor_type\": \"excitatory\"}]}";

    private static Projection Run(string json)
    {
        var doc = NetworkParser.Parse(json, "test");
        var net = NetworkBuilder.Build(doc, new CpuBackend());
        net.Simulation.Run(60);
        return net.Simulation.Projections.Single();
    }

    [Fact]
    public void Every_standard_type_reads_its_PyNN_parameters()
    {
        Run(Network("""{"type": "TsodyksMarkramSynapse", "weight": 0.01, "delay": 1.0, "U": 0.3, "tau_rec": 500, "tau_facil": 20}"""))
            .Get("U").Should().OnlyContain(u => u == 0.3);
        Run(Network("""{"type": "SimpleStochasticSynapse", "weight": 0.01, "p": 0.25}""")).Get("p").Should().OnlyContain(p => p == 0.25);
        Run(Network("""{"type": "StochasticTsodyksMarkramSynapse", "weight": 0.01, "tau_rec": 50}""")).Get("R").Should().HaveCount(20);
        var quantal = Run(Network("""{"type": "MultiQuantalSynapse", "weight": 0.01, "n": 4, "U": 0.2}"""));
        quantal.Get("n").Should().OnlyContain(n => n == 4);
        quantal.Get("available").Should().OnlyContain(a => a >= 0 && a <= 4 && a == Math.Floor(a), "a count of available sites");
        var stdp = Run(Network("""
            {"type": "STDPMechanism", "weight": 0.004, "delay": 1.0, "dendritic_delay_fraction": 0,
             "timing_dependence": {"type": "SpikePairRule", "tau_plus": 15, "A_plus": 0.02},
             "weight_dependence": {"type": "GutigWeightDependence", "w_max": 0.008, "mu_plus": 0.3}}
            """));
        stdp.Get("tau_plus").Should().OnlyContain(v => v == 15);
        stdp.Get("tau_minus").Should().OnlyContain(v => v == 20, "PyNN's default");
        stdp.Get("mu_plus").Should().OnlyContain(v => v == 0.3);
        stdp.Get("weight").Should().Contain(w => w != 0.004, "the synchronous input makes the cell fire and the synapses learn");
        stdp.Synapse.DendriticDelayFraction.Should().Be(0);
    }

    [Fact]
    public void A_user_synapse_model_runs_from_the_file()
    {
        string models = """
            "synapse_models": {
              "Hebb": {
                "description": "potentiation on coincidence, bounded",
                "parameters": {"tau": 10, "eta": 0.001, "w_max": 0.02},
                "weight": "plastic",
                "states": {"trace": 0},
                "decays": {"trace": "tau"},
                "on_pre": ["trace += 1", "transmit(weight)"],
                "on_post": ["weight = min(weight + eta*trace, w_max)"]
              }
            },
            """;
        var prj = Run(Network("""{"type": "Hebb", "weight": 0.01, "delay": 1.0, "eta": 0.002}""", models));
        prj.Synapse.Name.Should().Be("Hebb");
        prj.Get("eta").Should().OnlyContain(v => v == 0.002);
        prj.Get("weight").Should().OnlyContain(w => w > 0.01 && w <= 0.02);
        prj.Get("trace").Should().OnlyContain(x => x > 0);
    }

    [Theory]
    [InlineData("""{"type": "STDPMechanism", "timing_dependence": {"type": "TripletRule"}, "weight_dependence": {"type": "AdditiveWeightDependence"}}""",
        "projections[0].synapse.timing_dependence.type: unknown timing dependence 'TripletRule'", "SpikePairRule, Vogels2011Rule")]
    [InlineData("""{"type": "STDPMechanism", "timing_dependence": {"type": "Vogels2011Rule"}, "weight_dependence": {"type": "MultiplicativeWeightDependence"}}""",
        "projections[0].synapse.weight_dependence.type", "AdditiveWeightDependence only")]
    [InlineData("""{"type": "STDPMechanism", "timing_dependence": {"type": "SpikePairRule", "tau": 3}, "weight_dependence": {"type": "AdditiveWeightDependence"}}""",
        "projections[0].synapse.timing_dependence.tau: unknown key 'tau'", "tau_plus")]
    [InlineData("""{"type": "TsodyksMarkramSynapse", "tau_recovery": 3}""", "projections[0].synapse.tau_recovery: unknown key", "tau_rec")]
    [InlineData("""{"type": "STDPMechanism", "dendritic_delay_fraction": 2, "timing_dependence": {"type": "SpikePairRule"}, "weight_dependence": {"type": "AdditiveWeightDependence"}}""",
        "projections[0].synapse.dendritic_delay_fraction: expected a number in [0, 1]", "2")]
    public void Bad_synapses_are_refused_naming_the_field_and_the_valid_options(string synapse, string start, string detail)
    {
        var act = () => NetworkParser.Parse(Network(synapse), "test");
        act.Should().Throw<NetworkFormatException>().Where(e => e.Message.StartsWith(start, StringComparison.Ordinal) && e.Message.Contains(detail, StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_user_model_is_refused_with_its_path()
    {
        string models = """
            "synapse_models": {"Bad": {"states": {"x": 0}, "on_pre": ["x += y"]}},
            """;
        var act = () => NetworkParser.Parse(Network("""{"type": "Bad"}""", models), "test");
        act.Should().Throw<NetworkFormatException>().Where(e => e.Message.StartsWith("synapse_models.Bad:", StringComparison.Ordinal) && e.Message.Contains("unknown name 'y'", StringComparison.Ordinal));
    }
}
