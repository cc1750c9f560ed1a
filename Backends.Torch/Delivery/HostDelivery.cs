using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Delivery;

/// <summary>
/// Delivery for tensors in host memory (the CPU build of libtorch, or the CPU device): the synapses of the cells that
/// spiked are walked on the host and their weights added into the delay ring through its data accessor, with no tensor
/// operation and no allocation per step (the tensor path gathers and adds with about a dozen libtorch operations). The
/// additions are made in the same order as the tensor path's <c>index_add_</c> (spiking cells in emission order, each
/// row's synapses in table order), each rounded once in the ring's type, so the sums are the same bit for bit.
/// </summary>
internal sealed class HostDelivery(bool float32)
{
    private double[] _weights = [];
    private float[] _weights32 = [];
    private int[] _targets = [];

    /// <summary>The weights per table position (rounded to float32 once when the ring is float32).</summary>
    public void SetWeights(double[] weights)
    {
        if (float32) _weights32 = weights.Select(w => (float)w).ToArray();
        else _weights = (double[])weights.Clone();
    }

    /// <summary>
    /// The ring position per table position (at slot 0), kept as 32-bit numbers: the ring is at most 2 GiB, and the
    /// synapse walk reads 12 bytes per synapse in float64 instead of 16.
    /// </summary>
    public void SetTargets(long[] targets) => _targets = targets.Select(t => checked((int)t)).ToArray();

    /// <summary>
    /// Adds the weights of the rows of <paramref name="cells"/> (int64 on the host) at ring positions
    /// <c>(target[i] + offset) mod wrap</c> (no wrap when <paramref name="wrap"/> is 0) of the flat ring <paramref name="ring"/>.
    /// </summary>
    public void Deliver(Tensor cells, int[] rowStart, long offset, long wrap, Tensor ring)
    {
        // Spans over the tensors' host memory (both are contiguous): no copy, no libtorch call per synapse.
        var spiking = MemoryMarshal.Cast<byte, long>(cells.bytes);
        var bytes = ring.bytes;
        if (float32) Add(spiking, rowStart, _targets, offset, wrap, Writable(MemoryMarshal.Cast<byte, float>(bytes)), _weights32);
        else Add(spiking, rowStart, _targets, offset, wrap, Writable(MemoryMarshal.Cast<byte, double>(bytes)), _weights);
    }

    private static void Add<T>(ReadOnlySpan<long> spiking, int[] rowStart, int[] target, long offset, long wrap, Span<T> slots, T[] weights)
        where T : struct, System.Numerics.IAdditionOperators<T, T, T>
    {
        // One loop per case (the test on wrap out of the synapse loop); the slot index stays checked against the ring.
        if (wrap == 0)
        {
            var ring = slots[(int)offset..];
            foreach (long pre in spiking)
                for (int i = rowStart[pre], end = rowStart[pre + 1]; i < end; i++) ring[target[i]] += weights[i];
            return;
        }
        foreach (long pre in spiking)
            for (int i = rowStart[pre], end = rowStart[pre + 1]; i < end; i++) slots[(int)((target[i] + offset) % wrap)] += weights[i];
    }

    /// <summary>The ring's memory as a writable span (libtorch owns it; the span lives for this call only).</summary>
    private static Span<T> Writable<T>(ReadOnlySpan<T> span) => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);

}
