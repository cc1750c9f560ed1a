using Meta.Backends;
using Meta.Cli.Networks;

namespace Meta.Tests.Cli;

public class NetworkParserTests
{
    private const string Pops =
        """
        {"label": "exc", "size": 4, "cell_type": "IF_cond_exp"},
        {"label": "inh", "size": 2, "cell_type": "IF_cond_exp"},
        {"label": "src", "size": 2, "cell_type": "SpikeSourceArray"}
        """;

    private static NetworkDocument Parse(string json) => NetworkParser.Parse(json, "test");

    private static NetworkFormatException Error(string json)
    {
        var act = () => NetworkParser.Parse(json, "test");
        return act.Should().Throw<NetworkFormatException>().Which;
    }

    [Fact]
    public void Reads_a_published_model_with_a_named_parameter_set_that_explicit_parameters_override()
    {
        var doc = Parse("""{"populations": [{"label": "lp", "size": 1, "cell_type": "Prinz2004", "preset": "LP 4", "parameters": {"g_Kd": 30}}]}""");
        var p = doc.Populations[0].Parameters.ToDictionary(x => x.Name, x => ((NumberSpec)x.Value).Value);
        p["g_Kd"].Should().Be(30);
        p["g_CaS"].Should().Be(4);
        Error("""{"populations": [{"label": "lp", "size": 1, "cell_type": "Prinz2004", "preset": "LP 7"}]}""").Message
            .Should().Contain("unknown parameter set 'LP 7' of Prinz2004").And.Contain("LP 1");
        Error("""{"populations": [{"label": "x", "size": 1, "cell_type": "IF_cond_exp", "preset": "fast"}]}""").Message
            .Should().Contain("IF_cond_exp has no named parameter sets");
    }

    [Fact]
    public void Reads_the_simulation_section_and_defaults()
    {
        var doc = Parse("""
            {"name": "n", "description": "free text", "comment": "also free",
             "simulation": {"timestep": 0.05, "min_delay": "auto", "max_delay": 2.0, "seed": 7, "duration": 12.5, "precision": "float32"},
             "populations": [{"label": "a", "size": 1, "cell_type": "IF_curr_exp", "comment": "ignored"}]}
            """);
        doc.Name.Should().Be("n");
        doc.Simulation.Timestep.Should().Be(0.05);
        doc.Simulation.MinDelay.Should().BeNull();
        doc.Simulation.MaxDelay.Should().Be(2.0);
        doc.Simulation.Seed.Should().Be(7UL);
        doc.Simulation.Duration.Should().Be(12.5);
        doc.Simulation.Precision.Should().Be(Precision.Float32);

        var minimal = Parse("""{"populations": [{"label": "a", "size": 1, "cell_type": "IF_curr_exp"}]}""");
        minimal.Name.Should().Be("test");
        minimal.Simulation.Timestep.Should().Be(0.1);
        minimal.Simulation.Seed.Should().BeNull();
        minimal.Simulation.Duration.Should().BeNull();
    }

    [Fact]
    public void Allows_comments_and_trailing_commas()
    {
        var doc = Parse("""
            // a network
            {"populations": [{"label": "a", "size": 1, "cell_type": "IF_curr_exp",},], /* done */}
            """);
        doc.Populations.Should().ContainSingle();
    }

