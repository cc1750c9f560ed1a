using System.Diagnostics;
using System.Text;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Cli;

/// <summary>
/// Start-up with a warm kernel cache (issue 16): a second `meta run` whose kernels are all on disk must not load Roslyn at
/// all. Each run is a child process of the built CLI traced by the runtime's own loader events (EventPipe, written to a
/// file), so the assemblies it loaded are read from outside; the first, cold run is the control that the trace sees Roslyn
/// when it is loaded.
/// </summary>
public class KernelCacheStartupTests
{
    [Fact]
    public void A_run_whose_kernels_are_on_disk_does_not_load_Roslyn()
    {
        using var temp = new TempFolder();
        string cache = Path.Combine(temp.Path, "kernels");

        byte[] cold = RunTraced(temp.Path, cache, "cold");
        Directory.GetFiles(cache, "*.kernel").Should().NotBeEmpty("the cold run stores its kernels");
        byte[] warm = RunTraced(temp.Path, cache, "warm");

        Loaded(cold, "Microsoft.CodeAnalysis").Should().BeTrue("the cold run compiles its kernels with Roslyn, and the trace must see that");
        Loaded(warm, "Meta.Backends.Cpu").Should().BeTrue("the warm run's trace lists the assemblies it loaded");
        Loaded(warm, "Microsoft.CodeAnalysis").Should().BeFalse("every kernel of the warm run comes from the disk cache");
    }

    /// <summary>Whether <paramref name="name"/> appears in the trace (the runtime writes names as UTF-16).</summary>
    private static bool Loaded(byte[] trace, string name) => trace.AsSpan().IndexOf(Encoding.Unicode.GetBytes(name)) >= 0;

    /// <summary>`meta run examples/small-network.json -b cpu` in a child process, with loader events traced; the trace's bytes.</summary>
    private static byte[] RunTraced(string folder, string cache, string name)
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
        foreach (var a in new[] { cli, "run", Example("small-network.json"), "--backend", "cpu", "--out", Path.Combine(folder, name),
                     "--no-plots", "--quiet" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, stderr.Result);
        File.Exists(trace).Should().BeTrue("the runtime writes the EventPipe trace on exit");
        return File.ReadAllBytes(trace);
    }
}
