using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Synapses;

/// <summary>
/// The spikes of one emitting unit in each of the last <c>slots</c> time indices, so that synapse events delayed by up to
/// <c>slots − 1</c> steps find the spikes they belong to: a tensor [slot, unit cell] of spike counts (int32 for a host-scheduled
/// source, which may emit a cell several times in one index, each spike an event as on the CPU; uint8 0/1 for the others). The host knows, per slot,
/// which index it holds and the largest count in it, so that an index without spikes costs no tensor operation.
/// </summary>
internal sealed class SpikeHistory : IDisposable
{
    private readonly Tensor _counts;
    private readonly Tensor[] _rows;
    private readonly long[] _steps;
    private readonly int[] _most;
    private readonly bool _mayRepeat;
    private readonly Scalar _one = 1;

    /// <param name="size">The unit's cells.</param>
    /// <param name="slots">The ring slots (the largest delay plus one).</param>
    /// <param name="mayRepeat">Whether a cell may appear several times in one index's emission.</param>
    /// <param name="device">The device.</param>
    public SpikeHistory(int size, int slots, bool mayRepeat, Device device)
    {
        _counts = TorchContext.Keep(torch.zeros(slots, size, mayRepeat ? ScalarType.Int32 : ScalarType.Byte, device));
        _rows = Enumerable.Range(0, slots).Select(s => TorchContext.Keep(_counts.select(0, s))).ToArray();
        _steps = Enumerable.Repeat(-1L, slots).ToArray();
        _most = new int[slots];
        _mayRepeat = mayRepeat;
    }

    /// <summary>Records the cells (int64, a cell repeated per spike) that spiked at index <paramref name="s"/>, or none (null), replacing index s − slots.</summary>
    public void Record(long s, Tensor? cells)
    {
        int slot = (int)(s % _steps.Length);
        var row = _rows[slot];
        if (_most[slot] > 0) row.zero_();
        _most[slot] = 0;
        _steps[slot] = s;
        if (cells is null || cells.shape[0] == 0) return;
        if (_mayRepeat)
        {
            using var ones = torch.ones(cells.shape[0], ScalarType.Int32, row.device);
            row.index_add_(0, cells, ones, _one);
            using var most = row.max();
            _most[slot] = most.item<int>();
        }
        else
        {
            row.index_fill_(0, cells, _one);
            _most[slot] = 1;
        }
    }

    /// <summary>
    /// The spike counts per cell at index <paramref name="s"/> (a view) and the largest of them, or (null, 0) when no cell
    /// spiked then (or <paramref name="s"/> is before the first index or out of the ring).
    /// </summary>
    public (Tensor? Counts, int Most) At(long s)
    {
        if (s < 0) return (null, 0);
        int slot = (int)(s % _steps.Length);
        return _steps[slot] == s && _most[slot] > 0 ? (_rows[slot], _most[slot]) : (null, 0);
    }

    /// <summary>Forgets every index.</summary>
    public void Clear()
    {
        _counts.zero_();
        Array.Fill(_steps, -1L);
        Array.Clear(_most);
    }

    public void Dispose()
    {
        foreach (var r in _rows) r.Dispose();
        _counts.Dispose();
        _one.Dispose();
    }
}
