using System.Text.Json;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Cli;

/// <summary>What `meta run` refuses before running, and what it reports when a run diverges.</summary>
public class RunGuardTests
{
    [Fact]
    public void A_recording_larger_than_the_limit_is_refused_before_the_run_naming_the_largest_part()
    {
        using var temp = new TempFolder();
        var (exit, _, stderr) = Run(AppWithCpu(), "run", Example("small-network.json"), "--out", temp.Path, "--duration", "1e12");
        exit.Should().NotBe(0);
        // v of 3 cells sampled every 0.1 ms for 10¹² ms: 3·10¹³ samples, 2.4·10¹⁴ bytes.
        stderr.Should().Contain("recording 1e12 ms needs 240 TB in memory and as much on disk")
            .And.Contain("v of 3 cells in 'cells' (240 TB)").And.Contain("--max-recording GB");
        Directory.EnumerateFiles(temp.Path).Should().BeEmpty("nothing ran");
    }

    [Fact]
    public void The_recording_limit_can_be_set()
    {
        using var temp = new TempFolder();
        // 100 ms of v for 3 cells: 1001 × 3 doubles, 24 kB.
        var (exit, _, stderr) = Run(AppWithCpu(), "run", Example("small-network.json"), "--out", temp.Path, "--no-plots", "--max-recording", "0.00001");
        exit.Should().NotBe(0);
        stderr.Should().Contain("needs 24 kB").And.Contain("more than the limit of 10 kB (--max-recording)");
        var (ok, _, err) = Run(AppWithCpu(), "run", Example("small-network.json"), "--out", temp.Path, "--no-plots", "--max-recording", "0.001");
        ok.Should().Be(0, err);
    }

    [Fact]
    public void A_diverging_run_fails_naming_the_cell_and_keeps_what_was_recorded()
    {
        using var temp = new TempFolder();
        string network = Path.Combine(temp.Path, "hh.json");
        File.WriteAllText(network, """
            {"name": "runaway", "simulation": {"timestep": 0.1, "seed": 1, "duration": 50},
             "populations": [{"label": "hh", "size": 2, "cell_type": "HH_cond_exp", "parameters": {"i_offset": [0.5, 1e6]}, "record": ["v"]}]}
            """);
        string output = Path.Combine(temp.Path, "out");
        var (exit, _, stderr) = Run(AppWithCpu(), "run", network, "--out", output, "--no-plots", "--threads", "1");
        exit.Should().Be(1, stderr);
        stderr.Should().Contain("The simulation diverged: 'v' of cell 1 in 'hh' (HH_cond_exp)");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        summary.RootElement.GetProperty("completed").GetBoolean().Should().BeFalse();
        File.Exists(Path.Combine(output, "hh.npz")).Should().BeTrue();
    }
}
