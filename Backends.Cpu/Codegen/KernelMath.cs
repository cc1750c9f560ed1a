using System.Numerics;
using System.Runtime.CompilerServices;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The helpers a CPU kernel calls, precompiled for kernels emitted as IL (<see cref="IlKernelEmitter{T}"/>): the same
/// operations, in the same order, as the helpers <see cref="CpuKernelEmitter.Source"/> writes into each C# kernel class
/// (<c>Phi</c>, <c>PhiExp</c>, <c>PhiTaylor</c>, <c>VMath</c>, <c>Need</c>, <c>BadRange</c>), so that both kinds of kernel give the same bits
/// (tests/Meta.Tests/Cpu/IlKernelTests.cs compares them). A change to one must be made to the other.
/// </summary>
internal static partial class KernelMath
{
    /// <summary>Phi's Taylor series to x^10 at x (= b·h), by Horner's scheme with fused multiply-adds, times h.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Series(Vector<double> x, Vector<double> h)
    {
        var r = new Vector<double>(1.0 / 39916800);
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 3628800));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 362880));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 40320));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 5040));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 720));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 120));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 24));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 6));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 2));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / 1));
        r *= h;
        return r;
    }

    /// <summary>phi(b, h) = (exp(b·h) − 1)/b per lane: the series where every |x| &lt; 0.6, else <see cref="PhiExp(Vector{long}, Vector{double}, Vector{double}, Vector{double})"/> (not inlined), as the C# kernel's <c>Phi</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Phi(Vector<double> b, Vector<double> h)
    {
        var x = b * h;
        var small = Vector.LessThan(Vector.Abs(x), new Vector<double>(KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        if (Vector.EqualsAll(small, Vector<long>.AllBitsSet)) return r;
        return PhiExp(small, r, x, b);
    }

    /// <summary>The series where <paramref name="small"/>, else the closed form with exp (JIT-compiled, never precompiled, as the C# kernel's).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector<double> PhiExp(Vector<long> small, Vector<double> r, Vector<double> x, Vector<double> b) => Vector.ConditionalSelect(small, r, (Vector.Exp(x) - Vector<double>.One) / b);

    /// <summary>Phi's series alone (the call-free loop); the lanes outside its range are added to <paramref name="large"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> PhiTaylor(Vector<double> b, Vector<double> h, ref Vector<long> large)
    {
        var x = b * h;
        var small = Vector.LessThan(Vector.Abs(x), new Vector<double>(KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        large |= ~small;
        return r;
    }

    /// <summary>Phi's Taylor series to x^10 at x (= b·h), by Horner's scheme with fused multiply-adds, times h.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Series(Vector<float> x, Vector<float> h)
    {
        var r = new Vector<float>((float)(1.0 / 39916800));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 3628800)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 362880)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 40320)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 5040)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 720)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 120)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 24)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 6)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 2)));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)(1.0 / 1)));
        r *= h;
        return r;
    }

    /// <summary>phi(b, h) = (exp(b·h) − 1)/b per lane: the series where every |x| &lt; 0.6f, else <see cref="PhiExp(Vector{int}, Vector{float}, Vector{float}, Vector{float})"/> (not inlined), as the C# kernel's <c>Phi</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Phi(Vector<float> b, Vector<float> h)
    {
        var x = b * h;
        var small = Vector.LessThan(Vector.Abs(x), new Vector<float>((float)KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        if (Vector.EqualsAll(small, Vector<int>.AllBitsSet)) return r;
        return PhiExp(small, r, x, b);
    }

    /// <summary>The series where <paramref name="small"/>, else the closed form with exp (JIT-compiled, never precompiled, as the C# kernel's).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector<float> PhiExp(Vector<int> small, Vector<float> r, Vector<float> x, Vector<float> b) => Vector.ConditionalSelect(small, r, (Vector.Exp(x) - Vector<float>.One) / b);

    /// <summary>Phi's series alone (the call-free loop); the lanes outside its range are added to <paramref name="large"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> PhiTaylor(Vector<float> b, Vector<float> h, ref Vector<int> large)
    {
        var x = b * h;
        var small = Vector.LessThan(Vector.Abs(x), new Vector<float>((float)KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        large |= ~small;
        return r;
    }

    /// <summary>Sine per lane.</summary>
    public static Vector<double> Sin(Vector<double> a) => PerLane(a, Math.Sin);
    /// <summary>Cosine per lane.</summary>
    public static Vector<double> Cos(Vector<double> a) => PerLane(a, Math.Cos);
    /// <summary>Tangent per lane.</summary>
    public static Vector<double> Tan(Vector<double> a) => PerLane(a, Math.Tan);
    /// <summary>Hyperbolic tangent per lane.</summary>
    public static Vector<double> Tanh(Vector<double> a) => PerLane(a, Math.Tanh);
    /// <summary>Sine per lane.</summary>
    public static Vector<float> Sin(Vector<float> a) => PerLane(a, MathF.Sin);
    /// <summary>Cosine per lane.</summary>
    public static Vector<float> Cos(Vector<float> a) => PerLane(a, MathF.Cos);
    /// <summary>Tangent per lane.</summary>
    public static Vector<float> Tan(Vector<float> a) => PerLane(a, MathF.Tan);
    /// <summary>Hyperbolic tangent per lane.</summary>
    public static Vector<float> Tanh(Vector<float> a) => PerLane(a, MathF.Tanh);

    /// <summary>a to the power b per lane.</summary>
    public static Vector<double> Pow(Vector<double> a, Vector<double> b)
    {
        Span<double> r = stackalloc double[Vector<double>.Count];
        for (int k = 0; k < r.Length; k++) r[k] = Math.Pow(a[k], b[k]);
        return new Vector<double>(r);
    }

    /// <summary>a to the power b per lane.</summary>
    public static Vector<float> Pow(Vector<float> a, Vector<float> b)
    {
        Span<float> r = stackalloc float[Vector<float>.Count];
        for (int k = 0; k < r.Length; k++) r[k] = MathF.Pow(a[k], b[k]);
        return new Vector<float>(r);
    }

    private static Vector<T> PerLane<T>(Vector<T> a, Func<T, T> f) where T : unmanaged
    {
        Span<T> r = stackalloc T[Vector<T>.Count];
        for (int k = 0; k < r.Length; k++) r[k] = f(a[k]);
        return new Vector<T>(r);
    }

    /// <summary>An array the loop reaches through references must hold the elements [0, <paramref name="length"/>).</summary>
    public static void Need(Array a, int length, string what)
    {
        if (a.Length < length) throw new ArgumentException($"A CPU kernel reaches element {length - 1} of {what}, which holds {a.Length}.");
    }

    /// <summary>Refuses a range of cells that is not whole vectors from 0 on.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void BadRange(int begin, int end, int slot, int w) =>
        throw new ArgumentOutOfRangeException(nameof(begin), $"A CPU kernel runs whole vectors of {w} cells from 0 on, not cells {begin} to {end} (ring offset {slot}).");
}
