using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Backends.Torch.Expressions;
using Meta.Backends.Torch.Groups;
using Meta.Backends.Torch.Sources;
using Meta.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Synapses;

/// <summary>
/// One projection with a synapse kernel: per synapse (in the connection order of its <see cref="SynapseGroupProgram"/>) its
/// pre cell in the emitting unit, its post cell in the target group, its flat ring position, its axonal and dendritic delay,
/// and the kernel's per-synapse buffers as tensors (uniform ones as host numbers).
/// <para>
/// The pre events of step s belong to the synapses whose pre cell spiked at s − axonal delay, the post events to those whose
/// post cell spiked at s − dendritic delay (docs/semantics.md). For each distinct delay part d (ascending, as the CPU
/// backend goes), the spike counts of index s − d are gathered per synapse from the unit's <see cref="SpikeHistory"/>, the
/// synapses taking the event are found with <c>nonzero</c> (a host synchronisation; none when no cell spiked at s − d),
/// their buffers gathered, the event's <see cref="SynapsePlan"/> run over them, the stored states scattered back
/// (<c>index_copy_</c>) and the transmitted amounts added into the post group's ring at slot (s + dendritic delay) mod slots
/// (<c>index_add_</c>, in ascending synapse order: the CPU's order). When every synapse takes the event, the plan runs on the
/// buffers themselves. A cell emitted several times in one index gives its synapses as many events, one pass each; then,
/// and for a kernel with several Transmit statements, the amounts are added after the passes, sorted into the CPU's order
/// (pre cell and emission, synapse, statement), so that sums into one ring element are the CPU's bit for bit.
/// </para>
/// </summary>
internal sealed class PlasticProjection : IPlasticSynapses, IDisposable
{
    private readonly TorchContext _ctx;
    private readonly TensorArithmetic _arithmetic;
    private readonly double _dt;
    private readonly ulong _seed;
    private readonly NeuronGroup _post;
    private readonly int _count;
    private readonly int _slots;
    private readonly long _slotSize;
    private readonly long[] _postFlat;
    private readonly Tensor _preCells;
    private readonly Tensor _postCells;
    private readonly Tensor _postFlatTensor;
    private readonly Tensor _ringFlat;
    private readonly Tensor _streamBase;
    private readonly Scalar _one = 1;
    private readonly Scalar _ringLength;
    private readonly Dictionary<string, int> _rowOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _uniform = new(StringComparer.Ordinal);
    private Tensor? _state;
    private Tensor[] _stateRows = [];
    private int[] _axonal = [], _dendritic = [];
    private int[] _axonalValues = [], _dendriticValues = [];
    private readonly Dictionary<int, Tensor> _axonalIs = [], _dendriticIs = [];
    private Tensor? _target0;
    private SynapsePlan _prePlan = null!, _postPlan = null!;
    private Frame _preFrame = null!, _postFrame = null!;

    // The event being evaluated.
    private Tensor? _ids;
    private bool _all;
    private long _step;
    private Tensor? _targets;
    private Tensor? _slotTargetView;
    private List<(Tensor Flat, Tensor Amounts, Tensor Primary, Tensor Secondary)>? _deferred;
    private int _most, _pass;

    public PlasticProjection(SynapseGroupProgram spec, ISpikeUnit pre, int preOffset, NeuronGroup post, int postOffset, double dt, ulong seed,
        TorchContext ctx, TensorArithmetic arithmetic, Action<bool> countKernel)
    {
        Spec = spec;
        PreUnit = pre;
        PostUnit = post;
        _ctx = ctx;
        _arithmetic = arithmetic;
        _dt = dt;
        _seed = seed;
        _post = post;
        _count = spec.Count;
        _slots = post.Slots;
        _slotSize = post.Ring.shape[1];
        _ringLength = _slots * _slotSize;
        _postFlat = new long[_count];
        for (int k = 0; k < _count; k++) _postFlat[k] = (long)spec.Receptor * post.Size + postOffset + spec.PostIndices[k];
        _preCells = ctx.Indices(spec.PreIndices.Select(i => (long)(preOffset + i)).ToArray());
        _postCells = ctx.Indices(spec.PostIndices.Select(i => (long)(postOffset + i)).ToArray());
        _postFlatTensor = ctx.Indices(_postFlat);
        _ringFlat = TorchContext.Keep(post.Ring.view(-1));
        // Draw n of synapse k: stream 2^56 + 2^40·projection + 16·k + n (RandomStreams.SynapseDraw).
        _streamBase = ctx.Indices(Enumerable.Range(0, _count).Select(k => (long)RandomStreams.SynapseDraw(spec.Index, k, 0)).ToArray());
        SetDelays(spec.DelaySteps.Select(d => (double)d).ToArray());
        Kernel = spec.Kernel!;
        SetKernel(Kernel, spec.Values, countKernel);
    }

