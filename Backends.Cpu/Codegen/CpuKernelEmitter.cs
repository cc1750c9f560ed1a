using System.Text;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The compiled step of one cell group: advances the cells [begin, end) (multiples of the vector width).
/// <paramref name="cells"/> holds the kernel's per-cell buffers and <paramref name="uniforms"/> its uniform ones, each in
/// declaration order; <paramref name="slotOffset"/> locates this step's input in the rings. The cells that spike are
/// written in ascending order to <paramref name="spikes"/> from position <paramref name="begin"/> on (padding lanes
/// included), and their number is returned.
/// </summary>
internal delegate int CellKernelStep(int begin, int end, double[][] cells, double[] uniforms, double[][] draws,
    double[] injected, double[] refractory, int[] spikes, double[][] rings, int slotOffset, double dt, double t);

/// <summary>
/// Emits a <see cref="CellKernel"/> as a SIMD C# method: each <c>Vector&lt;double&gt;</c> lane is one cell; the statements
/// are translated by the shared <see cref="KernelBodyWriter"/> in the <see cref="VectorDialect"/>; this class only writes
/// the loop and says where buffers, rings, counters and spike flags live.
/// </summary>
internal static class CpuKernelEmitter
{
    private const string MethodName = "Step";
    private static readonly KernelCompiler s_compiler = new(CpuBackend.BackendName, typeof(CpuKernelEmitter).Assembly, []);

    /// <summary>The lane count of <c>Vector&lt;double&gt;</c> on this machine.</summary>
    public static int Width => System.Numerics.Vector<double>.Count;

    /// <summary>The compiled kernel (from the process's cache when a kernel of the same structure was compiled before).</summary>
    public static CellKernelStep Compile(CellKernel kernel, out bool compiled)
    {
        string className = "CpuKernel_" + KernelBodyWriter.Sanitize(kernel.Model);
        string source = Source(kernel, className);
        // META_CPU_KERNEL_DIR=<folder> writes every generated kernel there, for inspection.
        KernelCompiler.Dump("META_CPU_KERNEL_DIR", className, source);
        return s_compiler.Get(source, className, MethodName, kernel.Model, out compiled).CreateDelegate<CellKernelStep>();
    }

    /// <summary>The C# source of <paramref name="kernel"/>.</summary>
    public static string Source(CellKernel kernel, string className = "Kernel")
    {
        var perCell = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        var uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        var binding = new Binding(perCell, uniform, kernel.UniformDraws);
        string body = new KernelBodyWriter(new VectorDialect(), binding).Write(kernel, "            ");

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
        sb.AppendLine("    private static Vector<double> Phi(Vector<double> b, Vector<double> h)");
        sb.AppendLine("    {");
        sb.AppendLine("        var x = b * h;");
        sb.AppendLine($"        var small = Vector.LessThan(Vector.Abs(x), new Vector<double>({KernelSymbols.PhiTaylorBound.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}));");
        sb.AppendLine("        // Horner's scheme with fused multiply-adds, highest coefficient first.");
        sb.AppendLine("        var r = new Vector<double>(1.0 / 39916800);");
        foreach (var factorial in new[] { "3628800", "362880", "40320", "5040", "720", "120", "24", "6", "2", "1" })
            sb.AppendLine($"        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / {factorial}));");
        sb.AppendLine("        r *= h;");
        sb.AppendLine("        if (Vector.EqualsAll(small, Vector<long>.AllBitsSet)) return r;");
        sb.AppendLine("        return Vector.ConditionalSelect(small, r, (Vector.Exp(x) - Vector<double>.One) / b);");
        sb.AppendLine("    }");
        sb.AppendLine("    private static class VMath");
        sb.AppendLine("    {");
        foreach (var f in new[] { "Sin", "Cos", "Tan", "Tanh" })
            sb.AppendLine($"        public static Vector<double> {f}(Vector<double> a) {{ Span<double> r = stackalloc double[Vector<double>.Count]; for (int k = 0; k < r.Length; k++) r[k] = Math.{f}(a[k]); return new Vector<double>(r); }}");
        sb.AppendLine("        public static Vector<double> Pow(Vector<double> a, Vector<double> b) { Span<double> r = stackalloc double[Vector<double>.Count]; for (int k = 0; k < r.Length; k++) r[k] = Math.Pow(a[k], b[k]); return new Vector<double>(r); }");
        sb.AppendLine("    }");
        sb.AppendLine("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        sb.AppendLine($"    public static int {MethodName}(int begin, int end, double[][] C, double[] U, double[][] RAND, double[] IINJ, double[] REFR, int[] SPK, double[][] RING, int slot, double dtValue, double tValue)");
        sb.AppendLine("    {");
        sb.AppendLine("        var ZERO = Vector<double>.Zero; var ONE = Vector<double>.One;");
        sb.AppendLine("        var ALL = Vector<long>.AllBitsSet; var NONE = Vector<long>.Zero;");
        sb.AppendLine("        var dt = new Vector<double>(dtValue); var t = new Vector<double>(tValue);");
        static string Cast(string array) => $"MemoryMarshal.Cast<double, Vector<double>>({array})";
        for (int k = 0; k < perCell.Count; k++) sb.AppendLine($"        var B{k} = {Cast($"C[{k}].AsSpan()")}; // {perCell[k]}");
        // Uniform values are broadcast from memory where they are used (as constants folded into code would be), so a
        // kernel with many of them does not run out of vector registers.
        if (uniform.Count > 0) sb.AppendLine($"        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U); _ = U[{uniform.Count - 1}];");
        for (int k = 0; k < uniform.Count; k++) sb.AppendLine($"        // U{k}: {uniform[k]}");
        for (int r = 0; r < kernel.Receptors; r++) sb.AppendLine($"        var R{r} = {Cast($"RING[{r}].AsSpan(slot)")};");
        sb.AppendLine($"        var I_INJ = {Cast("IINJ.AsSpan()")};");
        for (int d = 0; d < kernel.UniformDraws + kernel.NormalDraws; d++) sb.AppendLine($"        var D{d} = {Cast($"RAND[{d}].AsSpan()")};");
        sb.AppendLine("        int NSP = 0; // spikes written to SPK[begin ..]");
        if (kernel.Refractory) sb.AppendLine($"        var REF = {Cast("REFR.AsSpan()")};");
        sb.AppendLine("        int W = Vector<double>.Count;");
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

    /// <summary>Where the CPU kernel finds a cell's buffers and the runtime's arrays: spans of vectors indexed by j.</summary>
    private sealed class Binding(List<string> perCell, List<string> uniform, int uniformDraws) : IKernelBinding
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
            if (k >= 0) return $"new Vector<double>(Unsafe.Add(ref UNIFORM, {k}))";
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
