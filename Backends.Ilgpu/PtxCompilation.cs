using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Meta.Backends.Ilgpu.Codegen;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// Compiles every kernel of this backend to PTX (NVIDIA's GPU assembly) with ILGPU's PTX backend, with no GPU and no
/// CUDA driver needed. The CPU accelerator runs kernels as .NET code, so it cannot reveal a construct that ILGPU's GPU
/// compiler refuses (ILGPU's PTX backend has no double-precision exp, for instance); this check can, on any machine.
/// The conformance tests call it through reflection (the backend is loaded as a plugin there).
/// </summary>
public static class PtxCompilation
{
    /// <summary>
    /// Compiles the model-independent kernels and the emitted forms of every given step-program kernel (the one a run takes,
    /// IL where the IL emitter expresses it, and the C# one compiled with Roslyn; the caller lowers the models, e.g. every
    /// standard model with uniform and with per-cell values), in float64 and float32, for compute
    /// capability <paramref name="major"/>.<paramref name="minor"/>. Returns one line per kernel (name and PTX size); throws
    /// on the first kernel that does not compile. <paramref name="dumpFolder"/>, if given, receives the PTX files.
    /// </summary>
    public static IReadOnlyList<string> CompileAll(int major, int minor, IEnumerable<CellKernel> cellKernels, string? dumpFolder = null)
    {
        var kernels = new List<(string Name, MethodInfo Method)>
        {
            ("Poisson", Method(nameof(StaticKernels.Poisson))),
            ("DeliverFloat64", Method(nameof(StaticKernels.DeliverFloat64))),
            ("DeliverFloat32", Method(nameof(StaticKernels.DeliverFloat32))),
            ("DeliverOffGridFloat64", Method(nameof(StaticKernels.DeliverOffGridFloat64))),
            ("DeliverOffGridFloat32", Method(nameof(StaticKernels.DeliverOffGridFloat32))),
            ("History", Method(nameof(StaticKernels.History))),
            ("RecordFloat64", Method(nameof(StaticKernels.RecordFloat64))),
            ("RecordFloat32", Method(nameof(StaticKernels.RecordFloat32))),
        };
        ArgumentNullException.ThrowIfNull(cellKernels);
        foreach (var kernel in cellKernels)
        {
            foreach (bool single in new[] { false, true })
            {
                var storage = kernel.Buffers.Any(b => b.Storage == Storage.Uniform) ? "uniform values" : "per-cell values";
                // The kernel a run takes (IL where the IL emitter expresses it) and its C# form (the fallback), both.
                kernels.Add(($"{kernel.Model} ({(single ? "float32" : "float64")}, {storage})", IlgpuKernelEmitter.Compile(kernel, single, out _)));
                kernels.Add(($"{kernel.Model} ({(single ? "float32" : "float64")}, {storage}, C#)", IlgpuKernelEmitter.CompileRoslyn(kernel, single, out _)));
            }
        }
        return Compile(major, minor, kernels, dumpFolder);
    }

    /// <summary>
    /// Compiles the emitted form of every given synapse kernel (the caller lowers the synapse types), in float64 and float32,
    /// for compute capability <paramref name="major"/>.<paramref name="minor"/>, as <see cref="CompileAll"/> does for cell
    /// kernels. Returns one line per kernel; throws on the first kernel that does not compile.
    /// </summary>
    public static IReadOnlyList<string> CompileSynapseKernels(int major, int minor, IEnumerable<SynapseKernel> synapseKernels, string? dumpFolder = null)
    {
        ArgumentNullException.ThrowIfNull(synapseKernels);
        var kernels = new List<(string Name, MethodInfo Method)>();
        foreach (var kernel in synapseKernels)
        {
            foreach (bool single in new[] { false, true })
            {
                var storage = kernel.Buffers.Any(b => b.Storage == Storage.Uniform) ? "uniform values" : "per-synapse values";
                kernels.Add(($"synapse {kernel.Model} ({(single ? "float32" : "float64")}, {storage})", IlgpuSynapseEmitter.Compile(kernel, single, out _)));
            }
        }
        return Compile(major, minor, kernels, dumpFolder);
    }

