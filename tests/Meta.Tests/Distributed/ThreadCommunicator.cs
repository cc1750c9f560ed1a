using Meta.Distributed;

namespace Meta.Tests.Distributed;

/// <summary>
/// <see cref="ICommunicator"/> for ranks that are threads of one process (tests without MPI): each collective puts every
/// rank's contribution in a shared slot, waits for all, reads, and waits again before the slots are reused.
/// </summary>
internal sealed class ThreadCommunicator(ThreadCommunicator.Group group, int rank) : ICommunicator
{
    /// <summary>The shared state of the ranks.</summary>
    public sealed class Group(int size)
    {
        public int Size { get; } = size;
        public Barrier Barrier { get; } = new(size);
        public object?[] Slots { get; } = new object?[size];
        public ThreadCommunicator[] Ranks() => Enumerable.Range(0, Size).Select(r => new ThreadCommunicator(this, r)).ToArray();
    }

    public int Rank => rank;
    public int Size => group.Size;

    private T[] Exchange<T>(T mine)
    {
        group.Slots[rank] = mine;
        group.Barrier.SignalAndWait();
        var all = group.Slots.Cast<T>().ToArray();
        group.Barrier.SignalAndWait();
        return all;
    }

    public int[] AllGather(int value) => Exchange(value);
    public int[] AllGatherV(int[] values) => Exchange(values).SelectMany(v => v).ToArray();
    public long[] GatherV(long[] values)
    {
        var all = Exchange(values);
        return rank == 0 ? all.SelectMany(v => v).ToArray() : [];
    }
    public double[] GatherV(double[] values)
    {
        var all = Exchange(values);
        return rank == 0 ? all.SelectMany(v => v).ToArray() : [];
    }
    public void Barrier() => group.Barrier.SignalAndWait();
    public void Dispose() { }
}
