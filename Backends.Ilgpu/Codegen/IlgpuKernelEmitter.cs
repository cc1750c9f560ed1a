using System.Reflection;
using System.Text;
using Meta.Backends.CSharp;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// Emits a <see cref="CellKernel"/> as an ILGPU kernel method: one thread per cell with a grid stride; the statements are
/// translated by the shared <see cref="KernelBodyWriter"/> in the <see cref="ScalarDialect"/>; this class only writes the
/// loop and says where buffers, rings, counters and the spike list live. Draws are made in the kernel with
/// <see cref="DeviceRandom"/>, keyed by the step.
/// </summary>
internal static class IlgpuKernelEmitter
{
    private const string MethodName = "Step";
    /// <summary>The device math class every ILGPU kernel calls.</summary>
    internal const string IlgpuMath = "global::Meta.Backends.Ilgpu.Kernels.DeviceMath";
    private static readonly KernelCompiler s_compiler = new(IlgpuBackend.BackendName, typeof(IlgpuKernelEmitter).Assembly,
        [typeof(IlgpuKernelEmitter).Assembly, typeof(ILGPU.ArrayView<>).Assembly, typeof(Meta.Random.Philox).Assembly]);

    /// <summary>
    /// The kernel method: emitted as IL where the IL emitter can express it (<see cref="IlgpuIlKernels"/>), else compiled from
    /// C# (<see cref="CompileRoslyn"/>); either from the process's cache when a kernel of the same structure and precision was
    /// made before (<paramref name="compiled"/> says whether it was made now).
    /// </summary>
    public static MethodInfo Compile(CellKernel kernel, bool single, out bool compiled)
    {
        var method = Choose(kernel, single, out compiled);
        IlgpuIlKernels.Taken(method);
        return method;
    }

