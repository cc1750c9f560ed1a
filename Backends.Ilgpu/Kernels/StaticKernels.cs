using ILGPU;
using Meta.Random;

namespace Meta.Backends.Ilgpu.Kernels;

/// <summary>
/// The model-independent kernels: Poisson sources, spike delivery, spike histories and sampling. All are explicitly grouped and loop
/// over their work with a grid stride, so any launch configuration is correct (the engine picks one per device).
/// </summary>
public static class StaticKernels
{
    /// <summary>
    /// Poisson sources at time index <c>Step</c>: the draw of cell i is <see cref="DeviceRandom.Bits53"/> at
    /// stream = 2^32 + global cell index, the 53 bits of <see cref="Philox.Uniform"/> (docs/semantics.md).
    /// </summary>
    public static void Poisson(PoissonArgs a)
    {
        a.Output.Begin();
        int stride = Grid.DimX * Group.DimX;
        ulong index = (ulong)a.Step;
        for (int i = Grid.GlobalIndex.X; i < a.N; i += stride)
        {
            if (a.Step < a.FirstStep[i] || a.Step >= a.EndStep[i]) continue;
            ulong threshold = a.Threshold[i];
            if (threshold == 0) continue;
            if (DeviceRandom.Bits53(a.Seed, RandomStreams.PoissonCell(a.FirstGlobalIndex + i), index) < threshold) a.Output.Emit(i);
        }
    }

    /// <summary>
    /// Queues the synapses of the spiking presynaptic cells: group g takes spikes g, g + groups, ...; the threads of a
    /// group share the synapses of one spike. Weights are added atomically to ring slot (s + delay) mod slots.
    /// </summary>
    public static void DeliverFloat64(DeliveryArgs<double> a)
    {
        int n = a.HostCount >= 0 ? a.HostCount : a.Count[a.Parity];
        for (int i = Grid.IdxX; i < n; i += Grid.DimX)
        {
            int pre = a.Spikes[i];
            int end = a.RowStart[pre + 1];
            for (int k = a.RowStart[pre] + Group.IdxX; k < end; k += Group.DimX)
            {
                int slot = a.Now + a.Delay[k];
                if (slot >= a.Slots) slot -= a.Slots;
                Atomic.Add(ref a.Ring[(long)slot * a.PostSize + a.Post[k]], a.Weight[k]);
            }
        }
    }

    /// <summary>The float32 form of <see cref="DeliverFloat64"/>.</summary>
    public static void DeliverFloat32(DeliveryArgs<float> a)
    {
        int n = a.HostCount >= 0 ? a.HostCount : a.Count[a.Parity];
        for (int i = Grid.IdxX; i < n; i += Grid.DimX)
        {
            int pre = a.Spikes[i];
            int end = a.RowStart[pre + 1];
            for (int k = a.RowStart[pre] + Group.IdxX; k < end; k += Group.DimX)
            {
                int slot = a.Now + a.Delay[k];
                if (slot >= a.Slots) slot -= a.Slots;
                Atomic.Add(ref a.Ring[(long)slot * a.PostSize + a.Post[k]], a.Weight[k]);
            }
        }
    }

    /// <summary>
    /// Delivery with exact off-grid spikes (docs/semantics.md, "Exact delivery"), in one pass over each spike's synapses:
    /// every synapse adds its weight w to the receptor's ring and, for a spike with offset o ≠ 0 (read at the spike's
    /// position, or at its cell with <c>OffsetByCell</c>), <c>w·(1 − exp(o·k))</c> to the second ring at the same slot,
    /// k the decay rate of the synapse's post cell.
    /// </summary>
    public static void DeliverOffGridFloat64(OffGridArgs<double> a)
    {
        var d = a.Delivery;
        int n = d.HostCount >= 0 ? d.HostCount : d.Count[d.Parity];
        for (int i = Grid.IdxX; i < n; i += Grid.DimX)
        {
            int pre = d.Spikes[i];
            double o = a.Offsets[a.OffsetByCell != 0 ? pre : i];
            int end = d.RowStart[pre + 1];
            for (int k = d.RowStart[pre] + Group.IdxX; k < end; k += Group.DimX)
            {
                int slot = d.Now + d.Delay[k];
                if (slot >= d.Slots) slot -= d.Slots;
                int post = d.Post[k];
                long at = (long)slot * d.PostSize + post;
                Atomic.Add(ref d.Ring[at], d.Weight[k]);
                if (o == 0) continue;
                double rate = a.RatePerCell != 0 ? a.Rate[post] : a.SharedRate;
                Atomic.Add(ref a.SecondRing[at], -d.Weight[k] * DeviceMath.Expm1(o * rate));
            }
        }
    }

