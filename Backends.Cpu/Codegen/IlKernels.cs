using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// Which emitter writes the CPU backend's neuron kernels. By default a kernel, in <c>Vector&lt;T&gt;</c> or wide
/// (<c>Vector512</c>) lanes, is emitted as IL (<see cref="IlKernelEmitter{T}"/>: no Roslyn, so a first load takes milliseconds
/// instead of seconds of CPU), and a kernel the IL emitter cannot express is compiled from C# with Roslyn. <c>META_CPU_KERNEL_EMITTER</c>
/// chooses otherwise: <c>il</c> (the default) or <c>roslyn</c> (every kernel from C#, as before the IL emitter; for
/// comparisons). <c>META_CPU_KERNEL_LOG=1</c> writes to standard error which emitter took each kernel, and why a kernel fell
/// back to Roslyn.
/// </summary>
internal static class IlKernels
{
    /// <summary>The environment variable that chooses the emitter.</summary>
    public const string EmitterVariable = "META_CPU_KERNEL_EMITTER";

    /// <summary>
    /// The most IL kernels kept per process (the number <see cref="CSharp.KernelCompiler.Capacity"/> keeps of compiled ones).
    /// Beyond it the least recently asked for is forgotten, as in that cache (here nothing is unloaded: an IL delegate holds
    /// no assembly, and an engine keeps its own kernels alive).
    /// </summary>
    internal const int Capacity = 256;

    private static readonly CSharp.LruCache<(string Key, Type Element, bool Wide, bool Injected), Delegate> s_cache = new(Capacity);
    private static readonly Lazy<bool> s_enabled = new(() => Enabled(Environment.GetEnvironmentVariable(EmitterVariable)));

    /// <summary>Whether kernels are emitted as IL where they can be (the environment's choice, read once).</summary>
    public static bool On => s_enabled.Value;

    /// <summary>Whether <paramref name="choice"/> (the value of <see cref="EmitterVariable"/>) asks for IL.</summary>
    /// <exception cref="ArgumentException">The value names no emitter.</exception>
    public static bool Enabled(string? choice) => Meta.Backends.CSharp.KernelEmitterChoice.IsIl(EmitterVariable, "CPU", choice);

    /// <summary>
    /// The kernel as IL, from the process's cache when a kernel of the same structure and lanes was emitted before
    /// (<paramref name="emitted"/> says whether it was emitted now).
    /// </summary>
    /// <exception cref="IlNotSupportedException">The IL emitter cannot express the kernel.</exception>
    public static CellKernelStep<T> Get<T>(CellKernel kernel, out bool emitted) where T : unmanaged => Get<T>(kernel, LaneType.Of<T>().Wide, out emitted);

    /// <summary>The kernel as IL in <c>Vector512&lt;T&gt;</c> lanes where <paramref name="wide"/>, else in <c>Vector&lt;T&gt;</c> lanes (cached as <see cref="Get{T}(CellKernel, out bool)"/>).</summary>
    /// <exception cref="IlNotSupportedException">The IL emitter cannot express the kernel.</exception>
    public static CellKernelStep<T> Get<T>(CellKernel kernel, bool wide, out bool emitted) where T : unmanaged => Get<T>(kernel, wide, injected: true, out emitted);

    /// <summary>
    /// <see cref="Get{T}(CellKernel, bool, out bool)"/>; where not <paramref name="injected"/>, the kernel that takes +0 as every
    /// cell's injected current without reading the array (<see cref="IlKernelEmitter{T}.Emit(CellKernel, bool, bool)"/>). A kernel
    /// that reads no injected current is one kernel either way.
    /// </summary>
    /// <exception cref="IlNotSupportedException">The IL emitter cannot express the kernel.</exception>
    public static CellKernelStep<T> Get<T>(CellKernel kernel, bool wide, bool injected, out bool emitted) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(kernel);
        injected |= !CpuKernelEmitter.ReadsInjected(kernel);
        // Emitted outside the cache's lock; a kernel the emitter refuses is not cached: the reason is given to every caller that asks again.
        return (CellKernelStep<T>)s_cache.GetOrAdd((kernel.Key, typeof(T), wide, injected), _ => IlKernelEmitter<T>.Emit(kernel, wide, injected), out emitted);
    }

    /// <summary>Whether <c>META_CPU_KERNEL_LOG</c> is 1 or true (then <see cref="Log"/> writes).</summary>
    public static bool Logging => Environment.GetEnvironmentVariable("META_CPU_KERNEL_LOG") is "1" or "true";

    /// <summary>Writes <paramref name="line"/> to standard error where <see cref="Logging"/>.</summary>
    public static void Log(string line)
    {
        if (Logging) Console.Error.WriteLine("cpu kernels: " + line);
    }
}
