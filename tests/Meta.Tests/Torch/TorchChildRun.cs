using System.Text.Json.Nodes;

namespace Meta.Tests.Torch;

/// <summary>
/// The small networks of the Torch backend's path tests, and `meta run` in a child process with environment switches that the Torch backend reads when it loads or makes an engine
/// (META_TORCH_TENSOR_DELIVERY, META_TORCH_MASKED_OPS, META_TORCH_SPARSE_MIN_CELLS), so that they never leak into other tests of this process.
/// </summary>
internal static class TorchChildRun
{
    /// <summary>
    /// examples/vogels-abbott-coba.json with exc and inh a tenth of their size (400 cells) and denser connections (0.5 from
    /// ext, 0.2 otherwise), so that it spikes within 100 ms; <paramref name="adjust"/> changes it further. Written into
    /// <paramref name="folder"/>; returns the file.
    /// </summary>
    public static string Coba400(string folder, Action<JsonNode>? adjust = null)
    {
        var network = JsonNode.Parse(File.ReadAllText(Cli.CliTestSupport.Example("vogels-abbott-coba.json")))!;
        foreach (var p in network["populations"]!.AsArray())
            if (p!["label"]!.GetValue<string>() is "exc" or "inh") p["size"] = p["size"]!.GetValue<int>() / 10;
        foreach (var p in network["projections"]!.AsArray())
            p!["connector"]!["p_connect"] = p["pre"]!.GetValue<string>() == "ext" ? 0.5 : 0.2;
        adjust?.Invoke(network);
        string file = Path.Combine(folder, "coba-400.json");
        File.WriteAllText(file, network.ToJsonString());
        return file;
    }

    /// <summary>Runs `meta run FILE --plugins … --backend torch --out OUTPUT --no-plots --quiet --duration MS` with the environment <paramref name="switches"/> (NAME=VALUE).</summary>
    public static (int Exit, string Stderr) Run(string file, string output, double durationMs, params string[] switches)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "Meta.Cli.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var sw in switches) start.Environment[sw[..sw.IndexOf('=', StringComparison.Ordinal)]] = sw[(sw.IndexOf('=', StringComparison.Ordinal) + 1)..];
        foreach (var a in new[] { cli, "run", file, "--plugins", Cli.CliTestSupport.CliPluginsFolder, "--backend", "torch", "--out", output,
                     "--no-plots", "--quiet", "--duration", durationMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }
}
