using Meta.Backends;

namespace Meta.Distributed;

/// <summary>
/// The exchanges of one rank's distributed run: after each interval every rank sends the spikes its cells emitted in it,
/// as triples (population, cell in population, step − <c>before</c>), to every rank, and each rank appends, in time then
/// cell order, those of cells with a connection onto its own cells to its relays' feeds, <see cref="LocalProgram.Lag"/>
/// steps late (a spike no local connection carries would be relayed for nothing: it changes no ring).
/// <para>
/// One collective per interval: every rank sends a slot of fixed size (<see cref="ICommunicator.AllGatherBlocks"/>, MPI's
/// <c>Allgather</c>), its count of triple elements first, then as many of them as fit. When some rank's spikes do not fit,
/// every rank sees it in the counts, and the rest follows in a second round (<see cref="Overflows"/> counts them); the slot
/// then grows, identically on every rank since all see the same counts (<see cref="NextSlot"/>), to the next power of two of
/// the largest count's triples, at most <see cref="MaxSlotTriples"/> (rarer bursts go through the second round) and never
/// so large that the ranks' slots together exceed an array; it halves again after <see cref="ShrinkAfter"/> exchanges in a
/// row whose largest count used less than a quarter of it, down to the first slot. The second round is thus rare once the
/// slot fits the network's busy intervals, and a single burst does not keep every later collective large. The buffers are
/// kept from one interval to the next, so a blocking exchange allocates nothing once they have grown (nor an overlapped one
/// over MPI, whose communicator reuses its request object; the in-process <see cref="DeferredCollective"/> allocates one).
/// </para>
/// <para>
/// An exchange is either blocking (<see cref="Exchange"/>) or split in two (<see cref="Start"/>, then <see cref="Complete"/>
/// after the next interval ran: <see cref="DistributedEngine"/>'s overlapped mode). At most one is pending; the first slot,
/// the second round and the slot sizes are the same in both modes, so every rank follows the same protocol.
/// </para>
/// </summary>
internal sealed class SpikeExchange
{
    private readonly LocalProgram _local;
    private readonly int[] _populationOf;
    private readonly List<long>?[] _keys;
    private readonly bool[]?[] _needed;
    /// <summary>The triples the first slot holds, after its count.</summary>
    internal const int FirstSlotTriples = 64;
    /// <summary>The most triples a slot grows to after overflows; larger counts go through the second round.</summary>
    internal const int MaxSlotTriples = 4096;
    /// <summary>The number of exchanges in a row using less than a quarter of the slot after which it halves.</summary>
    internal const int ShrinkAfter = 64;

    private readonly int _firstSlot;
    private int _quiet;
    private int _slot;
    private int[] _send;
    private int[] _blocks = [];
    private int[] _received = new int[3 * 64];
    private int[] _tail = [];
    private int[] _tailReceived = [];
    private IPendingCollective? _pending;
    private int _pendingCount;
    private long _pendingBefore, _pendingEnd;

    /// <summary>The number of exchanges whose spikes did not all fit the slot, so that a second round carried the rest.</summary>
    public long Overflows { get; private set; }

    /// <summary>The slot's length in ints (a count, then up to (<c>Slot</c> − 1) / 3 triples).</summary>
    public int Slot => _slot;

    /// <summary>The exchange of <paramref name="local"/>'s spikes, with a first slot of <paramref name="firstSlotTriples"/> triples (the same on every rank).</summary>
    public SpikeExchange(LocalProgram local, int firstSlotTriples = FirstSlotTriples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSlotTriples, 1);
        _local = local;
        _slot = _firstSlot = 1 + 3 * firstSlotTriples;
        _send = new int[_slot];
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

    /// <summary>
    /// Exchanges the spikes of <paramref name="result"/>, an engine run that started at step <paramref name="before"/>, in
    /// one blocking collective (what <see cref="Start"/> and <see cref="Complete"/> do, with <see cref="ICommunicator.AllGatherBlocks"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">An exchange is pending.</exception>
    public void Exchange(ICommunicator communicator, RunResult result, long before)
    {
        int slot = Fill(communicator, result, before);
        communicator.AllGatherBlocks(_send, slot, _blocks);
        Finish(communicator);
    }

    /// <summary>Whether an exchange was started and not yet completed.</summary>
    public bool Pending => _pending is not null;

    /// <summary>
    /// Starts the exchange of the spikes of <paramref name="result"/>, an engine run that started at step
    /// <paramref name="before"/>: this rank's slot is filled and the fixed-slot all-gather started without waiting
    /// (<see cref="ICommunicator.StartAllGatherBlocks"/>); <see cref="Complete"/> finishes it. The send and receive buffers
    /// belong to the pending collective until then, which is why only one exchange may be pending: the next one's slot also
    /// depends on this one's counts, identically on every rank.
    /// </summary>
    /// <exception cref="InvalidOperationException">An exchange is already pending.</exception>
    public void Start(ICommunicator communicator, RunResult result, long before)
    {
        int slot = Fill(communicator, result, before);
        _pending = communicator.StartAllGatherBlocks(_send, slot, _blocks);
    }