    public SynapseGroupProgram Spec { get; }
    public SynapseKernel Kernel { get; private set; }
    /// <summary>The emitting unit of the pre cells.</summary>
    public ISpikeUnit PreUnit { get; }
    /// <summary>The neuron group of the post cells.</summary>
    public NeuronGroup PostUnit { get; }

    /// <summary>Takes <paramref name="kernel"/>'s plans and lays its buffers out, taking every value from <paramref name="values"/> or keeping the current one.</summary>
    public void SetKernel(SynapseKernel kernel, IReadOnlyDictionary<string, double[]> values, Action<bool> countKernel)
    {
        var oldRows = new Dictionary<string, int>(_rowOf, StringComparer.Ordinal);
        var oldUniform = new Dictionary<string, double>(_uniform, StringComparer.Ordinal);
        var oldState = _state;
        var oldStateRows = _stateRows;
        _rowOf.Clear();
        _uniform.Clear();
        foreach (var b in kernel.Buffers)
        {
            if (b.Storage == Programs.Storage.Uniform) _uniform[b.Name] = oldUniform.GetValueOrDefault(b.Name);
            else _rowOf[b.Name] = _rowOf.Count;
        }
        // The per-synapse buffers are the rows of one tensor, so that an event gathers and scatters them at once.
        _state = TorchContext.Keep(torch.zeros(Math.Max(1, _rowOf.Count), _count, _ctx.DType, _ctx.Device));
        _stateRows = _state.unbind(0).Select(TorchContext.Keep).ToArray();
        // A buffer of the running kernel keeps its values (a parameter's storage changed between runs, not the states).
        foreach (var (name, row) in _rowOf)
            if (oldRows.TryGetValue(name, out int old)) _stateRows[row].copy_(oldStateRows[old]);
        foreach (var t in oldStateRows) t.Dispose();
        oldState?.Dispose();
        Kernel = kernel;
        (_prePlan, _postPlan) = SynapsePlans.Get(kernel, out bool compiled);
        countKernel(compiled);
        _preFrame = new Frame(this, _prePlan, _arithmetic);
        _postFrame = new Frame(this, _postPlan, _arithmetic);
        SetValues(values);
    }

    /// <summary>Sets buffer values laid out as in <see cref="SynapseGroupProgram.Values"/> (connection order).</summary>
    public void SetValues(IReadOnlyDictionary<string, double[]> values)
    {
        foreach (var (name, v) in values)
        {
            if (_uniform.ContainsKey(name)) _uniform[name] = v[0];
            else TorchContext.CopyInto(_stateRows[_rowOf[name]], v);
        }
    }

    /// <summary>Buffer <paramref name="name"/> in connection order (one value for a uniform buffer).</summary>
    public double[] Read(string name)
    {
        if (_uniform.TryGetValue(name, out var u)) return [u];
        using var row = _stateRows[_rowOf[name]].clone();
        return TorchContext.ToHost(row);
    }

    /// <summary>Sets the delays (steps, connection order) and their axonal and dendritic parts.</summary>
    public void SetDelays(double[] specOrderSteps)
    {
        _axonal = new int[_count];
        _dendritic = new int[_count];
        for (int k = 0; k < _count; k++)
        {
            int d = (int)specOrderSteps[k];
            _axonal[k] = Spec.AxonalSteps(d);
            _dendritic[k] = d - _axonal[k];
        }
        _axonalValues = _axonal.Distinct().Order().ToArray();
        _dendriticValues = _dendritic.Distinct().Order().ToArray();
        Masks(_axonalIs, _axonal, _axonalValues);
        Masks(_dendriticIs, _dendritic, _dendriticValues);
        _target0?.Dispose();
        _target0 = null;
        if (_dendriticValues.Length > 1)
        {
            var target0 = new long[_count];
            for (int k = 0; k < _count; k++) target0[k] = _dendritic[k] * _slotSize + _postFlat[k];
            _target0 = _ctx.Indices(target0);
        }
    }

    /// <summary>Where there are several values, a bool tensor per value: the synapses having it.</summary>
    private void Masks(Dictionary<int, Tensor> masks, int[] parts, int[] values)
    {
        foreach (var t in masks.Values) t.Dispose();
        masks.Clear();
        if (values.Length < 2) return;
        foreach (int v in values)
        {
            using var host = torch.tensor(parts.Select(p => p == v).ToArray(), ScalarType.Bool);
            masks[v] = TorchContext.Keep(host.to(_ctx.Device, copy: true));
        }
    }

    /// <summary>Runs the pre events of step <paramref name="s"/>, from the pre unit's spikes.</summary>
    public void PreEvents(long s, SpikeHistory pre) => Events(s, post: false, pre);

