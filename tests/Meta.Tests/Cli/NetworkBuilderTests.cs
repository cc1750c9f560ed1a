using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Populations;

namespace Meta.Tests.Cli;

public class NetworkBuilderTests
{
    private const string Pops =
        """
        {"label": "exc", "size": 4, "cell_type": "IF_cond_exp"},
        {"label": "inh", "size": 2, "cell_type": "IF_cond_exp"},
        {"label": "src", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [1.0, 2.0]}}
        """;

    private static BuiltNetwork Build(string json, BuildOptions? options = null) =>
        NetworkBuilder.Build(NetworkParser.Parse(json, "test"), new CpuBackend(), options);

    private static NetworkFormatException BuildError(string json, IBackend? backend = null)
    {
        var doc = NetworkParser.Parse(json, "test");
        var act = () => NetworkBuilder.Build(doc, backend ?? new CpuBackend()).Dispose();
        return act.Should().Throw<NetworkFormatException>().Which;
    }

    [Fact]
    public void The_small_example_builds_and_runs_on_the_cpu_backend()
    {
        var doc = NetworkParser.ParseFile(CliTestSupport.Example("small-network.json"));
        using var net = NetworkBuilder.Build(doc, new CpuBackend());
        net.Simulation.Run(doc.Simulation.Duration!.Value);

        var cells = (Population)net.Collections["cells"];
        cells.CellType.Name.Should().Be("IF_curr_alpha");
        cells.Get("i_offset").Should().Equal(0.0, 0.1, 0.2);
        cells.GetInitialValues("v").Should().Equal(-65.0, -64.0, -63.0);
        net.ConnectionCount.Should().Be(6);
        net.Recordings.Select(r => (r.Label, string.Join(",", r.Variables))).Should().Equal(("input", "spikes"), ("cells", "spikes,v"));

        var segment = cells.GetData().Segments[^1];
        var v = segment.Signal("v");
        v.Shape.Should().Be((1001, 3));
        v[0, 1].Should().Be(-64.0);
        segment.SpikeTrains.Should().HaveCount(3);
        segment.SpikeTrains.Sum(t => t.Times.Length).Should().BePositive("the inputs and the DC current drive the cells over threshold");
        net.Collections["input"].GetData().Segments[^1].SpikeTrains.SelectMany(t => t.Times)
            .Should().BeEquivalentTo(new[] { 5.0, 15.0, 25.0, 35.0, 10.0, 20.0, 30.0, 40.0 });
    }

    [Fact]
    public void Parameters_initial_values_and_sequences_reach_the_population()
    {
        using var net = Build("""
            {"simulation": {"seed": 3},
             "populations": [
               {"label": "exc", "size": 3, "cell_type": "IF_cond_exp",
                "parameters": {"tau_m": 15.0, "cm": [0.1, 0.2, 0.3], "v_thresh": {"distribution": "uniform", "low": -52, "high": -48},
                               "tau_refrac": {"distribution": "uniform", "low": 1.0, "high": 2.0, "seed": 17}},
                "initial_values": {"v": [-70, -65, -60]}},
               {"label": "src", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [[1.0, 5.0], [2.0]]}},
               {"label": "shared", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [3.0, 4.0, 5.0]}}]}
            """);
        var exc = net.Collections["exc"];
        exc.Get("tau_m").Should().Equal(15.0, 15.0, 15.0);
        exc.Get("cm").Should().Equal(0.1, 0.2, 0.3);
        exc.Get("v_thresh").Should().OnlyContain(x => x >= -52 && x < -48);
        exc.Get("tau_refrac").Should().OnlyContain(x => x >= 1 && x < 2);
        exc.GetInitialValues("v").Should().Equal(-70.0, -65.0, -60.0);
        net.Collections["src"].GetSequence("spike_times").Should().BeEquivalentTo(new[] { new[] { 1.0, 5.0 }, new[] { 2.0 } }, o => o.WithStrictOrdering());
        net.Collections["shared"].GetSequence("spike_times").Should().AllSatisfy(s => s.Should().Equal(3.0, 4.0, 5.0));
    }

