using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace Meta.Backends.Ilgpu;

/// <summary>Conversions between the host's float64 values and the device's element type (double or float).</summary>
internal static class Num<T> where T : unmanaged
{
    /// <summary>Whether the device computes in float32.</summary>
    public static bool Single => typeof(T) == typeof(float);

    public static T From(double v)
    {
        if (typeof(T) == typeof(double)) return Unsafe.As<double, T>(ref v);
        float f = (float)v;
        return Unsafe.As<float, T>(ref f);
    }

    public static double To(T v)
    {
        if (typeof(T) == typeof(double)) return Unsafe.As<T, double>(ref v);
        return Unsafe.As<T, float>(ref v);
    }

    /// <summary>Converts <paramref name="values"/> into <paramref name="target"/> (same length), without allocating.</summary>
    public static void Convert(ReadOnlySpan<double> values, T[] target)
    {
        for (int i = 0; i < values.Length; i++) target[i] = From(values[i]);
    }

    public static T[] Array(ReadOnlySpan<double> values)
    {
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = From(values[i]);
        return result;
    }
}

/// <summary>A device buffer of at least one element (ILGPU refuses empty ones), zeroed when allocated.</summary>
internal sealed class DeviceArray<TElem> : IDisposable where TElem : unmanaged
{
    private readonly MemoryBuffer1D<TElem, Stride1D.Dense> _buffer;

    public DeviceArray(Accelerator accelerator, long length)
    {
        Length = length;
        _buffer = accelerator.Allocate1D<TElem>(Math.Max(1, length));
        _buffer.View.MemSetToZero(accelerator.DefaultStream);
    }

    /// <summary>Allocates and fills from <paramref name="data"/>.</summary>
    public DeviceArray(Accelerator accelerator, TElem[] data) : this(accelerator, data.Length) => Upload(accelerator, data);

    /// <summary>The requested length (the buffer holds at least one element).</summary>
    public long Length { get; }

    /// <summary>The whole buffer as a kernel argument.</summary>
    public ArrayView<TElem> View => _buffer.View.BaseView;

    /// <summary>Copies <paramref name="data"/> to the start of the buffer (ordered on the default stream).</summary>
    public void Upload(Accelerator accelerator, TElem[] data)
    {
        if (data.Length == 0) return;
        View.SubView(0, data.Length).CopyFromCPU(accelerator.DefaultStream, data);
    }

    /// <summary>Copies the first <paramref name="count"/> elements to the host.</summary>
    public TElem[] Download(Accelerator accelerator, long count, long offset = 0)
    {
        var result = new TElem[count];
        if (count > 0) View.SubView(offset, count).CopyToCPU(accelerator.DefaultStream, result);
        return result;
    }

    /// <summary>Zeroes the buffer.</summary>
    public void Clear(Accelerator accelerator) => _buffer.View.MemSetToZero(accelerator.DefaultStream);

    public void Dispose() => _buffer.Dispose();
}
