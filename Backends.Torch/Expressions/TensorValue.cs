using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Expressions;

/// <summary>
/// A value during the evaluation of a kernel over a range of cells: a tensor (one element per cell), or a number equal for
/// every cell. Conditions are bool tensors (or numbers 0/1). <see cref="Owned"/> marks a temporary made by this
/// evaluation, which the next operation may overwrite in place; <see cref="Transient"/> a number that changes from step to
/// step (the time), whose libtorch scalar is not cached.
/// </summary>
internal readonly record struct TValue(Tensor? Tensor, double Constant, bool Owned, bool Transient)
{
    public bool IsConstant => Tensor is null;

    public static TValue Of(double value, bool transient = false) => new(null, value, false, transient);
    public static TValue Borrowed(Tensor tensor) => new(tensor, 0, false, false);
    public static TValue Temporary(Tensor tensor) => new(tensor, 0, true, false);
}

/// <summary>
/// The libtorch scalars and 0-dim tensors of constant operands, made once per value for the life of an engine (per-step
/// values such as the time are made per step and released by <see cref="ReleaseTransients"/>), on the engine's type and device.
/// </summary>
internal sealed class TensorConstants(ScalarType dtype, Device device) : IDisposable
{
    private readonly Dictionary<long, Scalar> _scalars = [];
    private readonly Dictionary<long, Tensor> _tensors = [];
    private readonly List<Scalar> _transientScalars = [];

    public ScalarType DType { get; } = dtype;
    public Device Device { get; } = device;

    /// <summary>A libtorch scalar for a value, kept for the life of this object.</summary>
    public Scalar ScalarOf(double value)
    {
        long key = BitConverter.DoubleToInt64Bits(value);
        if (!_scalars.TryGetValue(key, out var s)) _scalars[key] = s = value;
        return s;
    }

    /// <summary>The scalar of a constant value: cached, or for a per-step value made now and released by <see cref="ReleaseTransients"/>.</summary>
    public Scalar ScalarFor(TValue value)
    {
        if (!value.Transient) return ScalarOf(value.Constant);
        Scalar s = value.Constant;
        _transientScalars.Add(s);
        return s;
    }

    /// <summary>A 0-dim tensor of a constant value: cached, or for a per-step value one in the current dispose scope.</summary>
    public Tensor TensorFor(TValue value)
    {
        if (value.Transient) return torch.tensor(value.Constant, dtype: DType, device: Device);
        long key = BitConverter.DoubleToInt64Bits(value.Constant);
        if (!_tensors.TryGetValue(key, out var t))
        {
            _tensors[key] = t = torch.tensor(value.Constant, dtype: DType, device: Device);
            t.DetachFromDisposeScope();
        }
        return t;
    }

    /// <summary>A value as a tensor (constants as 0-dim tensors).</summary>
    public Tensor AsTensor(TValue v) => v.IsConstant ? TensorFor(v) : v.Tensor!;

    /// <summary>Disposes the scalars made for per-step values (call once per step).</summary>
    public void ReleaseTransients()
    {
        foreach (var s in _transientScalars) s.Dispose();
        _transientScalars.Clear();
    }

    public void Dispose()
    {
        ReleaseTransients();
        foreach (var s in _scalars.Values) s.Dispose();
        foreach (var t in _tensors.Values) t.Dispose();
        _scalars.Clear();
        _tensors.Clear();
    }
}