    [Fact]
    public void A_seeded_distribution_ignores_the_simulation_seed_and_an_unseeded_one_follows_it()
    {
        const string json = """
            {"populations": [{"label": "exc", "size": 5, "cell_type": "IF_cond_exp",
              "parameters": {"tau_m": {"distribution": "uniform", "low": 10, "high": 20, "seed": 99},
                             "cm": {"distribution": "uniform", "low": 0.1, "high": 0.2}}}]}
            """;
        using var a = Build(json, new BuildOptions { Seed = 1 });
        using var b = Build(json, new BuildOptions { Seed = 2 });
        using var c = Build(json, new BuildOptions { Seed = 1 });
        a.Collections["exc"].Get("tau_m").Should().Equal(b.Collections["exc"].Get("tau_m"));
        a.Collections["exc"].Get("cm").Should().NotEqual(b.Collections["exc"].Get("cm"));
        a.Collections["exc"].Get("cm").Should().Equal(c.Collections["exc"].Get("cm"));
    }

    [Fact]
    public void Views_and_assemblies_select_the_right_cells()
    {
        using var net = Build($$$"""
            {"populations": [{{{Pops}}}],
             "views": [{"label": "byindex", "population": "exc", "indices": [3, 1]},
                       {"label": "byslice", "population": "all", "slice": [1, null, 2]},
                       {"label": "bymask", "population": "exc", "mask": [true, false, true, false]},
                       {"label": "ofview", "population": "bymask", "indices": [1]}],
             "assemblies": [{"label": "all", "members": ["exc", "inh"]}, {"label": "mixed", "members": ["byindex", "inh"]}]}
            """);
        string Cells(string label) => string.Join(" ", net.Collections[label].Cells.Select(c => $"{c.Population.Label}{c.Index}"));
        Cells("byindex").Should().Be("exc1 exc3");
        Cells("byslice").Should().Be("exc1 exc3 inh1");
        Cells("bymask").Should().Be("exc0 exc2");
        Cells("ofview").Should().Be("exc2");
        Cells("all").Should().Be("exc0 exc1 exc2 exc3 inh0 inh1");
        Cells("mixed").Should().Be("exc1 exc3 inh0 inh1");
        net.Collections["all"].Should().BeOfType<Assembly>().Which.Label.Should().Be("all");
    }

    [Fact]
    public void Connectors_make_the_expected_connections()
    {
        using var net = Build($$$"""
            {"simulation": {"min_delay": 0.1, "max_delay": 5.0},
             "populations": [{{{Pops}}}],
             "projections": [
               {"label": "a2a", "pre": "exc", "post": "inh", "connector": {"type": "AllToAllConnector"}, "synapse": {"weight": 0.5, "delay": 1.0}},
               {"label": "noself", "pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector", "allow_self_connections": false}},
               {"label": "o2o", "pre": "src", "post": "inh", "connector": {"type": "OneToOneConnector"}},
               {"label": "pre", "pre": "exc", "post": "inh", "connector": {"type": "FixedNumberPreConnector", "n": 3}},
               {"label": "post", "pre": "exc", "post": "inh", "connector": {"type": "FixedNumberPostConnector", "n": 1}},
               {"label": "list", "pre": "src", "post": "exc", "connector": {"type": "FromListConnector", "conn_list": [[0, 1], [1, 2, 0.25, 2.0]]},
                "synapse": {"weight": 0.1, "delay": 0.5}},
               {"label": "matrix", "pre": "inh", "post": "inh", "connector": {"type": "AllToAllConnector"},
                "synapse": {"weight": [[1, 2], [3, 4]]}},
               {"label": "inhib", "pre": "inh", "post": "exc", "connector": {"type": "FixedProbabilityConnector", "p_connect": 1.0}, "synapse": {"weight": 0.2},
                "receptor_type": "inhibitory"}
             ]}
            """);
        var p = net.Simulation.Projections.ToDictionary(x => x.Label);
        p["a2a"].Size.Should().Be(8);
        p["a2a"].Weights.Should().OnlyContain(w => w == 0.5);
        p["a2a"].Delays.Should().OnlyContain(d => Math.Abs(d - 1.0) < 1e-9);
        p["noself"].Size.Should().Be(12);
        p["o2o"].GetList().Select(c => (c.Pre, c.Post)).Should().Equal((0, 0), (1, 1));
        p["pre"].Size.Should().Be(6);
        p["post"].Size.Should().Be(4);
        p["list"].GetList("weight", "delay").Select(c => (c.Pre, c.Post, c.Values[0], c.Values[1]))
            .Should().Equal((0, 1, 0.1, 0.5), (1, 2, 0.25, 2.0));
        p["matrix"].GetArray("weight").Should().BeEquivalentTo(new double[,] { { 1, 2 }, { 3, 4 } });
        p["inhib"].ReceptorType.Should().Be("inhibitory");
        p["inhib"].Size.Should().Be(8);
    }

