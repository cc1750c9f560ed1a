using System.IO.Compression;
using System.Text.Json;
using Meta.Cli.Commands;
using Meta.Plugins;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Cli;

public class CliAppTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Help_goes_to_stdout_with_exit_code_0(string flag)
    {
        var (exit, stdout, stderr) = Run(new CliApp(), flag);
        exit.Should().Be(0);
        stdout.Should().Contain("Usage:").And.Contain("meta [command] [options]").And.Contain("run <NETWORK.json>").And.Contain("backends");
        stderr.Should().BeEmpty();
    }

    [Fact]
    public void Run_help_lists_the_options()
    {
        var (exit, stdout, _) = Run(new CliApp(), "run", "--help");
        exit.Should().Be(0);
        foreach (var option in new[] { "--backend", "--duration", "--out", "--plugins", "--seed", "--no-plots", "--quiet" })
            stdout.Should().Contain(option);
        Run(new CliApp(), "help", "run").Out.Should().Be(stdout);
        stdout.Should().Contain("Output (in the --out folder):", "the help ends with the files a run writes");
        Run(new CliApp(), "backends", "-h").Out.Should().Contain("Usage:").And.Contain("meta backends [options]");
        Run(new CliApp(), "conformance", "--help").Out.Should().Contain("--plugin <DIR>").And.Contain("--precision");
    }

    [Theory]
    [InlineData(new string[0], "error: no command given")]
    [InlineData(new[] { "frob" }, "error: unknown command 'frob'")]
    [InlineData(new[] { "rnu" }, "error: unknown command 'rnu' (did you mean 'run'?)")]
    [InlineData(new[] { "run" }, "error: Required argument missing for command: 'run'.")]
    [InlineData(new[] { "run", "a.json", "b.json" }, "error: unexpected argument 'b.json'")]
    [InlineData(new[] { "run", "a.json", "--bogus" }, "error: unknown option '--bogus'")]
    [InlineData(new[] { "run", "a.json", "--out" }, "error: Required argument missing for option: '--out'.")]
    [InlineData(new[] { "run", "a.json", "--duration", "soon" }, "error: option --duration needs a positive number of ms, got 'soon'")]
    [InlineData(new[] { "run", "a.json", "--duration", "-5" }, "error: option --duration needs a positive number of ms, got '-5'")]
    [InlineData(new[] { "run", "a.json", "--threads", "many" }, "error: option --threads needs a non-negative integer, got 'many'")]
    [InlineData(new[] { "run", "a.json", "--plugins", "/no/such/folder" }, "error: plugin folder '/no/such/folder' does not exist (--plugins)")]
    [InlineData(new[] { "conformance" }, "error: Option '--plugin' is required.")]
    [InlineData(new[] { "conformance", "--plugin", "x", "--precision", "float16" }, "error: Argument 'float16' not recognized.")]
    [InlineData(new[] { "run", "a.json", "--seed", "-1" }, "error: option --seed needs a non-negative integer")]
    [InlineData(new[] { "run", "a.json", "--quiet=yes" }, "error: unexpected argument 'yes'")]
    [InlineData(new[] { "backends", "extra" }, "error: unexpected argument 'extra'")]
    public void Usage_errors_exit_with_2_and_show_the_help(string[] args, string message)
    {
        var (exit, stdout, stderr) = Run(AppWithCpu(), args);
        exit.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith(message).And.Contain("Usage:");
    }

    [Fact]
    public void Run_writes_data_plots_and_summary()
    {
        using var temp = new TempFolder();
        string outDir = Path.Combine(temp.Path, "out");
        var (exit, stdout, stderr) = Run(AppWithCpu(), "run", Example("small-network.json"), "--out", outDir);

        exit.Should().Be(0, stderr);
        stdout.Should().Contain("network 'small-network': 5 cells in 2 populations, 6 connections in 1 projection");
        stdout.Should().MatchRegex(@"│ population │ cell type\s+│ cells │ recorded │ spikes │ rate \(Hz\) │", "the summary is a table");
        stdout.Should().MatchRegex(@"│ input\s+│ SpikeSourceArray │\s+2 │\s+2 │\s+8 │\s+40\.00 │");
        stdout.Should().MatchRegex(@"│ cells\s+│ IF_curr_alpha\s+│\s+3 │\s+3 │\s+\d+ │\s+\d+\.\d\d │");
        stdout.Should().MatchRegex(@"wall time: build [\d.]+ s, load [\d.]+ s, simulate [\d.]+ s .*total [\d.]+ s");

        string[] expected = ["input.npz", "cells.npz", "raster.png", "raster.svg", "cells_v.png", "cells_v.svg", "rates.png", "rates.svg", "summary.json"];
        foreach (var file in expected)
        {
            string path = Path.Combine(outDir, file);
            File.Exists(path).Should().BeTrue(file);
            stdout.Should().Contain(path, "the paths written are printed");
        }
        Directory.GetFiles(outDir).Select(Path.GetFileName).Should().BeEquivalentTo(expected);

        using (var zip = ZipFile.OpenRead(Path.Combine(outDir, "cells.npz")))
            zip.Entries.Select(e => e.FullName).Should().Equal(
                "spike_times.npy", "spike_cells.npy", "recorded_cells.npy", "v.npy", "v_times.npy", "v_channels.npy");
        using (var zip = ZipFile.OpenRead(Path.Combine(outDir, "input.npz")))
            zip.Entries.Select(e => e.FullName).Should().Equal("spike_times.npy", "spike_cells.npy", "recorded_cells.npy");
        foreach (var png in expected.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
            File.ReadAllBytes(Path.Combine(outDir, png)).Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
        Meta.Tests.Output.PlotImages.SvgTexts(Path.Combine(outDir, "raster.svg")).Should().Contain(["input", "cells"], "each population's band is labelled");

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        root.GetProperty("name").GetString().Should().Be("small-network");
        root.GetProperty("backend").GetProperty("name").GetString().Should().Be("cpu");
        root.GetProperty("dt_ms").GetDouble().Should().Be(0.1);
        root.GetProperty("duration_ms").GetDouble().Should().Be(100);
        root.GetProperty("seed").GetUInt64().Should().Be(42);
        root.GetProperty("connections").GetInt64().Should().Be(6);
        root.GetProperty("timings_s").GetProperty("load").GetDouble().Should().BePositive();
        var input = root.GetProperty("populations")[0];
        input.GetProperty("spikes").GetInt64().Should().Be(8);
        input.GetProperty("mean_rate_hz").GetDouble().Should().BeApproximately(40.0, 1e-9);
    }

    [Fact]
    public void Run_writes_the_learned_weights_of_plastic_projections_with_their_plots()
    {
        using var temp = new TempFolder();
        string outDir = Path.Combine(temp.Path, "out");
        var (exit, _, stderr) = Run(AppWithCpu(), "run", Example("song-abbott-stdp.json"), "--duration", "2000", "--out", outDir, "--threads", "1");
        exit.Should().Be(0, stderr);
        using (var zip = ZipFile.OpenRead(Path.Combine(outDir, "weights_plastic.npz")))
            zip.Entries.Select(e => e.FullName).Should().Equal("pre.npy", "post.npy", "weight_initial.npy", "weight_final.npy");
        foreach (var png in new[] { "weights_plastic.png", "weight_change_plastic.png" })
            File.ReadAllBytes(Path.Combine(outDir, png)).Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var projection = summary.RootElement.GetProperty("projections")[0];
        projection.GetProperty("synapse_type").GetString().Should().Be("STDPMechanism(SpikePairRule, AdditiveWeightDependence)");
        projection.GetProperty("weights_file").GetString().Should().Be("weights_plastic.npz");
        double initial = projection.GetProperty("mean_weight_initial").GetDouble(), final = projection.GetProperty("mean_weight_final").GetDouble();
        initial.Should().BeApproximately(0.0005, 0.00003, "the initial weights are uniform on [0, 0.001]");
        final.Should().NotBe(initial, "2 s of STDP change the weights");
    }

    [Fact]
    public void Run_writes_the_current_of_recorded_sources()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "currents.json");
        File.WriteAllText(file, """
            {"simulation": {"duration": 20, "seed": 3},
             "populations": [{"label": "cells", "size": 2, "cell_type": "IF_curr_exp", "record": ["v"]}],
             "current_sources": [
               {"type": "ACSource", "amplitude": 0.5, "offset": 0.1, "frequency": 100, "start": 5, "stop": 15, "inject_into": "cells", "label": "ac", "record": true},
               {"type": "NoisyCurrentSource", "mean": 0.2, "stdev": 0.1, "inject_into": "cells", "record": true},
               {"type": "DCSource", "amplitude": 0.1, "inject_into": "cells"}]}
            """);
        string outDir = Path.Combine(temp.Path, "out");
        var (exit, _, stderr) = Run(AppWithCpu(), "run", file, "--out", outDir, "--threads", "1");
        exit.Should().Be(0, stderr);
        Directory.GetFiles(outDir).Select(Path.GetFileName).Should().BeEquivalentTo(
            "cells.npz", "cells_v.png", "cells_v.svg", "ac.npz", "ac_i.png", "ac_i.svg", "current_source_1.npz", "current_source_1_i.png",
            "current_source_1_i.svg", "summary.json");
        Meta.Tests.Output.PlotImages.SvgTexts(Path.Combine(outDir, "cells_v.svg")).Should().Contain("ac → #0, #1", "the stimuli driving the traced cells are shown");
        using (var zip = ZipFile.OpenRead(Path.Combine(outDir, "ac.npz")))
        {
            zip.Entries.Select(e => e.FullName).Should().Equal("i.npy", "i_times.npy");
            using var stream = zip.GetEntry("i.npy")!.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            System.Text.Encoding.ASCII.GetString(bytes).Should().Contain("'shape': (201, 1)");
            // The data follow the header: 201 little-endian float64 values; sample 50 (t = 5 ms) is the offset, sin(0) = 0.
            var values = new double[201];
            Buffer.BlockCopy(bytes, bytes.Length - 201 * 8, values, 0, 201 * 8);
            values[49].Should().Be(0);
            values[50].Should().BeApproximately(0.1, 1e-12);
            values[150].Should().Be(0);
        }
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var currents = summary.RootElement.GetProperty("recorded_currents");
        currents.GetArrayLength().Should().Be(2);
        currents[0].GetProperty("label").GetString().Should().Be("ac");
        currents[1].GetProperty("type").GetString().Should().Be("NoisyCurrentSource");
        currents[1].GetProperty("file").GetString().Should().Be("current_source_1.npz");
    }

    [Fact]
    public void Options_override_the_file()
    {
        using var temp = new TempFolder();
        var (exit, stdout, stderr) = Run(AppWithCpu(), "run", Example("small-network.json"), "-o", temp.Path,
            "--duration", "20", "--seed", "7", "--no-plots", "--threads", "1");
        exit.Should().Be(0, stderr);
        stdout.Should().Contain("running 20 ms on backend 'cpu'").And.Contain("seed 7");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Should().BeEquivalentTo("input.npz", "cells.npz", "summary.json");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "summary.json")));
        summary.RootElement.GetProperty("duration_ms").GetDouble().Should().Be(20);
        summary.RootElement.GetProperty("seed").GetUInt64().Should().Be(7);
    }

    [Fact]
    public void Quiet_prints_nothing()
    {
        using var temp = new TempFolder();
        var (exit, stdout, stderr) = Run(AppWithCpu(), "run", Example("small-network.json"), "--out", temp.Path, "--quiet", "--no-plots");
        exit.Should().Be(0, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().BeEmpty();
        File.Exists(Path.Combine(temp.Path, "summary.json")).Should().BeTrue();
    }

    [Fact]
    public void A_bad_file_gives_exit_code_1_and_one_error_line_naming_the_field()
    {
        using var temp = new TempFolder();
        string file = temp.File("bad.json", """
            {"simulation": {"duration": 10},
             "populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "parameters": {"tau_mm": 10}}]}
            """);
        var (exit, stdout, stderr) = Run(AppWithCpu(), "run", file, "--out", Path.Combine(temp.Path, "out"));
        exit.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith("error: populations[0].parameters.tau_mm: unknown parameter 'tau_mm' (valid parameters for IF_cond_exp are: ");
        stderr.TrimEnd().Split('\n').Should().ContainSingle("the error is one line, with no stack trace");
        Directory.Exists(Path.Combine(temp.Path, "out")).Should().BeFalse();
    }

    [Fact]
    public void Errors_of_the_api_while_building_are_prefixed_with_the_path()
    {
        using var temp = new TempFolder();
        string file = temp.File("bad.json", """
            {"simulation": {"duration": 10},
             "populations": [{"label": "exc", "size": 2, "cell_type": "IF_cond_exp", "record": ["v"]}],
             "record": [{"cells": "exc", "variables": ["v"], "sampling_interval": 0.25}]}
            """);
        var (exit, _, stderr) = Run(AppWithCpu(), "run", file, "--verbose");
        exit.Should().Be(1);
        stderr.Should().StartWith("error: record[0].sampling_interval: ");
        stderr.Should().Contain("at Meta.", "--verbose prints the stack trace");
    }

    [Fact]
    public void Missing_file_duration_and_backend_are_errors()
    {
        using var temp = new TempFolder();
        var missing = Run(AppWithCpu(), "run", Path.Combine(temp.Path, "nope.json"));
        missing.Exit.Should().Be(1);
        missing.Err.Should().StartWith("error: cannot read network file");

        string noDuration = temp.File("n.json", """{"populations": [{"label": "a", "size": 1, "cell_type": "IF_cond_exp"}]}""");
        var duration = Run(AppWithCpu(), "run", noDuration);
        duration.Exit.Should().Be(1);
        duration.Err.Should().Contain("simulation.duration is not set").And.Contain("--duration");

        var backend = Run(AppWithCpu(), "run", Example("small-network.json"), "--backend", "gpu");
        backend.Exit.Should().Be(1);
        backend.Err.Should().StartWith("error: no backend named 'gpu' is loaded (available: cpu)");
    }

    [Fact]
    public void Backends_lists_the_cpu_backend_loaded_from_the_cli_plugins_folder()
    {
        Directory.Exists(Path.Combine(CliPluginsFolder, "cpu")).Should().BeTrue(
            $"building the tests builds Cli, which deploys the CPU plugin to {CliPluginsFolder}");
        var (exit, stdout, stderr) = Run(new CliApp(), "backends", "--plugins", CliPluginsFolder);
        exit.Should().Be(0, stderr);
        stdout.Should().MatchRegex($@"(?m)^cpu \S+ \(contract version {Meta.Backends.Contract.Version}\)");
        stdout.Should().Contain("devices:").And.Contain("cell types:").And.Contain("IF_cond_exp").And.Contain("StaticSynapse");
        stdout.Should().Contain("loaded from:").And.Contain(Path.Combine(CliPluginsFolder, "cpu"));
    }

    [Fact]
    public void Backends_reports_plugin_problems_and_still_exits_0()
    {
        // The test output's own plugins folder holds the test plugins, one good, others refused.
        var (exit, stdout, _) = Run(new CliApp(), "backends");
        exit.Should().Be(0);
        stdout.Should().Contain($"test-good 1.0.0 (contract version {Meta.Backends.Contract.Version})");
        stdout.Should().Contain("plugin problems").And.Contain("test-incompatible");
    }

    [Fact]
    public void Backends_exits_1_when_no_backend_loads()
    {
        var app = new CliApp { LoadPlugins = _ => new PluginCatalog([], [new PluginProblem("/plugins/broken", null, "no plugin assembly")], ["/plugins"]) };
        var (exit, stdout, stderr) = Run(app, "backends");
        exit.Should().Be(1);
        stdout.Should().Contain("/plugins/broken").And.Contain("no plugin assembly");
        stderr.Should().StartWith("error: no backend loaded (searched: /plugins)");
    }

    [Fact]
    public void Run_loads_the_backend_through_the_plugin_host()
    {
        using var temp = new TempFolder();
        var (exit, stdout, stderr) = Run(new CliApp(), "run", Example("small-network.json"), "--plugins", CliPluginsFolder,
            "--out", temp.Path, "--no-plots", "--duration", "10");
        exit.Should().Be(0, stderr);
        stdout.Should().Contain("on backend 'cpu'");
    }

    [Fact]
    public void Conformance_certifies_a_plugin_folder_and_writes_the_report()
    {
        using var temp = new TempFolder();
        string report = Path.Combine(temp.Path, "report.json");
        var app = new CliApp { LoadPlugins = _ => PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = [CliPluginsFolder] }) };
        var (exit, stdout, stderr) = Run(app, "conformance", "--plugin", Path.Combine(CliPluginsFolder, "cpu"), "--filter", "dynamics/", "--out", report);
        exit.Should().Be(0, stderr);
        stdout.Should().Contain("dynamics/delays").And.Contain("pass").And.MatchRegex(@"conformance: \d+ passed, 0 failed");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("backend").GetString().Should().Be("cpu");
        json.RootElement.GetProperty("failed").GetInt32().Should().Be(0);
    }

    [Fact]
    public void Conformance_with_a_filter_that_matches_nothing_names_the_scenario_groups()
    {
        using var temp = new TempFolder();
        var app = new CliApp { LoadPlugins = _ => PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = [CliPluginsFolder] }) };
        var (exit, _, stderr) = Run(app, "conformance", "--plugin", Path.Combine(CliPluginsFolder, "cpu"), "--filter", "no-such-scenario",
            "--out", Path.Combine(temp.Path, "report.json"));
        exit.Should().Be(1);
        stderr.Should().Contain("no conformance scenario's name contains 'no-such-scenario'").And.Contain("'dynamics/...'");
        File.Exists(Path.Combine(temp.Path, "report.json")).Should().BeFalse("nothing ran, so no report is written");
    }

    [Fact]
    public void An_interrupted_run_writes_what_was_recorded_until_then_and_exits_130()
    {
        using var temp = new TempFolder();
        using var cancellation = new CancellationTokenSource();
        var app = new CliApp
        {
            LoadPlugins = _ => CpuCatalog(),
            Cancellation = cancellation.Token,
            ProgressObserver = fraction =>
            {
                if (fraction >= 0.3) cancellation.Cancel();
            },
        };
        var (exit, stdout, stderr) = Run(app, "run", Example("small-network.json"), "--out", temp.Path, "--threads", "1");

        exit.Should().Be(CliApp.Interrupted, stderr);
        stderr.Should().MatchRegex(@"interrupted: cancelled at (\d+(\.\d+)?) of 100 ms; writing what was recorded until then");
        stdout.Should().Contain("interrupted at").And.Contain("wrote");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "summary.json")));
        var root = summary.RootElement;
        root.GetProperty("completed").GetBoolean().Should().BeFalse();
        root.GetProperty("interrupted").GetString().Should().Be("cancelled");
        root.GetProperty("requested_duration_ms").GetDouble().Should().Be(100);
        double reached = root.GetProperty("duration_ms").GetDouble();
        reached.Should().BeInRange(30, 60, "the run stops at the end of the slice in which it was cancelled");
        using (var zip = ZipFile.OpenRead(Path.Combine(temp.Path, "cells.npz")))
        {
            using var stream = zip.GetEntry("v_times.npy")!.Open();
            using var reader = new StreamReader(stream);
            int samples = (int)Math.Round(reached / 0.1) + 1;
            reader.ReadToEnd().Should().Contain($"'shape': ({samples},)", "v is recorded up to the time reached");
        }
        Meta.Tests.Output.PlotImages.PngSize(Path.Combine(temp.Path, "raster.png")).Should().Be((1200, 700));
    }

    [Fact]
    public void A_run_failing_midway_writes_what_was_recorded_and_exits_1()
    {
        using var temp = new TempFolder();
        // The observer is called from the engine's progress callback: its exception is a failure in the middle of a run.
        var app = new CliApp
        {
            LoadPlugins = _ => CpuCatalog(),
            ProgressObserver = fraction =>
            {
                if (fraction >= 0.5) throw new InvalidOperationException("engine lost");
            },
        };
        var (exit, _, stderr) = Run(app, "run", Example("small-network.json"), "--out", temp.Path, "--threads", "1", "--no-plots");

        exit.Should().Be(CliApp.Failure);
        stderr.Should().Contain("interrupted: engine lost at ").And.MatchRegex(@"error: the run failed at [\d.]+ ms \(the data recorded until then are in .+\): engine lost");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "summary.json")));
        summary.RootElement.GetProperty("completed").GetBoolean().Should().BeFalse();
        summary.RootElement.GetProperty("interrupted").GetString().Should().Be("engine lost");
        summary.RootElement.GetProperty("duration_ms").GetDouble().Should().BeInRange(40, 60);
        using var zip = ZipFile.OpenRead(Path.Combine(temp.Path, "cells.npz"));
        zip.Entries.Select(e => e.FullName).Should().Contain(["spike_times.npy", "v.npy"]);
    }

    [Fact]
    public void Run_warns_about_a_plugins_folder_without_plugins()
    {
        using var temp = new TempFolder();
        var (exit, _, stderr) = Run(AppWithCpu(), "run", Example("small-network.json"), "--plugins", temp.Path, "--out", Path.Combine(temp.Path, "out"),
            "--no-plots", "--duration", "10");
        exit.Should().Be(0, stderr);
        stderr.Should().Contain($"warning: no backend plugin found in {temp.Path} (--plugins)");
    }

    [Fact]
    public void Conformance_needs_a_plugin_folder() =>
        Run(new CliApp(), "conformance").Err.Should().StartWith("error: Option '--plugin' is required.").And.Contain("--plugin <DIR>");
}
