using ILGPU;
using ILGPU.Runtime;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// One projection on the device in compressed sparse row form by presynaptic cell: for pre cell i, synapses
/// <c>RowStart[i] .. RowStart[i+1]</c> hold post index, weight and delay (steps), in the order of the specification.
/// A host copy of the weights and delays takes updates between runs.
/// </summary>
internal sealed class SynapseTable<T> : IDisposable where T : unmanaged
{
    private readonly EngineContext<T> _ctx;
    private readonly double[] _weight;
    private readonly int[] _delay;
    private readonly int[] _specToRow;
    private readonly DeviceArray<int> _rowStart, _post, _delayDevice;
    private readonly DeviceArray<T> _weightDevice;
    private readonly Action<KernelConfig, DeliveryArgs<T>> _kernel;

    private readonly DeviceArray<double>? _rateDevice;
    private readonly double _sharedRate;
    private readonly bool _ratePerCell;
    private readonly Action<KernelConfig, OffGridArgs<T>>? _offGridKernel;

    /// <summary>
    /// The table of <paramref name="spec"/>; with <see cref="SynapseGroupProgram.OffGrid"/>, also the off-grid part of exact
    /// delivery into the target's second ring, by <paramref name="offGridKernel"/>.
    /// </summary>
    public SynapseTable(SynapseGroupProgram spec, int preSize, NeuronGroup<T> target, int receptor, EngineContext<T> ctx,
        Action<KernelConfig, DeliveryArgs<T>> kernel, Action<KernelConfig, OffGridArgs<T>> offGridKernel) : this(spec, preSize, target, receptor, ctx, kernel)
    {
        if (spec.OffGrid is not { } offGrid) return;
        _offGridKernel = offGridKernel;
        if (spec.Count > 0 && spec.PostIndices.Max() >= offGrid.CellRates.Count)
            throw new ArgumentException($"Projection '{spec.Label}' has {offGrid.CellRates.Count} off-grid decay rates but a post index {spec.PostIndices.Max()}.", nameof(spec));
        // Per post cell (read at each synapse's post index), or one value.
        _ratePerCell = offGrid.CellRates is not RepeatedValue<double>;
        if (offGrid.CellRates is RepeatedValue<double> r) (_sharedRate, _rateDevice) = (r.Value, ctx.Allocate<double>(1));
        else _rateDevice = ctx.Upload(offGrid.CellRates as double[] ?? offGrid.CellRates.ToArray());
    }

    private SynapseTable(SynapseGroupProgram spec, int preSize, NeuronGroup<T> target, int receptor, EngineContext<T> ctx,
        Action<KernelConfig, DeliveryArgs<T>> kernel)
    {
        Spec = spec;
        Target = target;
        Receptor = receptor;
        PreSize = preSize;
        _ctx = ctx;
        _kernel = kernel;
        var rows = new ConnectionRows(spec.PreIndices, preSize);
        _specToRow = rows.PositionOf;
        _weight = rows.ByPosition(spec.Weights);
        _delay = rows.ByPosition(spec.DelaySteps);
        _rowStart = ctx.Upload(rows.Start);
        _post = ctx.Upload(rows.ByPosition(spec.PostIndices));
        _delayDevice = ctx.Upload(_delay);
        _weightDevice = ctx.Upload(Num<T>.Array(_weight));
    }

    public SynapseGroupProgram Spec { get; }
    public NeuronGroup<T> Target { get; }
    public int Receptor { get; }
    public int PreSize { get; }

    /// <summary>
    /// Queues the synapses of the cells in <paramref name="spikes"/>, which spiked at index <paramref name="s"/>:
    /// <paramref name="hostCount"/> of them, or (when negative) as many as the device counter <c>count[parity]</c> says.
    /// </summary>
    public void Deliver(ArrayView<int> spikes, ArrayView<int> count, int parity, int hostCount, long s)
    {
        if (Spec.Count == 0) return;
        _kernel(Launch(hostCount), Args(spikes, count, parity, hostCount, s));
    }

    /// <summary>
    /// Queues the synapses of the spikes as <see cref="Deliver"/> does and, in the same pass, the off-grid part of exact
    /// delivery, the spikes' offsets from the grid being <paramref name="offsets"/> (by spike position, or by cell with
    /// <paramref name="byCell"/>). A table without exact delivery just delivers.
    /// </summary>
    public void DeliverOffGrid(ArrayView<int> spikes, ArrayView<int> count, int parity, int hostCount, long s, ArrayView<T> offsets, bool byCell)
    {
        if (_offGridKernel is null || _rateDevice is null || Spec.OffGrid is not { } offGrid)
        {
            Deliver(spikes, count, parity, hostCount, s);
            return;
        }
        if (Spec.Count == 0) return;
        var args = new OffGridArgs<T>
        {
            Delivery = Args(spikes, count, parity, hostCount, s),
            Offsets = offsets,
            OffsetByCell = byCell ? 1 : 0,
            Rate = _rateDevice.View,
            RatePerCell = _ratePerCell ? 1 : 0,
            SharedRate = _sharedRate,
            SecondRing = Target.Ring(offGrid.Ring),
        };
        _offGridKernel(Launch(hostCount), args);
    }

    /// <summary>The arguments of plain delivery, which off-grid delivery holds too.</summary>
    private DeliveryArgs<T> Args(ArrayView<int> spikes, ArrayView<int> count, int parity, int hostCount, long s) => new()
    {
        Spikes = spikes,
        Count = count,
        Parity = parity,
        HostCount = hostCount,
        RowStart = _rowStart.View,
        Post = _post.View,
        Delay = _delayDevice.View,
        Weight = _weightDevice.View,
        Ring = Target.Ring(Receptor),
        PostSize = Target.Size,
        Slots = _ctx.Slots,
        Now = (int)(s % _ctx.Slots),
    };

    /// <summary>One group per spike: as many as the host knows, or the whole population when the device counts.</summary>
    private KernelConfig Launch(int hostCount) => _ctx.PerSpike(hostCount >= 0 ? hostCount : PreSize);

    public void SetWeights(double[] specOrder)
    {
        for (int k = 0; k < specOrder.Length; k++) _weight[_specToRow[k]] = specOrder[k];
        _weightDevice.Upload(_ctx.Accelerator, Num<T>.Array(_weight));
    }

    public void SetDelays(double[] specOrderSteps)
    {
        for (int k = 0; k < specOrderSteps.Length; k++) _delay[_specToRow[k]] = (int)specOrderSteps[k];
        _delayDevice.Upload(_ctx.Accelerator, _delay);
    }

    public void Dispose()
    {
        _rowStart.Dispose();
        _post.Dispose();
        _delayDevice.Dispose();
        _weightDevice.Dispose();
        _rateDevice?.Dispose();
    }
}
