namespace Meta.Distributed;

/// <summary>
/// The collective operations a distributed run needs, over a fixed group of ranks (MPI's <c>MPI_COMM_WORLD</c>). Every rank
/// calls every operation in the same order; the arrays returned are concatenated in rank order.
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's rank, 0 ≤ Rank &lt; <see cref="Size"/>.</summary>
    int Rank { get; }

    /// <summary>The number of ranks.</summary>
    int Size { get; }

    /// <summary>
    /// This rank's position among the ranks on its machine, which picks its GPU (<c>Meta.Backends.GpuChoice</c>). By default
    /// the rank itself, as when every rank runs on one machine.
    /// </summary>
    int LocalRank => Rank;

    /// <summary>Every rank's <paramref name="value"/>, indexed by rank.</summary>
    int[] AllGather(int value);

    /// <summary>Every rank's <paramref name="values"/>, concatenated in rank order, on every rank (lengths may differ).</summary>
    int[] AllGatherV(int[] values);

    /// <summary>
    /// Every rank's first <paramref name="count"/> elements of <paramref name="values"/>, concatenated in rank order, into
    /// <paramref name="received"/> (replaced by a larger array when too small, so a caller that keeps it allocates only while
    /// the traffic grows); returns the number of elements received. By default through <see cref="AllGatherV(int[])"/>.
    /// </summary>
    int AllGatherV(int[] values, int count, ref int[] received)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = AllGatherV(values[..count]);
        if (received.Length < all.Length) received = new int[all.Length];
        all.CopyTo(received, 0);
        return all.Length;
    }

    /// <summary>
    /// Every rank's first <paramref name="blockLength"/> elements of <paramref name="values"/>, concatenated in rank order, into
    /// <paramref name="received"/> (at least <see cref="Size"/> · <paramref name="blockLength"/> long): one collective of
    /// fixed-size blocks (<c>MPI_Allgather</c>), which needs no count gathered first. By default through
    /// <see cref="AllGatherV(int[])"/>.
    /// </summary>
    void AllGatherBlocks(int[] values, int blockLength, int[] received)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(received);
        var all = AllGatherV(values[..blockLength]);
        if (all.Length != Size * blockLength)
            throw new InvalidOperationException($"AllGatherBlocks: the ranks gave blocks of different lengths ({all.Length} elements in all for {Size} blocks of {blockLength}).");
        all.CopyTo(received, 0);
    }

    /// <summary>
    /// Starts <see cref="AllGatherBlocks"/> without waiting for it (MPI's <c>MPI_Iallgather</c>) and returns its request: the
    /// blocks are in <paramref name="received"/> once <see cref="IPendingCollective.Wait"/> returned, and until then neither
    /// array may be changed or read. Every rank starts it at the same point of its sequence of collectives, and calls no other
    /// collective before it has waited for it (Meta's exchange keeps at most one pending). By default a
    /// <see cref="DeferredCollective"/>: the blocking collective runs in <see cref="IPendingCollective.Wait"/>.
    /// </summary>
    IPendingCollective StartAllGatherBlocks(int[] values, int blockLength, int[] received)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(received);
        return new DeferredCollective(this, values, blockLength, received);
    }

    /// <summary>
    /// Every rank's <paramref name="values"/>, concatenated in rank order, on every rank. By default through
    /// <see cref="AllGatherV(int[])"/>, each double sent as its two 32-bit halves (bit for bit).
    /// </summary>
    double[] AllGatherV(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<double, int>(values).ToArray();
        return System.Runtime.InteropServices.MemoryMarshal.Cast<int, double>(AllGatherV(halves)).ToArray();
    }

    /// <summary>Every rank's <paramref name="values"/>, concatenated in rank order, on rank 0; other ranks get an empty array.</summary>
    long[] GatherV(long[] values);

    /// <summary>Every rank's <paramref name="values"/>, concatenated in rank order, on rank 0; other ranks get an empty array.</summary>
    double[] GatherV(double[] values);

    /// <summary>Waits until every rank has called it.</summary>
    void Barrier();
}
