namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The element type of a CPU kernel's SIMD lanes: <c>double</c> with <c>long</c> lane masks (float64, the default), or
/// <c>float</c> with <c>int</c> masks (float32: half the memory traffic and twice the lanes per vector).
/// </summary>
/// <param name="Single">Whether lanes are float32.</param>
internal readonly record struct LaneType(bool Single)
{
    /// <summary>Float64 lanes.</summary>
    public static LaneType Double => new(false);

    /// <summary>Float32 lanes.</summary>
    public static LaneType Float => new(true);

    /// <summary>The lanes of element type <typeparamref name="T"/> (<c>double</c> or <c>float</c>).</summary>
    public static LaneType Of<T>() => typeof(T) == typeof(float) ? Float
        : typeof(T) == typeof(double) ? Double
        : throw new NotSupportedException($"CPU kernels run in double or float, not {typeof(T).Name}.");

    /// <summary>The C# name of a number.</summary>
    public string Number => Single ? "float" : "double";

    /// <summary>The C# name of a lane mask's element.</summary>
    public string Mask => Single ? "int" : "long";

    /// <summary>The static class of scalar functions (<c>Math</c> or <c>MathF</c>).</summary>
    public string MathClass => Single ? "MathF" : "Math";
}
