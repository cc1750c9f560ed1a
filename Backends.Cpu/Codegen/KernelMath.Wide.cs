using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The helpers of a CPU kernel in wide lanes (<c>Vector512</c>, <see cref="LaneType.Wide"/>), for IL and C# kernels alike:
/// exp, log, min and max applied to the two 256-bit halves, each as a <c>Vector&lt;T&gt;</c>, by <see cref="Vector"/>'s functions,
/// the very methods the narrow kernel calls, so results do not depend on the width (both emitters call these), and phi's
/// series with <see cref="Vector512"/>'s operations. Not <c>Vector256</c>'s functions: in this runtime its exp runs a
/// precompiled (ReadyToRun) body, which differs from the JIT's in the last bit until the method is rejitted (that made
/// HH_cond_exp's wide kernel differ from the narrow one; <c>DOTNET_ReadyToRun=0</c> removed the difference). For the same
/// reason the helpers that call exp or log are JIT-compiled (<see cref="MethodImplOptions.AggressiveOptimization"/>), never precompiled.
/// </summary>
public static partial class KernelMath
{
    /// <summary>e to the power each lane, half by half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Exp(Vector512<double> a) => Vector512.Create(Vector.Exp(a.GetLower().AsVector()).AsVector256(), Vector.Exp(a.GetUpper().AsVector()).AsVector256());

    /// <summary>The natural logarithm of each lane, half by half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Log(Vector512<double> a) => Vector512.Create(Vector.Log(a.GetLower().AsVector()).AsVector256(), Vector.Log(a.GetUpper().AsVector()).AsVector256());

    /// <summary>The smaller of each pair of lanes, half by half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Min(Vector512<double> a, Vector512<double> b) => Vector512.Create(Vector.Min(a.GetLower().AsVector(), b.GetLower().AsVector()).AsVector256(), Vector.Min(a.GetUpper().AsVector(), b.GetUpper().AsVector()).AsVector256());

    /// <summary>The larger of each pair of lanes, half by half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.Create(Vector.Max(a.GetLower().AsVector(), b.GetLower().AsVector()).AsVector256(), Vector.Max(a.GetUpper().AsVector(), b.GetUpper().AsVector()).AsVector256());

