using System.Numerics;
using System.Runtime.CompilerServices;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The helpers a CPU kernel calls, precompiled once for both kinds of kernel: those emitted as IL
/// (<see cref="IlKernelEmitter{T}"/>, through <see cref="VectorMethods{T}"/>) and those compiled from C# with Roslyn
/// (<see cref="CpuKernelEmitter.Source"/>, whose generated class calls <c>KernelMath.Phi</c>, <c>KernelMath.Sin</c>, ... by
/// name, see <see cref="VectorDialect"/>). There is one copy of each, so both kinds of kernel compute the same bits by
/// construction (tests/Meta.Tests/Cpu/IlKernelTests.cs still compares them). Phi's series takes its coefficients from
/// <see cref="KernelSymbols.PhiSeries"/>. Public only so that the generated assemblies can call it; not an API for users.
/// </summary>
public static partial class KernelMath
{
    /// <summary>Phi's Taylor series to x^10 at x (= b·h), by Horner's scheme with fused multiply-adds, times h.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Series(Vector<double> x, Vector<double> h)
    {
        var r = new Vector<double>(KernelSymbols.PhiSeries.X10);
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X9));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X8));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X7));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X6));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X5));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X4));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X3));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X2));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X1));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(KernelSymbols.PhiSeries.X0));
        r *= h;
        return r;
    }

    /// <summary>phi(b, h) = (exp(b·h) − 1)/b per lane: the series where every |x| &lt; 0.6, else <see cref="PhiExp(Vector{long}, Vector{double}, Vector{double}, Vector{double})"/> (not inlined).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Phi(Vector<double> b, Vector<double> h)
    {
        var x = b * h;
        var small = Vector.LessThan(Vector.Abs(x), new Vector<double>(KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        if (Vector.EqualsAll(small, Vector<long>.AllBitsSet)) return r;
        return PhiExp(small, r, x, b);
    }

    /// <summary>The series where <paramref name="small"/>, else the closed form with exp (JIT-compiled, never precompiled).</summary>
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
        var r = new Vector<float>((float)KernelSymbols.PhiSeries.X10);
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X9));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X8));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X7));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X6));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X5));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X4));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X3));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X2));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X1));
        r = Vector.FusedMultiplyAdd(r, x, new Vector<float>((float)KernelSymbols.PhiSeries.X0));
        r *= h;
        return r;
    }

    /// <summary>phi(b, h) = (exp(b·h) − 1)/b per lane: the series where every |x| &lt; 0.6f, else <see cref="PhiExp(Vector{int}, Vector{float}, Vector{float}, Vector{float})"/> (not inlined).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Phi(Vector<float> b, Vector<float> h)
    {
        var x = b * h;
        var small = Vector.LessThan(Vector.Abs(x), new Vector<float>((float)KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        if (Vector.EqualsAll(small, Vector<int>.AllBitsSet)) return r;
        return PhiExp(small, r, x, b);
    }

    /// <summary>The series where <paramref name="small"/>, else the closed form with exp (JIT-compiled, never precompiled).</summary>
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
