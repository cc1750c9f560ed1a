using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch;

/// <summary>The device and floating-point type of one engine, and helpers to move arrays to and from it.</summary>
internal sealed class TorchContext(Device device, ScalarType dtype)
{
    public Device Device { get; } = device;
    /// <summary>The type of states, parameters, weights and delay rings (float64 or float32).</summary>
    public ScalarType DType { get; } = dtype;

    /// <summary>A long-lived tensor: taken out of any dispose scope; its owner disposes it.</summary>
    public static Tensor Keep(Tensor t)
    {
        t.DetachFromDisposeScope();
        return t;
    }

    /// <summary>A long-lived tensor of the engine's type holding <paramref name="values"/>.</summary>
    public Tensor Values(double[] values)
    {
        using var host = torch.tensor(values, dtype: ScalarType.Float64);
        return Keep(host.to(DType, Device, copy: true));
    }

    /// <summary>A long-lived int64 tensor holding <paramref name="values"/>.</summary>
    public Tensor Indices(long[] values)
    {
        using var host = torch.tensor(values, dtype: ScalarType.Int64);
        return Keep(host.to(Device, copy: true));
    }

    /// <summary>Copies <paramref name="values"/> into the existing tensor <paramref name="target"/> (type converted).</summary>
    public static void CopyInto(Tensor target, double[] values)
    {
        using var host = torch.tensor(values, dtype: ScalarType.Float64);
        target.copy_(host);
    }

    /// <summary>The values of a tensor as doubles on the host.</summary>
    public static double[] ToHost(Tensor t)
    {
        using var converted = t.to(ScalarType.Float64, torch.CPU);
        using var host = converted.contiguous();
        using var data = host.data<double>();
        return data.ToArray();
    }

    /// <summary>The values of an int64 tensor on the host.</summary>
    public static long[] ToHostInt64(Tensor t)
    {
        using var moved = t.to(torch.CPU);
        using var host = moved.contiguous();
        using var data = host.data<long>();
        return data.ToArray();
    }
}
