using Meta.Distributed;

namespace Meta.Tests.Distributed;

/// <summary>
/// The merge of the gathered spikes on rank 0 (<see cref="LocalRecording.MergeByStep"/>): every rank's spikes, each in
/// time order, become one list in time order with rank (hence cell) order kept within a step, exactly what a stable sort
/// by step gives (the sort it replaced).
/// </summary>
public class GatheredSpikeMergeTests
{
    /// <summary>A stable sort by step, the reference: LINQ's OrderBy is stable.</summary>
    private static long[] StableSortByStep(long[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).OrderBy(k => pairs[(2 * k) + 1]).SelectMany(k => new[] { pairs[2 * k], pairs[(2 * k) + 1] }).ToArray();

    /// <summary>
    /// <paramref name="ranks"/> ranks' spikes concatenated in rank order: each rank's cells are its own block (rank r owns
    /// cells r·1000 …), several spikes per step, steps non-decreasing within a rank.
    /// </summary>
    private static long[] Gathered(int ranks, int seed, int perRank)
    {
        var random = new System.Random(seed);
        var pairs = new List<long>();
        for (int r = 0; r < ranks; r++)
        {
            long step = random.Next(3);
            int count = random.Next(perRank + 1);
            for (int k = 0; k < count; k++)
            {
                step += random.Next(3) == 0 ? 1 : 0; // runs of equal steps, so that ties occur across ranks
                pairs.Add((r * 1000) + random.Next(1000));
                pairs.Add(step);
            }
        }
        return pairs.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Merging_the_ranks_gives_the_stable_sort_by_step(int ranks)
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var pairs = Gathered(ranks, seed, perRank: 40);
            var expected = StableSortByStep(pairs);
            var merged = LocalRecording.MergeByStep((long[])pairs.Clone());
            Assert.Equal(expected, merged);
        }
    }

    [Fact]
    public void Ties_keep_rank_order_and_a_rank_ahead_in_time_is_put_after()
    {
        // Rank 0: cells 1, 2 at steps 5, 7; rank 1: cells 1001, 1002 at steps 3, 5. Step 5: rank 0's cell before rank 1's.
        long[] pairs = [1, 5, 2, 7, 1001, 3, 1002, 5];
        Assert.Equal([1001, 3, 1, 5, 1002, 5, 2, 7], LocalRecording.MergeByStep(pairs));
        var block = LocalRecording.MergeSpikes(4, pairs);
        Assert.Equal(4, block.Recorder);
        Assert.Equal([1001, 1, 1002, 2], block.Cells);
        Assert.Equal([3L, 5, 5, 7], block.Steps);
    }

    [Fact]
    public void No_spikes_and_one_run_are_returned_as_they_are()
    {
        Assert.Empty(LocalRecording.MergeByStep([]));
        long[] sorted = [4, 1, 3, 1, 9, 2];
        Assert.Same(sorted, LocalRecording.MergeByStep(sorted));
        Assert.Throws<ArgumentException>(() => LocalRecording.MergeByStep([1, 2, 3]));
    }
}
