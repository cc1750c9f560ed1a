using System.Runtime.CompilerServices;

namespace Meta.Random;

/// <summary>
/// The Philox4x32-10 counter-based random number generator (Salmon, Moraes, Dror and Shaw, "Parallel random
/// numbers: as easy as 1, 2, 3", SC 2011): a pure function of a 64-bit key and a 128-bit counter that returns
/// four 32-bit words. It is the single source of randomness for every Meta backend, so the CPU, ILGPU and
/// TorchSharp backends draw bit-identical numbers from one seed.
/// </summary>
/// <remarks>
/// <para>
/// Definition (the Random123 constants). One round maps counter <c>(c0, c1, c2, c3)</c> and key <c>(k0, k1)</c> to
/// <c>(hi(M1·c2) ^ c1 ^ k0, lo(M1·c2), hi(M0·c0) ^ c3 ^ k1, lo(M0·c0))</c>, where <c>M0 = 0xD2511F53</c>,
/// <c>M1 = 0xCD9E8D57</c> and <c>hi</c>/<c>lo</c> are the upper/lower 32 bits of the 64-bit product. Ten rounds
/// are applied; between consecutive rounds the key is bumped by the Weyl constants <c>k0 += 0x9E3779B9</c>,
/// <c>k1 += 0xBB67AE85</c> (mod 2^32). The first round uses the key as given.
/// </para>
/// <para>
/// Every member is static, allocation free and uses only <see cref="uint"/>/<see cref="ulong"/> arithmetic (and
/// one double multiplication in <see cref="ToUnitDouble"/>), so the methods can be called from ILGPU kernels.
/// </para>
/// </remarks>
public static class Philox
{
    /// <summary>The multiplier applied to counter word 0 (<c>0xD2511F53</c>).</summary>
    public const uint Multiplier0 = 0xD2511F53u;

    /// <summary>The multiplier applied to counter word 2 (<c>0xCD9E8D57</c>).</summary>
    public const uint Multiplier1 = 0xCD9E8D57u;

    /// <summary>The Weyl increment of key word 0 between rounds (<c>0x9E3779B9</c>, the golden ratio).</summary>
    public const uint Weyl0 = 0x9E3779B9u;

    /// <summary>The Weyl increment of key word 1 between rounds (<c>0xBB67AE85</c>, sqrt(3) - 1).</summary>
    public const uint Weyl1 = 0xBB67AE85u;

    /// <summary>The number of rounds (10).</summary>
    public const int Rounds = 10;

    /// <summary>2^-53, the spacing of the doubles returned by <see cref="ToUnitDouble"/>.</summary>
    public const double UnitDoubleEpsilon = 1.0 / 9007199254740992.0;

