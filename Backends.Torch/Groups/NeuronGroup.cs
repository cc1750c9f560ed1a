using Meta.Backends.Programs;
using Meta.Backends.Torch.Delivery;
using Meta.Backends.Torch.Expressions;
using Meta.Backends.Torch.Kernels;
using Meta.Backends.Torch.Sources;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Groups;

/// <summary>
/// Consecutive neuron populations whose kernels have the same structure and the same uniform values, simulated as one set
/// of tensors: one element per cell for each state, the refractory counters, the injected current, and the delay ring
/// (slot, receptor, cell). Each step the plan of the populations' kernel runs over the whole group (over each
/// <see cref="Segment"/> when updates gave populations different kernels or values), then this step's ring slot is cleared.
/// </summary>
internal sealed class NeuronGroup : ISpikeUnit
{
    private readonly TorchContext _ctx;
    private readonly TensorArithmetic _arithmetic;
    private readonly double _dt;
    private readonly ulong _seed;
    private readonly GroupMember[] _members;
    private readonly Dictionary<string, Tensor> _states = new(StringComparer.Ordinal);
    private readonly Tensor _ring;
    private readonly Tensor[] _slotViews;
    private readonly double[] _injectedHost;
    private Tensor? _injectedStaging;
    private bool _injectionChanged;
    private Segment[] _segments = [];

    public NeuronGroup(IReadOnlyList<NeuronGroupProgram> programs, int slots, double dt, ulong seed, TorchContext ctx, TensorArithmetic arithmetic,
        Action<bool> countKernel)
    {
        _ctx = ctx;
        _arithmetic = arithmetic;
        _dt = dt;
        _seed = seed;
        int offset = 0;
        _members = programs.Select(p => { var m = new GroupMember(p, offset); offset += p.Size; return m; }).ToArray();
        Size = offset;
        Slots = slots;
        Populations = programs.Select(p => p.Index).ToArray();
        PopulationOffsets = _members.Select(m => m.Offset).ToArray();
        foreach (var name in programs[0].States) _states[name] = ctx.Values(programs.SelectMany(p => p.Values[name]).ToArray());
        Refractory = TorchContext.Keep(torch.zeros(Size, ScalarType.Int32, ctx.Device));
        InjectedTensor = TorchContext.Keep(torch.zeros(Size, ctx.DType, ctx.Device));
        _injectedHost = new double[Size];
        int receptors = programs[0].Receptors.Count;
        _ring = TorchContext.Keep(torch.zeros(slots, Math.Max(1, receptors) * (long)Size, ctx.DType, ctx.Device));
        _slotViews = Enumerable.Range(0, slots).Select(s => TorchContext.Keep(_ring.select(0, s))).ToArray();
        foreach (var m in _members)
        {
            _ = KernelPlans.Get(m.Kernel, out bool compiled);
            countKernel(compiled);
        }
        Segment();
    }

    public int Size { get; }
    public int Slots { get; }
    public IReadOnlyList<int> Populations { get; }
    public int[] PopulationOffsets { get; }
    public List<SynapseTable> Outgoing { get; } = [];
    /// <summary>Remaining refractory steps per cell (int32).</summary>
    public Tensor Refractory { get; }
    /// <summary>The injected current per cell.</summary>
    public Tensor InjectedTensor { get; }
    /// <summary>The flat delay ring: slot s, receptor r, cell j at <c>[s, r·Size + j]</c>.</summary>
    public Tensor Ring => _ring;
    /// <summary>The cells that spiked in the last step (bool, valid until the step's dispose scope ends), or null.</summary>
    public Tensor? Spiked { get; private set; }

    /// <summary>Slot <paramref name="slot"/> of the ring as a flat view (receptor·size + cell).</summary>
    public Tensor SlotView(int slot) => _slotViews[slot];

    /// <summary>The kernel population <paramref name="member"/> runs now.</summary>
    public CellKernel Kernel(int member) => _members[member].Kernel;

    /// <summary>The tensor of state <paramref name="name"/>.</summary>
    public Tensor State(string name) => _states.TryGetValue(name, out var t) ? t
        : throw new NonExistentParameterException(name, _members[0].Program.ModelName, _states.Keys);

    /// <summary>The values of state <paramref name="name"/> of population <paramref name="member"/>'s cells, copied to the host as doubles.</summary>
    public double[] ReadState(int member, string name)
    {
        var m = _members[member];
        using var part = State(name).narrow(0, m.Offset, m.Size).to_type(ScalarType.Float64).cpu();
        return part.data<double>().ToArray();
    }

