using System.Text;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The compiled connections of one coupling kernel: for connection j of <paramref name="count"/>, pre cell
/// <paramref name="pre"/>[j] and post cell <paramref name="post"/>[j], reads the cells' states from the arrays
/// <paramref name="P"/> (pre states) and <paramref name="Q"/> (post states), the connection's buffers from <paramref name="B"/>
/// (declaration order, one value per connection), writes its currents to <paramref name="terms"/>[postTerm + j] (and
/// [preTerm + j]) and advances its states.
/// </summary>
internal delegate void CouplingStep(int count, int[] pre, int[] post, double[][] P, double[][] Q, double[][] B, double dt, double[] terms, int postTerm, int preTerm);

/// <summary>
/// Emits a <see cref="CouplingKernel"/> as a scalar float64 C# method looping over a coupling's connections; the body is the
/// shared <see cref="CouplingBodyWriter"/>'s in the <see cref="ScalarDialect"/>, as the CPU's synapse code is.
/// </summary>
internal static class CpuCouplingEmitter
{
    private const string MethodName = "Run";
    private static readonly KernelCompiler s_compiler = new(CpuBackend.BackendName, typeof(CpuCouplingEmitter).Assembly, []);

    /// <summary>The compiled kernel (from the process's cache when one of the same structure was compiled before).</summary>
    public static CouplingStep Compile(CouplingKernel kernel, out bool compiled)
    {
        string className = "CpuCoupling_" + KernelBodyWriter.Sanitize(kernel.Model);
        string source = Source(kernel, className);
        KernelCompiler.Dump("META_CPU_KERNEL_DIR", className, source);
        return s_compiler.Get(source, className, MethodName, kernel.Model, out compiled).CreateDelegate<CouplingStep>();
    }

    /// <summary>The C# source of <paramref name="kernel"/>.</summary>
    public static string Source(CouplingKernel kernel, string className = "Coupling")
    {
        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from coupling '{kernel.Model}'; structure key {kernel.Key}.");
        sb.AppendLine($"    public static void {MethodName}(int count, int[] pre, int[] post, double[][] P, double[][] Q, double[][] B, double dt, double[] terms, int postTerm, int preTerm)");
        sb.AppendLine("    {");
        for (int p = 0; p < kernel.PreStates.Count; p++) sb.AppendLine($"        var P{p} = P[{p}]; // {kernel.PreStates[p]} of the pre cells");
        for (int p = 0; p < kernel.PostStates.Count; p++) sb.AppendLine($"        var Q{p} = Q[{p}]; // {kernel.PostStates[p]} of the post cells");
        for (int b = 0; b < kernel.Buffers.Count; b++) sb.AppendLine($"        var B{b} = B[{b}]; // {kernel.Buffers[b].Name}");
        sb.AppendLine("        for (int j = 0; j < count; j++)");
        sb.AppendLine("        {");
        sb.AppendLine("            int i = pre[j], o = post[j];");
        sb.Append(CouplingBodyWriter.Write(kernel, new ScalarDialect(false), new Binding(kernel), "terms[postTerm + j]", "terms[preTerm + j]", "            "));
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>Pre states in <c>P{p}[i]</c>, post states in <c>Q{p}[o]</c>, buffers in <c>B{b}[j]</c>.</summary>
    private sealed class Binding(CouplingKernel kernel) : CouplingBinding(CpuBackend.BackendName, kernel, "double")
    {
        protected override string PreState(int index) => $"P{index}[i]";
        protected override string PostState(int index) => $"Q{index}[o]";
        protected override string Buffer(int index) => $"B{index}[j]";
    }
}
