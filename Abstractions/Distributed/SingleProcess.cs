namespace Meta.Distributed;

/// <summary>A communicator of one rank, without MPI: every collective returns this rank's own values.</summary>
public sealed class SingleProcess : ICommunicator
{
    /// <inheritdoc />
    public int Rank => 0;
    /// <inheritdoc />
    public int Size => 1;
    /// <inheritdoc />
    public int[] AllGather(int value) => [value];
    /// <inheritdoc />
    public int[] AllGatherV(int[] values) => (int[])values.Clone();
    /// <inheritdoc />
    public long[] GatherV(long[] values) => (long[])values.Clone();
    /// <inheritdoc />
    public double[] GatherV(double[] values) => (double[])values.Clone();
    /// <inheritdoc />
    public void Barrier() { }
    /// <inheritdoc />
    public void Dispose() { }
}