    [Fact]
    public void Reads_every_form_of_parameter_and_initial_value()
    {
        var doc = Parse("""
            {"populations": [
              {"label": "exc", "size": 3, "cell_type": "IF_cond_exp",
               "parameters": {"tau_m": 15.0, "cm": [0.1, 0.2, 0.3],
                              "v_thresh": {"distribution": "normal", "mu": -50.0, "sigma": 1.0},
                              "tau_refrac": {"distribution": "uniform", "low": 1.0, "high": 2.0, "seed": 17}},
               "initial_values": {"v": {"distribution": "uniform", "low": -70, "high": -60}, "gsyn_exc": [0, 0.1, 0.2]},
               "record": ["spikes", "v"]},
              {"label": "shared", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [1.0, 2.0, 2.0]}},
              {"label": "percell", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [[1.0, 5.0], []]}},
              {"label": "empty", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": []}},
              {"label": "poisson", "size": 2, "cell_type": "SpikeSourcePoisson", "parameters": {"rate": 10, "duration": 50}, "record": "spikes"}
            ]}
            """);
        var p = doc.Populations[0].Parameters.ToDictionary(x => x.Name, x => x.Value);
        p["tau_m"].Should().BeOfType<NumberSpec>().Which.Value.Should().Be(15.0);
        p["tau_m"].Path.Should().Be("populations[0].parameters.tau_m");
        p["cm"].Should().BeOfType<ArraySpec>().Which.Values.Should().Equal(0.1, 0.2, 0.3);
        var normal = p["v_thresh"].Should().BeOfType<DistributionSpec>().Which;
        normal.Name.Should().Be("normal");
        normal.Parameters.Should().BeEquivalentTo(new Dictionary<string, double> { ["mu"] = -50.0, ["sigma"] = 1.0 });
        normal.Seed.Should().BeNull();
        p["tau_refrac"].Should().BeOfType<DistributionSpec>().Which.Seed.Should().Be(17UL);

        var init = doc.Populations[0].InitialValues.ToDictionary(x => x.Name, x => x.Value);
        init["v"].Should().BeOfType<DistributionSpec>();
        init["gsyn_exc"].Should().BeOfType<ArraySpec>();
        doc.Populations[0].Record.Select(r => r.Name).Should().Equal("spikes", "v");
        doc.Populations[0].Record[1].Path.Should().Be("populations[0].record[1]");

        doc.Populations[1].Parameters[0].Value.Should().BeOfType<ArraySpec>().Which.Values.Should().Equal(1.0, 2.0, 2.0);
        var perCell = doc.Populations[2].Parameters[0].Value.Should().BeOfType<MatrixSpec>().Which;
        perCell.Rows.Should().HaveCount(2);
        perCell.Rows[0].Should().Equal(1.0, 5.0);
        perCell.Rows[1].Should().BeEmpty();
        doc.Populations[3].Parameters[0].Value.Should().BeOfType<ArraySpec>().Which.Values.Should().BeEmpty();
        doc.Populations[4].Record.Select(r => r.Name).Should().Equal("spikes");
    }

    [Fact]
    public void Reads_views_assemblies_and_recording()
    {
        var doc = Parse($$$$"""
            {"populations": [{{{{Pops}}}}],
             "views": [{"label": "byindex", "population": "exc", "indices": [0, 2]},
                       {"label": "byslice", "population": "all", "slice": [1, null, 2]},
                       {"label": "bymask", "population": "exc", "mask": [true, false, true, false]}],
             "assemblies": [{"label": "all", "members": ["exc", "inh"]}],
             "record": [{"cells": "byindex", "variables": ["v", "gsyn_exc"], "sampling_interval": 0.5},
                        {"cells": "all", "variables": "spikes"}]}
            """);
        doc.Views[0].Selector.Should().BeOfType<IndexSelector>().Which.Indices.Should().Equal(0, 2);
        var slice = doc.Views[1].Selector.Should().BeOfType<SliceSelector>().Which;
        (slice.Start, slice.Stop, slice.Step).Should().Be((1, (int?)null, 2));
        doc.Views[1].Parent.Name.Should().Be("all");
        doc.Views[2].Selector.Should().BeOfType<MaskSelector>().Which.Mask.Should().Equal(true, false, true, false);
        doc.Assemblies[0].Members.Select(m => m.Name).Should().Equal("exc", "inh");
        doc.Records[0].Variables.Select(v => v.Name).Should().Equal("v", "gsyn_exc");
        doc.Records[0].SamplingInterval.Should().Be(0.5);
        doc.Records[1].Variables.Select(v => v.Name).Should().Equal("spikes");
    }

    [Theory]
    [InlineData(0, 4, 1, 10, new[] { 0, 1, 2, 3 })]
    [InlineData(1, 8, 3, 10, new[] { 1, 4, 7 })]
    [InlineData(-3, null, 1, 10, new[] { 7, 8, 9 })]
    [InlineData(null, null, -4, 10, new[] { 9, 5, 1 })]
    [InlineData(5, 50, 1, 8, new[] { 5, 6, 7 })]
    [InlineData(4, 2, 1, 10, new int[0])]
    public void Slices_follow_python_semantics(int? start, int? stop, int step, int size, int[] expected) =>
        new SliceSelector("s", start, stop, step).Positions(size).Should().Equal(expected);

