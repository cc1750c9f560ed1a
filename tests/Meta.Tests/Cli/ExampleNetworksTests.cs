using System.Text.Json;
using Meta.Cli.Commands;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Cli;

/// <summary>
/// The example networks of issue 6 (every standard cell type, spike and current source, connector and structure) run
/// through <c>meta run</c> with the plugin host on every shipped backend and give the same spike counts.
/// </summary>
public class ExampleNetworksTests
{
    [Theory]
    [InlineData("pynn-library.json")]
    [InlineData("cell-types.json")]
    [InlineData("spatial-grid.json")]
    [InlineData("current-sources.json")]
    [InlineData("potjans-diesmann/microcircuit-N0.01-K0.1.json")]
    public void An_example_gives_the_same_spikes_on_every_backend(string example)
    {
        var counts = new Dictionary<string, string>();
        foreach (var backend in new[] { "cpu", "ilgpu", "torch" })
        {
            using var temp = new TempFolder();
            var (exit, _, stderr) = Run(new CliApp(), "run", Example(example), "--plugins", CliPluginsFolder, "--backend", backend,
                "--out", temp.Path, "--no-plots", "--quiet", "--duration", "100");
            exit.Should().Be(0, $"{backend}: {stderr}");
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "summary.json")));
            counts[backend] = string.Join(", ", summary.RootElement.GetProperty("populations").EnumerateArray()
                .Select(p => $"{p.GetProperty("label").GetString()}={(p.TryGetProperty("spikes", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : -1)}"));
        }
        counts["cpu"].Should().Contain("=", "some population records spikes");
        counts["ilgpu"].Should().Be(counts["cpu"]);
        counts["torch"].Should().Be(counts["cpu"]);
    }
}