    /// <summary>Fills this rank's slot with the spikes of <paramref name="result"/> and sizes the buffers; returns the slot.</summary>
    private int Fill(ICommunicator communicator, RunResult result, long before)
    {
        if (_pending is not null) throw new InvalidOperationException("An exchange was started while the previous one was still pending; complete it first (its counts set the next slot).");
        int count = 0; // triple elements after the count at _send[0]
        var blocks = result.Spikes;
        for (int b = 0; b < blocks.Count; b++) // indexed: no enumerator is allocated
        {
            var block = blocks[b];
            int p = _populationOf[block.Recorder];
            if (p < 0) continue;
            int start = _local.Start(p);
            if (_send.Length < 1 + count + 3 * block.Cells.Length) Array.Resize(ref _send, Math.Max(2 * _send.Length, 1 + count + 3 * block.Cells.Length));
            for (int i = 0; i < block.Cells.Length; i++)
            {
                _send[1 + count++] = p;
                _send[1 + count++] = start + block.Cells[i];
                _send[1 + count++] = checked((int)(block.Steps[i] - before));
            }
        }
        _send[0] = count;
        int ranks = communicator.Size, slot = _slot;
        if (_send.Length < slot) Array.Resize(ref _send, slot);
        if (_blocks.Length < ranks * slot) _blocks = new int[ranks * slot];
        _pendingCount = count;
        _pendingBefore = before;
        _pendingEnd = result.EndStep;
        return slot;
    }

    /// <summary>
    /// Completes the pending exchange (nothing when none is pending): waits for its all-gather, runs the second round when
    /// some rank's spikes overflowed the slot (blocking, the same on every rank), and appends the spikes of cells with a
    /// connection onto this rank to the relays' feeds, <see cref="LocalProgram.Lag"/> steps late, declaring each feed
    /// complete until the exchanged run's last step + <see cref="LocalProgram.Lag"/>.
    /// </summary>
    public void Complete(ICommunicator communicator)
    {
        if (_pending is not { } pending) return;
        _pending = null;
        pending.Wait();
        Finish(communicator);
    }

    /// <summary>The end of an exchange once its fixed-slot collective has filled <c>_blocks</c>: the second round if needed, then the feeds.</summary>
    private void Finish(ICommunicator communicator)
    {
        long before = _pendingBefore;
        int total = Gather(communicator, _pendingCount);
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
            feed.CompleteUntil(_pendingEnd + _local.Lag + 1);
        }
    }

    /// <summary>
    /// Finishes gathering every rank's <paramref name="count"/> triple elements (at <c>_send[1…]</c>) into <c>_received</c>, in
    /// rank order, once the fixed-slot collective has filled <c>_blocks</c>; returns the number of elements. A second
    /// collective carries what did not fit.
    /// </summary>
    private int Gather(ICommunicator communicator, int count)
    {
        int ranks = communicator.Size, slot = _slot, inline = slot - 1;
        long total = 0;
        int largest = 0;
        for (int r = 0; r < ranks; r++)
        {
            int n = _blocks[r * slot];
            total += n;
            largest = Math.Max(largest, n);
        }
        if (total > Array.MaxLength) throw new InvalidOperationException($"An exchange of {total} spike elements exceeds an array's length.");
        if (_received.Length < total) _received = new int[Math.Max((int)total, (int)Math.Min(2L * _received.Length, Array.MaxLength))];
        int tailTotal = 0;
        if (largest > inline)
        {
            // Some rank's spikes did not fit: every rank sends what is left of its own (possibly nothing) in a second round.
            Overflows++;
            int rest = Math.Max(0, count - inline);
            if (_tail.Length < rest) _tail = new int[rest];
            Array.Copy(_send, 1 + inline, _tail, 0, rest);
            tailTotal = communicator.AllGatherV(_tail, rest, ref _tailReceived);
        }
        int next = NextSlot(slot, largest, ranks, _firstSlot, ref _quiet);
        int k = 0, t = 0;
        for (int r = 0; r < ranks; r++)
        {
            int n = _blocks[r * slot], here = Math.Min(n, inline);
            Array.Copy(_blocks, r * slot + 1, _received, k, here);
            k += here;
            if (n > inline)
            {
                Array.Copy(_tailReceived, t, _received, k, n - inline);
                k += n - inline;
                t += n - inline;
            }
        }
        if (t != tailTotal) throw new InvalidOperationException($"The exchange's second round carried {tailTotal} elements where the counts announced {t}.");
        _slot = next;
        if (_blocks.Length > 4L * ranks * _slot) _blocks = new int[ranks * _slot]; // a shrunk slot gives its memory back
        return k;
    }

    /// <summary>
    /// The slot (ints) of the next exchange, from this one's <paramref name="slot"/> and the <paramref name="largest"/> count of
    /// triple elements any of the <paramref name="ranks"/> sent (the same on every rank, so every rank gets the same slot):
    /// after an overflow, the next power of two of the largest count's triples, at most <see cref="MaxSlotTriples"/> and at
    /// most what keeps <paramref name="ranks"/> slots within an array; after <see cref="ShrinkAfter"/> exchanges in a row
    /// (counted in <paramref name="quiet"/>) whose largest count is under a quarter of the slot, half of it, never below
    /// <paramref name="firstSlot"/>; else unchanged.
    /// </summary>
    internal static int NextSlot(int slot, int largest, int ranks, int firstSlot, ref int quiet)
    {
        int inline = slot - 1;
        int cap = (int)Math.Min(MaxSlotTriples, ((Array.MaxLength / Math.Max(1, ranks)) - 1) / 3);
        if (largest > inline)
        {
            quiet = 0;
            long triples = Math.Min(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)((largest + 2) / 3)), (uint)Math.Max(1, cap));
            return Math.Max(slot, 1 + 3 * (int)triples);
        }
        if (slot > firstSlot && 4L * largest < inline)
        {
            if (++quiet < ShrinkAfter) return slot;
            quiet = 0;
            return Math.Max(firstSlot, 1 + (inline / 3 / 2 * 3));
        }
        quiet = 0;
        return slot;
    }
}