    /// <summary>
    /// Computes Philox4x32-10 for the key <c>(key0, key1)</c> and the counter <c>(c0, c1, c2, c3)</c>.
    /// </summary>
    /// <param name="key0">Key word 0 (the low 32 bits of a 64-bit key).</param>
    /// <param name="key1">Key word 1 (the high 32 bits of a 64-bit key).</param>
    /// <param name="c0">Counter word 0.</param>
    /// <param name="c1">Counter word 1.</param>
    /// <param name="c2">Counter word 2.</param>
    /// <param name="c3">Counter word 3.</param>
    /// <param name="r0">Output word 0.</param>
    /// <param name="r1">Output word 1.</param>
    /// <param name="r2">Output word 2.</param>
    /// <param name="r3">Output word 3.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Generate(uint key0, uint key1, uint c0, uint c1, uint c2, uint c3,
                                out uint r0, out uint r1, out uint r2, out uint r3)
    {
        uint k0 = key0, k1 = key1;
        uint x0 = c0, x1 = c1, x2 = c2, x3 = c3;

        // Ten rounds, written out: the JIT does not unroll a loop, and the unrolled form runs several times faster.
        // Round r uses the key bumped r times by the Weyl constants.
        unchecked
        {
            Round(ref x0, ref x1, ref x2, ref x3, k0, k1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
            Round(ref x0, ref x1, ref x2, ref x3, k0 += Weyl0, k1 += Weyl1);
        }

        r0 = x0;
        r1 = x1;
        r2 = x2;
        r3 = x3;
    }

    /// <summary>One Philox4x32 round with round key <c>(k0, k1)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint x0, ref uint x1, ref uint x2, ref uint x3, uint k0, uint k1)
    {
        ulong p0 = (ulong)Multiplier0 * x0;   // 32x32 -> 64
        ulong p1 = (ulong)Multiplier1 * x2;
        uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
        uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
        x0 = hi1 ^ x1 ^ k0;
        x1 = lo1;
        x2 = hi0 ^ x3 ^ k1;
        x3 = lo0;
    }

    /// <summary>
    /// Converts two 32-bit words to a uniform double in [0, 1) with 53 random bits: the top 53 bits of the 64-bit
    /// word <c>hi:lo</c>, i.e. exactly <c>((((ulong)hi &lt;&lt; 32) | lo) &gt;&gt; 11) * 2^-53</c>
    /// (equivalently <c>(((ulong)hi &lt;&lt; 21) | (lo &gt;&gt; 11)) * 2^-53</c>).
    /// </summary>
    /// <param name="hi">The word that supplies the 32 most significant bits.</param>
    /// <param name="lo">The word whose top 21 bits supply the 21 least significant bits.</param>
    /// <returns>A multiple of 2^-53 in [0, 1 - 2^-53]; the conversion to double is exact.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnitDouble(uint hi, uint lo)
    {
        ulong bits53 = ((ulong)hi << 21) | (lo >> 11);
        return bits53 * UnitDoubleEpsilon;
    }

    /// <summary>
    /// A uniform double in [0, 1) addressed by <c>(seed, stream, index)</c>: the Philox key is
    /// <c>(key0, key1) = ((uint)seed, (uint)(seed &gt;&gt; 32))</c>, the counter is
    /// <c>(c0, c1, c2, c3) = ((uint)index, (uint)(index &gt;&gt; 32), (uint)stream, (uint)(stream &gt;&gt; 32))</c>,
    /// and the result is <c>ToUnitDouble(r0, r1)</c> (r2 and r3 are discarded).
    /// </summary>
    /// <remarks>
    /// This is the same block that <see cref="RandomStream"/> with <c>(seed, stream)</c> uses as its block
    /// <paramref name="index"/>, so <c>Uniform(seed, stream, n)</c> equals the stream's (2n)-th
    /// <see cref="RandomStream.NextDouble()"/> (0-based) when only <c>NextDouble()</c> is called on it.
    /// </remarks>
    /// <param name="seed">The 64-bit seed (the Philox key).</param>
    /// <param name="stream">The stream number (counter words 2 and 3).</param>
    /// <param name="index">The index within the stream (counter words 0 and 1).</param>
    /// <returns>A uniform double in [0, 1).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(ulong seed, ulong stream, ulong index)
    {
        Generate((uint)seed, (uint)(seed >> 32),
                 (uint)index, (uint)(index >> 32), (uint)stream, (uint)(stream >> 32),
                 out uint r0, out uint r1, out _, out _);
        return ToUnitDouble(r0, r1);
    }

    /// <summary>
    /// A standard normal double addressed by <c>(seed, stream, index)</c>, by the Box–Muller transform of the block's two
    /// uniforms: <c>u1 = ToUnitDouble(r0, r1)</c> and <c>u2 = ToUnitDouble(r2, r3)</c> (same key and counter as
    /// <see cref="Uniform"/>) give <c>sqrt(−2·ln(1 − u1))·cos(2π·u2)</c>. 1 − u1 lies in (0, 1], so the logarithm is finite.
    /// </summary>
    /// <param name="seed">The 64-bit seed (the Philox key).</param>
    /// <param name="stream">The stream number.</param>
    /// <param name="index">The index within the stream.</param>
    /// <returns>A standard normal number.</returns>
    public static double Normal(ulong seed, ulong stream, ulong index)
    {
        Generate((uint)seed, (uint)(seed >> 32),
                 (uint)index, (uint)(index >> 32), (uint)stream, (uint)(stream >> 32),
                 out uint r0, out uint r1, out uint r2, out uint r3);
        return BoxMuller(ToUnitDouble(r0, r1), ToUnitDouble(r2, r3));
    }

    /// <summary>The Box–Muller transform used by <see cref="Normal"/>: <c>sqrt(−2·ln(1 − u1))·cos(2π·u2)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double BoxMuller(double u1, double u2) => Math.Sqrt(-2.0 * Math.Log(1.0 - u1)) * Math.Cos(2.0 * Math.PI * u2);
}
