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
/// Emits a <see cref="CellKernel"/> as a SIMD C# method: each <c>Vector&lt;double&gt;</c> (float32: <c>Vector&lt;float&gt;</c>;
/// on AVX-512 processors <c>Vector512</c>, see <see cref="LaneType.Wide"/>) lane is one cell; the statements are translated by the shared <see cref="KernelBodyWriter"/> in the
/// <see cref="VectorDialect"/>; this class only writes the loop and says where buffers, rings, counters and spike flags live.
/// </summary>
internal static class CpuKernelEmitter
{
    private const string MethodName = "Step";
    private static readonly KernelCompiler s_compiler = new(CpuBackend.BackendName, typeof(CpuKernelEmitter).Assembly,
        [typeof(KernelMath).Assembly]);

    /// <summary>The compiled kernel in lanes of <typeparamref name="T"/> (from the process's cache when a kernel of the same structure and lanes was compiled before).</summary>
    public static CellKernelStep<T> Compile<T>(CellKernel kernel, out bool compiled) => Compile<T>(kernel, LaneType.Of<T>(), out compiled);

    /// <summary>
    /// <see cref="Compile{T}(CellKernel, out bool)"/>; where not <paramref name="injected"/>, the kernel takes +0 as every cell's
    /// injected current and never loads the array (for cells no current source or coupling drives, whose array holds +0.0:
    /// the same bits, one array less per cell and step).
    /// </summary>
    public static CellKernelStep<T> Compile<T>(CellKernel kernel, bool injected, out bool compiled) => Compile<T>(kernel, LaneType.Of<T>(), injected, out compiled);

    /// <summary>Whether <paramref name="kernel"/> reads the injected current (else its two variants are one kernel).</summary>
    public static bool ReadsInjected(CellKernel kernel) => kernel.Statements.Reads(KernelSymbols.InjectedCurrent);

    /// <summary>
    /// The compiled kernel in the given <paramref name="lanes"/> (whose element type must be <typeparamref name="T"/>): emitted
    /// as IL where the IL emitter can express it, narrow or wide (<see cref="IlKernels"/>), else compiled from C#
    /// (<see cref="CompileRoslyn{T}"/>).
    /// </summary>
    public static CellKernelStep<T> Compile<T>(CellKernel kernel, LaneType lanes, out bool compiled) => Compile<T>(kernel, lanes, injected: true, out compiled);

    /// <summary>
    /// <see cref="Compile{T}(CellKernel, LaneType, out bool)"/>, without reading the injected currents where not
    /// <paramref name="injected"/> (<see cref="Compile{T}(CellKernel, bool, out bool)"/>).
    /// </summary>
    public static CellKernelStep<T> Compile<T>(CellKernel kernel, LaneType lanes, bool injected, out bool compiled)
    {
        // The kernel's lanes and variant as the log names them (built only for a line that is written).
        string Variant() => lanes.Number + (lanes.Wide ? ", Vector512" : "") + (injected || !ReadsInjected(kernel) ? "" : ", no injected current");
        if (lanes.Single != (typeof(T) == typeof(float))) throw new ArgumentException($"Lanes of {lanes.Number} do not run a kernel over {typeof(T).Name}.", nameof(lanes));
        if (IlKernels.On)
        {
            try
            {
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                var step = typeof(T) == typeof(float) ? (CellKernelStep<T>)(object)IlKernels.Get<float>(kernel, lanes.Wide, injected, out compiled)
                    : (CellKernelStep<T>)(object)IlKernels.Get<double>(kernel, lanes.Wide, injected, out compiled);
                if (compiled && IlKernels.Logging) IlKernels.Log($"'{kernel.Model}' ({Variant()}) emitted as IL in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms (JIT-compiled at its first call)");
                return step;
            }
            catch (IlNotSupportedException e)
            {
                if (IlKernels.Logging) IlKernels.Log($"'{kernel.Model}' ({Variant()}) falls back to Roslyn: {e.Message}");
            }
        }
        else if (IlKernels.Logging) IlKernels.Log($"'{kernel.Model}' ({Variant()}) compiled with Roslyn: {IlKernels.EmitterVariable} asks for it");
        return CompileRoslyn<T>(kernel, lanes, injected, out compiled);
    }

    /// <summary>The kernel compiled from its C# source (<see cref="Source"/>) with Roslyn, or taken from the process's or the disk cache.</summary>
    public static CellKernelStep<T> CompileRoslyn<T>(CellKernel kernel, LaneType lanes, out bool compiled) => CompileRoslyn<T>(kernel, lanes, injected: true, out compiled);