    private static MethodInfo Choose(CellKernel kernel, bool single, out bool compiled)
    {
        string precision = single ? "float32" : "float64";
        if (IlgpuIlKernels.On)
        {
            try
            {
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                var method = IlgpuIlKernels.Get(kernel, single, out compiled);
                if (compiled) LoadLog.Write($"'{kernel.Model}' ({precision}) emitted as IL in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
                return method;
            }
            catch (IlgpuIlNotSupportedException e)
            {
                // Always said (not only with the log on): a fallback costs Roslyn's start-up, and the emitter should learn the construct.
                Console.Error.WriteLine($"ilgpu: the cell kernel of '{kernel.Model}' ({precision}) is compiled with Roslyn: the IL emitter cannot express it ({e.Message})");
            }
        }
        else LoadLog.Write($"'{kernel.Model}' ({precision}) compiled with Roslyn: {IlgpuIlKernels.EmitterVariable} (or a test's scope) asks for it");
        return CompileRoslyn(kernel, single, out compiled);
    }

    /// <summary>The kernel method compiled from its C# source (<see cref="Source"/>) with Roslyn, or taken from the process's or the disk cache.</summary>
    public static MethodInfo CompileRoslyn(CellKernel kernel, bool single, out bool compiled)
    {
        string className = "IlgpuKernel_" + KernelBodyWriter.Sanitize(kernel.Model) + (single ? "_f32" : "_f64");
        string source = Source(kernel, single, className);
        // META_ILGPU_KERNEL_DIR=<folder> writes every generated kernel there, for inspection.
        KernelCompiler.Dump("META_ILGPU_KERNEL_DIR", className, source);
        return s_compiler.Get(source, className, MethodName, kernel.Model, out compiled);
    }

    /// <summary>The C# source of <paramref name="kernel"/>.</summary>
    public static string Source(CellKernel kernel, bool single, string className = "Kernel")
    {
        string T = single ? "float" : "double";
        var states = kernel.Buffers.Where(b => b.Role == BufferRole.State).Select(b => b.Name).ToList();
        var cells = kernel.Buffers.Where(b => b.Role != BufferRole.State && b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        var uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        var binding = new Binding(states, cells, uniform, kernel.UniformDraws, single, kernel.SpikeOffset);
        string body = new KernelBodyWriter(new ScalarDialect(single, IlgpuMath), binding).Write(kernel, "            ");

        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using ILGPU;");
        sb.AppendLine("using ILGPU.Runtime;");
        sb.AppendLine("using Meta.Backends.Ilgpu.Kernels;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from model '{kernel.Model}' ({T}; {kernel.Summary}); structure key {kernel.Key}.");
        AppendPhi(sb, single);
        sb.AppendLine();
        sb.AppendLine($"    public static void {MethodName}(NeuronArgs<{T}> a)");
        sb.AppendLine("    {");
        sb.AppendLine("        a.Output.Begin();");
        sb.AppendLine("        int N = a.N;");
        sb.AppendLine($"        {T} dt = a.Dt;");
        sb.AppendLine($"        {T} t = a.Time;");
        sb.AppendLine("        var S = a.State; var P = a.Cells; var RING = a.Ring;");
        for (int k = 0; k < uniform.Count; k++) sb.AppendLine($"        {T} U{k} = a.Uniforms[{k}]; // {uniform[k]}");
        sb.AppendLine("        int stride = Grid.DimX * Group.DimX;");
        sb.AppendLine("        for (int j = Grid.GlobalIndex.X; j < N; j += stride)");
        sb.AppendLine("        {");
        if (kernel.Statements.Reads(KernelSymbols.InjectedCurrent)) sb.AppendLine($"            {T} i_inj = a.Injected[j];");
        // The draws of this step: bit for bit the CPU's float64 uniforms; a float32 kernel rounds each once to float.
        for (int d = 0; d < kernel.UniformDraws; d++)
        {
            string draw = $"DeviceRandom.NeuronDraw(a.Seed, a.FirstGlobalIndex + j, {d}, a.Step)";
            sb.AppendLine($"            {T} u_{d} = {(single ? $"(float){draw}" : draw)};");
        }
        for (int d = 0; d < kernel.NormalDraws; d++)
        {
            string draw = $"DeviceRandom.NeuronNoise(a.Seed, a.FirstGlobalIndex + j, {d}, a.Step)";
            sb.AppendLine($"            {T} n_{d} = {(single ? $"(float){draw}" : draw)};");
        }
        sb.Append(body);
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>Appends the class's private <c>Phi(b, h)</c> helper, which the dialect calls for <see cref="KernelSymbols.Phi"/>.</summary>
    internal static void AppendPhi(StringBuilder sb, bool single)
    {
        string T = single ? "float" : "double";
        string Lit(double v) => ScalarDialect.LiteralOf(v, single);
        sb.AppendLine("    // phi(b, h) = (exp(b*h) - 1)/b: its Taylor series to x^10 (x = b*h) where |x| < 0.6 (relative error < 1e-11), else exp;");
        sb.AppendLine("    // Horner's scheme from the highest coefficient, 1/11!, as on the CPU (which fuses each multiply-add; a GPU's PTX");
        sb.AppendLine("    // compiler usually does too).");
        sb.AppendLine($"    private static {T} Phi({T} b, {T} h)");
        sb.AppendLine("    {");
        sb.AppendLine("        var x = b * h;");
        sb.AppendLine($"        if (DeviceMath.Abs(x) < {Lit(KernelSymbols.PhiTaylorBound)})");
        sb.AppendLine("        {");
        // The coefficients of KernelSymbols.PhiTaylor (the float64 values; float32 kernels round each once, in the cast).
        sb.AppendLine($"            var r = {Lit(KernelSymbols.PhiTaylor[0])};");
        foreach (double coefficient in KernelSymbols.PhiTaylor.Skip(1))
            sb.AppendLine($"            r = r * x + {Lit(coefficient)};");
        sb.AppendLine("            return r * h;");
        sb.AppendLine("        }");
        sb.AppendLine($"        return (DeviceMath.Exp(x) - {Lit(1)}) / b;");
        sb.AppendLine("    }");
    }

    /// <summary>Where the ILGPU kernel finds a cell's buffers: flat rows indexed by k·N + j, uniforms in locals.</summary>
    /// <remarks>With precise spike times (<paramref name="spikeOffset"/>), a spike is logged with the offset the kernel stored before emitting it.</remarks>
    private sealed class Binding(List<string> states, List<string> cells, List<string> uniform, int uniformDraws, bool single, string? spikeOffset) : IKernelBinding
    {
        public string Read(string symbol)
        {
            if (symbol == KernelSymbols.Timestep) return "dt";
            if (symbol == KernelSymbols.Time) return "t";
            if (symbol == KernelSymbols.InjectedCurrent) return "i_inj";
            if (KernelSymbols.TryUniformDraw(symbol, out int u)) return $"u_{u}";
            if (KernelSymbols.TryNormalDraw(symbol, out int n)) return $"n_{n}";
            int k = states.IndexOf(symbol);
            if (k >= 0) return $"S[{k} * N + j]";
            k = cells.IndexOf(symbol);
            if (k >= 0) return $"P[{k} * N + j]";
            k = uniform.IndexOf(symbol);
            if (k >= 0) return $"U{k}";
            throw new InvalidModelException($"The ILGPU kernel has no buffer '{symbol}' ({uniformDraws} uniform draws).");
        }

        public IEnumerable<string> Store(string buffer, string value) => [$"{Read(buffer)} = {value};"];

        public IEnumerable<string> ReceiveInput(string local, int receptor)
        {
            string at = $"RING[{receptor} * a.RingStride + a.RingOffset + j]";
            return [$"{(single ? "float" : "double")} {local} = {at};", $"{at} = {ScalarDialect.LiteralOf(0, single)};"];
        }

        public IEnumerable<string> ReadRefractory(string local) => ["int refr = a.Refractory[j];", $"bool {local} = refr > 0;"];

        public IEnumerable<string> CountDown(string active, string restart, string period) =>
            [$"a.Refractory[j] = {active} ? refr - 1 : ({restart} ? (int)({period}) : refr);"];

        public IEnumerable<string> EmitSpikes(string mask) =>
            [spikeOffset is null ? $"if ({mask}) a.Output.Emit(j);" : $"if ({mask}) a.Output.Emit(j, (double)({Read(spikeOffset)}));"];
    }
}
