using System.Text;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The compiled step of one cell group: advances the cells [begin, end) (multiples of the vector width).
/// <paramref name="cells"/> holds the kernel's per-cell buffers and <paramref name="uniforms"/> its uniform ones, each in
/// declaration order; <paramref name="slotOffset"/> locates this step's input in the rings. The cells that spike are
/// written in ascending order to <paramref name="spikes"/> from position <paramref name="begin"/> on (padding lanes
/// included), and their number is returned. <typeparamref name="T"/> is the lanes' element type, double or float.
/// </summary>
internal delegate int CellKernelStep<T>(int begin, int end, T[][] cells, T[] uniforms, T[][] draws,
    T[] injected, T[] refractory, int[] spikes, T[][] rings, int slotOffset, T dt, T t);

/// <summary>
/// Emits a <see cref="CellKernel"/> as a SIMD C# method: each <c>Vector&lt;double&gt;</c> (float32: <c>Vector&lt;float&gt;</c>)
/// lane is one cell; the statements are translated by the shared <see cref="KernelBodyWriter"/> in the
/// <see cref="VectorDialect"/>; this class only writes the loop and says where buffers, rings, counters and spike flags live.
/// </summary>
internal static class CpuKernelEmitter
{
    private const string MethodName = "Step";
    private static readonly KernelCompiler s_compiler = new(CpuBackend.BackendName, typeof(CpuKernelEmitter).Assembly, []);

    /// <summary>The compiled kernel in lanes of <typeparamref name="T"/> (from the process's cache when a kernel of the same structure and lanes was compiled before).</summary>
    public static CellKernelStep<T> Compile<T>(CellKernel kernel, out bool compiled)
    {
        var lanes = LaneType.Of<T>();
        string className = "CpuKernel_" + KernelBodyWriter.Sanitize(kernel.Model) + (lanes.Single ? "_f32" : "");
        string source = Source(kernel, className, lanes);
        // META_CPU_KERNEL_DIR=<folder> writes every generated kernel there, for inspection.
        KernelCompiler.Dump("META_CPU_KERNEL_DIR", className, source);
        return s_compiler.Get(source, className, MethodName, kernel.Model, out compiled).CreateDelegate<CellKernelStep<T>>();
    }