    [Fact]
    public void Reads_projections_connectors_and_every_synapse_value_form()
    {
        var doc = Parse($$$$"""
            {"populations": [{{{{Pops}}}}],
             "projections": [
               {"label": "p0", "pre": "exc", "post": "inh", "connector": {"type": "AllToAllConnector", "allow_self_connections": false},
                "synapse": {"type": "StaticSynapse", "weight": 0.5, "delay": {"distribution": "uniform", "low": 0.5, "high": 1.0}}, "receptor_type": "excitatory"},
               {"pre": "exc", "post": "exc", "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.3, "seed": 5},
                "synapse": {"weight": "0.1 + 0.01*d", "delay": [1, 2]}},
               {"pre": "exc", "post": "inh", "connector": {"type": "FixedNumberPreConnector", "n": 2, "with_replacement": true},
                "synapse": {"weight": [[1, 2], [3, 4], [5, 6], [7, 8]]}},
               {"pre": "exc", "post": "inh", "connector": {"type": "FixedNumberPostConnector", "n": {"distribution": "uniform_int", "low": 1, "high": 3}}},
               {"pre": "exc", "post": "exc", "connector": {"type": "OneToOneConnector"}},
               {"pre": "src", "post": "exc", "connector": {"type": "FromListConnector", "conn_list": [[0, 1], [1, 2, 0.5, 1.5]]}}
             ]}
            """);
        var p = doc.Projections;
        p[0].Label.Should().Be("p0");
        p[0].Connector.AllowSelfConnections.Should().BeFalse();
        p[0].Synapse.Weight.Should().BeOfType<NumberSpec>();
        p[0].Synapse.Delay.Should().BeOfType<DistributionSpec>();
        p[0].ReceptorType!.Name.Should().Be("excitatory");
        p[1].Label.Should().BeNull();
        p[1].Connector.PConnect.Should().Be(0.3);
        p[1].Connector.Seed.Should().Be(5UL);
        p[1].Synapse.Weight.Should().BeOfType<ExpressionSpec>().Which.Text.Should().Be("0.1 + 0.01*d");
        p[1].Synapse.Delay.Should().BeOfType<ArraySpec>();
        p[1].ReceptorType.Should().BeNull();
        p[2].Connector.N.Should().BeOfType<NumberSpec>().Which.Value.Should().Be(2);
        p[2].Connector.WithReplacement.Should().BeTrue();
        p[2].Synapse.Weight.Should().BeOfType<MatrixSpec>().Which.Rows.Should().HaveCount(4);
        p[3].Connector.N.Should().BeOfType<DistributionSpec>();
        p[3].Synapse.Weight.Should().BeNull();
        p[4].Connector.Type.Should().Be("OneToOneConnector");
        p[5].Connector.ConnList.Should().HaveCount(2);
        p[5].Connector.ConnList[1].Should().Equal(1, 2, 0.5, 1.5);
    }

    [Fact]
    public void Reads_current_sources()
    {
        var doc = Parse($$$$"""
            {"populations": [{{{{Pops}}}}],
             "current_sources": [{"type": "DCSource", "amplitude": 0.5, "start": 10, "stop": 50, "inject_into": "exc"},
                                 {"type": "StepCurrentSource", "times": [10, 20], "amplitudes": [0.2, 0.0], "inject_into": ["exc", "inh"]},
                                 {"type": "DCSource", "inject_into": "inh"}]}
            """);
        var c = doc.CurrentSources;
        (c[0].Amplitude, c[0].Start, c[0].Stop).Should().Be((0.5, 10.0, 50.0));
        c[1].Times.Should().Equal(10, 20);
        c[1].Amplitudes.Should().Equal(0.2, 0.0);
        c[1].InjectInto.Select(t => t.Name).Should().Equal("exc", "inh");
        (c[2].Amplitude, c[2].Start, c[2].Stop).Should().Be((1.0, 0.0, 1e12));
    }

