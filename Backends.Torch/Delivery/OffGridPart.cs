using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Backends.Torch.Groups;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Delivery;

/// <summary>
/// The off-grid part of exact delivery for one static projection (<see cref="SynapseGroupProgram.OffGrid"/>,
/// docs/semantics.md, "Exact delivery"): for every spike of the pre population with offset o ≠ 0 from the grid, each of its
/// synapses adds <see cref="OffGridDelivery.Part"/> to the post group's second ring at the slot of its weight. The spikes and
/// their offsets are read on the host (one read per step that has spikes) and the parts added with one <c>index_add_</c>;
/// the main delivery (<see cref="SynapseTable"/>) is unchanged.
/// </summary>
internal sealed class OffGridPart : IDisposable
{
    private readonly int _preOffset, _preSize, _slots;
    private readonly long _slotSize;
    private readonly int[] _rowStart;
    private readonly long[] _flat;
    private readonly int[] _specToRow;
    private readonly double[] _weights, _rates;
    private readonly int[] _delays;
    private readonly Tensor _ringFlat;
    private readonly TorchContext _ctx;
    private readonly Scalar _one = 1;

    /// <param name="spec">The projection (with <see cref="SynapseGroupProgram.OffGrid"/>).</param>
    /// <param name="preSize">The pre population's size.</param>
    /// <param name="preOffset">Where its pre population's cells start in the emitting unit.</param>
    /// <param name="post">The post group.</param>
    /// <param name="postOffset">Where its post population's cells start in the group.</param>
    /// <param name="ctx">The device.</param>
    public OffGridPart(SynapseGroupProgram spec, int preSize, int preOffset, NeuronGroup post, int postOffset, TorchContext ctx)
    {
        var offGrid = spec.OffGrid ?? throw new ArgumentException($"Projection '{spec.Label}' has no off-grid delivery.", nameof(spec));
        Spec = spec;
        _ctx = ctx;
        _preOffset = preOffset;
        _preSize = preSize;
        _slots = post.Slots;
        _slotSize = post.Ring.shape[1];
        var rows = new ConnectionRows(spec.PreIndices, _preSize);
        _rowStart = rows.Start;
        _specToRow = rows.PositionOf;
        _flat = rows.ByPosition(spec.PostIndices.Select(j => ((long)offGrid.Ring * post.Size) + postOffset + j).ToArray());
        _weights = rows.ByPosition(spec.Weights);
        _rates = rows.ByPosition(offGrid.Rates);
        _delays = rows.ByPosition(spec.DelaySteps);
        _ringFlat = TorchContext.Keep(post.Ring.view(-1));
    }

    /// <summary>The projection.</summary>
    public SynapseGroupProgram Spec { get; }

    /// <summary>
    /// Adds the off-grid parts of the spikes of index <paramref name="s"/>: unit cells <paramref name="cells"/> with offsets
    /// <paramref name="offsets"/> (ms, same order); cells of other populations of the unit are skipped.
    /// </summary>
    public void Deliver(ReadOnlySpan<long> cells, ReadOnlySpan<double> offsets, long s)
    {
        var targets = new List<long>();
        var values = new List<double>();
        for (int i = 0; i < cells.Length; i++)
        {
            long pre = cells[i] - _preOffset;
            double o = offsets[i];
            if (pre < 0 || pre >= _preSize || o == 0) continue;
            for (int k = _rowStart[pre], end = _rowStart[pre + 1]; k < end; k++)
            {
                targets.Add(((s + _delays[k]) % _slots * _slotSize) + _flat[k]);
                values.Add(OffGridDelivery.Part(_weights[k], o, _rates[k]));
            }
        }
        if (targets.Count == 0) return;
        using var t = _ctx.Indices(targets.ToArray());
        using var v = _ctx.Values(values.ToArray());
        _ringFlat.index_add_(0, t, v, _one);
    }

    /// <summary>New weights, in connection order.</summary>
    public void SetWeights(double[] specOrder)
    {
        for (int k = 0; k < specOrder.Length; k++) _weights[_specToRow[k]] = specOrder[k];
    }

    /// <summary>New delays in steps, in connection order.</summary>
    public void SetDelays(double[] specOrderSteps)
    {
        for (int k = 0; k < specOrderSteps.Length; k++) _delays[_specToRow[k]] = (int)specOrderSteps[k];
    }

    public void Dispose()
    {
        _ringFlat.Dispose();
        _one.Dispose();
    }
}
