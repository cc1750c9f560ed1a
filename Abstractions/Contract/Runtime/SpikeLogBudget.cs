namespace Meta.Backends.Runtime;

/// <summary>
/// The size of a device-side spike log (a backend that keeps each block's recorded spikes on the device and copies them back
/// when the block is full): every entry is a cell and a time index (two ints), plus the spike's offset from the grid (a
/// double) only where a logged population has precise spike times (<see cref="SpikeBlockBuilder.OffsetBufferOf"/>), so
/// that a run on the grid keeps two ints per entry and a block's log never exceeds <see cref="Bytes"/> of device memory.
/// </summary>
public static class SpikeLogBudget
{
    /// <summary>Device memory for one block's spike log: 32 MiB, 2^22 entries of two ints.</summary>
    public const long Bytes = 1L << 25;

    /// <summary>The bytes of one log entry: cell and time index, and the offset where <paramref name="offsets"/>.</summary>
    public static int EntryBytes(bool offsets) => (2 * sizeof(int)) + (offsets ? sizeof(double) : 0);

    /// <summary>
    /// The most time indices a block may hold so that the log of <paramref name="loggedCells"/> cells (each may spike once per
    /// index) fits <see cref="Bytes"/>: at least 1, at most <paramref name="maxSteps"/>.
    /// </summary>
    public static long BlockSteps(long loggedCells, bool offsets, long maxSteps)
    {
        if (loggedCells <= 0) return maxSteps;
        return Math.Min(maxSteps, Math.Max(1, Bytes / (loggedCells * EntryBytes(offsets))));
    }
}
