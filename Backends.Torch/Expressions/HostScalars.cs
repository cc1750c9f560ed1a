using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Expressions;

/// <summary>
/// One-element tensors read on the host through a <see cref="Scalar"/> that this code holds until libtorch has read it and
/// then disposes. <c>Tensor.ToDouble()</c> makes a temporary Scalar that nothing references during the native read, so the
/// garbage collector may finalize (free) it on its own thread while libtorch still converts it: a rare use after free that
/// ends the process in <c>c10::Scalar::toDouble</c> ("Expected false to be true"), seen once in a parallel test run.
/// </summary>
internal static class HostScalars
{
    /// <summary>The value of a one-element tensor as a double.</summary>
    public static double Double(Tensor t)
    {
        using var scalar = t.ToScalar();
        return scalar.ToDouble();
    }
}
