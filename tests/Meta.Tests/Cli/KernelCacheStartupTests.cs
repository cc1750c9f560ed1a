using System.Diagnostics;
using System.Text;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Cli;

/// <summary>
/// Start-up without Roslyn (issue 16). A first `meta run` of a standard network, in a fresh process with an empty kernel
/// cache, emits its kernels as IL and must not load Roslyn at all; with the kernels compiled from C#
/// (<c>META_CPU_KERNEL_EMITTER=roslyn</c>), a second run whose kernels are all on disk must not load it either. Each run is a
/// child process of the built CLI traced by the runtime's own loader events (EventPipe, written to a file), so the
/// assemblies it loaded are read from outside; the cold Roslyn run is the control that the trace sees Roslyn when it is
/// loaded.
/// </summary>
public class KernelCacheStartupTests
{
    [Fact]
    public void A_run_whose_kernels_are_on_disk_does_not_load_Roslyn()
    {
        using var temp = new TempFolder();
        string cache = Path.Combine(temp.Path, "kernels");

        byte[] cold = RunTraced(temp.Path, cache, "cold", "roslyn");
        Directory.GetFiles(cache, "*.kernel").Should().NotBeEmpty("the cold run stores its kernels");
        byte[] warm = RunTraced(temp.Path, cache, "warm", "roslyn");

        Loaded(cold, "Microsoft.CodeAnalysis").Should().BeTrue("the cold run compiles its kernels with Roslyn, and the trace must see that");
        Loaded(warm, "Meta.Backends.Cpu").Should().BeTrue("the warm run's trace lists the assemblies it loaded");
        Loaded(warm, "Microsoft.CodeAnalysis").Should().BeFalse("every kernel of the warm run comes from the disk cache");
    }

    [Fact]
    public void A_first_run_with_an_empty_kernel_cache_does_not_load_Roslyn()
    {
        using var temp = new TempFolder();
        string cache = Path.Combine(temp.Path, "kernels");

        byte[] first = RunTraced(temp.Path, cache, "first", emitter: null);

        Loaded(first, "Meta.Backends.Cpu").Should().BeTrue("the trace lists the assemblies the run loaded");
        Loaded(first, "Microsoft.CodeAnalysis").Should().BeFalse("the cpu backend emits a standard network's kernels as IL, without Roslyn");
        (Directory.Exists(cache) ? Directory.GetFiles(cache, "*.kernel") : []).Should().BeEmpty("no kernel was compiled from C#");
    }

    /// <summary>Whether <paramref name="name"/> appears in the trace (the runtime writes names as UTF-16).</summary>
    private static bool Loaded(byte[] trace, string name) => trace.AsSpan().IndexOf(Encoding.Unicode.GetBytes(name)) >= 0;

    /// <summary>
    /// `meta run examples/small-network.json -b cpu` in a child process, with loader events traced and
    /// <c>META_CPU_KERNEL_EMITTER</c> set to <paramref name="emitter"/> (null: unset, the default); the trace's bytes.
    /// </summary>
    private static byte[] RunTraced(string folder, string cache, string name, string? emitter)
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
        if (emitter is null) start.Environment.Remove("META_CPU_KERNEL_EMITTER");
        else start.Environment["META_CPU_KERNEL_EMITTER"] = emitter;
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
