using Meta.Backends;

namespace Meta.Distributed;

/// <summary>
/// One exchange of a distributed run: every rank sends the spikes its cells emitted since the last exchange, as triples
/// (population, cell in population, step − <c>before</c>), to every rank (an all-gather of counts, then of the triples), and
/// each rank appends all of them, in time then cell order, to its relays' feeds, <see cref="LocalProgram.Lag"/> steps late.
/// </summary>
internal static class SpikeExchange
{
    public static void Exchange(ICommunicator communicator, LocalProgram local, RunResult result, long before)
    {
        var mine = new List<int>();
        foreach (var block in result.Spikes)
        {
            int p = Array.IndexOf(local.ExchangeRecorder.ToArray(), block.Recorder);
            if (p < 0) continue;
            int start = local.Start(p);
            for (int i = 0; i < block.Cells.Length; i++)
            {
                mine.Add(p);
                mine.Add(start + block.Cells[i]);
                mine.Add(checked((int)(block.Steps[i] - before)));
            }
        }
        var all = communicator.AllGatherV(mine.ToArray());
        int populations = local.Global.Groups.Count;
        var perPopulation = new List<long>?[populations];
        for (int k = 0; k < all.Length; k += 3)
        {
            int p = all[k];
            long width = local.Global.Groups[p].Size;
            (perPopulation[p] ??= []).Add(all[k + 2] * width + all[k + 1]);
        }
        for (int p = 0; p < populations; p++)
        {
            var feed = local.Feeds[p];
            if (feed is null) continue;
            if (perPopulation[p] is { } keys)
            {
                long width = local.Global.Groups[p].Size;
                keys.Sort();
                foreach (long key in keys) feed.Append(before + key / width + local.Lag, (int)(key % width));
            }
            feed.CompleteUntil(result.EndStep + local.Lag + 1);
        }
    }
}