    [Fact]
    public void A_connector_seed_fixes_connectivity_whatever_the_simulation_seed()
    {
        const string json = """
            {"populations": [{"label": "exc", "size": 40, "cell_type": "IF_cond_exp"}],
             "projections": [{"label": "seeded", "pre": "exc", "post": "exc", "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.2, "seed": 1234}},
                             {"label": "free", "pre": "exc", "post": "exc", "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.2}}]}
            """;
        using var a = Build(json, new BuildOptions { Seed = 1 });
        using var b = Build(json, new BuildOptions { Seed = 2 });
        static IEnumerable<(int, int)> Pairs(BuiltNetwork n, int k) => n.Simulation.Projections[k].GetList().Select(c => (c.Pre, c.Post));
        Pairs(a, 0).Should().Equal(Pairs(b, 0));
        Pairs(a, 1).Should().NotEqual(Pairs(b, 1));
        a.Simulation.Options.Seed.Should().Be(1UL);
    }

    [Fact]
    public void Current_sources_and_recording_requests_are_applied()
    {
        using var net = Build($$$"""
            {"simulation": {"duration": 20},
             "populations": [{{{Pops}}}],
             "views": [{"label": "probe", "population": "exc", "indices": [0]}],
             "current_sources": [{"type": "DCSource", "amplitude": 2.0, "start": 5.0, "stop": 15.0, "inject_into": "probe"},
                                 {"type": "StepCurrentSource", "times": [1.0], "amplitudes": [0.1], "inject_into": ["inh"]}],
             "record": [{"cells": "probe", "variables": ["v"], "sampling_interval": 1.0}, {"cells": "probe", "variables": ["spikes", "v"]}]}
            """);
        net.Simulation.CurrentSources.Should().HaveCount(2);
        net.Simulation.CurrentSources[0].Targets.Should().Equal(new[] { (net.Simulation.Populations[0], 0) });
        net.Recordings.Should().ContainSingle().Which.Variables.Should().Equal("v", "spikes");
        net.Simulation.Run(20);
        var v = net.Collections["probe"].GetData(["v"]).Segments[^1].Signal("v");
        v.SamplingPeriod.Should().Be(1.0);
        v.ChannelIndex.Should().Equal(0);
        v.Column(0)[^1].Should().BeGreaterThan(v.Column(0)[0], "the DC current depolarises the cell");
    }

    [Fact]
    public void AC_and_noise_sources_are_built_with_their_parameters_label_and_recording()
    {
        using var net = Build($$$"""
            {"populations": [{{{Pops}}}],
             "current_sources": [{"type": "ACSource", "amplitude": 0.5, "frequency": 100, "offset": 0.1, "phase": 30, "start": 2, "stop": 8,
                                  "inject_into": "exc", "label": "ac", "record": true},
                                 {"type": "NoisyCurrentSource", "mean": 0.5, "stdev": 0.25, "dt": 1.0, "inject_into": "inh"}]}
            """);
        var ac = net.Simulation.CurrentSources[0].Should().BeOfType<Meta.CurrentSources.ACSource>().Subject;
        (ac.Amplitude, ac.Frequency, ac.Offset, ac.Phase, ac.Start, ac.Stop, ac.Label, ac.IsRecording).Should().Be((0.5, 100.0, 0.1, 30.0, 2.0, 8.0, "ac", true));
        var noise = net.Simulation.CurrentSources[1].Should().BeOfType<Meta.CurrentSources.NoisyCurrentSource>().Subject;
        (noise.Mean, noise.Stdev, noise.Dt, noise.Label, noise.IsRecording).Should().Be((0.5, 0.25, 1.0, "current_source_1", false));
        net.RecordedCurrentSources.Should().Equal(ac);
    }

