using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Expressions;

/// <summary>
/// The index operations of <see cref="SparseMasks"/> on tensors in host memory (the CPU device), done through spans over
/// the tensors' memory instead of libtorch calls: listing the cells of a bool mask (<c>nonzero</c>), writing a value or
/// copying values at listed cells (<c>index_fill_</c>, <c>index_copy_</c> of an <c>index_select</c>), and counting listed
/// counters down. They touch only the listed cells (few: refractory or spiking ones), where libtorch's index kernels cost
/// a fixed setup of about twice a whole-population elementwise pass each (docs/benchmarks.md). The values written are the
/// same copies as libtorch's, bit for bit. Every method returns false (nothing done) for a tensor that is not contiguous
/// or of a type it does not handle, and the caller falls back on the libtorch operation.
/// </summary>
internal static class HostIndexOps
{
    /// <summary>
    /// The cells (int64, increasing) where the bool tensor <paramref name="mask"/> holds, as a new tensor in the current
    /// dispose scope, or null when the mask is not a contiguous bool tensor.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // run every step from the first: no slow tier-0 loops
    public static Tensor? Cells(Tensor mask)
    {
        if (mask.dtype != ScalarType.Bool || !mask.is_contiguous()) return null;
        ReadOnlySpan<byte> flags = mask.bytes;
        int n = flags.Length - flags.Count((byte)0);
        var cells = torch.empty(n, ScalarType.Int64, mask.device);
        if (n > 0) List(flags, Writable(MemoryMarshal.Cast<byte, long>(cells.bytes)));
        return cells;
    }

    /// <summary>
    /// The cells whose int32 counter is above zero (<c>counters &gt; 0</c>): the bool mask and its list of cells, made in one
    /// pass on the host, both new tensors in the current dispose scope; null when the counters are not contiguous int32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // run every step from the first: no slow tier-0 loops
    public static (Tensor Mask, Tensor Cells)? Positive(Tensor counters)
    {
        if (counters.dtype != ScalarType.Int32 || !counters.is_contiguous()) return null;
        var c = MemoryMarshal.Cast<byte, int>(counters.bytes);
        var mask = torch.empty(c.Length, ScalarType.Bool, counters.device);
        var flags = Writable<byte>(mask.bytes);
        int n = 0;
        for (int i = 0; i < c.Length; i++)
        {
            byte on = c[i] > 0 ? (byte)1 : (byte)0;
            flags[i] = on;
            n += on;
        }
        var cells = torch.empty(n, ScalarType.Int64, counters.device);
        if (n > 0) List(flags, Writable(MemoryMarshal.Cast<byte, long>(cells.bytes)));
        return (mask, cells);
    }

    /// <summary>Writes the positions of the non-zero bytes of <paramref name="flags"/> into <paramref name="list"/> (sized to their count), 32 bytes at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // run every step from the first: no slow tier-0 loops
    private static void List(ReadOnlySpan<byte> flags, Span<long> list)
    {
        int j = 0, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<byte>.Count <= flags.Length; i += Vector256<byte>.Count)
            {
                uint bits = ~Vector256.Equals(Vector256.Create(flags[i..]), Vector256<byte>.Zero).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    list[j++] = i + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                }
            }
        }
        for (; i < flags.Length; i++)
            if (flags[i] != 0) list[j++] = i;
    }

    /// <summary><c>target[cells] = value</c> (<c>index_fill_</c>) for float64, float32, int32 and bool targets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // run every step from the first: no slow tier-0 loops
    public static bool Fill(Tensor target, Tensor cells, double value)
    {
        if (!target.is_contiguous() || !Listed(cells)) return false;
        var at = MemoryMarshal.Cast<byte, long>(cells.bytes);
        switch (target.dtype)
        {
            case ScalarType.Float64: Set(Span<double>(target), at, value); return true;
            case ScalarType.Float32: Set(Span<float>(target), at, (float)value); return true;
            case ScalarType.Int32: Set(Span<int>(target), at, (int)value); return true;
            case ScalarType.Bool: Set(Span<byte>(target), at, value != 0 ? (byte)1 : (byte)0); return true;
            default: return false;
        }
    }

    /// <summary>
    /// <c>target[cells] = source[cells]</c> (<c>index_copy_</c> of an <c>index_select</c>) for sources of the target's
    /// float type, or float sources into an int32 target (truncated toward zero, as libtorch's conversion to int32).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // run every step from the first: no slow tier-0 loops
    public static bool Copy(Tensor target, Tensor cells, Tensor source)
    {
        if (!target.is_contiguous() || !source.is_contiguous() || source.numel() != target.numel() || !Listed(cells)) return false;
        var at = MemoryMarshal.Cast<byte, long>(cells.bytes);
        switch (target.dtype, source.dtype)
        {
            case (ScalarType.Float64, ScalarType.Float64): Gather(Span<double>(target), at, Span<double>(source)); return true;
            case (ScalarType.Float32, ScalarType.Float32): Gather(Span<float>(target), at, Span<float>(source)); return true;
            case (ScalarType.Int32, ScalarType.Float64):
            {
                var t = Span<int>(target);
                var s = Span<double>(source);
                foreach (long i in at) t[(int)i] = (int)s[(int)i];
                return true;
            }
            case (ScalarType.Int32, ScalarType.Float32):
            {
                var t = Span<int>(target);
                var s = Span<float>(source);
                foreach (long i in at) t[(int)i] = (int)s[(int)i];
                return true;
            }
            default: return false;
        }
    }

    /// <summary><c>counters[cells] -= 1</c> for int32 counters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // run every step from the first: no slow tier-0 loops
    public static bool CountDown(Tensor counters, Tensor cells)
    {
        if (counters.dtype != ScalarType.Int32 || !counters.is_contiguous() || !Listed(cells)) return false;
        var c = Span<int>(counters);
        foreach (long i in MemoryMarshal.Cast<byte, long>(cells.bytes)) c[(int)i]--;
        return true;
    }

    private static bool Listed(Tensor cells) => cells.dtype == ScalarType.Int64 && cells.is_contiguous();

    private static void Set<T>(Span<T> target, ReadOnlySpan<long> at, T value)
    {
        foreach (long i in at) target[(int)i] = value;
    }

    private static void Gather<T>(Span<T> target, ReadOnlySpan<long> at, ReadOnlySpan<T> source)
    {
        foreach (long i in at) target[(int)i] = source[(int)i];
    }

    /// <summary>A contiguous tensor's elements as a writable span (libtorch owns the memory; the span lives for one call).</summary>
    private static Span<T> Span<T>(Tensor t) where T : struct => Writable(MemoryMarshal.Cast<byte, T>(t.bytes));

    private static Span<T> Writable<T>(ReadOnlySpan<T> span) => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);
}