    /// <summary>Runs the post events of step <paramref name="s"/>, from the post group's spikes.</summary>
    public void PostEvents(long s, SpikeHistory post) => Events(s, post: true, post);

    private void Events(long s, bool post, SpikeHistory history)
    {
        var plan = post ? _postPlan : _prePlan;
        if (plan.IsEmpty || _count == 0) return;
        var values = post ? _dendriticValues : _axonalValues;
        var cells = post ? _postCells : _preCells;
        var only = post ? _dendriticIs : _axonalIs;
        foreach (int d in values)
        {
            var (counts, most) = history.At(s - d);
            if (counts is null) continue;
            // Amounts from several passes (a cell emitted more than once) or several Transmit statements are added at the end,
            // in the CPU's order: by pre cell and emission, then synapse, then statement.
            bool defer = !post && plan.Transmits > 0 && (most > 1 || plan.Transmits > 1);
            using var outer = defer ? torch.NewDisposeScope() : null;
            _deferred = defer ? [] : null;
            _most = most;
            for (int pass = 0; pass < most; pass++)
            {
                using var scope = defer ? null : torch.NewDisposeScope();
                var taking = counts.index_select(0, cells);
                if (pass > 0)
                {
                    using Scalar before = pass;
                    taking = taking.gt(before);
                }
                if (only.TryGetValue(d, out var mask)) taking = taking.logical_and(mask);
                var ids = taking.nonzero().view(-1);
                if (ids.shape[0] == 0) continue;
                _pass = pass;
                Run(post ? _postFrame : _preFrame, ids, s, post);
            }
            if (_deferred is { Count: > 0 }) AddDeferred();
            _deferred = null;
        }
    }

    /// <summary>Evaluates an event's statements for the synapses <paramref name="ids"/> (ascending).</summary>
    private void Run(Frame frame, Tensor ids, long s, bool post)
    {
        var plan = frame.Plan;
        var regs = frame.Registers;
        int m = (int)ids.shape[0];
        _ids = ids;
        _all = m == _count;
        _step = s;
        _targets = null;
        _slotTargetView = null;
        var buffers = Kernel.Buffers;
        bool gathers = false;
        for (int b = 0; b < buffers.Count; b++) gathers |= !_uniform.ContainsKey(buffers[b].Name) && plan.UsedBoundRegisters.Contains(b);
        var gathered = _all || !gathers ? null : _state!.index_select(1, ids);
        var rows = gathered is null ? _stateRows : gathered.unbind(0);
        for (int b = 0; b < buffers.Count; b++)
        {
            string name = buffers[b].Name;
            if (_uniform.TryGetValue(name, out var u)) regs[b] = TValue.Of(u);
            else if (!plan.UsedBoundRegisters.Contains(b)) regs[b] = TValue.Of(0);
            else regs[b] = TValue.Borrowed(rows[_rowOf[name]]);
        }
        regs[plan.Timestep] = TValue.Of(_dt);
        regs[plan.Time] = TValue.Of(s * _dt, transient: true);
        if (plan.Draws > 0)
        {
            var draws = Draws(ids, plan.Draws, (ulong)(2 * s + (post ? 1 : 0)));
            for (int n = 0; n < plan.Draws; n++) regs[plan.FirstDraw + n] = TValue.Borrowed(draws[n]);
        }
        plan.Run(frame);
        // The rows of the gathered tensor hold the stored states (a Store writes into its buffer's tensor).
        if (gathered is not null && plan.StoredRegisters.Count > 0) _state!.index_copy_(1, ids, gathered);
        Array.Fill(regs, default);
        _arithmetic.Constants.ReleaseTransients();
        _ids = null;
    }

    /// <summary>
    /// Draw n of the synapses <paramref name="ids"/> at element <paramref name="counter"/> of their streams, as rows of a
    /// [draws, synapses] tensor of the engine's type (float32 rounds each float64 draw once). Few draws are computed on the
    /// host by <see cref="Philox.Uniform"/> itself (the ids are read back, and the draws uploaded: cheaper than the hundred
    /// tensor operations of <see cref="TensorPhilox"/>), many by TensorPhilox; both give the same numbers bit for bit.
    /// </summary>
    private Tensor Draws(Tensor ids, int count, ulong counter)
    {
        long m = ids.shape[0];
        Tensor draws;
        if (m * count <= HostDrawLimit)
        {
            var host = new double[m * count];
            var k = TorchContext.ToHostInt64(ids);
            for (int n = 0; n < count; n++)
                for (int j = 0; j < m; j++) host[n * m + j] = Philox.Uniform(_seed, RandomStreams.SynapseDraw(Spec.Index, (int)k[j], n), counter);
            draws = torch.tensor(host, ScalarType.Float64, _ctx.Device).view(count, m);
        }
        else
        {
            var first = _all ? _streamBase : _streamBase.index_select(0, ids);
            var streams = torch.stack(Enumerable.Range(0, count).Select(n =>
            {
                using Scalar offset = (long)n;
                return first.Plus(offset);
            }).ToArray());
            draws = TensorPhilox.Uniform(_seed, counter, streams);
        }
        return draws.dtype == _ctx.DType ? draws : draws.to_type(_ctx.DType);
    }

