using System.Reflection;
using System.Text;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// Emits a <see cref="CouplingKernel"/> as one ILGPU kernel over a coupling's connections (one thread per connection, grid
/// stride; <see cref="Kernels.CouplingArgs{T}"/>): the cells' states are read from the network's state buffer and widened to
/// double, the currents and the connection's states are computed in double (docs/semantics.md: the coupling is float64 in
/// float32 runs too). The body is the shared <see cref="CouplingBodyWriter"/>'s in the <see cref="ScalarDialect"/>.
/// </summary>
internal static class IlgpuCouplingEmitter
{
    private const string MethodName = "Couple";
    private static readonly KernelCompiler s_compiler = new(IlgpuBackend.BackendName, typeof(IlgpuCouplingEmitter).Assembly,
        [typeof(IlgpuCouplingEmitter).Assembly, typeof(ILGPU.ArrayView<>).Assembly]);

    /// <summary>The compiled kernel method for cells of float32 (<paramref name="single"/>) or float64.</summary>
    public static MethodInfo Compile(CouplingKernel kernel, bool single, out bool compiled)
    {
        string className = "IlgpuCoupling_" + KernelBodyWriter.Sanitize(kernel.Model) + (single ? "_f32" : "_f64");
        string source = Source(kernel, single, className);
        KernelCompiler.Dump("META_ILGPU_KERNEL_DIR", className, source);
        return s_compiler.Get(source, className, MethodName, kernel.Model, out compiled);
    }

    /// <summary>The C# source of <paramref name="kernel"/>.</summary>
    public static string Source(CouplingKernel kernel, bool single, string className = "Coupling")
    {
        string T = single ? "float" : "double";
        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using ILGPU;");
        sb.AppendLine("using ILGPU.Runtime;");
        sb.AppendLine("using Meta.Backends.Ilgpu.Kernels;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from coupling '{kernel.Model}' (cells in {T}, coupling in double); structure key {kernel.Key}.");
        for (int p = 0; p < kernel.PreStates.Count; p++) sb.AppendLine($"    // a.Offsets[{p}]: {kernel.PreStates[p]} of the pre cells");
        for (int p = 0; p < kernel.PostStates.Count; p++) sb.AppendLine($"    // a.Offsets[{kernel.PreStates.Count + p}]: {kernel.PostStates[p]} of the post cells");
        for (int b = 0; b < kernel.Buffers.Count; b++) sb.AppendLine($"    // row {b} of a.Buffers: {kernel.Buffers[b].Name}");
        sb.AppendLine($"    public static void {MethodName}(CouplingArgs<{T}> a)");
        sb.AppendLine("    {");
        sb.AppendLine("        int N = a.N;");
        sb.AppendLine("        double dt = a.Dt;");
        sb.AppendLine("        var S = a.State; var OFF = a.Offsets; var B = a.Buffers; var TERMS = a.Terms;");
        sb.AppendLine("        int stride = Grid.DimX * Group.DimX;");
        sb.AppendLine("        for (int j = Grid.GlobalIndex.X; j < N; j += stride)");
        sb.AppendLine("        {");
        sb.AppendLine("            int i = a.Pre[j], o = a.Post[j];");
        sb.Append(CouplingBodyWriter.Write(kernel, new ScalarDialect(false, IlgpuKernelEmitter.IlgpuMath), new Binding(kernel, kernel.PreStates.Count),
            "TERMS[a.PostTerm + j]", "TERMS[a.PreTerm + j]", "            "));
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>States at their offset in the network's state buffer, widened to double; buffers in rows of N.</summary>
    private sealed class Binding(CouplingKernel kernel, int preStates) : CouplingBinding(IlgpuBackend.BackendName, kernel, "double")
    {
        protected override string PreState(int index) => $"((double)S[OFF[{index}] + i])";
        protected override string PostState(int index) => $"((double)S[OFF[{preStates + index}] + o])";
        protected override string Buffer(int index) => $"B[{index} * N + j]";
    }
}