    /// <summary>The C# source of <paramref name="kernel"/> in lanes of <paramref name="lanes"/>.</summary>
    public static string Source(CellKernel kernel, string className, LaneType lanes)
    {
        var perCell = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        var uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        var binding = new Binding(perCell, uniform, kernel.UniformDraws, lanes);
        string body = new KernelBodyWriter(new VectorDialect(lanes), binding).Write(kernel, "            ");
        string T = lanes.Number, V = $"Vector<{T}>", M = $"Vector<{lanes.Mask}>";

        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using System.Numerics;");
        sb.AppendLine("using System.Runtime.CompilerServices;");
        sb.AppendLine("using System.Runtime.InteropServices;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from model '{kernel.Model}' ({kernel.Summary}); structure key {kernel.Key}.");
        sb.AppendLine("    // phi(b, h) = (exp(b*h) - 1)/b per lane: its Taylor series to x^10 (x = b*h) where |x| < 0.6 (relative error < 1e-11), else exp.");
        sb.AppendLine("    [MethodImpl(MethodImplOptions.AggressiveInlining)]");
        sb.AppendLine($"    private static {V} Phi({V} b, {V} h)");
        sb.AppendLine("    {");
        sb.AppendLine("        var x = b * h;");
        sb.AppendLine($"        var small = Vector.LessThan(Vector.Abs(x), new {V}({KernelSymbols.PhiTaylorBound.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}{(lanes.Single ? "f" : "")}));");
        sb.AppendLine("        // Horner's scheme with fused multiply-adds, highest coefficient first.");
        sb.AppendLine($"        var r = new {V}({Reciprocal("39916800", lanes)});");
        foreach (var factorial in new[] { "3628800", "362880", "40320", "5040", "720", "120", "24", "6", "2", "1" })
            sb.AppendLine($"        r = Vector.FusedMultiplyAdd(r, x, new {V}({Reciprocal(factorial, lanes)}));");
        sb.AppendLine("        r *= h;");
        sb.AppendLine($"        if (Vector.EqualsAll(small, {M}.AllBitsSet)) return r;");
        sb.AppendLine($"        return Vector.ConditionalSelect(small, r, (Vector.Exp(x) - {V}.One) / b);");
        sb.AppendLine("    }");
        sb.AppendLine("    private static class VMath");
        sb.AppendLine("    {");
        foreach (var f in new[] { "Sin", "Cos", "Tan", "Tanh" })
            sb.AppendLine($"        public static {V} {f}({V} a) {{ Span<{T}> r = stackalloc {T}[{V}.Count]; for (int k = 0; k < r.Length; k++) r[k] = {lanes.MathClass}.{f}(a[k]); return new {V}(r); }}");
        sb.AppendLine($"        public static {V} Pow({V} a, {V} b) {{ Span<{T}> r = stackalloc {T}[{V}.Count]; for (int k = 0; k < r.Length; k++) r[k] = {lanes.MathClass}.Pow(a[k], b[k]); return new {V}(r); }}");
        sb.AppendLine("    }");
        sb.AppendLine("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        sb.AppendLine($"    public static int {MethodName}(int begin, int end, {T}[][] C, {T}[] U, {T}[][] RAND, {T}[] IINJ, {T}[] REFR, int[] SPK, {T}[][] RING, int slot, {T} dtValue, {T} tValue)");
        sb.AppendLine("    {");
        sb.AppendLine($"        var ZERO = {V}.Zero; var ONE = {V}.One;");
        sb.AppendLine($"        var ALL = {M}.AllBitsSet; var NONE = {M}.Zero;");
        sb.AppendLine($"        var dt = new {V}(dtValue); var t = new {V}(tValue);");
        string Cast(string array) => $"MemoryMarshal.Cast<{T}, {V}>({array})";
        for (int k = 0; k < perCell.Count; k++) sb.AppendLine($"        var B{k} = {Cast($"C[{k}].AsSpan()")}; // {perCell[k]}");
        // Uniform values are broadcast from memory where they are used (as constants folded into code would be), so a
        // kernel with many of them does not run out of vector registers.
        if (uniform.Count > 0) sb.AppendLine($"        ref {T} UNIFORM = ref MemoryMarshal.GetArrayDataReference(U); _ = U[{uniform.Count - 1}];");
        for (int k = 0; k < uniform.Count; k++) sb.AppendLine($"        // U{k}: {uniform[k]}");
        for (int r = 0; r < kernel.Receptors; r++) sb.AppendLine($"        var R{r} = {Cast($"RING[{r}].AsSpan(slot)")};");
        sb.AppendLine($"        var I_INJ = {Cast("IINJ.AsSpan()")};");
        for (int d = 0; d < kernel.UniformDraws + kernel.NormalDraws; d++) sb.AppendLine($"        var D{d} = {Cast($"RAND[{d}].AsSpan()")};");
        sb.AppendLine("        int NSP = 0; // spikes written to SPK[begin ..]");
        if (kernel.Refractory) sb.AppendLine($"        var REF = {Cast("REFR.AsSpan()")};");
        sb.AppendLine($"        int W = {V}.Count;");
        sb.AppendLine("        for (int j = begin / W; j < end / W; j++)");
        sb.AppendLine("        {");
        if (kernel.Statements.Reads(KernelSymbols.InjectedCurrent)) sb.AppendLine("            var i_inj = I_INJ[j];");
        sb.Append(body);
        sb.AppendLine("        }");
        sb.AppendLine("        return NSP;");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>The constant 1/<paramref name="factorial"/> as the kernel writes it (float32: computed in double, then rounded once).</summary>
    private static string Reciprocal(string factorial, LaneType lanes) => lanes.Single ? $"(float)(1.0 / {factorial})" : $"1.0 / {factorial}";

    /// <summary>Where the CPU kernel finds a cell's buffers and the runtime's arrays: spans of vectors indexed by j.</summary>
    private sealed class Binding(List<string> perCell, List<string> uniform, int uniformDraws, LaneType lanes) : IKernelBinding
    {
        private bool _emits;

        public string Read(string symbol)
        {
            if (symbol == KernelSymbols.Timestep) return "dt";
            if (symbol == KernelSymbols.Time) return "t";
            if (symbol == KernelSymbols.InjectedCurrent) return "i_inj";
            if (KernelSymbols.TryUniformDraw(symbol, out int u)) return $"D{u}[j]";
            if (KernelSymbols.TryNormalDraw(symbol, out int n)) return $"D{uniformDraws + n}[j]";
            int k = perCell.IndexOf(symbol);
            if (k >= 0) return $"B{k}[j]";
            k = uniform.IndexOf(symbol);
            if (k >= 0) return $"new Vector<{lanes.Number}>(Unsafe.Add(ref UNIFORM, {k}))";
            throw new InvalidModelException($"The CPU kernel has no buffer '{symbol}'.");
        }

        public IEnumerable<string> Store(string buffer, string value) => [$"{Read(buffer)} = {value};"];

        public IEnumerable<string> ReceiveInput(string local, int receptor) =>
            [$"var {local} = R{receptor}[j];", $"R{receptor}[j] = ZERO;"];

        public IEnumerable<string> ReadRefractory(string local) =>
            ["var refr = REF[j];", $"var {local} = Vector.GreaterThan(refr, ZERO);"];

        public IEnumerable<string> CountDown(string active, string restart, string period) =>
            [$"REF[j] = Vector.ConditionalSelect({active}, refr - ONE, Vector.ConditionalSelect({restart}, {period}, refr));"];

        /// <summary>
        /// The spiking lanes of a vector are appended to the kernel's spike list; almost every vector has none, so the test
        /// for any costs one compare, and no per-cell flag is written or scanned.
        /// </summary>
        public IEnumerable<string> EmitSpikes(string mask)
        {
            if (_emits) throw new InvalidModelException("The CPU kernel emits spikes once per step; this kernel has a second EmitSpikes.");
            _emits = true;
            return [$"if (!Vector.EqualsAll({mask}, NONE)) for (int l = 0; l < W; l++) if ({mask}[l] != 0) SPK[begin + NSP++] = j * W + l;"];
        }
    }
}
