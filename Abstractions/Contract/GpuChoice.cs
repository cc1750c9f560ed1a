namespace Meta.Backends;

/// <summary>
/// Which GPU a rank of a distributed run takes when no device is named (docs/architecture.md, "Distributed runs"): the ranks
/// of one machine are dealt its GPUs in turn, local rank k taking GPU k mod count, as NEST GPU and Arbor do with one GPU per
/// rank. Backends with GPUs (ilgpu, torch) call it with their own device count, so the rule is written once.
/// </summary>
public static class GpuChoice
{
    /// <summary>
    /// The index of the GPU for local rank <paramref name="localRank"/> (null in one process: GPU 0) among
    /// <paramref name="gpuCount"/> GPUs, which must be at least one.
    /// </summary>
    public static int ForLocalRank(int? localRank, int gpuCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gpuCount, 1);
        if (localRank is not { } k) return 0;
        ArgumentOutOfRangeException.ThrowIfNegative(k, nameof(localRank));
        return k % gpuCount;
    }
}
