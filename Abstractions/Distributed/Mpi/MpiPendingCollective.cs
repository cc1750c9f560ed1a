using System.Runtime.InteropServices;

namespace Meta.Distributed.Mpi;

/// <summary>
/// A started <c>MPI_Iallgather</c> (<see cref="MpiCommunicator.StartAllGatherBlocks"/>): it keeps its two arrays pinned,
/// since MPI reads and writes them by address until the request completes, and unpins them in <see cref="Wait"/>
/// (<c>MPI_Wait</c>). A request never waited for (a run that failed) keeps its arrays pinned: MPI may still write into them.
/// Once waited for, <see cref="MpiCommunicator"/> starts its next all-gather on the same object (<see cref="Begin"/>), so a
/// warm exchange allocates nothing.
/// </summary>
internal sealed class MpiPendingCollective : IPendingCollective
{
    private readonly MpiLibrary _mpi;
    private IntPtr _request;
    private GCHandle _send, _receive;
    private bool _done = true;

    /// <summary>A request of <paramref name="mpi"/>, complete until <see cref="Begin"/> starts an all-gather.</summary>
    public MpiPendingCollective(MpiLibrary mpi) => _mpi = mpi;

    /// <summary>Whether the last all-gather was waited for (or none was started), so that <see cref="Begin"/> may start another.</summary>
    public bool Done => _done;

    /// <summary>Pins <paramref name="values"/> and <paramref name="received"/> and starts the all-gather of <paramref name="blockLength"/> ints per rank.</summary>
    /// <exception cref="InvalidOperationException">The previous all-gather on this object was not waited for.</exception>
    public unsafe MpiPendingCollective Begin(int[] values, int blockLength, int[] received)
    {
        if (!_done) throw new InvalidOperationException("MpiPendingCollective: an all-gather was begun while the previous one is pending.");
        var mpi = _mpi;
        _send = GCHandle.Alloc(values, GCHandleType.Pinned);
        _receive = GCHandle.Alloc(received, GCHandleType.Pinned);
        try
        {
            _request = mpi.StartAllGather((void*)_send.AddrOfPinnedObject(), blockLength, mpi.Int, (void*)_receive.AddrOfPinnedObject());
            _done = false;
            return this;
        }
        catch
        {
            _send.Free();
            _receive.Free();
            throw;
        }
    }

    /// <inheritdoc />
    public void Wait()
    {
        if (_done) return;
        _request = _mpi.Wait(_request);
        _done = true;
        _send.Free();
        _receive.Free();
    }
}