    /// <summary>The float32 form of <see cref="DeliverOffGridFloat64"/> (the part computed in float64, rounded once).</summary>
    public static void DeliverOffGridFloat32(OffGridArgs<float> a)
    {
        var d = a.Delivery;
        int n = d.HostCount >= 0 ? d.HostCount : d.Count[d.Parity];
        for (int i = Grid.IdxX; i < n; i += Grid.DimX)
        {
            int pre = d.Spikes[i];
            double o = a.Offsets[a.OffsetByCell != 0 ? pre : i];
            int end = d.RowStart[pre + 1];
            for (int k = d.RowStart[pre] + Group.IdxX; k < end; k += Group.DimX)
            {
                int slot = d.Now + d.Delay[k];
                if (slot >= d.Slots) slot -= d.Slots;
                int post = d.Post[k];
                long at = (long)slot * d.PostSize + post;
                Atomic.Add(ref d.Ring[at], d.Weight[k]);
                if (o == 0) continue;
                double rate = a.RatePerCell != 0 ? a.Rate[post] : a.SharedRate;
                Atomic.Add(ref a.SecondRing[at], (float)(-d.Weight[k] * DeviceMath.Expm1(o * rate)));
            }
        }
    }

    /// <summary>
    /// Stamps the cells of a host-scheduled source that spiked at index s in slot s mod slots of their population's spike
    /// history (read by the synapse kernels: a stamp tells which index a slot's entry belongs to, so no slot is ever
    /// cleared), with the number of times each spiked: the list is sorted by cell, so the first entry of each run of equal
    /// cells writes the run's length.
    /// </summary>
    public static void History(HistoryArgs a)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalIndex.X; i < a.Count; i += stride)
        {
            int cell = a.Spikes[i];
            if (i > 0 && a.Spikes[i - 1] == cell) continue;
            int n = 1;
            while (i + n < a.Count && a.Spikes[i + n] == cell) n++;
            a.History[(long)a.Slot * a.Size + cell] = a.Stamp + Math.Min(n, SpikeCountMask);
        }
    }

    /// <summary>The bits of a spike-history entry that hold the number of spikes (<see cref="HistoryArgs"/>).</summary>
    public const int SpikeCountBits = 20;

    /// <summary>The largest number of spikes of one cell at one index that a spike-history entry holds.</summary>
    public const int SpikeCountMask = (1 << SpikeCountBits) - 1;

    /// <summary>Takes the samples of time index <c>Step</c> of every analog recorder whose interval divides it.</summary>
    public static void RecordFloat64(RecordArgs<double> a) => Record(a);

    /// <summary>The float32 form of <see cref="RecordFloat64"/>.</summary>
    public static void RecordFloat32(RecordArgs<float> a) => Record(a);

    private static void Record<T>(RecordArgs<T> a) where T : unmanaged
    {
        int stride = Grid.DimX * Group.DimX;
        for (int e = Grid.GlobalIndex.X; e < a.Entries; e += stride)
        {
            int r = a.Recorder[e];
            long m = a.Interval[r];
            if (a.Step % m != 0) continue;
            long row = a.Step / m - (a.BlockStart + m - 1) / m;
            a.Output[a.Base[r] + row * a.Width[r] + a.Column[e]] = a.State[a.Source[e]];
        }
    }
}
