using static Meta.Tests.Cli.CliTestSupport;
using static Meta.Tests.Cli.TracedCliRun;

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

    /// <summary>
    /// `meta run examples/small-network.json -b cpu`, traced (<see cref="TracedCliRun"/>), with
    /// <c>META_CPU_KERNEL_EMITTER</c> set to <paramref name="emitter"/> (null: unset, the default); the trace's bytes.
    /// </summary>
    private static byte[] RunTraced(string folder, string cache, string name, string? emitter) =>
        TracedCliRun.Run(folder, cache, name, "cpu", new Dictionary<string, string?> { ["META_CPU_KERNEL_EMITTER"] = emitter }).Trace;
}
