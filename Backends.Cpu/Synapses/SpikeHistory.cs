using System.Runtime.CompilerServices;

namespace Meta.Backends.Cpu.Synapses;

/// <summary>
/// The cells of one group that spiked in each of the last <c>slots</c> steps (a ring by step), so that synapse events
/// delayed by up to <c>slots − 1</c> steps find the spikes they belong to.
/// </summary>
internal sealed class SpikeHistory(int slots)
{
    private readonly int[][] _cells = Enumerable.Range(0, slots).Select(_ => new int[16]).ToArray();
    private readonly int[] _counts = new int[slots];
    private readonly long[] _steps = Enumerable.Repeat(-1L, slots).ToArray();

    /// <summary>Records that <paramref name="cells"/> spiked in step <paramref name="s"/> (replacing step s − slots).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(long s, ReadOnlySpan<int> cells)
    {
        int slot = (int)(s % _counts.Length);
        if (_cells[slot].Length < cells.Length) _cells[slot] = new int[Math.Max(cells.Length, 2 * _cells[slot].Length)];
        cells.CopyTo(_cells[slot]);
        _counts[slot] = cells.Length;
        _steps[slot] = s;
    }

    /// <summary>The cells that spiked in step <paramref name="s"/> (none if it is out of the ring or before the first step).</summary>
    public (int[] Cells, int Count) At(long s)
    {
        if (s < 0) return ([], 0);
        int slot = (int)(s % _counts.Length);
        return _steps[slot] == s ? (_cells[slot], _counts[slot]) : ([], 0);
    }

    /// <summary>Forgets every step.</summary>
    public void Clear()
    {
        Array.Fill(_steps, -1L);
        Array.Clear(_counts);
    }
}
