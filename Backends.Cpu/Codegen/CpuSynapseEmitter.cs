using System.Text;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The compiled events of one synapse kernel: runs the pre events (<paramref name="post"/> false) or post events of the
/// synapses of <paramref name="count"/> cells in <paramref name="cells"/>. For a cell i, the synapses are
/// <c>index[start[i] .. start[i+1])</c> (<paramref name="index"/> null: the positions themselves); with
/// <paramref name="filter"/>, only those whose <paramref name="eventDelay"/> equals <paramref name="delay"/> take the event.
/// Per-synapse buffers <paramref name="S"/> are in table order; <paramref name="spec"/> gives each synapse's position in the
/// program's connection order (its random stream).
/// </summary>
internal delegate void SynapseEventStep(bool post, int[] cells, int count, int delay, bool filter, int[] eventDelay, double t, double dt, long step,
    ulong seed, int projection, double[][] S, double[] U, int[] start, int[]? index, int[] spec, int[] target, int[] dendritic,
    double[] ring, int ringCells, int ringSlots, int slotNow);

/// <summary>
/// Emits a <see cref="SynapseKernel"/> as a scalar C# method looping over the synapses of the cells whose events arrive in a
/// step; the statements are translated by the shared <see cref="KernelBodyWriter"/> in the <see cref="ScalarDialect"/>.
/// </summary>
internal static class CpuSynapseEmitter
{
    private const string MethodName = "Run";
    private static readonly KernelCompiler s_compiler = new(CpuBackend.BackendName, typeof(CpuSynapseEmitter).Assembly,
        [typeof(Meta.Random.Philox).Assembly]);

    /// <summary>The compiled kernel (from the process's cache when one of the same structure was compiled before).</summary>
    public static SynapseEventStep Compile(SynapseKernel kernel, out bool compiled)
    {
        string className = "CpuSynapse_" + KernelBodyWriter.Sanitize(kernel.Model);
        string source = Source(kernel, className);
        KernelCompiler.Dump("META_CPU_KERNEL_DIR", className, source);
        return s_compiler.Get(source, className, MethodName, kernel.Model, out compiled).CreateDelegate<SynapseEventStep>();
    }

    /// <summary>The C# source of <paramref name="kernel"/>.</summary>
    public static string Source(SynapseKernel kernel, string className = "Synapse")
    {
        var perSynapse = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        var uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from synapse type '{kernel.Model}'; structure key {kernel.Key}.");
        for (int b = 0; b < perSynapse.Count; b++) sb.AppendLine($"    // S{b}: {perSynapse[b]}");
        for (int b = 0; b < uniform.Count; b++) sb.AppendLine($"    // U[{b}]: {uniform[b]}");
        BinomialHelper.Append(sb, single: false);
        sb.AppendLine($"    public static void {MethodName}(bool post, int[] cells, int count, int delay, bool filter, int[] eventDelay, double t, double dt, long step,");
        sb.AppendLine("        ulong seed, int projection, double[][] S, double[] U, int[] start, int[] index, int[] spec, int[] target, int[] dendritic,");
        sb.AppendLine("        double[] ring, int ringCells, int ringSlots, int slotNow)");
        sb.AppendLine("    {");
        for (int b = 0; b < perSynapse.Count; b++) sb.AppendLine($"        var S{b} = S[{b}];");
        foreach (var (isPost, statements, draws) in new[] { (false, kernel.OnPre, kernel.PreDraws), (true, kernel.OnPost, kernel.PostDraws) })
        {
            sb.AppendLine($"        if ({(isPost ? "post" : "!post")})");
            sb.AppendLine("        {");
            if (statements.Count > 0)
            {
                var writer = new KernelBodyWriter(new ScalarDialect(false), new Binding(perSynapse, uniform));
                sb.AppendLine("            for (int c = 0; c < count; c++)");
                sb.AppendLine("            {");
                sb.AppendLine("                int cell = cells[c];");
                sb.AppendLine("                for (int m = start[cell], last = start[cell + 1]; m < last; m++)");
                sb.AppendLine("                {");
                sb.AppendLine("                    int k = index is null ? m : index[m];");
                sb.AppendLine("                    if (filter && eventDelay[k] != delay) continue;");
                for (int d = 0; d < draws; d++)
                    sb.AppendLine($"                    double d{d} = global::Meta.Random.Philox.Uniform(seed, global::Meta.RandomStreams.SynapseDraw(projection, spec[k], {d}), (ulong)(2 * step + {(isPost ? 1 : 0)}));");
                sb.Append(writer.Write(statements, "                    "));
                sb.AppendLine("                }");
                sb.AppendLine("            }");
            }
            sb.AppendLine("            return;");
            sb.AppendLine("        }");
        }
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>Where the synapse code finds its buffers: per-synapse arrays indexed by k, uniforms in U.</summary>
    private sealed class Binding(List<string> perSynapse, List<string> uniform) : SynapseBinding(CpuBackend.BackendName, perSynapse, uniform)
    {
        protected override string PerSynapse(int buffer) => $"S{buffer}[k]";

        public override IEnumerable<string> Transmit(string value) =>
        [
            "{",
            "    int slot = slotNow + dendritic[k];",
            "    if (slot >= ringSlots) slot -= ringSlots;",
            $"    ring[slot * ringCells + target[k]] += {value};",
            "}",
        ];
    }
}
