using System.Text.Json;
using System.Text.Json.Nodes;
using Meta.Cli.Commands;
using Meta.Tests.Cli;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Torch;

/// <summary>
/// The Torch backend on the CPU device delivers static synapses on the host (rows walked, weights added into the delay
/// ring through a span). A small COBA network with one projection of random delays (the ring wraps) and others of one
/// delay must give the CPU backend's spikes (float64; the CPU backend has no float32), and so must the tensor path that
/// GPU devices take, forced on the CPU device by META_TORCH_TENSOR_DELIVERY=1 (run in a child process).
/// </summary>
public class TorchHostDeliveryTests
{
    [Fact]
    public void Host_delivery_gives_the_cpu_backends_spikes()
    {
        using var temp = new TempFolder();
        // The exc projections get random delays (the ring wraps).
        string file = TorchChildRun.Coba400(temp.Path, network =>
        {
            foreach (var p in network["projections"]!.AsArray())
                if (p!["pre"]!.GetValue<string>() == "exc")
                    p["synapse"]!["delay"] = JsonNode.Parse("""{"distribution": "uniform", "low": 0.2, "high": 1.0}""");
        });
        var counts = new Dictionary<string, string>();
        foreach (var backend in new[] { "cpu", "torch", "torch-tensor-path" })
        {
            string output = Path.Combine(temp.Path, backend);
            var (exit, stderr) = backend == "torch-tensor-path" ? TorchChildRun.Run(file, output, 100, "META_TORCH_TENSOR_DELIVERY=1")
                : RunInProcess(backend, file, output);
            exit.Should().Be(0, $"{backend}: {stderr}");
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
            counts[backend] = string.Join(", ", summary.RootElement.GetProperty("populations").EnumerateArray()
                .Select(p => $"{p.GetProperty("label").GetString()}={(p.TryGetProperty("spikes", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : -1)}"));
        }
        counts["cpu"].Should().MatchRegex("exc=[1-9]", "the network must spike for the comparison to mean anything");
        counts["torch"].Should().Be(counts["cpu"]);
        counts["torch-tensor-path"].Should().Be(counts["cpu"]);
    }

    private static (int Exit, string Stderr) RunInProcess(string backend, string file, string output)
    {
        var (exit, _, stderr) = Run(new CliApp(), "run", file, "--plugins", CliPluginsFolder, "--backend", backend,
            "--out", output, "--no-plots", "--quiet", "--duration", "100");
        return (exit, stderr);
    }
}
