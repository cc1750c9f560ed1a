using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Cli;

public sealed class SweepCommandTests
{
    private const string Sets = "cells.tau_m,input_to_cells.weight,seed\n10,1.5,1\n20,1.5,2\n10,3.0,1\n";

    [Fact]
    public void Writes_a_row_per_variant_that_matches_meta_run_of_that_variant()
    {
        using var temp = new TempFolder();
        string sets = temp.File("sets.csv", Sets);
        string out_ = System.IO.Path.Combine(temp.Path, "out");
        var (exit, stdout, stderr) = Run(AppWithCpu(), "sweep", Example("small-network.json"), "--sets", sets, "-o", out_, "--record-variants", "2", "-q");
        exit.Should().Be(0, stderr + stdout);

        var rows = File.ReadAllLines(System.IO.Path.Combine(out_, "sweep.csv"));
        rows[0].Should().Be("variant,seed,cells.tau_m,input_to_cells.weight,cells.spikes,cells.rate_hz,cells.burst_period_ms,cells.spikes_per_burst,cells.silent,cells.tonic,cells.bursting,cells.irregular");
        rows.Should().HaveCount(4);
        File.Exists(System.IO.Path.Combine(out_, "variant-0002.npz")).Should().BeTrue();
        File.ReadAllText(System.IO.Path.Combine(out_, "summary.json")).Should().Contain("\"batched\": true");

        // Variant 2 alone, through the network file with its values written in.
        string network = File.ReadAllText(Example("small-network.json"))
            .Replace("\"weight\": 1.5", "\"weight\": 3.0", StringComparison.Ordinal);
        string file = temp.File("variant2.json", network);
        string alone = System.IO.Path.Combine(temp.Path, "alone");
        Run(AppWithCpu(), "run", file, "-o", alone, "--seed", "1", "--no-plots", "-q").Exit.Should().Be(0);
        var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(alone, "summary.json"))).RootElement;
        long spikes = summary.GetProperty("populations").EnumerateArray().Single(p => p.GetProperty("label").GetString() == "cells").GetProperty("spikes").GetInt64();
        rows[3].Split(',')[4].Should().Be(spikes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Host_measures_give_the_same_table_as_the_backend_s()
    {
        using var temp = new TempFolder();
        string sets = temp.File("sets.csv", Sets);
        string device = System.IO.Path.Combine(temp.Path, "device"), host = System.IO.Path.Combine(temp.Path, "host");
        Run(AppWithCpu(), "sweep", Example("small-network.json"), "--sets", sets, "-o", device, "-q").Exit.Should().Be(0);
        Run(AppWithCpu(), "sweep", Example("small-network.json"), "--sets", sets, "-o", host, "--host-measures", "-q").Exit.Should().Be(0);

        File.ReadAllLines(System.IO.Path.Combine(host, "sweep.csv")).Should().Equal(File.ReadAllLines(System.IO.Path.Combine(device, "sweep.csv")));
        File.ReadAllText(System.IO.Path.Combine(device, "summary.json")).Should().Contain("\"measured_on_device\": true");
        File.ReadAllText(System.IO.Path.Combine(host, "summary.json")).Should().Contain("\"measured_on_device\": false");
    }

    [Fact]
    public void The_pyloric_measure_needs_a_pacemaker_lp_and_py_and_says_so_before_running()
    {
        using var temp = new TempFolder();
        string sets = temp.File("sets.csv", Sets);
        var (exit, _, stderr) = Run(AppWithCpu(), "sweep", Example("small-network.json"), "--sets", sets, "--measure", "pyloric",
            "-o", System.IO.Path.Combine(temp.Path, "out"), "-q");
        exit.Should().NotBe(0);
        stderr.Should().Contain("--measure pyloric needs a pacemaker population labelled PD, ABPD, AB/PD, AB (populations: ");
    }

    [Fact]
    public void Thermalisation_is_cached_across_runs()
    {
        using var temp = new TempFolder();
        string sets = temp.File("sets.csv", Sets);
        string cache = System.IO.Path.Combine(temp.Path, "cache");
        string[] Args(string o) => ["sweep", Example("small-network.json"), "--sets", sets, "-o", System.IO.Path.Combine(temp.Path, o), "--thermalise", "20", "--cache", cache];
        var first = Run(AppWithCpu(), Args("a"));
        var second = Run(AppWithCpu(), Args("b"));
        first.Exit.Should().Be(0, first.Err);
        first.Out.Should().Contain("thermalised states: 0 from the cache, 3 computed");
        second.Out.Should().Contain("thermalised states: 3 from the cache, 0 computed");
        File.ReadAllLines(System.IO.Path.Combine(temp.Path, "b", "sweep.csv")).Skip(1).Select(l => l.Replace("true", "", StringComparison.Ordinal))
            .Should().Equal(File.ReadAllLines(System.IO.Path.Combine(temp.Path, "a", "sweep.csv")).Skip(1).Select(l => l.Replace("false", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_bad_target_is_one_error_line_listing_the_populations()
    {
        using var temp = new TempFolder();
        string sets = temp.File("sets.csv", "cels.tau_m\n10\n");
        var (exit, _, stderr) = Run(AppWithCpu(), "sweep", Example("small-network.json"), "--sets", sets, "-o", temp.Path, "-q");
        exit.Should().Be(1);
        stderr.Should().StartWith("error: Sweep target 'cels.tau_m': no population or projection labelled 'cels' (populations: input, cells;");
    }

    [Fact]
    public void A_bad_csv_cell_names_line_and_column()
    {
        using var temp = new TempFolder();
        string sets = temp.File("sets.csv", "cells.tau_m,seed\n10,1\n1O,2\n");
        var (exit, _, stderr) = Run(AppWithCpu(), "sweep", Example("small-network.json"), "--sets", sets, "-o", temp.Path, "-q");
        exit.Should().Be(1);
        stderr.Should().Contain("sets.csv line 3, column 1 (cells.tau_m): '1O' is not a number");
    }

    [Fact]
    public void An_unknown_measure_lists_the_valid_ones()
    {
        using var temp = new TempFolder();
        string sets = temp.File("sets.csv", Sets);
        var (exit, _, stderr) = Run(AppWithCpu(), "sweep", Example("small-network.json"), "--sets", sets, "--measure", "cv", "-o", temp.Path, "-q");
        exit.Should().Be(1);
        stderr.Should().Contain("unknown measure 'cv' (measures: spikes, rate, burst-period, spikes-per-burst, activity, pyloric)");
    }
}
