using System.IO.Compression;
using static Meta.Tests.Cli.CliTestSupport;
using static Meta.Tests.Cli.TracedCliRun;

namespace Meta.Tests.Cli;

/// <summary>
/// The ILGPU backend's first load without Roslyn (issue 16). A first `meta run -b ilgpu` of a standard network, in a fresh
/// process with an empty kernel cache, emits its cell kernels as IL into a dynamic assembly and must not load Roslyn; with
/// the kernels compiled from C# instead (<c>META_ILGPU_KERNEL_EMITTER=roslyn</c>, the path every kernel the IL emitter
/// cannot express takes), Roslyn is loaded and the recordings are the same bytes. Each run is a child process of the built
/// CLI traced by the runtime's loader events (EventPipe), on ILGPU's CPU accelerator; <c>META_ILGPU_KERNEL_LOG</c> says
/// which emitter took each kernel.
/// </summary>
public class IlgpuKernelStartupTests
{
    [Fact]
    public void A_first_ilgpu_run_emits_its_cell_kernels_as_IL_and_does_not_load_Roslyn()
    {
        using var temp = new TempFolder();
        string cache = Path.Combine(temp.Path, "kernels");

        var (trace, log) = RunTraced(temp.Path, cache, "il", emitter: null);

        log.Should().Contain("'IF_curr_alpha' (float64) emitted as IL", "the standard cell's kernel is emitted as IL");
        log.Should().NotContain("Roslyn");
        Loaded(trace, "Meta.Backends.Ilgpu").Should().BeTrue("the trace lists the assemblies the run loaded");
        Loaded(trace, "Microsoft.CodeAnalysis").Should().BeFalse("the ilgpu backend emits a standard network's cell kernels as IL, without Roslyn");
        (Directory.Exists(cache) ? Directory.GetFiles(cache, "*.kernel") : []).Should().BeEmpty("no kernel was compiled from C#");
    }

    [Fact]
    public void Kernels_compiled_with_Roslyn_instead_record_the_same_bytes_as_the_IL_kernels()
    {
        using var temp = new TempFolder();
        string cache = Path.Combine(temp.Path, "kernels");

        var (ilTrace, _) = RunTraced(temp.Path, cache, "il", emitter: "il");
        var (roslynTrace, roslynLog) = RunTraced(temp.Path, cache, "roslyn", emitter: "roslyn");

        roslynLog.Should().Contain("'IF_curr_alpha' (float64) compiled with Roslyn");
        Loaded(roslynTrace, "Microsoft.CodeAnalysis").Should().BeTrue("the C# kernels are compiled with Roslyn, and the trace must see that");
        Loaded(ilTrace, "Microsoft.CodeAnalysis").Should().BeFalse();
        Directory.GetFiles(cache, "*.kernel").Should().NotBeEmpty("the Roslyn run stores its compiled kernel");
        var ilFiles = Recordings(Path.Combine(temp.Path, "il"));
        ilFiles.Keys.Should().Contain(["cells.npz/spike_times.npy", "cells.npz/v.npy"]);
        ilFiles.Should().HaveCount(Recordings(Path.Combine(temp.Path, "roslyn")).Count);
        foreach (var (entry, bytes) in Recordings(Path.Combine(temp.Path, "roslyn")))
            ilFiles[entry].Should().Equal(bytes, $"{entry} is computed by the same operations in both kernels");
    }

    /// <summary>Every array of every .npz file in <paramref name="folder"/>, keyed "file/entry".</summary>
    private static Dictionary<string, byte[]> Recordings(string folder)
    {
        var arrays = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(folder, "*.npz"))
        {
            using var zip = ZipFile.OpenRead(file);
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                arrays[Path.GetFileName(file) + "/" + entry.FullName] = copy.ToArray();
            }
        }
        return arrays;
    }

    /// <summary>
    /// `meta run examples/small-network.json -b ilgpu`, traced (<see cref="TracedCliRun"/>), with the kernel log on and
    /// <c>META_ILGPU_KERNEL_EMITTER</c> set to <paramref name="emitter"/> (null: unset, the default); the trace's bytes and the log.
    /// </summary>
    private static (byte[] Trace, string Log) RunTraced(string folder, string cache, string name, string? emitter) =>
        TracedCliRun.Run(folder, cache, name, "ilgpu",
            new Dictionary<string, string?> { ["META_ILGPU_KERNEL_LOG"] = "1", ["META_ILGPU_KERNEL_EMITTER"] = emitter });
}
