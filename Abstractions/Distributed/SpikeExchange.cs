using Meta.Backends;

namespace Meta.Distributed;

/// <summary>
/// The exchanges of one rank's distributed run: after each interval every rank sends the spikes its cells emitted in it,
/// as triples (population, cell in population, step − <c>before</c>), to every rank (an all-gather of counts, then of the
/// triples), and each rank appends, in time then cell order, those of cells with a connection onto its own cells to its
/// relays' feeds, <see cref="LocalProgram.Lag"/> steps late (a spike no local connection carries would be relayed for
/// nothing: it changes no ring). The buffers are kept from one interval to the next, so an exchange allocates nothing
/// once they have grown to the largest interval's spikes.
/// </summary>
internal sealed class SpikeExchange
{
    private readonly LocalProgram _local;
    private readonly int[] _populationOf;
    private readonly List<long>?[] _keys;
    private readonly bool[]?[] _needed;
    private int[] _send = new int[3 * 64];
    private int[] _received = new int[3 * 64];

    public SpikeExchange(LocalProgram local)
    {
        _local = local;
        _populationOf = Enumerable.Repeat(-1, local.Program.Recorders.Count).ToArray();
        for (int p = 0; p < local.ExchangeRecorder.Count; p++)
            if (local.ExchangeRecorder[p] >= 0) _populationOf[local.ExchangeRecorder[p]] = p;
        _keys = local.Feeds.Select(f => f is null ? null : new List<long>()).ToArray();
        _needed = Needed(local);
    }

    /// <summary>Per relayed population, which of its cells have a connection onto this rank's cells (null when not relayed).</summary>
    internal static bool[]?[] Needed(LocalProgram local)
    {
        var needed = new bool[]?[local.RelayOf.Count];
        for (int p = 0; p < needed.Length; p++)
        {
            int relay = local.RelayOf[p];
            if (relay < 0) continue;
            var cells = needed[p] = new bool[local.Global.Groups[p].Size];
            foreach (var projection in local.Program.Projections)
                if (projection.PreGroup == relay)
                    foreach (int i in projection.PreIndices) cells[i] = true;
        }
        return needed;
    }

    /// <summary>Exchanges the spikes of <paramref name="result"/>, an engine run that started at step <paramref name="before"/>.</summary>
    public void Exchange(ICommunicator communicator, RunResult result, long before)
    {
        int count = 0;
        var blocks = result.Spikes;
        for (int b = 0; b < blocks.Count; b++) // indexed: no enumerator is allocated
        {
            var block = blocks[b];
            int p = _populationOf[block.Recorder];
            if (p < 0) continue;
            int start = _local.Start(p);
            if (_send.Length < count + 3 * block.Cells.Length) Array.Resize(ref _send, Math.Max(2 * _send.Length, count + 3 * block.Cells.Length));
            for (int i = 0; i < block.Cells.Length; i++)
            {
                _send[count++] = p;
                _send[count++] = start + block.Cells[i];
                _send[count++] = checked((int)(block.Steps[i] - before));
            }
        }
        int total = communicator.AllGatherV(_send, count, ref _received);
        var global = _local.Global.Groups;
        for (int k = 0; k < total; k += 3)
        {
            int p = _received[k], cell = _received[k + 1];
            if (_needed[p]![cell]) _keys[p]!.Add(_received[k + 2] * (long)global[p].Size + cell);
        }
        for (int p = 0; p < _keys.Length; p++)
        {
            var feed = _local.Feeds[p];
            if (feed is null) continue;
            var keys = _keys[p]!;
            if (keys.Count > 0)
            {
                long width = global[p].Size;
                keys.Sort();
                for (int k = 0; k < keys.Count; k++) feed.Append(before + keys[k] / width + _local.Lag, (int)(keys[k] % width));
                keys.Clear();
            }
            feed.CompleteUntil(result.EndStep + _local.Lag + 1);
        }
    }
}
