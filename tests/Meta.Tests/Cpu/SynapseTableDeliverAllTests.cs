using System.Numerics;
using Meta.Backends.Cpu;
using Meta.Backends.Programs;

namespace Meta.Tests.Cpu;

/// <summary>
/// <see cref="SynapseTable{T}.DeliverAll"/> (a step's spikes at once, with prefetching ahead of the adds) against
/// <see cref="SynapseTable{T}.Deliver"/> cell by cell: the rings must come out the same bit for bit, in both precisions and in
/// every layout (shared or per-synapse weight and delay), for spike lists shorter and longer than the prefetch distances.
/// </summary>
public class SynapseTableDeliverAllTests
{
    private const int Pre = 300, Post = 97, Slots = 7;

    /// <summary>
    /// A projection of 4000 synapses in random order, with multapses (the same pre/post pair more than once), weights of
    /// mixed signs and magnitudes (so any change in the order of the adds changes the sums' bits) and delays of 1..6 steps.
    /// </summary>
    private static SynapseGroupProgram Projection(bool sharedWeight, bool sharedDelay)
    {
        var random = new System.Random(20261207);
        const int count = 4000;
        var pre = new int[count];
        var post = new int[count];
        var weights = new double[count];
        var delays = new int[count];
        for (int k = 0; k < count; k++)
        {
            pre[k] = random.Next(Pre);
            post[k] = random.Next(Post);
            weights[k] = sharedWeight ? 0.1 : (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-3, 4));
            delays[k] = sharedDelay ? 3 : 1 + random.Next(Slots - 1);
        }
        return new SynapseGroupProgram
        {
            Index = 0, Label = "p", PreGroup = 0, PostGroup = 1, Receptor = 0,
            PreIndices = pre, PostIndices = post, Weights = weights, DelaySteps = delays,
        };
    }

    /// <summary>Spike lists of several lengths (around <see cref="SynapseTable{T}.RowsAhead"/>), cells in no particular order.</summary>
    private static int[][] SpikeLists()
    {
        var random = new System.Random(7);
        return [.. new[] { 0, 1, 2, 3, 5, 8, 40, Pre }.Select(n => Enumerable.Range(0, Pre).OrderBy(_ => random.Next()).Take(n).ToArray())];
    }

    private static void SameRings<T>(bool sharedWeight, bool sharedDelay) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = Projection(sharedWeight, sharedDelay);
        var oneByOne = new SynapseTable<T>(p, Pre, new InputRing<T>(Post, Slots));
        // The ring prefetch forced on (a ring this small would not get it) and off: only hints differ.
        var all = new SynapseTable<T>(p, Pre, new InputRing<T>(Post, Slots)) { PrefetchesRing = true };
        var rowsOnly = new SynapseTable<T>(p, Pre, new InputRing<T>(Post, Slots)) { PrefetchesRing = false };
        all.SharedWeight.Should().Be(sharedWeight);
        all.SharedDelay.Should().Be(sharedDelay);
        long step = 11;
        foreach (var spikes in SpikeLists())
        {
            foreach (int cell in spikes) oneByOne.Deliver(cell, step);
            all.DeliverAll(spikes, step);
            rowsOnly.DeliverAll(spikes, step);
            step += 2;
        }
        var expected = oneByOne.Target.Buffer;
        expected.Count(v => v != T.Zero).Should().BeGreaterThan(Post, "the spikes reached the ring");
        all.Target.Buffer.Select(Bits).Should().Equal(expected.Select(Bits));
        rowsOnly.Target.Buffer.Select(Bits).Should().Equal(expected.Select(Bits));
    }

    [Fact]
    public void The_ring_is_prefetched_only_from_the_slot_size_on()
    {
        var p = Projection(sharedWeight: true, sharedDelay: true);
        new SynapseTable<double>(p, Pre, new InputRing<double>(Post, Slots)).PrefetchesRing.Should().BeFalse();
        int cells = (int)(SynapseTable<double>.RingPrefetchMinSlotBytes / sizeof(double));
        new SynapseTable<double>(p, Pre, new InputRing<double>(cells, Slots)).PrefetchesRing.Should().BeTrue();
        new SynapseTable<double>(p, Pre, new InputRing<double>(cells - 1, Slots)).PrefetchesRing.Should().BeFalse();
        new SynapseTable<float>(p, Pre, new InputRing<float>(cells, Slots)).PrefetchesRing.Should().BeFalse("a float slot of as many cells is half the bytes");
    }

    private static long Bits<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> => BitConverter.DoubleToInt64Bits(double.CreateTruncating(value));

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(false, false, true)]
    [InlineData(false, true, false)]
    [InlineData(false, false, false)]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(true, false, false)]
    public void Rings_are_bit_identical_to_delivery_cell_by_cell(bool float32, bool sharedWeight, bool sharedDelay)
    {
        if (float32) SameRings<float>(sharedWeight, sharedDelay);
        else SameRings<double>(sharedWeight, sharedDelay);
    }

    [Fact]
    public void The_order_of_the_adds_shows_in_the_sums()
    {
        // The check above could not fail if reordering the adds left the bits alone: here it does not.
        var p = Projection(sharedWeight: false, sharedDelay: true);
        var spikes = SpikeLists()[^1];
        var forward = new SynapseTable<double>(p, Pre, new InputRing<double>(Post, Slots));
        var backward = new SynapseTable<double>(p, Pre, new InputRing<double>(Post, Slots));
        forward.DeliverAll(spikes, 0);
        backward.DeliverAll([.. spikes.Reverse()], 0);
        forward.Target.Buffer.Should().NotEqual(backward.Target.Buffer);
    }
}