    /// <summary>The cells that spiked at the end of the last step (time index s &gt; 0), or null.</summary>
    public Tensor? Emit(long s)
    {
        if (s == 0 || Spiked is null) return null;
        // The kernel's list of the spiking cells when it made one (one segment, CPU device), else the mask's.
        var cells = (_segments.Length == 1 ? _arithmetic.Sparse?.Known(Spiked) : null) ?? Spiked.nonzero().view(-1);
        if (cells.shape[0] > 0) return cells;
        cells.Dispose();
        return null;
    }

    /// <summary>Forgets the last step's spikes (their tensor belonged to that step's dispose scope).</summary>
    public void ClearSpiked() => Spiked = null;

    /// <summary>
    /// Advances every cell by step <paramref name="k"/>. Call inside the step's dispose scope: the step's temporaries, the
    /// spike mask and draws included, belong to it.
    /// </summary>
    public void Step(long k)
    {
        if (_injectionChanged) UploadInjected();
        int slot = (int)(k % Slots);
        foreach (var s in _segments) s.Step(k, slot);
        Spiked = _segments.Length == 1 ? AsMask(_segments[0]) : torch.cat(_segments.Select(s => AsMask(s) ?? torch.zeros(s.Size, ScalarType.Bool, _ctx.Device)).ToArray(), 0);
        _slotViews[slot].zero_();
        _arithmetic.Constants.ReleaseTransients();
    }

    private Tensor? AsMask(Segment s) =>
        !s.Spiked.IsConstant ? s.Spiked.Tensor : s.Spiked.Constant == 0 ? null : torch.ones(s.Size, ScalarType.Bool, _ctx.Device);

    /// <summary>Population <paramref name="member"/>'s injected currents (nA per cell), uploaded before the next step.</summary>
    public void SetInjected(int member, double[] values, bool targeted)
    {
        var m = _members[member];
        values.CopyTo(_injectedHost, m.Offset);
        _injectionChanged = true;
        if (m.Injected == targeted) return;
        m.Injected = targeted;
        foreach (var s in _segments) s.BindInjection();
    }

    /// <summary>Uploads the injected currents set since the last upload now (the couplings then write their populations' slices).</summary>
    public void FlushInjected()
    {
        if (_injectionChanged) UploadInjected();
    }

    /// <summary>
    /// Uploads the host's injected currents through a host tensor kept for the purpose (AC and noise sources change them
    /// every step; no tensor is created per upload).
    /// </summary>
    private void UploadInjected()
    {
        _injectedStaging ??= TorchContext.Keep(torch.zeros(Size, ScalarType.Float64));
        using (var accessor = _injectedStaging.data<double>()) accessor.CopyFrom(_injectedHost);
        InjectedTensor.copy_(_injectedStaging);
        _injectionChanged = false;
    }

    /// <summary>New buffer values of population <paramref name="member"/>, and its new kernel when given.</summary>
    public void Update(int member, CellKernel? kernel, IReadOnlyDictionary<string, double[]> values, Action<bool> countKernel)
    {
        var m = _members[member];
        if (kernel is not null)
        {
            if (!kernel.Buffers.Where(b => b.Role == BufferRole.State).Select(b => b.Name).All(_states.ContainsKey))
                throw new ArgumentException($"The new kernel of '{m.Program.Label}' has states the group does not have.", nameof(kernel));
            _ = KernelPlans.Get(kernel, out bool compiled);
            countKernel(compiled);
            m.SetKernel(kernel);
        }
        m.SetValues(values);
        Segment();
    }

    /// <summary>States from <paramref name="initial"/> per population; refractory counters and the delay ring cleared.</summary>
    public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initial)
    {
        foreach (var (name, tensor) in _states)
        {
            var values = new double[Size];
            for (int m = 0; m < _members.Length; m++) initial[m][name].CopyTo(values, _members[m].Offset);
            TorchContext.CopyInto(tensor, values);
        }
        Refractory.zero_();
        _ring.zero_();
        Spiked = null;
    }

    /// <summary>Splits the populations into runs that one plan with the same uniform values serves.</summary>
    private void Segment()
    {
        foreach (var s in _segments) s.Dispose();
        var segments = new List<Segment>();
        for (int first = 0; first < _members.Length;)
        {
            int end = first + 1;
            while (end < _members.Length && _members[end].RunsLike(_members[first])) end++;
            var plan = KernelPlans.Get(_members[first].Kernel, out _);
            segments.Add(new Segment(this, _members[first..end], plan, _arithmetic, _dt, _seed, _ctx));
            first = end;
        }
        _segments = segments.ToArray();
    }

    public void Dispose()
    {
        foreach (var s in _segments) s.Dispose();
        _injectedStaging?.Dispose();
        foreach (var t in _slotViews) t.Dispose();
        _ring.Dispose();
        InjectedTensor.Dispose();
        Refractory.Dispose();
        foreach (var t in _states.Values) t.Dispose();
    }
}