    /// <summary>The number of draws per event up to which they are computed on the host.</summary>
    private const long HostDrawLimit = 1 << 14;

    /// <summary>Adds the amounts of the synapses taking the pre event into their post cells' ring slots of arrival.</summary>
    private void Transmit(TValue value, int ordinal)
    {
        var ids = _ids!;
        long m = ids.shape[0];
        var amounts = value.IsConstant ? torch.full(m, value.Constant, _ctx.DType, _ctx.Device)
            : value.Tensor!.shape.Length == 1 && value.Tensor.shape[0] == m ? value.Tensor : value.Tensor.expand(m);
        if (_deferred is not null)
        {
            // Flat ring positions, the amounts as they are now (later statements may change their tensor in place), and
            // the order keys: pre cell and pass, then synapse and statement.
            var flat = _target0 is null ? (_all ? _postFlatTensor : _postFlatTensor.index_select(0, ids)) : Targets(ids);
            if (_target0 is null)
            {
                using Scalar offset = (_step + _dendriticValues[0]) % _slots * _slotSize;
                flat = flat.Plus(offset);
            }
            using Scalar most = (long)_most, pass = (long)_pass, transmits = (long)_prePlan.Transmits, statement = (long)ordinal;
            var primary = (_all ? _preCells : _preCells.index_select(0, ids)).mul(most).Plus(pass);
            var secondary = ids.mul(transmits).Plus(statement);
            _deferred.Add((flat, amounts.clone(), primary, secondary));
            return;
        }
        if (_target0 is null)
        {
            // One dendritic delay: one ring slot.
            _targets ??= _all ? _postFlatTensor : _postFlatTensor.index_select(0, ids);
            _slotTargetView ??= _post.SlotView((int)((_step + _dendriticValues[0]) % _slots));
            _slotTargetView.index_add_(0, _targets, amounts, _one);
        }
        else _ringFlat.index_add_(0, Targets(ids), amounts, _one);
    }

    /// <summary>The flat ring positions of arrival of the synapses <paramref name="ids"/> (several dendritic delays), made once per event.</summary>
    private Tensor Targets(Tensor ids)
    {
        if (_targets is null)
        {
            _targets = _all ? _target0!.clone() : _target0!.index_select(0, ids);
            using (Scalar offset = _step % _slots * _slotSize) _targets.Plus_(offset);
            _targets.remainder_(_ringLength);
        }
        return _targets;
    }

    /// <summary>Adds the deferred amounts of one delay part's passes in the CPU's order (two stable sorts).</summary>
    private void AddDeferred()
    {
        var parts = _deferred!;
        var flat = torch.cat(parts.Select(p => p.Flat).ToArray());
        var amounts = torch.cat(parts.Select(p => p.Amounts).ToArray());
        var primary = torch.cat(parts.Select(p => p.Primary).ToArray());
        var secondary = torch.cat(parts.Select(p => p.Secondary).ToArray());
        var (_, bySecondary) = secondary.sort(stable: true);
        var (_, byPrimary) = primary.index_select(0, bySecondary).sort(stable: true);
        var order = bySecondary.index_select(0, byPrimary);
        _ringFlat.index_add_(0, flat.index_select(0, order), amounts.index_select(0, order), _one);
    }

    public void Dispose()
    {
        foreach (var t in _stateRows) t.Dispose();
        _state?.Dispose();
        foreach (var t in _axonalIs.Values) t.Dispose();
        foreach (var t in _dendriticIs.Values) t.Dispose();
        _target0?.Dispose();
        _preCells.Dispose();
        _postCells.Dispose();
        _postFlatTensor.Dispose();
        _ringFlat.Dispose();
        _streamBase.Dispose();
        _one.Dispose();
        _ringLength.Dispose();
    }

    /// <summary>The registers of one event's plan, and the way to the ring.</summary>
    private sealed class Frame(PlasticProjection owner, SynapsePlan plan, TensorArithmetic arithmetic) : ISynapseFrame
    {
        public SynapsePlan Plan => plan;
        public TValue[] Registers { get; } = new TValue[plan.RegisterCount];
        public TensorArithmetic Arithmetic => arithmetic;
        public void Transmit(TValue value, int ordinal) => owner.Transmit(value, ordinal);
    }
}
