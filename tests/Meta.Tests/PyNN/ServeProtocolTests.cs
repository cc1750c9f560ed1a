using System.Text.Json;
using Meta.Cli.Commands;
using Meta.Cli.Output;
using Meta.Tests.Cli;

namespace Meta.Tests.PyNN;

/// <summary><c>meta serve</c> driven in-process with the CPU backend: each request answered in order, typed errors, arrays as .npy.</summary>
public sealed class ServeProtocolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("meta-serve-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Runs the requests through <c>meta serve</c> and returns the response lines after the ready line.</summary>
    private List<JsonElement> Serve(params string[] requests)
    {
        var app = new CliApp { LoadPlugins = _ => CliTestSupport.CpuCatalog(), ServeInput = new StringReader(string.Join("\n", requests)) };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        app.Execute(["serve", "--workdir", _folder], stdout, stderr).Should().Be(CliApp.Success, stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        lines[0].GetProperty("ready").GetBoolean().Should().BeTrue();
        lines[0].GetProperty("backends").EnumerateArray().Select(b => b.GetString()).Should().Contain("cpu");
        return lines.Skip(1).ToList();
    }

    private static double[] Array(JsonElement result, params string[] path)
    {
        var e = result.GetProperty("result");
        foreach (var p in path) e = e.GetProperty(p);
        return NpyReader.ReadDoubles(e.GetProperty("npy").GetString()!);
    }

    private static string Npy(string folder, string name, double[] values)
    {
        string path = Path.Combine(folder, name);
        NpyWriter.Write(path, values);
        return path;
    }

    [Fact]
    public void Builds_runs_records_resets_and_runs_again()
    {
        var responses = Serve(
            """{"id": 1, "cmd": "setup", "backend": "cpu", "timestep": 0.1}""",
            """{"id": 2, "cmd": "create", "cell_type": "IF_curr_exp", "size": 3, "label": "cells", "parameters": {"i_offset": [0.0, 1.0, 2.0]}}""",
            """{"id": 3, "cmd": "record", "population": 0, "variables": ["spikes", "v"]}""",
            """{"id": 4, "cmd": "run", "ms": 100}""",
            """{"id": 5, "cmd": "recorded", "population": 0, "variable": "spikes"}""",
            """{"id": 6, "cmd": "recorded", "population": 0, "variable": "v"}""",
            """{"id": 7, "cmd": "reset"}""",
            """{"id": 8, "cmd": "set", "population": 0, "indices": [2], "parameters": {"i_offset": 0.0}}""",
            """{"id": 9, "cmd": "run", "ms": 50}""",
            """{"id": 10, "cmd": "recorded", "population": 0, "variable": "spikes"}""",
            """{"id": 11, "cmd": "quit"}""");
        responses.Select(r => r.GetProperty("id").GetInt32()).Should().Equal(Enumerable.Range(1, 11));
        responses.Should().OnlyContain(r => r.GetProperty("ok").GetBoolean());
        responses[3].GetProperty("result").GetProperty("time").GetDouble().Should().BeApproximately(100, 1e-9);

        var cells = Array(responses[4], "indices");
        var times = Array(responses[4], "times");
        cells.Should().NotContain(0, "cell 0 has no input current");
        cells.Count(c => c == 2).Should().BeGreaterThan(cells.Count(c => c == 1), "2 nA drives cell 2 faster than 1 nA drives cell 1");
        times.Should().OnlyContain(t => t > 0 && t <= 100);

        var v = Array(responses[5], "data");
        Array(responses[5], "channels").Should().Equal(0, 1, 2);
        v.Length.Should().Be(3 * (int)(v.Length / 3)).And.BeGreaterThanOrEqualTo(3 * 1000);
        v[0].Should().BeApproximately(-65, 1e-9, "PyNN's default initial v of IF_curr_exp");

        responses[6].GetProperty("result").GetProperty("time").GetDouble().Should().Be(0);
        var afterReset = Array(responses[9], "indices");
        afterReset.Should().NotContain(2, "cell 2's current was set to 0 after the reset").And.Contain(1);
        Array(responses[9], "times").Should().OnlyContain(t => t <= 50, "the segment after a reset starts again at 0 ms");
    }

    [Fact]
    public void Reads_and_writes_values_in_the_order_of_the_request()
    {
        var responses = Serve(
            """{"id": 1, "cmd": "setup"}""",
            """{"id": 2, "cmd": "create", "cell_type": "IF_cond_exp", "size": 4}""",
            """{"id": 3, "cmd": "set", "population": 0, "indices": [3, 1], "parameters": {"tau_m": [30.0, 10.0]}}""",
            """{"id": 4, "cmd": "get", "population": 0, "indices": [1, 3, 0], "names": ["tau_m"]}""",
            """{"id": 5, "cmd": "initialize", "population": 0, "indices": [2, 0], "values": {"v": [-50.0, -70.0]}}""",
            """{"id": 6, "cmd": "get_initial", "population": 0, "names": ["v"]}""");
        Array(responses[3], "values", "tau_m").Should().Equal(10.0, 30.0, 20.0);
        Array(responses[5], "values", "v").Should().Equal(-70.0, -65.0, -50.0, -65.0);
    }

    [Fact]
    public void Errors_come_back_with_Metas_exception_type_and_the_server_goes_on()
    {
        var responses = Serve(
            """{"id": 1, "cmd": "create", "cell_type": "IF_cond_exp", "size": 1}""",
            """{"id": 2, "cmd": "setup", "backend": "nosuch"}""",
            """{"id": 3, "cmd": "setup"}""",
            """{"id": 4, "cmd": "create", "cell_type": "IF_cond_exp", "size": 1, "parameters": {"tau_x": 1}}""",
            """{"id": 5, "cmd": "create", "cell_type": "IF_cond_exp", "size": 1, "parameters": {"tau_m": -1}}""",
            """{"id": 6, "cmd": "frobnicate"}""",
            "not json",
            """{"id": 8, "cmd": "create", "cell_type": "IF_cond_exp", "size": 1}""");
        string Type(int k) => responses[k].GetProperty("error").GetProperty("type").GetString()!;
        Type(0).Should().Be("ServeProtocolException");
        Type(1).Should().Be("BackendNotFoundException");
        responses[2].GetProperty("ok").GetBoolean().Should().BeTrue();
        Type(3).Should().Be("NonExistentParameterException");
        responses[3].GetProperty("error").GetProperty("message").GetString().Should().Contain("tau_m", "the message lists the valid names");
        Type(4).Should().Be("InvalidParameterValueException");
        Type(5).Should().Be("ServeProtocolException");
        responses[5].GetProperty("error").GetProperty("message").GetString().Should().Contain("valid: setup");
        Type(6).Should().Be("ServeProtocolException");
        responses[7].GetProperty("ok").GetBoolean().Should().BeTrue();
        responses[7].GetProperty("result").GetProperty("population").GetInt32().Should().Be(0, "the failed creates made nothing");
    }

    [Fact]
    public void Connects_explicit_lists_and_reads_back_plastic_state()
    {
        // Not in PyNN's list order (sorted by pre, then post): values must follow the connections as given.
        string pre = Npy(_folder, "pre.npy", [1, 0, 0]);
        string post = Npy(_folder, "post.npy", [1, 1, 0]);
        string weight = Npy(_folder, "w.npy", [0.5, 0.25, 0.125]);
        var responses = Serve(
            """{"id": 1, "cmd": "setup"}""",
            """{"id": 2, "cmd": "create", "cell_type": "SpikeSourceArray", "size": 2, "sequences": {"spike_times": {"values": [5, 10, 15, 7], "lengths": [3, 1]}}}""",
            """{"id": 3, "cmd": "create", "cell_type": "IF_curr_exp", "size": 2}""",
            $$$"""{"id": 4, "cmd": "connect", "pre": [{"population": 0}], "post": [{"population": 1}], "pre_indices": {"npy": "{{{pre}}}"}, "post_indices": {"npy": "{{{post}}}"}, "weight": {"npy": "{{{weight}}}"}, "delay": [1, 2, 3], "synapse": {"type": "TsodyksMarkramSynapse", "parameters": {"U": 0.5, "tau_rec": [100, 200, 300]}}, "receptor_type": "excitatory"}""",
            """{"id": 5, "cmd": "projection_get", "projection": 0, "names": ["weight", "delay", "tau_rec", "u"]}""",
            """{"id": 6, "cmd": "run", "ms": 30}""",
            """{"id": 7, "cmd": "projection_get", "projection": 0, "names": ["u"]}""",
            """{"id": 8, "cmd": "connect", "pre": [{"population": 0}], "post": [{"population": 1}], "pre_indices": [0], "post_indices": [0], "weight": [0.1], "delay": [1], "synapse": {"type": "NoSuchSynapse"}}""",
            """{"id": 9, "cmd": "projection_set", "projection": 0, "values": {"weight": [0.3, 0.2, 0.1], "U": [0.7, 0.8, 0.9]}}""",
            """{"id": 10, "cmd": "projection_get", "projection": 0, "names": ["weight", "U"]}""");
        responses.Take(7).Should().OnlyContain(r => r.GetProperty("ok").GetBoolean());
        responses[3].GetProperty("result").GetProperty("size").GetInt32().Should().Be(3);
        Array(responses[4], "values", "weight").Should().Equal(0.5, 0.25, 0.125);
        Array(responses[4], "values", "delay").Should().Equal(1, 2, 3);
        Array(responses[4], "values", "tau_rec").Should().Equal(100, 200, 300);
        Array(responses[6], "values", "u").Should().OnlyContain(u => u > 0, "every synapse saw spikes, so its utilisation rose from 0");
        responses[7].GetProperty("error").GetProperty("type").GetString().Should().Be("NoModelAvailableException");
        Array(responses[9], "values", "weight").Should().Equal(0.3, 0.2, 0.1);
        Array(responses[9], "values", "U").Should().Equal(0.7, 0.8, 0.9);
    }

    [Fact]
    public void Native_cell_type_maps_NEST_names_and_units_onto_the_catalogue_model_and_names_the_offered_ones()
    {
        var responses = Serve(
            """{"id": 1, "cmd": "native_cell_type", "name": "iaf_psc_alpha"}""",
            """{"id": 2, "cmd": "native_cell_type", "name": "glif_psc"}""",
            """{"id": 3, "cmd": "native_cell_type", "name": "nonsense"}""",
            """{"id": 4, "cmd": "native_cell_type", "name": "iaf_cond_exp"}""",
            """{"id": 5, "cmd": "setup", "backend": "cpu"}""",
            """{"id": 6, "cmd": "native_cell_type", "name": "hh_psc_alpha"}""",
            """{"id": 7, "cmd": "create", "cell_type": "hh_psc_alpha", "size": 2, "parameters": {"i_offset": 0.6}}""",
            """{"id": 8, "cmd": "quit"}""");
        var result = responses[0].GetProperty("result");
        result.GetProperty("model").GetString().Should().Be("IF_curr_alpha");
        var cm = result.GetProperty("parameters").GetProperty("C_m");
        cm.GetProperty("meta").GetString().Should().Be("cm");
        cm.GetProperty("factor").GetDouble().Should().Be(0.001, "pF → nF");
        cm.GetProperty("default").GetDouble().Should().Be(250.0, "NEST's default");
        result.GetProperty("parameters").GetProperty("I_e").GetProperty("meta").GetString().Should().Be("i_offset");
        var vm = result.GetProperty("states").GetProperty("V_m");
        (vm.GetProperty("meta").GetString(), vm.GetProperty("factor").GetDouble()).Should().Be(("v", 1.0));
        foreach (int k in new[] { 1, 2 })
        {
            var error = responses[k].GetProperty("error");
            error.GetProperty("type").GetString().Should().Be("NoModelAvailableException");
            error.GetProperty("message").GetString().Should().Contain("aeif_cond_alpha, aeif_cond_exp, hh_psc_alpha, iaf_cond_alpha, iaf_cond_exp, iaf_psc_alpha");
        }
        responses[1].GetProperty("error").GetProperty("message").GetString().Should().Contain("glif_psc").And.Contain("not supported");

        var cond = responses[3].GetProperty("result");
        cond.GetProperty("model").GetString().Should().Be("IF_cond_exp");
        var gL = cond.GetProperty("parameters").GetProperty("g_L");
        gL.GetProperty("meta").GetString().Should().Be("tau_m", "tau_m = C_m / g_L");
        gL.GetProperty("ratio").EnumerateArray().Select(e => e.GetString()).Should().Equal("C_m", "g_L");
        gL.GetProperty("default").GetDouble().Should().Be(16.6667);
        cond.GetProperty("weight_scale").GetDouble().Should().Be(0.001, "nS → µS");

        var hh = responses[5].GetProperty("result");
        hh.GetProperty("model").GetString().Should().Be("hh_psc_alpha");
        hh.GetProperty("cell_type").GetProperty("parameters").GetProperty("g_Na").GetProperty("unit").GetString().Should().Be("uS");
        double m = hh.GetProperty("states").GetProperty("Act_m").GetProperty("default").GetDouble();
        m.Should().BeApproximately(Meta.Sonata.Nest.HhGates.SteadyM(-65.0), 1e-12, "NEST's gates start at their steady state at V_m");
        responses[6].GetProperty("ok").GetBoolean().Should().BeTrue(responses[6].ToString());
    }

    [Fact]
    public void Load_nestml_compiles_a_file_that_create_then_takes_by_name_and_reports_a_bad_file()
    {
        string file = Path.Combine(_folder, "leaky.nestml");
        File.WriteAllText(file, """
            model leaky_neuron:
                state:
                    V_m mV = -70 mV

                equations:
                    kernel K = exp(-t / tau_syn)
                    V_m' = -(V_m - E_L) / tau_m + (unit_psc * convolve(K, spikes) + I_e) / C_m

                parameters:
                    C_m pF = 250 pF
                    tau_m ms = 10 ms
                    tau_syn ms = 2 ms
                    E_L mV = -70 mV
                    V_th mV = -55 mV
                    I_e pA = 0 pA

                internals:
                    unit_psc pA = 1 pA

                input:
                    spikes <- spike

                output:
                    spike

                update:
                    integrate_odes()

                onCondition(V_m >= V_th):
                    V_m = E_L
                    emit_spike()
            """);
        string missing = Path.Combine(_folder, "missing.nestml");
        var responses = Serve(
            """{"id": 1, "cmd": "setup", "backend": "cpu", "timestep": 0.1}""",
            $$"""{"id": 2, "cmd": "load_nestml", "path": {{JsonSerializer.Serialize(file)}}}""",
            """{"id": 3, "cmd": "create", "cell_type": "leaky_neuron", "size": 2, "parameters": {"I_e": [0.0, 0.25]}}""",
            """{"id": 4, "cmd": "record", "population": 0, "variables": ["V_m"]}""",
            """{"id": 5, "cmd": "run", "ms": 100}""",
            """{"id": 6, "cmd": "get", "population": 0, "names": ["I_e", "C_m"]}""",
            $$"""{"id": 7, "cmd": "load_nestml", "path": {{JsonSerializer.Serialize(missing)}}}""",
            """{"id": 8, "cmd": "recorded", "population": 0, "variable": "V_m"}""",
            """{"id": 9, "cmd": "quit"}""");
        responses.Take(6).Should().OnlyContain(r => r.GetProperty("ok").GetBoolean(), string.Join("\n", responses));
        var loaded = responses[1].GetProperty("result");
        loaded.GetProperty("name").GetString().Should().Be("leaky_neuron");
        var cellType = loaded.GetProperty("cell_type");
        cellType.GetProperty("parameters").GetProperty("C_m").GetProperty("unit").GetString().Should().Be("nF", "NESTML's pF in Meta's units");
        cellType.GetProperty("parameters").GetProperty("C_m").GetProperty("default").GetDouble().Should().Be(0.25);
        cellType.GetProperty("states").GetProperty("V_m").GetProperty("initial").GetDouble().Should().Be(-70.0);
        Array(responses[5], "values", "I_e").Should().Equal(0.0, 0.25);
        var error = responses[6].GetProperty("error");
        error.GetProperty("type").GetString().Should().Be("InvalidModelException");
        error.GetProperty("message").GetString().Should().Contain("missing.nestml");
        var v = NpyReader.ReadDoubles(responses[7].GetProperty("result").GetProperty("data").GetProperty("npy").GetString()!);
        v[^2].Should().BeApproximately(-70.0, 1e-9, "the cell without input rests (data: samples × channels)");
        v[^1].Should().BeApproximately(-70.0 + 0.25 / 0.25 * 10 * (1 - Math.Exp(-100.0 / 10)), 0.05, "I_e / C_m × tau_m = 10 mV above rest");
    }
}
