using ILGPU;
using Meta.Backends.Ilgpu.Kernels;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// The spikes of one population over the last <c>slots</c> time indices, on the device, for the synapse kernels of the
/// projections with dynamics it is pre- or postsynaptic to: slot s mod slots, cell i holds (1 + the index of the cell's last
/// spike stamped in that slot)·2^20 + the number of its spikes at that index (<see cref="HistoryArgs"/>), so a synapse event
/// delayed by up to <c>slots − 1</c> steps asks whether, and how often, the cell spiked at index s − delay by comparing the
/// stamp (stale entries never match; no slot is ever cleared). Neuron and Poisson kernels
/// stamp their spikes as they emit them (<see cref="SpikeOutput"/>); a host-scheduled source's spikes are stamped by the
/// <see cref="StaticKernels.History"/> kernel, and the host remembers which indices had any, so that the synapse events
/// they alone could cause need no launch at the other indices.
/// </summary>
internal sealed class SpikeHistory<T> : IDisposable where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly DeviceArray<long> _stamps;
    private readonly long[] _hostSteps;

    public SpikeHistory(int size, bool hostScheduled, EngineContext<T> ctx)
    {
        _ctx = ctx;
        Size = size;
        HostScheduled = hostScheduled;
        if ((long)ctx.Slots * size > int.MaxValue)
            throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"A spike history of {size} cells × {ctx.Slots} delay slots (more than 2^31 elements)");
        _stamps = ctx.Allocate<long>((long)ctx.Slots * size);
        _hostSteps = new long[ctx.Slots];
        Array.Fill(_hostSteps, -1L);
    }

    /// <summary>The population size.</summary>
    public int Size { get; }

    /// <summary>Whether the population is a host-scheduled source (the host knows its spikes).</summary>
    public bool HostScheduled { get; }

    /// <summary>The stamps (<see cref="HistoryArgs.History"/>).</summary>
    public ArrayView<long> View => _stamps.View;

    /// <summary>Has a device kernel stamp the spikes of index <paramref name="s"/> as it emits them.</summary>
    public void StampIn(ref SpikeOutput output, long s)
    {
        output.HistoryEnabled = 1;
        output.History = _stamps.View;
        output.HistoryOffset = s % _ctx.Slots * Size;
        output.HistoryStamp = ((s + 1) << StaticKernels.SpikeCountBits) + 1;
    }

    /// <summary>
    /// Stamps the <paramref name="count"/> (&gt; 0) cells in <paramref name="spikes"/> of a host-scheduled source, which
    /// spiked at index <paramref name="s"/>.
    /// </summary>
    public void Record(ArrayView<int> spikes, int count, long s)
    {
        if (count <= 0 || Size == 0) return;
        _hostSteps[s % _ctx.Slots] = s;
        _ctx.HistoryKernel(_ctx.PerItem(count), new HistoryArgs
        {
            Spikes = spikes,
            Count = count,
            History = _stamps.View,
            Size = Size,
            Slot = (int)(s % _ctx.Slots),
            Stamp = (s + 1) << StaticKernels.SpikeCountBits,
        });
    }

    /// <summary>
    /// Whether any cell may have spiked at index <paramref name="s"/> (within the last <c>slots</c> indices): always, unless
    /// the population is host-scheduled and had no spike then.
    /// </summary>
    public bool MayHaveSpiked(long s) => s >= 0 && (!HostScheduled || _hostSteps[s % _ctx.Slots] == s);

    /// <summary>Forgets every spike (reset).</summary>
    public void Clear()
    {
        _stamps.Clear(_ctx.Accelerator);
        Array.Fill(_hostSteps, -1L);
    }

    public void Dispose() => _stamps.Dispose();
}
