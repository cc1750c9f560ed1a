using ILGPU;
using Meta.Backends.Ilgpu.Kernels;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// The spikes of one population over the last <c>slots</c> time indices, on the device, for the synapse kernels of the
/// projections with dynamics it is pre- or postsynaptic to: slot s mod slots, cell i holds 1 + the index of the cell's last
/// spike stamped in that slot, so a synapse event delayed by up to <c>slots − 1</c> steps asks whether the cell spiked at
/// index s − delay by comparing the stamp (stale entries never match; no slot is ever cleared).
/// </summary>
internal sealed class SpikeHistory<T> : IDisposable where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly DeviceArray<long> _stamps;

    public SpikeHistory(int size, EngineContext<T> ctx)
    {
        _ctx = ctx;
        Size = size;
        if ((long)ctx.Slots * size > int.MaxValue)
            throw new NotSupportedByBackendException(IlgpuBackend.BackendName, $"A spike history of {size} cells × {ctx.Slots} delay slots (more than 2^31 elements)");
        _stamps = ctx.Allocate<long>((long)ctx.Slots * size);
    }

    /// <summary>The population size.</summary>
    public int Size { get; }

    /// <summary>The stamps (<see cref="HistoryArgs.History"/>).</summary>
    public ArrayView<long> View => _stamps.View;

    /// <summary>
    /// Stamps the cells in <paramref name="spikes"/>, which spiked at index <paramref name="s"/>: <paramref name="hostCount"/>
    /// of them, or (when negative) as many as the device counter <c>count[parity]</c> says.
    /// </summary>
    public void Record(ArrayView<int> spikes, ArrayView<int> count, int parity, int hostCount, long s)
    {
        if (hostCount == 0 || Size == 0) return;
        _ctx.HistoryKernel(_ctx.PerItem(hostCount >= 0 ? hostCount : Size), new HistoryArgs
        {
            Spikes = spikes,
            Count = count,
            Parity = parity,
            HostCount = hostCount,
            History = _stamps.View,
            Size = Size,
            Slot = (int)(s % _ctx.Slots),
            Stamp = s + 1,
        });
    }

    /// <summary>Forgets every spike (reset).</summary>
    public void Clear() => _stamps.Clear(_ctx.Accelerator);

    public void Dispose() => _stamps.Dispose();
}
