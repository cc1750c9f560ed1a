using FluentAssertions;
using Meta.Random;
using Xunit;

namespace Meta.Tests.Random;

public class PhiloxTests
{
    // Random123's published known-answer vectors for philox4x32-10 (kat_vectors): counter, key -> output.
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u,
                0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
                0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u,
                0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Generate_matches_the_Random123_known_answers(
        uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Philox.Generate(k0, k1, c0, c1, c2, c3, out uint r0, out uint r1, out uint r2, out uint r3);
        new[] { r0, r1, r2, r3 }.Should().Equal(e0, e1, e2, e3);
    }

    [Fact]
    public void Generate_is_a_pure_function()
    {
        Philox.Generate(1, 2, 3, 4, 5, 6, out uint a0, out uint a1, out uint a2, out uint a3);
        Philox.Generate(1, 2, 3, 4, 5, 6, out uint b0, out uint b1, out uint b2, out uint b3);
        new[] { a0, a1, a2, a3 }.Should().Equal(b0, b1, b2, b3);
    }

    [Fact]
    public void Output_bits_are_balanced_over_consecutive_counters()
    {
        const int blocks = 50_000;
        var ones = new int[128];
        for (uint n = 0; n < blocks; n++)
        {
            Philox.Generate(0xDEADBEEF, 0x12345678, n, 0, 7, 0, out uint r0, out uint r1, out uint r2, out uint r3);
            uint[] words = [r0, r1, r2, r3];
            for (int w = 0; w < 4; w++)
                for (int b = 0; b < 32; b++)
                    ones[w * 32 + b] += (int)((words[w] >> b) & 1);
        }
        double se = Math.Sqrt(blocks * 0.25);
        foreach (int count in ones)
            count.Should().BeInRange((int)(blocks / 2 - 5 * se), (int)(blocks / 2 + 5 * se));
    }

    [Fact]
    public void Flipping_one_counter_bit_changes_about_half_the_output_bits()
    {
        long changed = 0;
        const int trials = 2000;
        for (uint t = 0; t < trials; t++)
        {
            int bit = (int)(t % 128);
            uint[] c = [t * 2654435761u, t, ~t, 12345];
            Philox.Generate(9, 10, c[0], c[1], c[2], c[3], out uint a0, out uint a1, out uint a2, out uint a3);
            c[bit / 32] ^= 1u << (bit % 32);
            Philox.Generate(9, 10, c[0], c[1], c[2], c[3], out uint b0, out uint b1, out uint b2, out uint b3);
            changed += System.Numerics.BitOperations.PopCount(a0 ^ b0) + System.Numerics.BitOperations.PopCount(a1 ^ b1)
                     + System.Numerics.BitOperations.PopCount(a2 ^ b2) + System.Numerics.BitOperations.PopCount(a3 ^ b3);
        }
        double mean = (double)changed / trials;
        mean.Should().BeApproximately(64.0, 5 * Math.Sqrt(32.0 / trials));
    }

    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0.0)]
    [InlineData(0x80000000u, 0x00000000u, 0.5)]
    [InlineData(0x00000000u, 0x00000800u, 1.0 / 9007199254740992.0)] // lowest kept bit of lo = 2^-53
    [InlineData(0x00000000u, 0x000007FFu, 0.0)]                       // the low 11 bits of lo are discarded
    [InlineData(0x00000001u, 0x00000000u, 1.0 / 4294967296.0)]        // lowest bit of hi = 2^-32
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu, 1.0 - 1.0 / 9007199254740992.0)]
    public void ToUnitDouble_takes_the_top_53_bits_of_hi_lo(uint hi, uint lo, double expected)
    {
        Philox.ToUnitDouble(hi, lo).Should().Be(expected);
    }

    [Fact]
    public void ToUnitDouble_is_below_one()
    {
        Philox.ToUnitDouble(uint.MaxValue, uint.MaxValue).Should().BeLessThan(1.0);
    }

    [Fact]
    public void Uniform_uses_the_documented_key_and_counter_mapping()
    {
        const ulong seed = 0x0123456789ABCDEFUL, stream = 0xFEDCBA9876543210UL, index = 0x1122334455667788UL;
        // key = (seed lo, seed hi); counter = (index lo, index hi, stream lo, stream hi); result from r0 (hi), r1 (lo).
        Philox.Generate(0x89ABCDEFu, 0x01234567u, 0x55667788u, 0x11223344u, 0x76543210u, 0xFEDCBA98u,
                        out uint r0, out uint r1, out _, out _);
        Philox.Uniform(seed, stream, index).Should().Be(Philox.ToUnitDouble(r0, r1));
    }

    [Fact]
    public void Uniform_differs_between_seeds_streams_and_indices()
    {
        var values = new HashSet<double>
        {
            Philox.Uniform(1, 0, 0), Philox.Uniform(2, 0, 0), Philox.Uniform(1, 1, 0),
            Philox.Uniform(1, 0, 1), Philox.Uniform(1UL << 32, 0, 0), Philox.Uniform(1, 1UL << 32, 0),
            Philox.Uniform(1, 0, 1UL << 32),
        };
        values.Should().HaveCount(7);
    }
}
