using System.Reflection;
using Meta.Backends;
using Meta.Models;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>
/// The ILGPU backend's IL-emitted cell kernels against the C# ones compiled with Roslyn, and its CUDA probe's decision. The
/// backend is a plugin here: its test entry points (<c>PtxCompilation</c>, <c>CudaProbe</c>) are called through reflection.
/// </summary>
public sealed class IlgpuEmitterTests(ITestOutputHelper output)
{
    private static Assembly Backend => BackendUnderTest.Get("ilgpu").GetType().Assembly;

    /// <summary>Every standard neuron model.</summary>
    public static TheoryData<string> NeuronModels()
    {
        var data = new TheoryData<string>();
        foreach (var model in Meta.Models.Standard.StandardModels.All.Where(m => m.Kind == ModelKind.Neuron)) data.Add(model.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(NeuronModels))]
    public void The_IL_kernel_of_a_standard_model_compiles_to_the_same_PTX_arithmetic_as_its_CSharp_kernel(string name)
    {
        // The IL emitter must take the kernel (it throws where it would fall back), in float64 and float32, with uniform
        // and with per-cell values; and ILGPU's PTX backend must make the same floating-point instructions of both forms
        // (mnemonic, rounding and type, counted), shown without a GPU.
        var model = Meta.Models.Standard.StandardModels.All.Single(m => m.Name == name);
        var kernels = new[] { Meta.Lowering.Kernels.NeuronGroupLowering.KernelOf(model, true), Meta.Lowering.Kernels.NeuronGroupLowering.KernelOf(model, false) };
        var compare = Backend.GetType("Meta.Backends.Ilgpu.PtxCompilation", throwOnError: true)!.GetMethod("CompareEmitters")!;
        var report = (IReadOnlyList<string>)compare.Invoke(null, [9, 0, kernels])!;
        foreach (string line in report) output.WriteLine(line);
        Assert.Equal(4, report.Count);
        // Measured (mendilgpu): the texts are not identical (ILGPU numbers registers and lays out branches differently for
        // the two forms), so the test holds what they share: the same floating-point instructions, counted by kind.
        Assert.All(report, line => Assert.Contains(": same ", line, StringComparison.Ordinal));
    }

    private delegate bool Decide(bool windows, Func<string, bool> loads, Func<string, bool> exists, out string reason);

    private static (bool Probe, string Reason) Probe(bool windows, Func<string, bool> loads, Func<string, bool> exists)
    {
        var decide = Backend.GetType("Meta.Backends.Ilgpu.CudaProbe", throwOnError: true)!.GetMethod("Decide")!.CreateDelegate<Decide>();
        bool probe = decide(windows, loads, exists, out string reason);
        return (probe, reason);
    }

    [Fact]
    public void The_CUDA_probe_is_skipped_only_without_a_driver_library_and_without_an_NVIDIA_device_node()
    {
        static bool None(string _) => false;
        // A Linux machine with no driver: no library, no node.
        var bare = Probe(false, None, None);
        Assert.False(bare.Probe);
        Assert.Contains("no NVIDIA device node", bare.Reason, StringComparison.Ordinal);
        // The driver's library under its versioned name only (no development symlink), as on most Linux installs.
        var tried = new List<string>();
        var versioned = Probe(false, l => { tried.Add(l); return l == "libcuda.so.1"; }, None);
        Assert.True(versioned.Probe);
        Assert.Equal("libcuda.so.1", tried[0]);
        // WSL2: the library only in /usr/lib/wsl/lib, which the default search does not read.
        Assert.True(Probe(false, l => l.StartsWith("/usr/lib/wsl/lib/", StringComparison.Ordinal), None).Probe);
        // A library this check cannot load but a device node (Linux driver or WSL): ILGPU's own lookup decides.
        foreach (string node in new[] { "/dev/nvidiactl", "/dev/dxg" })
        {
            var withNode = Probe(false, None, n => n == node);
            Assert.True(withNode.Probe, node);
            Assert.Contains(node, withNode.Reason, StringComparison.Ordinal);
        }
        // Windows: nvcuda.dll decides; device nodes are not looked at.
        Assert.True(Probe(true, l => l == "nvcuda", None).Probe);
        Assert.False(Probe(true, None, _ => true).Probe);
    }
}
