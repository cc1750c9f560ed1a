using Meta.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Sources;

/// <summary>
/// Philox4x32-10 in int64 tensors, the same function as <see cref="Philox.Generate"/>: each 32-bit word is held in an
/// int64; the 32×32-bit products are int64 products (exact modulo 2^64, so their high and low words are those of the
/// unsigned product), split by an arithmetic shift and masks. Many counters at once: rows are time indices, columns
/// cells (streams).
/// </summary>
internal static class TensorPhilox
{
    private const long Mask32 = 0xFFFFFFFFL;

    /// <summary>
    /// <c>Philox.Uniform(seed, streams[j], first + i)</c> for i &lt; <paramref name="count"/> and every j, as a float64
    /// [count, streams] tensor (in the current dispose scope).
    /// </summary>
    public static Tensor Uniform(ulong seed, long first, long count, ulong[] streams, Device device)
    {
        var indexLo = new long[count];
        var indexHi = new long[count];
        for (long i = 0; i < count; i++)
        {
            ulong index = (ulong)(first + i);
            indexLo[i] = (long)(index & Mask32);
            indexHi[i] = (long)(index >> 32);
        }
        var streamLo = streams.Select(x => (long)(x & Mask32)).ToArray();
        var streamHi = streams.Select(x => (long)(x >> 32)).ToArray();
        int n = streams.Length;

        var x0 = torch.tensor(indexLo, ScalarType.Int64, device).view(count, 1);
        var x1 = torch.tensor(indexHi, ScalarType.Int64, device).view(count, 1);
        var x2 = torch.tensor(streamLo, ScalarType.Int64, device).view(1, n);
        var x3 = torch.tensor(streamHi, ScalarType.Int64, device).view(1, n);
        return Rounds(seed, x0, x1, x2, x3, device);
    }

    /// <summary>
    /// <c>Philox.Uniform(seed, streams[j], counter)</c> for every element j of <paramref name="streams"/> (int64, each a
    /// stream below 2^63), as a float64 tensor of its shape (in the current dispose scope).
    /// </summary>
    public static Tensor Uniform(ulong seed, ulong counter, Tensor streams)
    {
        var device = streams.device;
        var x0 = torch.tensor((long)(counter & Mask32), ScalarType.Int64, device);
        var x1 = torch.tensor((long)(counter >> 32), ScalarType.Int64, device);
        var x2 = streams.bitwise_and(torch.tensor(Mask32, ScalarType.Int64, device));
        var x3 = streams.bitwise_right_shift(torch.tensor(32L, ScalarType.Int64, device));
        return Rounds(seed, x0, x1, x2, x3, device);
    }

    /// <summary>
    /// The ten rounds on counter words x0, x1 (the index) and x2, x3 (the stream), broadcast against each other, and the
    /// uniform double of the result.
    /// </summary>
    private static Tensor Rounds(ulong seed, Tensor x0, Tensor x1, Tensor x2, Tensor x3, Device device)
    {
        var mask = torch.tensor(Mask32, ScalarType.Int64, device);
        var shift32 = torch.tensor(32L, ScalarType.Int64, device);
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        using Scalar m0 = (long)Philox.Multiplier0, m1 = (long)Philox.Multiplier1;
        for (int round = 0; round < Philox.Rounds; round++)
        {
            if (round > 0)
            {
                unchecked
                {
                    k0 += Philox.Weyl0;
                    k1 += Philox.Weyl1;
                }
            }
            var p0 = x0.mul(m0);
            var p1 = x2.mul(m1);
            var hi0 = p0.bitwise_right_shift(shift32).bitwise_and_(mask);
            var lo0 = p0.bitwise_and_(mask);
            var hi1 = p1.bitwise_right_shift(shift32).bitwise_and_(mask);
            var lo1 = p1.bitwise_and_(mask);
            var key0 = torch.tensor((long)k0, ScalarType.Int64, device);
            var key1 = torch.tensor((long)k1, ScalarType.Int64, device);
            var y0 = hi1.bitwise_xor(x1).bitwise_xor_(key0);
            var y2 = hi0.bitwise_xor(x3).bitwise_xor_(key1);
            (x0, x1, x2, x3) = (y0, lo1, y2, lo0);
        }
        // The top 53 bits of r0:r1 times 2^-53 (exact).
        var high = x0.bitwise_left_shift(torch.tensor(21L, ScalarType.Int64, device));
        var low = x1.bitwise_right_shift(torch.tensor(11L, ScalarType.Int64, device));
        using Scalar epsilon = Philox.UnitDoubleEpsilon;
        return high.bitwise_or_(low).to_type(ScalarType.Float64).mul_(epsilon);
    }
}
