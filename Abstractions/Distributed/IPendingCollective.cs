namespace Meta.Distributed;

/// <summary>
/// A collective that was started without waiting for it (MPI's non-blocking collectives and their <c>MPI_Request</c>): its
/// buffers belong to it until <see cref="Wait"/> returns, so the caller neither changes what it sends nor reads what it
/// receives before then. Every rank waits for its requests in the order it started them. A communicator may reuse the
/// object for its next collective once it was waited for, so the caller drops it after <see cref="Wait"/>.
/// </summary>
public interface IPendingCollective
{
    /// <summary>Blocks until the collective has completed on this rank (its received data are then in place).</summary>
    void Wait();
}