    /// <summary><see cref="CompileRoslyn{T}(CellKernel, LaneType, out bool)"/>, without reading the injected currents where not <paramref name="injected"/>.</summary>
    public static CellKernelStep<T> CompileRoslyn<T>(CellKernel kernel, LaneType lanes, bool injected, out bool compiled)
    {
        if (lanes.Single != (typeof(T) == typeof(float))) throw new ArgumentException($"Lanes of {lanes.Number} do not run a kernel over {typeof(T).Name}.", nameof(lanes));
        injected |= !ReadsInjected(kernel);
        string className = "CpuKernel_" + KernelBodyWriter.Sanitize(kernel.Model) + (lanes.Single ? "_f32" : "") + (lanes.Wide ? "_w" : "") + (injected ? "" : "_noinj");
        string source = Source(kernel, className, lanes, injected);
        // META_CPU_KERNEL_DIR=<folder> writes every generated kernel there, for inspection.
        KernelCompiler.Dump("META_CPU_KERNEL_DIR", className, source);
        return s_compiler.Get(source, className, MethodName, kernel.Model, out compiled).CreateDelegate<CellKernelStep<T>>();
    }

    /// <summary>
    /// The C# source of <paramref name="kernel"/> in lanes of <paramref name="lanes"/>. The loop reads and writes the arrays
    /// through references (no bounds check per access): before it, every array is checked once to hold the cells
    /// [begin, end) (and the rings this step's slot), and a call that does not fits fails with an exception naming the array.
    /// A kernel that calls <c>Phi</c> runs in two loops that compute the same: <c>Fast</c>, whose <c>Phi</c> is the Taylor
    /// series alone and which holds no call, stops before the first vector with a lane outside the series' range, and
    /// <c>Exact</c> (not inlined) computes that one vector with exp; each vector's stores wait until it is computed, so a
    /// vector <c>Fast</c> stops at has written nothing. The class holds no helpers of its own: phi, the lane-by-lane functions
    /// and the argument checks are <see cref="KernelMath"/>'s, the precompiled methods the IL kernels call (the fast path's
    /// <c>PhiTaylor</c> is inlined into the loop as in the IL kernel: it is marked for aggressive inlining).
    /// </summary>
    public static string Source(CellKernel kernel, string className, LaneType lanes) => Source(kernel, className, lanes, injected: true);

