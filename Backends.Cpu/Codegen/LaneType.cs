using System.Numerics;
using System.Runtime.Intrinsics;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The element type and width of a CPU kernel's SIMD lanes: <c>double</c> with <c>long</c> lane masks (float64, the default),
/// or <c>float</c> with <c>int</c> masks (float32: half the memory traffic and twice the lanes per vector); in
/// <c>Vector&lt;T&gt;</c>, or, <see cref="Wide"/>, in <c>Vector512&lt;T&gt;</c> (twice the lanes again, where the processor
/// runs AVX-512 and <c>Vector&lt;T&gt;</c> is 256 bits wide; masks are then vectors of the element type itself).
/// </summary>
/// <param name="Single">Whether lanes are float32.</param>
/// <param name="Wide">Whether the kernel is written over <c>Vector512&lt;T&gt;</c> rather than <c>Vector&lt;T&gt;</c>.</param>
internal readonly record struct LaneType(bool Single, bool Wide = false)
{
    /// <summary>Float64 lanes in <c>Vector&lt;double&gt;</c>.</summary>
    public static LaneType Double => new(false);

    /// <summary>Float32 lanes in <c>Vector&lt;float&gt;</c>.</summary>
    public static LaneType Float => new(true);

    /// <summary>
    /// Whether kernels are written over <c>Vector512</c>: where the processor accelerates it and <c>Vector&lt;T&gt;</c> is
    /// 256 bits (so exp, log, min and max can be applied to its two 256-bit halves by the very <c>Vector&lt;T&gt;</c>
    /// functions the narrow kernel calls, see <see cref="KernelMath"/>'s wide <c>Exp</c>), unless <c>META_CPU_VECTOR512=0</c>. Wide and narrow
    /// kernels give the same bits (WideKernelTests); wide ones took less CPU time in docs/benchmarks.md's measurements.
    /// </summary>
    public static bool WideAvailable { get; } = Vector512.IsHardwareAccelerated && Vector<byte>.Count == 32
        && Environment.GetEnvironmentVariable("META_CPU_VECTOR512") is not ("0" or "false");

    /// <summary>The lanes of element type <typeparamref name="T"/> (<c>double</c> or <c>float</c>), wide where <see cref="WideAvailable"/>.</summary>
    public static LaneType Of<T>() => typeof(T) == typeof(float) ? Float with { Wide = WideAvailable }
        : typeof(T) == typeof(double) ? Double with { Wide = WideAvailable }
        : throw new NotSupportedException($"CPU kernels run in double or float, not {typeof(T).Name}.");

    /// <summary>The number of cells one kernel vector of <typeparamref name="T"/> holds (the padding and chunk unit of a neuron group).</summary>
    public static int Width<T>() where T : struct => Of<T>().Wide ? Vector512<T>.Count : Vector<T>.Count;

    /// <summary>The C# name of a number.</summary>
    public string Number => Single ? "float" : "double";

    /// <summary>The C# name of a lane mask's element.</summary>
    public string Mask => Wide ? Number : Single ? "int" : "long";

    /// <summary>The static class of vector functions (<c>Vector</c> or <c>Vector512</c>).</summary>
    public string VectorClass => Wide ? "Vector512" : "Vector";

    /// <summary>The C# type of a vector of numbers.</summary>
    public string NumberVector => Wide ? $"Vector512<{Number}>" : $"Vector<{Number}>";

    /// <summary>The C# type of a lane mask.</summary>
    public string MaskVector => Wide ? $"Vector512<{Mask}>" : $"Vector<{Mask}>";

    /// <summary>A vector with every lane <paramref name="value"/> (a C# expression of type <see cref="Number"/>).</summary>
    public string Broadcast(string value) => Wide ? $"Vector512.Create({value})" : $"new Vector<{Number}>({value})";
}
