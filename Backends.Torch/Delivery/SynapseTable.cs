using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Backends.Torch.Groups;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Delivery;

/// <summary>
/// The synapses from one emitting unit (a neuron group or a spike source population) onto one neuron group, in
/// compressed sparse rows by presynaptic cell, as tensors: row start and length per presynaptic cell, and per synapse
/// the flat ring position of its target (receptor·size + cell), its weight and delay. Delivery gathers the synapses of the
/// cells that spiked with tensor operations and adds their weights into the target's delay ring with one
/// <c>index_add_</c>; on the CPU device, where the tensors are in host memory, <see cref="HostDelivery"/> walks the rows
/// and adds into the ring on the host instead, in the same order. Within a row the synapses of several projections follow in projection order, each in the order of
/// its specification (the CPU backend's order), so float64 sums are the CPU's.
/// </summary>
internal sealed class SynapseTable : IDisposable
{
    /// <summary>One projection in the table: its spec, where its pre cells start in the unit, where its post cells start in the group.</summary>
    public sealed record Member(SynapseGroupProgram Spec, int PreOffset, int PostOffset);

    private readonly TorchContext _ctx;
    private readonly NeuronGroup _post;
    private readonly long _slotSize;
    private readonly int _slots;
    private readonly long[] _postFlat;
    private readonly double[] _weights;
    private readonly int[] _delays;
    private readonly int[] _rowStartHost;
    private readonly HostDelivery? _host;
    private readonly Tensor _rowStart;
    private readonly Tensor _rowLength;
    private readonly Tensor _postIndex;
    private readonly Tensor _weight;
    private readonly Tensor _ringFlat;
    private readonly Scalar _one = 1;
    private readonly Scalar _ringLength;
    private Tensor? _target0;
    private Tensor? _arange;
    /// <summary>The delay of every synapse when they share one (0 from a relay in a distributed run), or −1 when they differ.</summary>
    private int _uniformDelay;

    public SynapseTable(IReadOnlyList<Member> members, int preSize, NeuronGroup post, TorchContext ctx)
    {
        Members = members;
        _ctx = ctx;
        _post = post;
        _slots = post.Slots;
        _slotSize = post.Ring.shape[1];
        _ringLength = _slots * _slotSize;
        // The members' connections one after another (member, then connection order), sorted by unit pre cell.
        var preCells = members.SelectMany(m => m.Spec.PreIndices.Select(p => m.PreOffset + p)).ToArray();
        var rows = new ConnectionRows(preCells, preSize);
        _postFlat = rows.ByPosition(members.SelectMany(m =>
            m.Spec.PostIndices.Select(i => (long)m.Spec.Receptor * post.Size + m.PostOffset + i)).ToArray());
        _weights = rows.ByPosition(members.SelectMany(m => m.Spec.Weights).ToArray());
        _delays = rows.ByPosition(members.SelectMany(m => m.Spec.DelaySteps).ToArray());
        Positions = new int[members.Count][];
        for (int j = 0, first = 0; j < members.Count; j++)
        {
            Positions[j] = rows.PositionOf[first..(first + members[j].Spec.Count)];
            first += members[j].Spec.Count;
        }
        Count = preCells.Length;
        var start = new long[preSize];
        var length = new long[preSize];
        for (int i = 0; i < preSize; i++) (start[i], length[i]) = (rows.Start[i], rows.Start[i + 1] - rows.Start[i]);
        _rowStartHost = rows.Start;
        // Tensors in host memory are delivered into on the host (a span over the ring, so at most 2 GiB of it), unless
        // META_TORCH_TENSOR_DELIVERY=1 asks for the tensor path the GPU devices take (so that path is testable without one).
        _host = ctx.Device.type == DeviceType.CPU && post.Ring.NumberOfElements * post.Ring.ElementSize <= int.MaxValue
                && Environment.GetEnvironmentVariable("META_TORCH_TENSOR_DELIVERY") != "1"
            ? new HostDelivery(ctx.DType == ScalarType.Float32) : null;
        _host?.SetWeights(_weights);
        _rowStart = ctx.Indices(start);
        _rowLength = ctx.Indices(length);
        _postIndex = ctx.Indices(_postFlat);
        _weight = ctx.Values(_weights);
        _ringFlat = TorchContext.Keep(post.Ring.view(-1));
        SetDelayTensors();
    }