    /// <summary>
    /// <see cref="Source(CellKernel, string, LaneType)"/>; where not <paramref name="injected"/>, the loops take <c>ZERO</c> (+0) as
    /// every cell's injected current instead of loading it from <c>IINJ</c>.
    /// </summary>
    public static string Source(CellKernel kernel, string className, LaneType lanes, bool injected)
    {
        var perCell = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        var uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        bool split = false;
        string Body(bool taylorOnly, out List<string> commit)
        {
            var binding = new Binding(perCell, uniform, kernel.UniformDraws, lanes);
            var dialect = new VectorDialect(lanes, taylorOnly);
            string text = new KernelBodyWriter(dialect, binding).Write(kernel, "            ");
            commit = binding.Commit();
            split |= dialect.UsesPhi;
            return text;
        }
        string exactBody = Body(false, out var exactCommit);
        string T = lanes.Number, V = lanes.NumberVector;

        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using System.Numerics;");
        sb.AppendLine("using System.Runtime.CompilerServices;");
        sb.AppendLine("using System.Runtime.InteropServices;");
        sb.AppendLine("using System.Runtime.Intrinsics;");
        sb.AppendLine("using Meta.Backends.Cpu.Codegen;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from model '{kernel.Model}' ({kernel.Summary}); structure key {kernel.Key}.");
        string parameters = $"int begin, {T}[][] C, {T}[] U, {T}[][] RAND, {T}[] IINJ, {T}[] REFR, int[] SPK, {T}[][] RING, int slot, {T} dtValue, {T} tValue";
        string arguments = "begin, C, U, RAND, IINJ, REFR, SPK, RING, slot, dtValue, tValue";
        sb.AppendLine("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        sb.AppendLine($"    public static int {MethodName}(int begin, int end, {T}[][] C, {T}[] U, {T}[][] RAND, {T}[] IINJ, {T}[] REFR, int[] SPK, {T}[][] RING, int slot, {T} dtValue, {T} tValue)");
        sb.AppendLine("    {");
        sb.AppendLine($"        int W = {V}.Count;");
        sb.AppendLine("        if (begin < 0 || end < begin || begin % W != 0 || end % W != 0 || slot < 0) KernelMath.BadRange(begin, end, slot, W);");
        for (int k = 0; k < perCell.Count; k++) sb.AppendLine($"        KernelMath.Need(C[{k}], end, \"buffer {perCell[k]}\");");
        if (uniform.Count > 0) sb.AppendLine($"        _ = U[{uniform.Count - 1}];");
        for (int r = 0; r < kernel.Receptors; r++) sb.AppendLine($"        KernelMath.Need(RING[{r}], slot + end, \"ring {r}\");");
        sb.AppendLine("        KernelMath.Need(IINJ, end, \"the injected currents\");");
        for (int d = 0; d < kernel.UniformDraws + kernel.NormalDraws; d++) sb.AppendLine($"        KernelMath.Need(RAND[{d}], end, \"draw {d}\");");
        sb.AppendLine("        KernelMath.Need(SPK, end, \"the spike list\");");
        if (kernel.Refractory) sb.AppendLine("        KernelMath.Need(REFR, end, \"the refractory counters\");");
        sb.AppendLine("        int NSP = 0; // spikes written to SPK[begin ..]");
        if (split)
        {
            sb.AppendLine("        for (int j = begin / W, last = end / W; j < last; j++)");
            sb.AppendLine("        {");
            sb.AppendLine($"            j = Fast(j, last, {arguments}, ref NSP);");
            sb.AppendLine($"            if (j < last) Exact(j, j + 1, {arguments}, ref NSP);");
            sb.AppendLine("        }");
        }
        else sb.AppendLine($"        Exact(begin / W, end / W, {arguments}, ref NSP);");
        sb.AppendLine("        return NSP;");
        sb.AppendLine("    }");
        if (split)
        {
            string fastBody = Body(true, out var fastCommit);
            sb.AppendLine("    // The vectors [j, last) while every lane of every Phi is in the Taylor range: returns the first vector that is not (nothing of it written), or last.");
            sb.AppendLine("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            WriteLoop(sb, "Fast", parameters, fastBody, fastCommit, lanes, kernel, injected);
            sb.AppendLine("    // The vectors [j, last) with Phi's exp where a lane needs it (Fast's stopping vector).");
            sb.AppendLine("    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]");
        }
        else sb.AppendLine("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        WriteLoop(sb, "Exact", parameters, exactBody, exactCommit, lanes, kernel, injected);
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>
    /// Writes one loop method over the vectors [j, last): its references to the arrays (checked by <c>Step</c>), the body, and
    /// after it the vector's stores (<paramref name="commit"/>); <c>Fast</c>'s loop first returns when a Phi lane was large.
    /// </summary>
    private static void WriteLoop(StringBuilder sb, string name, string parameters, string body, List<string> commit, LaneType lanes, CellKernel kernel, bool injected)
    {
        bool fast = name == "Fast";
        string T = lanes.Number, V = lanes.NumberVector, M = lanes.MaskVector;
        var perCell = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        var uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        sb.AppendLine($"    private static int {name}(int j, int last, {parameters}, ref int NSP)");
        sb.AppendLine("    {");
        sb.AppendLine($"        var ZERO = {V}.Zero; var ONE = {V}.One;");
        sb.AppendLine($"        var ALL = {M}.AllBitsSet; var NONE = {M}.Zero;");
        sb.AppendLine($"        var dt = {lanes.Broadcast("dtValue")}; var t = {lanes.Broadcast("tValue")};");
        sb.AppendLine($"        int W = {V}.Count;");
        string At(string array, string offset = "") =>
            $"ref Unsafe.As<{T}, {V}>(ref {(offset.Length == 0 ? $"MemoryMarshal.GetArrayDataReference({array})" : $"Unsafe.Add(ref MemoryMarshal.GetArrayDataReference({array}), {offset})")});";
        for (int k = 0; k < perCell.Count; k++) sb.AppendLine($"        ref {V} B{k} = {At($"C[{k}]")} // {perCell[k]}");
        // Uniform values are broadcast from memory where they are used (as constants folded into code would be), so a
        // kernel with many of them does not run out of vector registers.
        if (uniform.Count > 0) sb.AppendLine($"        ref {T} UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);");
        for (int k = 0; k < uniform.Count; k++) sb.AppendLine($"        // U{k}: {uniform[k]}");
        for (int r = 0; r < kernel.Receptors; r++) sb.AppendLine($"        ref {V} R{r} = {At($"RING[{r}]", "slot")}");
        if (injected) sb.AppendLine($"        ref {V} I_INJ = {At("IINJ")}");
        else if (ReadsInjected(kernel)) sb.AppendLine("        var i_inj = ZERO; // no injected current: +0 for every cell, IINJ not read");
        for (int d = 0; d < kernel.UniformDraws + kernel.NormalDraws; d++) sb.AppendLine($"        ref {V} D{d} = {At($"RAND[{d}]")}");
        if (kernel.Refractory) sb.AppendLine($"        ref {V} REF = {At("REFR")}");
        sb.AppendLine("        for (; j < last; j++)");
        sb.AppendLine("        {");
        if (fast) sb.AppendLine("            var LARGE = NONE; // lanes whose Phi left the Taylor range");
        if (injected && ReadsInjected(kernel)) sb.AppendLine("            var i_inj = Unsafe.Add(ref I_INJ, j);");
        sb.Append(body);
        if (fast)
            sb.AppendLine(lanes.Wide
                ? "            if (Vector512.ExtractMostSignificantBits(LARGE) != 0) break;"
                : "            if (!Vector.EqualsAll(LARGE, NONE)) break;");
        sb.AppendLine("            // Commit");
        foreach (var line in commit) sb.Append("            ").AppendLine(line);
        sb.AppendLine("        }");
        sb.AppendLine("        return j;");
        sb.AppendLine("    }");
    }

    /// <summary>
    /// Where the CPU kernel finds a cell's buffers and the runtime's arrays: references to vectors indexed by j. Every write
    /// of a vector (its state, the cleared ring slots, the refractory counters, the spikes) waits in a local until
    /// <see cref="Commit"/>, after the body; a read of a buffer after its store reads the waiting value.
    /// </summary>
    private sealed class Binding(List<string> perCell, List<string> uniform, int uniformDraws, LaneType lanes) : IKernelBinding
    {
        private readonly List<string> _commit = [];
        private readonly HashSet<int> _stored = [];
        private readonly HashSet<int> _received = [];
        private bool _emits;

        public string Read(string symbol)
        {
            if (symbol == KernelSymbols.Timestep) return "dt";
            if (symbol == KernelSymbols.Time) return "t";
            if (symbol == KernelSymbols.InjectedCurrent) return "i_inj";
            if (KernelSymbols.TryUniformDraw(symbol, out int u)) return $"Unsafe.Add(ref D{u}, j)";
            if (KernelSymbols.TryNormalDraw(symbol, out int n)) return $"Unsafe.Add(ref D{uniformDraws + n}, j)";
            int k = perCell.IndexOf(symbol);
            if (k >= 0) return _stored.Contains(k) ? $"S{k}" : $"Unsafe.Add(ref B{k}, j)";
            k = uniform.IndexOf(symbol);
            if (k >= 0) return lanes.Broadcast($"Unsafe.Add(ref UNIFORM, {k})");
            throw new InvalidModelException($"The CPU kernel has no buffer '{symbol}'.");
        }

        public IEnumerable<string> Store(string buffer, string value)
        {
            int k = perCell.IndexOf(buffer);
            if (k < 0) throw new InvalidModelException($"The CPU kernel stores into '{buffer}', which is not a per-cell buffer.");
            if (_stored.Add(k))
            {
                _commit.Add($"Unsafe.Add(ref B{k}, j) = S{k};");
                return [$"var S{k} = {value};"];
            }
            return [$"S{k} = {value};"];
        }

        public IEnumerable<string> ReceiveInput(string local, int receptor)
        {
            // A second read of the same slot finds it cleared, as it would with the clearing store in place.
            if (!_received.Add(receptor)) return [$"var {local} = ZERO;"];
            _commit.Add($"Unsafe.Add(ref R{receptor}, j) = ZERO;");
            return [$"var {local} = Unsafe.Add(ref R{receptor}, j);"];
        }

        public IEnumerable<string> ReadRefractory(string local) =>
            ["var refr = Unsafe.Add(ref REF, j);", $"var {local} = {lanes.VectorClass}.GreaterThan(refr, ZERO);"];

        public IEnumerable<string> CountDown(string active, string restart, string period)
        {
            _commit.Add("Unsafe.Add(ref REF, j) = REFNEW;");
            return [$"var REFNEW = {lanes.VectorClass}.ConditionalSelect({active}, refr - ONE, {lanes.VectorClass}.ConditionalSelect({restart}, {period}, refr));"];
        }

        /// <summary>
        /// The spiking lanes of a vector are appended to the kernel's spike list; almost every vector has none, so the test
        /// for any costs one compare, and no per-cell flag is written or scanned.
        /// </summary>
        public IEnumerable<string> EmitSpikes(string mask)
        {
            if (_emits) throw new InvalidModelException("The CPU kernel emits spikes once per step; this kernel has a second EmitSpikes.");
            _emits = true;
            // Wide masks are vectors of numbers (an all-ones lane is a NaN), so their lanes are read as sign bits.
            _commit.Add(lanes.Wide
                ? $"for (ulong BITS = Vector512.ExtractMostSignificantBits({mask}); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);"
                : $"if (!Vector.EqualsAll({mask}, NONE)) for (int l = 0; l < W; l++) if ({mask}[l] != 0) SPK[begin + NSP++] = j * W + l;");
            return [];
        }

        /// <summary>The vector's writes, in the order the body made them, to follow the body.</summary>
        public List<string> Commit() => [.. _commit];
    }
}
