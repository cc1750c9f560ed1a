using System.Runtime.InteropServices;
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
    /// <summary>
    /// Exact off-grid delivery (<see cref="SynapseGroupProgram.OffGrid"/>), null when no member has it: per ring position of a
    /// receptor (receptor·size + cell, as <see cref="_postFlat"/>), the position of its second ring (−1: none) and the cell's
    /// decay rate; on the host for <see cref="HostDelivery"/>, as tensors for the tensor path.
    /// </summary>
    private readonly long[]? _secondHost;
    private readonly double[]? _rateHost;
    private readonly Tensor? _secondOf, _rateOf;
    /// <summary>The weights in float64 where the engine's type is float32 (the off-grid part is computed in float64 and rounded once).</summary>
    private Tensor? _weight64;
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
        if (members.All(m => m.Spec.OffGrid is null)) return;
        var second = new long[_slotSize];
        var rate = new double[_slotSize];
        Array.Fill(second, -1L);
        foreach (var m in members)
        {
            if (m.Spec.OffGrid is not { } offGrid) continue;
            for (int j = 0; j < offGrid.CellRates.Count; j++)
            {
                long flat = ((long)m.Spec.Receptor * post.Size) + m.PostOffset + j;
                (second[flat], rate[flat]) = (((long)offGrid.Ring * post.Size) + m.PostOffset + j, offGrid.CellRates[j]);
            }
        }
        if (_host is not null) (_secondHost, _rateHost) = (second, rate);
        else
        {
            _secondOf = ctx.Indices(second);
            using (var host = torch.tensor(rate, dtype: ScalarType.Float64)) _rateOf = TorchContext.Keep(host.to(ctx.Device, copy: true));
            SetWeight64();
        }
    }

    /// <summary>Whether a member delivers off-grid spikes exactly (<see cref="Deliver"/> then wants the spikes' offsets).</summary>
    public bool OffGrid => _secondHost is not null || _secondOf is not null;

    public IReadOnlyList<Member> Members { get; }
    /// <summary>The table position of each connection of each member, in spec order.</summary>
    public int[][] Positions { get; }
    public long Count { get; }

    /// <summary>
    /// Queues the synapses of the unit cells <paramref name="cells"/> (int64, in emission order), which spiked at time index
    /// <paramref name="s"/>; with <paramref name="offsets"/> (float64, the spikes' offsets from the grid in ms, same order),
    /// also the off-grid part of exact delivery into the second rings of the members that have one
    /// (docs/semantics.md, "Exact delivery").
    /// </summary>
    public void Deliver(Tensor cells, long s, Tensor? offsets = null)
    {
        if (Count == 0) return;
        if (_host is not null)
        {
            _host.Deliver(cells, _rowStartHost,
                _uniformDelay >= 0 ? (s + _uniformDelay) % _slots * _slotSize : s % _slots * _slotSize, _uniformDelay >= 0 ? 0 : _slots * _slotSize, _ringFlat);
            if (offsets is not null && _secondHost is not null) DeliverOffGridOnHost(cells, offsets, s);
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
        if (offsets is not null && _secondOf is not null) DeliverOffGrid(offsets, lengths, synapses, total, s);
    }

    /// <summary>
    /// The off-grid part on the device: each synapse of a spike with offset o ≠ 0 onto a member with a second ring adds
    /// <c>−w·expm1(o·k)</c> (k its post cell's rate, computed in float64) to the second ring at the slot of its weight.
    /// </summary>
    private void DeliverOffGrid(Tensor offsets, Tensor lengths, Tensor synapses, long total, long s)
    {
        using var scope = torch.NewDisposeScope();
        var o = offsets.repeat_interleave(lengths, 0, total);
        var flat = _postIndex.index_select(0, synapses);
        var second = _secondOf!.index_select(0, flat);
        using Scalar zero = 0;
        var picked = second.ge(zero).logical_and_(o.ne(zero)).nonzero().view(-1);
        if (picked.shape[0] == 0) return;
        var at = picked;
        var w = (_weight64 ?? _weight).index_select(0, synapses.index_select(0, at));
        var part = o.index_select(0, at).mul_(_rateOf!.index_select(0, flat.index_select(0, at))).expm1_().mul_(w).neg_();
        // The slot of the synapse's weight: its delay (uniform, or target0 − flat) after index s, wrapped around the ring.
        var delayPart = _uniformDelay >= 0 ? null : _target0!.index_select(0, synapses.index_select(0, at)).sub_(flat.index_select(0, at));
        var targets = second.index_select(0, at);
        using (Scalar now = (_uniformDelay >= 0 ? (s + _uniformDelay) % _slots : s % _slots) * _slotSize) targets.Plus_(now);
        if (delayPart is not null) targets.add_(delayPart, _one).remainder_(_ringLength);
        _ringFlat.index_add_(0, targets, part.to(_ringFlat.dtype), _one);
    }

    /// <summary>
    /// The off-grid part on the host (tensors in host memory), in the order of <see cref="HostDelivery"/>: spikes in emission
    /// order, each row's synapses in table order; the part is computed in float64 and rounded once to the ring's type.
    /// That is the CPU backend's order of the sums into one second-ring position: a table merges projections only when no two
    /// share pre population, post population and receptor (<see cref="SynapseTables"/>), so two projections from one
    /// population onto one cell are in two tables, delivered in projection order as the CPU's (checked bit for bit in
    /// float64 by <c>TorchOffGridOrderTests</c>).
    /// </summary>
    private void DeliverOffGridOnHost(Tensor cells, Tensor offsets, long s)
    {
        var spiking = MemoryMarshal.Cast<byte, long>(cells.bytes);
        var offset = MemoryMarshal.Cast<byte, double>(offsets.bytes);
        var bytes = _ringFlat.bytes;
        var ring64 = Writable(MemoryMarshal.Cast<byte, double>(bytes));
        var ring32 = Writable(MemoryMarshal.Cast<byte, float>(bytes));
        bool float32 = _ringFlat.dtype == ScalarType.Float32;
        long now = s % _slots;
        for (int i = 0; i < spiking.Length; i++)
        {
            double o = offset[i];
            if (o == 0) continue;
            long pre = spiking[i];
            for (int k = _rowStartHost[pre], end = _rowStartHost[pre + 1]; k < end; k++)
            {
                long flat = _postFlat[k], second = _secondHost![flat];
                if (second < 0) continue;
                int at = checked((int)(((now + _delays[k]) % _slots * _slotSize) + second));
                double part = OffGridDelivery.Part(_weights[k], o, _rateHost![flat]);
                if (float32) ring32[at] += (float)part;
                else ring64[at] += part;
            }
        }
    }

    private static Span<T> Writable<T>(ReadOnlySpan<T> span) => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);

    /// <summary>Keeps the float64 weights the off-grid part reads on the tensor path where the engine's type is float32.</summary>
    private void SetWeight64()
    {
        _weight64?.Dispose();
        _weight64 = null;
        if (_secondOf is null || _ctx.DType == ScalarType.Float64) return;
        using var host = torch.tensor(_weights, dtype: ScalarType.Float64);
        _weight64 = TorchContext.Keep(host.to(_ctx.Device, copy: true));
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
        SetWeight64();
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
        _secondOf?.Dispose();
        _rateOf?.Dispose();
        _weight64?.Dispose();
    }
}
