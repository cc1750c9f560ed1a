namespace Meta.Backends.Runtime;

/// <summary>
/// The spikes of a <see cref="SpikeSourceKinds.Relay"/> group, appended by the host while a run goes on and consumed by the
/// group's <see cref="HostSpikeSchedule"/>. The host appends spikes in increasing time index (cells in any order within an
/// index), then declares with <see cref="CompleteUntil"/> that every spike of earlier indices is in; an engine never asks
/// for an index not declared complete.
/// </summary>
public sealed class SpikeFeed
{
    private readonly List<(long Index, int Cell)> _pending = [];
    private int _head;

    /// <summary>The first time index whose spikes may still be missing.</summary>
    public long CompleteBefore { get; private set; }

    /// <summary>The number of spikes appended and not yet taken.</summary>
    public int Pending => _pending.Count - _head;

    /// <summary>Appends a spike of <paramref name="cell"/> at time index <paramref name="index"/> (≥ the last one appended, ≥ <see cref="CompleteBefore"/>).</summary>
    public void Append(long index, int cell)
    {
        if (index < CompleteBefore) throw new ArgumentOutOfRangeException(nameof(index), index, $"The feed is complete before index {CompleteBefore}.");
        if (_pending.Count > _head && index < _pending[^1].Index)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Spikes are appended in time order; the last one is at {_pending[^1].Index}.");
        _pending.Add((index, cell));
    }

    /// <summary>Declares that every spike of the indices before <paramref name="index"/> has been appended.</summary>
    public void CompleteUntil(long index)
    {
        if (index < CompleteBefore) throw new ArgumentOutOfRangeException(nameof(index), index, $"The feed is already complete before {CompleteBefore}.");
        CompleteBefore = index;
    }

    /// <summary>Forgets every spike and returns to index 0 (a reset).</summary>
    public void Clear()
    {
        _pending.Clear();
        _head = 0;
        CompleteBefore = 0;
    }

    /// <summary>
    /// Removes the spikes of indices before <paramref name="to"/> and adds those in [<paramref name="from"/>, <paramref name="to"/>)
    /// to <paramref name="keys"/> as <c>(index − from)·width + cell</c> (the keys <see cref="HostSpikeSchedule"/> sorts).
    /// </summary>
    internal void Take(long from, long to, long width, List<long> keys)
    {
        if (to > CompleteBefore)
            throw new InvalidOperationException($"Relayed spikes of indices up to {to - 1} were asked for, but the feed is complete only before {CompleteBefore}.");
        for (; _head < _pending.Count && _pending[_head].Index < to; _head++)
        {
            var (index, cell) = _pending[_head];
            if (index >= from) keys.Add((index - from) * width + cell);
        }
        if (_head > 4096 && _head > _pending.Count / 2)
        {
            _pending.RemoveRange(0, _head);
            _head = 0;
        }
    }
}
