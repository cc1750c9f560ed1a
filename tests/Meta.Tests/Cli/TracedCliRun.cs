using System.Diagnostics;
using System.Text;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Cli;

/// <summary>
/// `meta run examples/small-network.json` in a child process of the built CLI, traced by the runtime's own loader events
/// (EventPipe, written to a file), so that the assemblies the run loaded are read from outside the process: the start-up
/// tests' way of asserting that a run does or does not load Roslyn.
/// </summary>
internal static class TracedCliRun
{
    /// <summary>
    /// Runs the small network on <paramref name="backend"/> with the kernel cache in <paramref name="cache"/>, its output in
    /// <paramref name="folder"/>/<paramref name="name"/>, and <paramref name="environment"/> set (a null value unsets the
    /// variable); returns the trace's bytes and the run's standard error.
    /// </summary>
    public static (byte[] Trace, string Log) Run(string folder, string cache, string name, string backend,
        IReadOnlyDictionary<string, string?> environment)
    {
        string cli = Path.Combine(RepoRoot, "Cli", "bin", Configuration, "net10.0", "Meta.Cli.dll");
        string trace = Path.Combine(folder, name + ".nettrace");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment =
            {
                ["META_KERNEL_CACHE"] = cache,
                ["DOTNET_EnableEventPipe"] = "1",
                ["DOTNET_EventPipeOutputPath"] = trace,
                // Keyword 0x8: the loader's events (assembly and module loads), at the informational level (4).
                ["DOTNET_EventPipeConfig"] = "Microsoft-Windows-DotNETRuntime:0x8:4",
            },
        };
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        foreach (var a in new[] { cli, "run", Example("small-network.json"), "--backend", backend, "--out", Path.Combine(folder, name),
                     "--no-plots", "--quiet" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, stderr.Result);
        File.Exists(trace).Should().BeTrue("the runtime writes the EventPipe trace on exit");
        return (File.ReadAllBytes(trace), stderr.Result);
    }

    /// <summary>Whether <paramref name="name"/> appears in the trace (the runtime writes names as UTF-16).</summary>
    public static bool Loaded(byte[] trace, string name) => trace.AsSpan().IndexOf(Encoding.Unicode.GetBytes(name)) >= 0;
}
