using System.Reflection;
using System.Text;
using Meta.Backends.CSharp;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// Emits a <see cref="SynapseKernel"/> as one ILGPU kernel method over the synapses of a projection (one thread per synapse,
/// grid stride), which runs the events of one step: a synapse takes its pre event of step s when its presynaptic cell spiked
/// at s − axonal delay, then its post event when its postsynaptic cell spiked at s − dendritic delay, as read from the
/// populations' spike histories (<see cref="SpikeOutput"/>, <see cref="StaticKernels.History"/>). One launch per projection
/// does both: the documented order (every pre event of the step before any post event) only constrains one synapse's own
/// events, since an event touches its synapse's buffers only and post events transmit nothing. The statements are translated by the shared <see cref="KernelBodyWriter"/> in the
/// <see cref="ScalarDialect"/>, as for the CPU backend's synapse code; <c>Transmit</c> adds atomically to the receptor's ring
/// at slot (s + dendritic delay) mod slots.
/// </summary>
internal static class IlgpuSynapseEmitter
{
    private const string MethodName = "Events";
    private static readonly KernelCompiler s_compiler = new(IlgpuBackend.BackendName, typeof(IlgpuSynapseEmitter).Assembly,
        [typeof(IlgpuSynapseEmitter).Assembly, typeof(ILGPU.ArrayView<>).Assembly, typeof(Meta.Random.Philox).Assembly]);

    /// <summary>The compiled kernel method (from the process's cache when a kernel of the same structure and precision was compiled before).</summary>
    public static MethodInfo Compile(SynapseKernel kernel, bool single, out bool compiled)
    {
        string className = "IlgpuSynapse_" + KernelBodyWriter.Sanitize(kernel.Model) + (single ? "_f32" : "_f64");
        string source = Source(kernel, single, className);
        // META_ILGPU_KERNEL_DIR=<folder> writes every generated kernel there, for inspection.
        KernelCompiler.Dump("META_ILGPU_KERNEL_DIR", className, source);
        return s_compiler.Get(source, className, MethodName, kernel.Model, out compiled);
    }

    /// <summary>The C# source of <paramref name="kernel"/>.</summary>
    public static string Source(SynapseKernel kernel, bool single, string className = "Synapse")
    {
        string T = single ? "float" : "double";
        var perSynapse = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        var uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using ILGPU;");
        sb.AppendLine("using ILGPU.Runtime;");
        sb.AppendLine("using Meta.Backends.Ilgpu.Kernels;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from synapse type '{kernel.Model}' ({T}); structure key {kernel.Key}.");
        for (int b = 0; b < perSynapse.Count; b++) sb.AppendLine($"    // row {b} of a.Buffers: {perSynapse[b]}");
        for (int b = 0; b < uniform.Count; b++) sb.AppendLine($"    // a.Uniforms[{b}]: {uniform[b]}");
        IlgpuKernelEmitter.AppendPhi(sb, single);
        BinomialHelper.Append(sb, single);
        sb.AppendLine();
        sb.AppendLine($"    public static void {MethodName}(SynapseArgs<{T}> a)");
        sb.AppendLine("    {");
        sb.AppendLine("        int N = a.N;");
        sb.AppendLine("        long step = a.Step;");
        sb.AppendLine($"        {T} dt = a.Dt;");
        sb.AppendLine($"        {T} t = a.Time;");
        sb.AppendLine("        var S = a.Buffers; var U = a.Uniforms; var RING = a.Ring;");
        sb.AppendLine("        int stride = Grid.DimX * Group.DimX;");
        sb.AppendLine("        for (int k = Grid.GlobalIndex.X; k < N; k += stride)");
        sb.AppendLine("        {");
        sb.AppendLine("            long spike, stamp;");
        sb.AppendLine("            int events;");
        foreach (var (isPost, statements, draws) in new[] { (false, kernel.OnPre, kernel.PreDraws), (true, kernel.OnPost, kernel.PostDraws) })
        {
            if (statements.Count == 0) continue;
            // The spike that makes this event: the pre cell's at s − axonal delay, or the post cell's at s − dendritic delay.
            string delay = isPost ? "a.Dendritic[k]" : "a.Axonal[k]";
            string history = isPost ? "a.PostHistory" : "a.PreHistory";
            string size = isPost ? "a.PostSize" : "a.PreSize";
            string cell = isPost ? "a.PostCell[k]" : "a.PreCell[k]";
            var writer = new KernelBodyWriter(new ScalarDialect(single, IlgpuKernelEmitter.IlgpuMath), new Binding(perSynapse, uniform));
            // One event per spike of the cell at that index (a host-scheduled source may repeat a cell), as on the CPU.
            sb.AppendLine($"            // {(isPost ? "post" : "pre")} events");
            sb.AppendLine($"            spike = step - {delay};");
            sb.AppendLine($"            stamp = spike >= 0 ? {history}[(spike % a.Slots) * {size} + {cell}] : 0;");
            sb.AppendLine($"            events = (stamp >> {StaticKernels.SpikeCountBits}) == spike + 1 ? (int)(stamp & {StaticKernels.SpikeCountMask}) : 0;");
            sb.AppendLine("            for (int e = 0; e < events; e++)");
            sb.AppendLine("            {");
            // The draws of this event: bit for bit the CPU's float64 uniforms; a float32 kernel rounds each once to float.
            for (int d = 0; d < draws; d++)
            {
                string draw = $"DeviceRandom.SynapseDraw(a.Seed, a.Projection, k, {d}, 2 * step + {(isPost ? 1 : 0)})";
                sb.AppendLine($"                {T} d{d} = {(single ? $"(float){draw}" : draw)};");
            }
            sb.Append(writer.Write(statements, "                "));
            sb.AppendLine("            }");
        }
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>Where the synapse code finds its buffers: rows of <c>S</c> indexed by b·N + k, uniforms in <c>U</c>.</summary>
    private sealed class Binding(List<string> perSynapse, List<string> uniform) : SynapseBinding(IlgpuBackend.BackendName, perSynapse, uniform)
    {
        protected override string PerSynapse(int buffer) => $"S[{buffer} * N + k]";

        public override IEnumerable<string> Transmit(string value) =>
        [
            "{",
            "    int slot = a.Now + a.Dendritic[k];",
            "    if (slot >= a.Slots) slot -= a.Slots;",
            $"    Atomic.Add(ref RING[(long)slot * a.PostSize + a.PostCell[k]], {value});",
            "}",
        ];
    }
}