    /// <summary>Phi's Taylor series to x^10 at x (= b·h), by Horner's scheme with fused multiply-adds, times h.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Series(Vector512<double> x, Vector512<double> h)
    {
        var r = Vector512.Create(KernelSymbols.PhiSeries.X10);
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X9));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X8));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X7));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X6));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X5));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X4));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X3));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X2));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X1));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create(KernelSymbols.PhiSeries.X0));
        r *= h;
        return r;
    }

    /// <summary>phi(b, h) per lane in wide lanes: the series where every |x| &lt; 0.6, else <c>PhiExp</c> (not inlined).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Phi(Vector512<double> b, Vector512<double> h)
    {
        var x = b * h;
        var small = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        if (Vector512.ExtractMostSignificantBits(small) == 0xFFUL) return r;
        return PhiExp(small, r, x, b);
    }

    /// <summary>The series where <paramref name="small"/>, else the closed form with exp of the halves.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> PhiExp(Vector512<double> small, Vector512<double> r, Vector512<double> x, Vector512<double> b) => Vector512.ConditionalSelect(small, r, (Exp(x) - Vector512<double>.One) / b);

    /// <summary>Phi's series alone in wide lanes; the lanes outside its range are added to <paramref name="large"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> PhiTaylor(Vector512<double> b, Vector512<double> h, ref Vector512<double> large)
    {
        var x = b * h;
        var small = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        large |= ~small;
        return r;
    }

    /// <summary>Sine per lane.</summary>
    public static Vector512<double> Sin(Vector512<double> a) => PerLane(a, Math.Sin);

    /// <summary>Cosine per lane.</summary>
    public static Vector512<double> Cos(Vector512<double> a) => PerLane(a, Math.Cos);

    /// <summary>Tangent per lane.</summary>
    public static Vector512<double> Tan(Vector512<double> a) => PerLane(a, Math.Tan);

    /// <summary>Hyperbolic tangent per lane.</summary>
    public static Vector512<double> Tanh(Vector512<double> a) => PerLane(a, Math.Tanh);

    /// <summary>a to the power b per lane.</summary>
    public static Vector512<double> Pow(Vector512<double> a, Vector512<double> b)
    {
        Span<double> r = stackalloc double[Vector512<double>.Count];
        for (int k = 0; k < r.Length; k++) r[k] = Math.Pow(a[k], b[k]);
        return Vector512.Create<double>(r);
    }

    /// <summary>e to the power each lane, half by half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Exp(Vector512<float> a) => Vector512.Create(Vector.Exp(a.GetLower().AsVector()).AsVector256(), Vector.Exp(a.GetUpper().AsVector()).AsVector256());

    /// <summary>The natural logarithm of each lane, half by half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Log(Vector512<float> a) => Vector512.Create(Vector.Log(a.GetLower().AsVector()).AsVector256(), Vector.Log(a.GetUpper().AsVector()).AsVector256());

    /// <summary>The smaller of each pair of lanes, half by half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Create(Vector.Min(a.GetLower().AsVector(), b.GetLower().AsVector()).AsVector256(), Vector.Min(a.GetUpper().AsVector(), b.GetUpper().AsVector()).AsVector256());

    /// <summary>The larger of each pair of lanes, half by half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Create(Vector.Max(a.GetLower().AsVector(), b.GetLower().AsVector()).AsVector256(), Vector.Max(a.GetUpper().AsVector(), b.GetUpper().AsVector()).AsVector256());

    /// <summary>Phi's Taylor series to x^10 at x (= b·h), by Horner's scheme with fused multiply-adds, times h.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Series(Vector512<float> x, Vector512<float> h)
    {
        var r = Vector512.Create((float)KernelSymbols.PhiSeries.X10);
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X9));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X8));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X7));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X6));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X5));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X4));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X3));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X2));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X1));
        r = Vector512.FusedMultiplyAdd(r, x, Vector512.Create((float)KernelSymbols.PhiSeries.X0));
        r *= h;
        return r;
    }

    /// <summary>phi(b, h) per lane in wide lanes: the series where every |x| &lt; 0.6f, else <c>PhiExp</c> (not inlined).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Phi(Vector512<float> b, Vector512<float> h)
    {
        var x = b * h;
        var small = Vector512.LessThan(Vector512.Abs(x), Vector512.Create((float)KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        if (Vector512.ExtractMostSignificantBits(small) == 0xFFFFUL) return r;
        return PhiExp(small, r, x, b);
    }

    /// <summary>The series where <paramref name="small"/>, else the closed form with exp of the halves.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> PhiExp(Vector512<float> small, Vector512<float> r, Vector512<float> x, Vector512<float> b) => Vector512.ConditionalSelect(small, r, (Exp(x) - Vector512<float>.One) / b);

    /// <summary>Phi's series alone in wide lanes; the lanes outside its range are added to <paramref name="large"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PhiTaylor(Vector512<float> b, Vector512<float> h, ref Vector512<float> large)
    {
        var x = b * h;
        var small = Vector512.LessThan(Vector512.Abs(x), Vector512.Create((float)KernelSymbols.PhiTaylorBound));
        var r = Series(x, h);
        large |= ~small;
        return r;
    }

    /// <summary>Sine per lane.</summary>
    public static Vector512<float> Sin(Vector512<float> a) => PerLane(a, MathF.Sin);

    /// <summary>Cosine per lane.</summary>
    public static Vector512<float> Cos(Vector512<float> a) => PerLane(a, MathF.Cos);

    /// <summary>Tangent per lane.</summary>
    public static Vector512<float> Tan(Vector512<float> a) => PerLane(a, MathF.Tan);

    /// <summary>Hyperbolic tangent per lane.</summary>
    public static Vector512<float> Tanh(Vector512<float> a) => PerLane(a, MathF.Tanh);

    /// <summary>a to the power b per lane.</summary>
    public static Vector512<float> Pow(Vector512<float> a, Vector512<float> b)
    {
        Span<float> r = stackalloc float[Vector512<float>.Count];
        for (int k = 0; k < r.Length; k++) r[k] = MathF.Pow(a[k], b[k]);
        return Vector512.Create<float>(r);
    }

    private static Vector512<T> PerLane<T>(Vector512<T> a, Func<T, T> f) where T : unmanaged
    {
        Span<T> r = stackalloc T[Vector512<T>.Count];
        for (int k = 0; k < r.Length; k++) r[k] = f(a[k]);
        return Vector512.Create<T>(r);
    }
}
