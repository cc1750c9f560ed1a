using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch;

/// <summary>
/// Addition with an explicit, always-reachable <c>alpha</c>. TorchSharp's one-argument
/// <c>add</c> and <c>add_</c> create a temporary <see cref="Scalar"/> for alpha = 1 and pass only its
/// handle to libtorch; nothing keeps the temporary alive during the native call, so under GC pressure its finalizer can
/// free it first, and libtorch fails in <c>Scalar::toDouble</c> (seen intermittently in parallel test runs). Every
/// backend call site uses these instead.
/// </summary>
internal static class ScalarSafeArithmetic
{
    private static readonly Scalar s_oneFloating = 1.0;
    private static readonly Scalar s_oneIntegral = 1L;

    private static Scalar One(Tensor t) => t.is_floating_point() ? s_oneFloating : s_oneIntegral;

    /// <summary><c>t += other</c>.</summary>
    public static Tensor Plus_(this Tensor t, Tensor other) => t.add_(other, One(t));
    /// <summary><c>t += value</c>.</summary>
    public static Tensor Plus_(this Tensor t, Scalar value) => t.add_(value, One(t));
    /// <summary><c>t + other</c>.</summary>
    public static Tensor Plus(this Tensor t, Tensor other) => t.add(other, One(t));
    /// <summary><c>t + value</c>.</summary>
    public static Tensor Plus(this Tensor t, Scalar value) => t.add(value, One(t));
}