    public IReadOnlyList<Member> Members { get; }
    /// <summary>The table position of each connection of each member, in spec order.</summary>
    public int[][] Positions { get; }
    public long Count { get; }

    /// <summary>Queues the synapses of the unit cells <paramref name="cells"/> (int64, in emission order), which spiked at time index <paramref name="s"/>.</summary>
    public void Deliver(Tensor cells, long s)
    {
        if (Count == 0) return;
        if (_host is not null)
        {
            _host.Deliver(cells, _rowStartHost,
                _uniformDelay >= 0 ? (s + _uniformDelay) % _slots * _slotSize : s % _slots * _slotSize, _uniformDelay >= 0 ? 0 : _slots * _slotSize, _ringFlat);
            return;
        }
        using var starts = _rowStart.index_select(0, cells);
        using var lengths = _rowLength.index_select(0, cells);
        long total;
        using (var sum = lengths.sum()) total = sum.item<long>();
        if (total == 0) return;
        // Synapse ids: for spiking row i, start_i + (0 .. length_i - 1), rows in emission order:
        // repeat (start_i - synapses gathered before row i) length_i times, then add 0 .. total - 1.
        // Explicit, long-lived alpha scalars: an implicit temporary one may be finalized while libtorch still reads it.
        using (var before = lengths.cumsum(0)) starts.sub_(before).add_(lengths, _one);
        using var synapses = starts.repeat_interleave(lengths, 0, total);
        using (var count = Arange(total)) synapses.add_(count, _one);
        using var weights = _weight.index_select(0, synapses);
        if (_uniformDelay >= 0)
        {
            using var targets = _postIndex.index_select(0, synapses);
            _post.SlotView((int)((s + _uniformDelay) % _slots)).index_add_(0, targets, weights, _one);
        }
        else
        {
            using var targets = _target0!.index_select(0, synapses);
            using (Scalar offset = s % _slots * _slotSize) targets.Plus_(offset);
            targets.remainder_(_ringLength);
            _ringFlat.index_add_(0, targets, weights, _one);
        }
    }

    /// <summary>0, 1, …, n − 1 as a view of a cached tensor.</summary>
    private Tensor Arange(long n)
    {
        if (_arange is null || _arange.shape[0] < n)
        {
            // n may exceed Count when a source cell spikes several times in one step (each spike is delivered).
            long size = Math.Max(n, Math.Min(Count, Math.Max(1024, 2 * (_arange?.shape[0] ?? 0))));
            _arange?.Dispose();
            _arange = TorchContext.Keep(torch.arange(size, ScalarType.Int64, _ctx.Device));
        }
        return _arange.narrow(0, 0, n);
    }

    /// <summary>New weights of member <paramref name="member"/>, in its connection order.</summary>
    public void SetWeights(int member, double[] specOrder)
    {
        var positions = Positions[member];
        for (int k = 0; k < specOrder.Length; k++) _weights[positions[k]] = specOrder[k];
        TorchContext.CopyInto(_weight, _weights);
        _host?.SetWeights(_weights);
    }

    /// <summary>New delays (in steps, within the rings: the engine checked them) of member <paramref name="member"/>.</summary>
    public void SetDelays(int member, double[] specOrderSteps)
    {
        var positions = Positions[member];
        for (int k = 0; k < specOrderSteps.Length; k++) _delays[positions[k]] = (int)specOrderSteps[k];
        SetDelayTensors();
    }

    /// <summary>One delay for the whole table (a host number), or per synapse the ring position at slot 0 (delay·slot size + target).</summary>
    private void SetDelayTensors()
    {
        _target0?.Dispose();
        _target0 = null;
        _uniformDelay = _delays.Length > 0 && _delays.All(d => d == _delays[0]) ? _delays[0] : -1;
        if (_uniformDelay >= 0 || _delays.Length == 0)
        {
            _host?.SetTargets(_postFlat);
            return;
        }
        var target0 = new long[_delays.Length];
        for (int i = 0; i < target0.Length; i++) target0[i] = _delays[i] * _slotSize + _postFlat[i];
        if (_host is not null) _host.SetTargets(target0);
        else _target0 = _ctx.Indices(target0);
    }

    public void Dispose()
    {
        _one.Dispose();
        _ringLength.Dispose();
        _rowStart.Dispose();
        _rowLength.Dispose();
        _postIndex.Dispose();
        _weight.Dispose();
        _ringFlat.Dispose();
        _target0?.Dispose();
        _arange?.Dispose();
    }
}