    [Fact]
    public void Reads_AC_and_noisy_current_sources_with_PyNN_defaults_labels_and_record()
    {
        var doc = Parse($$$$"""
            {"populations": [{{{{Pops}}}}],
             "current_sources": [{"type": "ACSource", "amplitude": 0.5, "start": 22.5, "stop": 122.5, "frequency": 100, "offset": 0.1,
                                  "phase": 45, "inject_into": "exc", "label": "ac", "record": true},
                                 {"type": "NoisyCurrentSource", "mean": 0.5, "stdev": 0.25, "start": 25, "stop": 150, "dt": 1.0, "inject_into": "inh"},
                                 {"type": "ACSource", "inject_into": "exc"},
                                 {"type": "NoisyCurrentSource", "inject_into": "exc", "record": false}]}
            """);
        var c = doc.CurrentSources;
        (c[0].Type, c[0].Amplitude, c[0].Start, c[0].Stop, c[0].Frequency, c[0].Offset, c[0].Phase).Should().Be(("ACSource", 0.5, 22.5, 122.5, 100.0, 0.1, 45.0));
        (c[0].Label, c[0].Record).Should().Be(("ac", true));
        (c[1].Mean, c[1].Stdev, c[1].Start, c[1].Stop, c[1].NoiseDt).Should().Be((0.5, 0.25, 25.0, 150.0, 1.0));
        (c[1].Label, c[1].Record).Should().Be(("current_source_1", false));
        (c[2].Amplitude, c[2].Start, c[2].Stop, c[2].Frequency, c[2].Offset, c[2].Phase).Should().Be((1.0, 0.0, 1e12, 10.0, 0.0, 0.0));
        (c[3].Mean, c[3].Stdev, c[3].Start, c[3].Stop, c[3].NoiseDt).Should().Be((0.0, 1.0, 0.0, 1e12, 0.1));
    }

    [Theory]
    [InlineData("""{"type": "ACSource", "frequncy": 10, "inject_into": "exc"}""",
        "current_sources[0].frequncy: unknown key 'frequncy' in ACSource", "frequency", "offset", "phase", "label", "record", "did you mean 'frequency'")]
    [InlineData("""{"type": "NoisyCurrentSource", "sd": 1, "inject_into": "exc"}""",
        "current_sources[0].sd: unknown key 'sd' in NoisyCurrentSource", "mean, stdev, start, stop, dt")]
    [InlineData("""{"type": "DCSource", "frequency": 10, "inject_into": "exc"}""", "current_sources[0].frequency: unknown key 'frequency' in DCSource")]
    [InlineData("""{"type": "NoisyCurrentSource", "stdev": -1, "inject_into": "exc"}""",
        "current_sources[0].stdev: expected a standard deviation in nA, ≥ 0, got -1")]
    [InlineData("""{"type": "NoisyCurrentSource", "dt": 0, "inject_into": "exc"}""", "current_sources[0].dt: expected a positive interval in ms, got 0")]
    [InlineData("""{"type": "ACSource", "frequency": -5, "inject_into": "exc"}""", "current_sources[0].frequency: expected a frequency in Hz, ≥ 0, got -5")]
    [InlineData("""{"type": "ACSource", "phase": "90", "inject_into": "exc"}""", "current_sources[0].phase: expected a phase in degrees")]
    [InlineData("""{"type": "ACSource", "record": "yes", "inject_into": "exc"}""", "current_sources[0].record: expected true or false")]
    [InlineData("""{"type": "ACSource", "label": "exc", "inject_into": "exc"}""", "current_sources[0].label: the label 'exc' is already used by populations[0]")]
    [InlineData("""{"type": "ACSource", "label": "", "inject_into": "exc"}""", "current_sources[0].label: the label must not be empty")]
    public void Bad_AC_and_noise_entries_name_the_field(string source, params string[] fragments)
    {
        var e = Error($$$$"""{"populations": [{{{{Pops}}}}], "current_sources": [{{{{source}}}}]}""");
        foreach (var f in fragments) e.Message.Should().Contain(f);
    }

    [Fact]
    public void Current_source_labels_must_be_unique()
    {
        var e = Error($$$$"""
            {"populations": [{{{{Pops}}}}],
             "current_sources": [{"type": "DCSource", "inject_into": "exc", "label": "a"}, {"type": "ACSource", "inject_into": "exc", "label": "a"}]}
            """);
        e.Message.Should().StartWith("current_sources[1].label: the label 'a' is already used by current_sources[0]");
    }

