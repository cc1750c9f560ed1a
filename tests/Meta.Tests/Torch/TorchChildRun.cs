namespace Meta.Tests.Torch;

/// <summary>
/// `meta run` in a child process with environment switches that the Torch backend reads when it loads or makes an engine
/// (META_TORCH_TENSOR_DELIVERY, META_TORCH_MASKED_OPS), so that they never leak into other tests of this process.
/// </summary>
internal static class TorchChildRun
{
    /// <summary>Runs `meta run FILE --plugins … --backend torch --out OUTPUT --no-plots --quiet --duration MS` with <paramref name="switch"/>=1.</summary>
    public static (int Exit, string Stderr) Run(string @switch, string file, string output, double durationMs)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "Meta.Cli.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment = { [@switch] = "1" },
        };
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
