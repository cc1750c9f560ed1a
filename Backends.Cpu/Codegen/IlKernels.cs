using System.Collections.Concurrent;
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
    /// Unlike that cache, which unloads the least recently used assembly, this one forgets every kernel but the newest once
    /// full (<see cref="Trim"/>): an IL delegate holds no assembly to unload, engines keep their own kernels alive, and
    /// 256 distinct kernel structures in one process are rare.
    /// </summary>
    private const int Capacity = 256;

    private static readonly ConcurrentDictionary<(string Key, Type Element, bool Wide), Lazy<Delegate>> s_cache = new();
    private static readonly Lazy<bool> s_enabled = new(() => Enabled(Environment.GetEnvironmentVariable(EmitterVariable)));

    /// <summary>Whether kernels are emitted as IL where they can be (the environment's choice, read once).</summary>
    public static bool On => s_enabled.Value;

    /// <summary>Whether <paramref name="choice"/> (the value of <see cref="EmitterVariable"/>) asks for IL.</summary>
    /// <exception cref="ArgumentException">The value names no emitter.</exception>
    public static bool Enabled(string? choice) => choice?.Trim().ToLowerInvariant() switch
    {
        null or "" or "il" => true,
        "roslyn" => false,
        _ => throw new ArgumentException($"{EmitterVariable}='{choice}' names no CPU kernel emitter; valid values: il (the default), roslyn."),
    };

    /// <summary>
    /// The kernel as IL, from the process's cache when a kernel of the same structure and lanes was emitted before
    /// (<paramref name="emitted"/> says whether it was emitted now).
    /// </summary>
    /// <exception cref="IlNotSupportedException">The IL emitter cannot express the kernel.</exception>
    public static CellKernelStep<T> Get<T>(CellKernel kernel, out bool emitted) where T : unmanaged => Get<T>(kernel, LaneType.Of<T>().Wide, out emitted);

    /// <summary>The kernel as IL in <c>Vector512&lt;T&gt;</c> lanes where <paramref name="wide"/>, else in <c>Vector&lt;T&gt;</c> lanes (cached as <see cref="Get{T}(CellKernel, out bool)"/>).</summary>
    /// <exception cref="IlNotSupportedException">The IL emitter cannot express the kernel.</exception>
    public static CellKernelStep<T> Get<T>(CellKernel kernel, bool wide, out bool emitted) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var key = (kernel.Key, typeof(T), wide);
        bool created = false;
        var entry = s_cache.GetOrAdd(key, _ =>
        {
            created = true;
            return new Lazy<Delegate>(() => IlKernelEmitter<T>.Emit(kernel, wide));
        });
        try
        {
            var step = (CellKernelStep<T>)entry.Value;
            emitted = created;
            if (created && s_cache.Count > Capacity) Trim(key);
            return step;
        }
        catch
        {
            // A kernel the emitter refuses is not cached: the reason is given to every caller that asks again.
            s_cache.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>Forgets every kernel but <paramref name="keep"/> (engines that hold a kernel keep it alive).</summary>
    private static void Trim((string, Type, bool) keep)
    {
        foreach (var k in s_cache.Keys)
            if (k != keep) s_cache.TryRemove(k, out _);
    }

    /// <summary>Writes <paramref name="line"/> to standard error where <c>META_CPU_KERNEL_LOG</c> is 1 or true.</summary>
    public static void Log(string line)
    {
        if (Environment.GetEnvironmentVariable("META_CPU_KERNEL_LOG") is "1" or "true") Console.Error.WriteLine("cpu kernels: " + line);
    }
}
