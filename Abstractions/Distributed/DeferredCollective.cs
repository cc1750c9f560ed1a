namespace Meta.Distributed;

/// <summary>
/// The in-process stand-in of a non-blocking all-gather of fixed-size blocks (<see cref="ICommunicator.StartAllGatherBlocks"/>'s
/// default, used by <see cref="SingleProcess"/> and the thread-rank test communicator): nothing happens when it starts; the
/// blocking <see cref="ICommunicator.AllGatherBlocks"/> runs in <see cref="Wait"/>. It reads what it sends and writes what it
/// receives only there, so a caller that touched either buffer while the request was pending gets wrong data, as it could
/// with MPI.
/// </summary>
internal sealed class DeferredCollective(ICommunicator communicator, int[] values, int blockLength, int[] received) : IPendingCollective
{
    private bool _done;

    /// <inheritdoc />
    public void Wait()
    {
        if (_done) return;
        _done = true;
        communicator.AllGatherBlocks(values, blockLength, received);
    }
}