    [Theory]
    // Unknown names: the path and the valid options.
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "parameters": {"tau_mm": 1}}]}""",
        "populations[0].parameters.tau_mm: unknown parameter 'tau_mm'", "valid parameters for IF_cond_exp are:", "tau_m", "did you mean 'tau_m'")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exx"}]}""",
        "populations[0].cell_type: unknown cell type 'IF_cond_exx'", "IF_curr_exp", "SpikeSourcePoisson")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "MultiCompartmentNeuron"}]}""",
        "populations[0].cell_type: cell type 'MultiCompartmentNeuron' exists in PyNN but Meta does not provide it", "IF_cond_exp")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "initial_values": {"u": 1}}]}""",
        "populations[0].initial_values.u: unknown state variable 'u'", "valid initial values for IF_cond_exp are: v, gsyn_exc, gsyn_inh")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_curr_exp", "record": ["spikes", "gsyn_exc"]}]}""",
        "populations[0].record[1]: cannot record 'gsyn_exc' from IF_curr_exp", "recordable: spikes, v")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exx", "post": "exc", "connector": {"type": "AllToAllConnector"}}]}""",
        "projections[0].pre: no population, view or assembly labelled 'exx'", "(known: exc)")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "Foo"}}]}""",
        "projections[0].connector.type: unknown connector 'Foo'", "AllToAllConnector", "FixedProbabilityConnector", "FromListConnector")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "FixedProbabilityConnector", "p": 0.1}}]}""",
        "projections[0].connector.p: unknown key 'p' in FixedProbabilityConnector", "p_connect", "allow_self_connections")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "CSAConnector"}}]}""",
        "projections[0].connector.type: connector 'CSAConnector' exists in PyNN but Meta does not provide it", "AllToAllConnector")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "synapse": {"type": "ElectricalSynapse", "weight": 0.005, "delay": 1}}]}""",
        "projections[0].synapse.delay: unknown key 'delay' in ElectricalSynapse", "weight")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "synapse": {"type": "GradedSynapse", "tau": 3}}]}""",
        "projections[0].synapse.tau: unknown key 'tau' in GradedSynapse", "E_s", "k_minus")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "current_sources": [{"type": "Foo", "inject_into": "exc"}]}""",
        "current_sources[0].type: unknown current source 'Foo'", "DCSource, StepCurrentSource")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "initial_values": {"v": {"distribution": "gaussian", "mu": 0}}}]}""",
        "populations[0].initial_values.v.distribution: unknown distribution 'gaussian'", "uniform", "normal_clipped")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "initial_values": {"v": {"distribution": "normal", "mu": 0, "sd": 1}}}]}""",
        "populations[0].initial_values.v.sd: unknown parameter 'sd' for distribution 'normal'", "valid: mu, sigma, seed")]
    // Missing required fields.
    [InlineData("""{"populations": [{"label": "exc", "cell_type": "IF_cond_exp"}]}""",
        "populations[0].size: missing required field 'size'", "positive integer")]
    [InlineData("""{"populations": [{"size": 2, "cell_type": "IF_cond_exp"}]}""",
        "populations[0].label: missing required field 'label'")]
    [InlineData("""{"simulation": {}}""", "populations: missing required field 'populations'")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "FixedProbabilityConnector"}}]}""",
        "projections[0].connector.p_connect: missing required field 'p_connect'", "[0, 1]")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc"}]}""",
        "projections[0].connector: missing required field 'connector'", "AllToAllConnector")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "initial_values": {"v": {"distribution": "uniform", "low": 1}}}]}""",
        "populations[0].initial_values.v.high: missing required parameter 'high' of distribution 'uniform'", "parameters: low, high")]
    // Wrong JSON types.
    [InlineData("""{"populations": [{"label": "exc", "size": "2", "cell_type": "IF_cond_exp"}]}""",
        "populations[0].size: expected a positive integer", "got the string \"2\"")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "parameters": {"tau_m": "fast"}}]}""",
        "populations[0].parameters.tau_m: expected a number, an array with one number per cell, or a distribution object")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "parameters": {"cm": [1, "x"]}}]}""",
        "populations[0].parameters.cm[1]: expected a number")]
    [InlineData("""{"simulation": {"timestep": "0.1"}, "populations": []}""", "simulation.timestep: expected a positive number of ms")]
    [InlineData("""{"populations": {"label": "exc"}}""", "populations: expected an array of populations, got an object")]
    [InlineData("""[1, 2]""", "expected a JSON object (the network), got an array")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector", "allow_self_connections": "no"}}]}""",
        "projections[0].connector.allow_self_connections: expected true or false")]
    // Unknown keys (typos).
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projection": []}""",
        "projection: unknown key 'projection' in the network file", "projections", "did you mean 'projections'")]
    [InlineData("""{"populations": [{"label": "exc", "sise": 2, "cell_type": "IF_cond_exp"}]}""",
        "populations[0].sise: unknown key 'sise' in a population", "valid keys: label, size")]
    [InlineData("""{"simulation": {"time_step": 0.1}, "populations": []}""", "simulation.time_step: unknown key 'time_step'", "timestep")]
    // Values and structure.
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}, {"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}]}""",
        "populations[1].label: the label 'exc' is already used by populations[0]")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "assemblies": [{"label": "exc", "members": ["exc"]}]}""",
        "assemblies[0].label: the label 'exc' is already used by populations[0]")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "size": 3}]}""",
        "populations[0].size: duplicate key 'size'")]
    [InlineData("""{"populations": [{"label": "exc", "size": 0, "cell_type": "IF_cond_exp"}]}""", "populations[0].size: expected a positive integer")]
    [InlineData("""{"populations": []}""", "populations: a network needs at least one population")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "FixedProbabilityConnector", "p_connect": 1.5}}]}""",
        "projections[0].connector.p_connect: expected the connection probability, a number in [0, 1], got 1.5")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "initial_values": {"v": {"distribution": "uniform", "low": 1, "high": 0}}}]}""",
        "populations[0].initial_values.v: ", "low must be less than high")]
    [InlineData("""{"populations": [{"label": "s", "size": 1, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [3, 1]}}]}""",
        "populations[0].parameters.spike_times[1]: 'spike_times' must be non-decreasing")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "views": [{"label": "v", "population": "exc", "indices": [0], "slice": [0, 1]}]}""",
        "views[0]: a view needs exactly one of 'indices'", "got indices, slice")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "views": [{"label": "v", "population": "exc", "slice": [0, 1, 0]}]}""",
        "views[0].slice[2]: the slice step must not be zero")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "AllToAllConnector"}, "synapse": {"weight": "w + d"}}]}""",
        "projections[0].synapse.weight: ", "may use only 'd'")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "projections": [{"pre": "exc", "post": "exc", "connector": {"type": "FromListConnector", "conn_list": [[0, 1], [1]]}}]}""",
        "projections[0].connector.conn_list[1]: expected a row [i, j]")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "current_sources": [{"type": "StepCurrentSource", "times": [2, 1], "amplitudes": [1, 2], "inject_into": "exc"}]}""",
        "current_sources[0]: ", "times must increase")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "record": [{"cells": "exc"}]}""",
        "record[0].variables: missing required field 'variables'")]
    [InlineData("""{"populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp"}], "simulation": {"precision": "float16"}}""",
        "simulation.precision: unknown precision 'float16' (valid: float64, float32)")]
    public void Errors_name_the_field_by_json_path_and_say_what_is_valid(string json, string start, params string[] contains)
    {
        var e = Error(json);
        e.Message.Should().StartWith(start);
        foreach (var c in contains) e.Message.Should().Contain(c);
    }

    [Fact]
    public void Invalid_json_gives_the_line_and_column()
    {
        var e = Error("{\n  \"populations\": [\n    {\"label\": \"a\" \"size\": 1}\n  ]\n}");
        e.Message.Should().StartWith("invalid JSON at line 3, column");
    }

    [Fact]
    public void Parse_file_reports_a_missing_file()
    {
        var act = () => NetworkParser.ParseFile("/nonexistent/network.json");
        act.Should().Throw<IOException>().WithMessage("cannot read network file '/nonexistent/network.json'*");
    }

    [Theory]
    [InlineData("vogels-abbott-coba.json", 3, 3)]
    [InlineData("vogels-abbott-cuba.json", 2, 2)]
    [InlineData("small-network.json", 2, 1)]
    [InlineData("current-sources.json", 1, 0)]
    [InlineData("gap-junction.json", 1, 1)]
    public void The_examples_parse(string file, int populations, int projections)
    {
        var doc = NetworkParser.ParseFile(CliTestSupport.Example(file));
        doc.Name.Should().Be(Path.GetFileNameWithoutExtension(file));
        doc.Populations.Should().HaveCount(populations);
        doc.Projections.Should().HaveCount(projections);
        doc.Simulation.Duration.Should().BePositive();
    }
}