    [Theory]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "parameters": {"tau_m": [1, 2, 3]}}]}""",
        "populations[0].parameters.tau_m: 3 values were given for the 2 cells of population 'exc'")]
    [InlineData("""{"populations": [{"label": "s", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [[1], [2], [3]]}}]}""",
        "populations[0].parameters.spike_times: 3 sequences were given for the 2 cells")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "views": [{"label": "v", "population": "exc", "indices": [0, 5]}]}""",
        "views[0].indices[1]: index 5 is outside 'exc', which has 2 cells (valid: 0 to 1)")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "views": [{"label": "v", "population": "exc", "mask": [true]}]}""",
        "views[0].mask: the mask has 1 values but 'exc' has 2 cells")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "views": [{"label": "a", "population": "b", "slice": [0, 1]}, {"label": "b", "population": "a", "slice": [0, 1]}]}""",
        "views[1].population: circular reference")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}, {"label": "src", "size": 1, "cell_type": "SpikeSourcePoisson"}], "projections": [{"pre": "exc", "post": "src", "connector": {"type": "AllToAllConnector"}}]}""",
        "projections[0].post: 'src' contains spike sources")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "receptor_type": "AMPA"}]}""",
        "projections[0].receptor_type: unknown receptor type 'AMPA' for 'exc' (valid: excitatory, inhibitory)")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "synapse": {"weight": -0.1}}]}""",
        "projections[0].synapse.weight: weight -0.1 onto the 'inhibitory' receptor of the conductance-based cells of 'exc' must be ≥ 0")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_curr_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "synapse": {"weight": 0.1}, "receptor_type": "inhibitory"}]}""",
        "projections[0].synapse.weight: weight 0.1 onto the 'inhibitory' receptor of the current-based cells of 'exc' must be ≤ 0")]
    [InlineData("""{"simulation": {"min_delay": 0.5}, "populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "synapse": {"delay": 0.1}}]}""",
        "projections[0].synapse.delay: delay 0.1 ms is out of range [0.5, ∞] ms")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}, {"label": "src", "size": 2, "cell_type": "SpikeSourceArray"}], "projections": [{"pre": "src", "post": "exc", "connector": {"type": "FromListConnector", "conn_list": [[0, 0], [2, 1]]}}]}""",
        "projections[0].connector.conn_list[1][0]: pre index 2 is out of range")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}, {"label": "inh", "size": 3, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "inh", "connector": {"type": "OneToOneConnector"}}]}""",
        "projections[0].connector.type: OneToOneConnector needs pre and post of equal size")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}, {"label": "src", "size": 1, "cell_type": "SpikeSourceArray"}], "current_sources": [{"type": "DCSource", "inject_into": "src"}]}""",
        "current_sources[0].inject_into: cannot inject current into 'src'")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "record": [{"cells": "exc", "variables": ["spikes", "isyn_exc"]}]}""",
        "record[0].variables[1]: cannot record 'isyn_exc' from 'exc' (IF_cond_exp; recordable: spikes, v, gsyn_exc, gsyn_inh)")]
    // Errors raised by Meta's API, prefixed with the path of the element being built.
    [InlineData("""{"simulation": {"timestep": 0.1, "min_delay": 0.05}, "populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}]}""",
        "simulation: min_delay (0.05 ms) must be at least the timestep")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "record": [{"cells": "exc", "variables": ["v"], "sampling_interval": 0.15}]}""",
        "record[0].sampling_interval: sampling_interval 0.15 ms must be a positive multiple of the timestep")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "FixedNumberPreConnector", "n": {"distribution": "uniform_int", "low": -5, "high": -4}}}]}""",
        "projections[0].connector: FixedNumberPreConnector: n must be ≥ 0")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"label": "neg", "pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "synapse": {"weight": {"distribution": "uniform", "low": -1, "high": -0.5}}, "receptor_type": "excitatory"}]}""",
        "projections[0]: Projection 'neg': weights onto the 'excitatory' receptor")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "synapse": {"weight": [1, 2, 3]}}]}""",
        "projections[0]: ")]
    public void Build_errors_name_the_element_by_json_path(string json, string start) =>
        BuildError(json).Message.Should().StartWith(start);

    [Fact]
    public void What_the_backend_lacks_is_reported_at_the_element()
    {
        var limited = new LimitedBackend(new BackendCapabilities
        {
            CellTypes = new HashSet<string> { "IF_cond_exp" },
            SpikeSources = new HashSet<string>(),
            CurrentSources = new HashSet<string>(),
            SynapseTypes = new HashSet<string> { "StaticSynapse" },
            Precisions = new HashSet<Precision> { Precision.Float64 },
        });
        BuildError("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}, {"label": "src", "size": 2, "cell_type": "SpikeSourcePoisson"}]}""", limited)
            .Message.Should().StartWith("populations[1].cell_type: SpikeSourcePoisson is not supported by backend 'limited'");
        BuildError("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_curr_exp"}]}""", limited)
            .Message.Should().StartWith("populations[0].cell_type: IF_curr_exp is not supported by backend 'limited'").And.Contain("IF_cond_exp");
        BuildError("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "current_sources": [{"type": "DCSource", "inject_into": "exc"}]}""", limited)
            .Message.Should().StartWith("current_sources[0].type: DCSource is not supported by backend 'limited'");
        BuildError("""{"simulation": {"precision": "float32"}, "populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}]}""", limited)
            .Message.Should().StartWith("simulation.precision: precision Float32 is not supported by backend 'limited'");
    }

    [Fact]
    public void PointNeuron_and_array_parameters_come_from_the_network_file()
    {
        const string json = """
            {"simulation": {"timestep": 0.1},
             "populations": [
               {"label": "gif", "size": 2, "cell_type": "GIF_cond_exp", "parameters": {"tau_eta": [2.0, 20.0, 200.0], "a_gamma__1": 3.0}},
               {"label": "pn", "size": 2, "cell_type": "PointNeuron", "neuron": "AdExp",
                "receptors": {"AMPA": {"type": "AlphaPSR", "tau_syn": 1.5}, "GABA": {"type": "ExpPSR", "e_syn": -70}},
                "record": ["AMPA.gsyn"]}]}
            """;
        using var net = Build(json);
        var gif = (Population)net.Collections["gif"];
        gif.Get("tau_eta__2").Should().Equal(200.0, 200.0);
        gif.Get("a_gamma__1").Should().Equal(3.0, 3.0);
        var pn = (Population)net.Collections["pn"];
        pn.Get("AMPA.tau_syn").Should().Equal(1.5, 1.5);
        pn.ReceptorTypes.Should().Equal("AMPA", "GABA");
        net.Simulation.Run(10);
    }

    [Fact]
    public void PointNeuron_errors_name_the_field_and_the_options()
    {
        const string badType = """
            {"populations": [{"label": "pn", "size": 1, "cell_type": "PointNeuron", "neuron": "LIF", "receptors": {"AMPA": {"type": "GammaPSR"}}}]}
            """;
        var act = () => NetworkParser.Parse(badType, "test");
        act.Should().Throw<NetworkFormatException>().WithMessage("*receptors.AMPA.type*AlphaPSR*");
        const string badCore = """
            {"populations": [{"label": "pn", "size": 1, "cell_type": "PointNeuron", "neuron": "Hodgkin", "receptors": {}}]}
            """;
        act = () => NetworkParser.Parse(badCore, "test");
        act.Should().Throw<NetworkFormatException>().WithMessage("*neuron*Hodgkin*LIF, AdExp*");
        const string badArray = """
            {"populations": [{"label": "g", "size": 1, "cell_type": "GIF_cond_exp", "parameters": {"tau_eta": [1.0, 2.0]}}]}
            """;
        act = () => NetworkParser.Parse(badArray, "test");
        act.Should().Throw<NetworkFormatException>().WithMessage("*3 numbers*tau_eta*");
    }
}