    /// <summary>
    /// Compiles each given cell kernel's IL form (which must be taken: a kernel the IL emitter refuses throws) and its C# form
    /// to PTX for compute capability <paramref name="major"/>.<paramref name="minor"/>, in float64 and float32, and compares
    /// the two texts with the kernels' type names replaced by one name and ILGPU's name counters renumbered. Returns one line
    /// per kernel and precision: <c>same</c> (the same text); else <c>same floating-point arithmetic</c> where both forms
    /// hold the same floating-point arithmetic instructions, counted by mnemonic (rounding and type included), in another
    /// register numbering or branch layout (comparisons may be negated with branches swapped); else <c>differs</c> with the first differing line of each form.
    /// </summary>
    public static IReadOnlyList<string> CompareEmitters(int major, int minor, IEnumerable<CellKernel> cellKernels)
    {
        ArgumentNullException.ThrowIfNull(cellKernels);
        var architecture = new CudaArchitecture(major, minor);
        var isa = major >= 9 ? CudaInstructionSet.ISA_78 : major >= 8 ? CudaInstructionSet.ISA_70 : CudaInstructionSet.ISA_60;
        using var context = Context.Create(b => b.CPU());
        using var backend = new PTXBackend(context, architecture, isa, null!);
        string Ptx(MethodInfo method) =>
            ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty))
            .PTXAssembly.Replace(method.DeclaringType!.Name, "Kernel", StringComparison.Ordinal) is var text ? Renumber(text) : "";
        var report = new List<string>();
        foreach (var kernel in cellKernels)
        {
            foreach (bool single in new[] { false, true })
            {
                string name = $"{kernel.Model} ({(single ? "float32" : "float64")}, {kernel.Key})";
                string il = Ptx(IlgpuIlKernels.Get(kernel, single, out _));
                string roslyn = Ptx(IlgpuKernelEmitter.CompileRoslyn(kernel, single, out _));
                if (il == roslyn)
                {
                    report.Add($"{name}: same ({il.Length} characters)");
                    continue;
                }
                string ilOps = FloatingPointOperations(il), roslynOps = FloatingPointOperations(roslyn);
                if (ilOps == roslynOps)
                {
                    report.Add($"{name}: same floating-point arithmetic ({ilOps.Split(' ').Length} kinds), other registers or branch layout");
                    continue;
                }
                string[] a = il.Split('\n'), b = roslyn.Split('\n');
                int k = 0;
                while (k < a.Length && k < b.Length && a[k] == b[k]) k++;
                report.Add($"{name}: differs at line {k + 1}: IL '{(k < a.Length ? a[k].Trim() : "")}' vs C# '{(k < b.Length ? b[k].Trim() : "")}'");
            }
        }
        return report;
    }

    /// <summary>
    /// The floating-point arithmetic of <paramref name="ptx"/> (mnemonics with rounding and type, e.g. <c>fma.rn.f64</c>;
    /// not loads, stores, moves, comparisons or selections, whose form follows the branch layout), counted: "mnemonic×count"
    /// sorted, space-separated.
    /// </summary>
    private static string FloatingPointOperations(string ptx) => string.Join(' ', ptx.Split('\n')
        .Select(line => line.Trim().Split([' ', '\t'], 2)[0])
        .Where(op => op.EndsWith(".f64", StringComparison.Ordinal) || op.EndsWith(".f32", StringComparison.Ordinal))
        .Where(op => !op.StartsWith("ld.", StringComparison.Ordinal) && !op.StartsWith("st.", StringComparison.Ordinal) && !op.StartsWith("mov.", StringComparison.Ordinal)
                     && !op.StartsWith("setp.", StringComparison.Ordinal) && !op.StartsWith("selp.", StringComparison.Ordinal))
        .GroupBy(op => op, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}×{g.Count()}"));

    /// <summary>
    /// <paramref name="ptx"/> with the numbers ILGPU appends to its names (<c>_a_5374</c>: a counter over every value of the
    /// context, so two compilations of one kernel differ in them) renumbered in order of first appearance.
    /// </summary>
    private static string Renumber(string ptx)
    {
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(ptx, @"(?<=[A-Za-z0-9]_)\d+\b", m =>
        {
            if (!numbers.TryGetValue(m.Value, out int k)) numbers[m.Value] = k = numbers.Count;
            return "#" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    private static IReadOnlyList<string> Compile(int major, int minor, List<(string Name, MethodInfo Method)> kernels, string? dumpFolder)
    {
        var architecture = new CudaArchitecture(major, minor);
        var isa = major >= 9 ? CudaInstructionSet.ISA_78 : major >= 8 ? CudaInstructionSet.ISA_70 : CudaInstructionSet.ISA_60;
        using var context = Context.Create(b => b.CPU());
        using var backend = new PTXBackend(context, architecture, isa, null!);
        var report = new List<string>();
        foreach (var (name, method) in kernels)
        {
            var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
            // ILGPU declares what it cannot lower (e.g. Math.FusedMultiplyAdd) as an external function, which only fails
            // when the driver links the module on a GPU: refuse it here.
            int external = compiled.PTXAssembly.IndexOf(".extern .func", StringComparison.Ordinal);
            if (external >= 0)
            {
                string declaration = compiled.PTXAssembly[external..].Split('\n')[0];
                throw new InvalidOperationException($"Kernel {name} needs an external function the GPU cannot link: {declaration}");
            }
            report.Add($"{name}: {compiled.PTXAssembly.Length} characters of PTX for sm_{major}{minor}");
            if (dumpFolder is not null)
            {
                Directory.CreateDirectory(dumpFolder);
                string file = new string(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()) + $"_sm{major}{minor}.ptx";
                File.WriteAllText(Path.Combine(dumpFolder, file), compiled.PTXAssembly);
            }
        }
        return report;
    }

    private static MethodInfo Method(string name) =>
        typeof(StaticKernels).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
}
