using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Backends.Cpu;

/// <summary>
/// One static projection in compressed sparse row form by presynaptic cell: for pre cell i, synapses
/// <c>RowStart[i] .. RowStart[i+1]</c> hold a post index, a weight and a delay (steps). A weight or delay that is the same
/// for every synapse of the projection is stored once, so a projection with one weight and one delay costs 4 bytes per
/// synapse (the post index); otherwise a weight (8 bytes, 4 in float32) and 4 bytes per delay are added. Synapses are added
/// to the ring in row order whatever the layout, so results do not depend on it. <typeparamref name="T"/> is the engine's
/// number type (double, or float in float32, where weights are rounded once to float32).
/// </summary>
internal sealed class SynapseTable<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _preSize;
    private readonly int[] _rowStart;
    private readonly int[] _post;
    private T[]? _weights;
    private T _weight;
    private int[]? _delays;
    private int _delay;

    private readonly InputRing<T>? _offGridRing;
    private readonly double[]? _rates;
    private readonly double _rate;

    /// <param name="spec">The projection.</param>
    /// <param name="preSize">The pre group's size.</param>
    /// <param name="target">The receptor's ring.</param>
    /// <param name="offGridRing">The second ring of exact off-grid delivery (<see cref="SynapseGroupProgram.OffGrid"/>), or null.</param>
    public SynapseTable(SynapseGroupProgram spec, int preSize, InputRing<T> target, InputRing<T>? offGridRing = null) : this(spec, preSize, target)
    {
        if (spec.OffGrid is not { } offGrid) return;
        _offGridRing = offGridRing ?? throw new ArgumentNullException(nameof(offGridRing), $"Projection '{spec.Label}' delivers off-grid spikes exactly and needs its second ring.");
        if (_post.Length > 0 && _post.Max() >= offGrid.CellRates.Count)
            throw new ArgumentException($"Projection '{spec.Label}' has {offGrid.CellRates.Count} off-grid decay rates but a post index {_post.Max()}.", nameof(spec));
        // Per post cell, read at each synapse's post index: the step program's own array (or one value), not a copy.
        if (offGrid.CellRates is RepeatedValue<double> r) _rate = r.Value;
        else _rates = offGrid.CellRates as double[] ?? offGrid.CellRates.ToArray();
    }

    private SynapseTable(SynapseGroupProgram spec, int preSize, InputRing<T> target)
    {
        Spec = spec;
        Target = target;
        _preSize = preSize;
        // A part the host made in row order with its row starts (SynapseGroupProgram.RowStarts) is the table's layout as it is:
        // its row starts and post indices are shared, and its pre indices never read (nor made). Otherwise every array is laid
        // out by row straight from the row starts (ConnectionRows.ByRow), without the connections' positions (4 bytes a
        // synapse while the table is built); connections already in row order (sorted by pre, as connectors that draw row by
        // row make them) share the step program's post indices instead of copying them (4 bytes a synapse). The table never
        // writes the arrays it shares.
        var rowStarts = spec.RowStarts;
        bool inRowOrder = InRowOrder(spec);
        if (rowStarts is not null) ConnectionRows.CheckStarts(rowStarts, preSize, spec.PostIndices.Length, spec.Label);
        _rowStart = rowStarts ?? ConnectionRows.Starts(spec.PreIndices, preSize);
        _post = inRowOrder ? spec.PostIndices : ConnectionRows.ByRow(spec.PreIndices, _rowStart, spec.PostIndices);
        // Noted now: the program's arrays may be released once the engine is loaded (SynapseGroupProgram.ReleaseConnections).
        SharesProgramArrays = inRowOrder;
        SharesRowStarts = rowStarts is not null;
        foreach (int post in _post)
            if ((uint)post >= (uint)target.Cells) throw new ArgumentException($"Projection '{spec.Label}' has a post index {post} outside its target ({target.Cells} cells).", nameof(spec));
        SetWeights(spec.Weights, inRowOrder);
        SetDelays(spec.DelaySteps, inRowOrder);
        PrefetchesRing = (long)target.Cells * Unsafe.SizeOf<T>() >= RingPrefetchMinSlotBytes;
    }

    public SynapseGroupProgram Spec { get; }
    public InputRing<T> Target { get; }

    /// <summary>The number of synapses.</summary>
    public long Count => _post.Length;

    /// <summary>
    /// The bytes of the table's arrays (row starts, post indices, weights and delays where they vary, and the post cells'
    /// decay rates of exact off-grid delivery where they vary: 8 bytes a post cell, shared with the step program).
    /// </summary>
    public long Bytes => 4L * (_rowStart.Length + _post.Length + (_delays?.Length ?? 0)) + (long)Unsafe.SizeOf<T>() * (_weights?.Length ?? 0)
        + 8L * (_rates?.Length ?? 0);

    /// <summary>
    /// Whether the table's post indices are the step program's own array (connections already in row order), not a copy; with
    /// the part's <see cref="SynapseGroupProgram.RowStarts"/>, its row starts are the program's too.
    /// </summary>
    public bool SharesProgramArrays { get; }

    /// <summary>Whether the table's row starts are the part's own (<see cref="SynapseGroupProgram.RowStarts"/>), so its pre indices were never read.</summary>
    public bool SharesRowStarts { get; }

    /// <summary>Whether one weight serves every synapse.</summary>
    public bool SharedWeight => _weights is null;

    /// <summary>Whether one delay serves every synapse.</summary>
    public bool SharedDelay => _delays is null;

    /// <summary>
    /// Queues the synapses of pre cell <paramref name="pre"/>, which spiked at time index <paramref name="s"/> with offset
    /// <paramref name="offset"/> from the grid (ms, ≤ 0; 0 on the grid): each weight into the receptor's ring and, in the same
    /// pass, with exact off-grid delivery and an offset ≠ 0, <see cref="OffGridDelivery.Part"/> into the second ring at the
    /// same slot (docs/semantics.md, "Exact delivery"). Compiled optimised at its first call, as <see cref="DeliverAll"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Deliver(int pre, long s, double offset = 0)
    {
        if (offset != 0 && _offGridRing is not null)
        {
            DeliverWithOffset(pre, s, offset);
            return;
        }
        int cells = Target.Cells, slots = Target.Slots, now = (int)(s % slots);
        int begin = _rowStart[pre], end = _rowStart[pre + 1];
        // Post indices were checked against the ring at construction, and slots are taken modulo the ring's length.
        ref T ring = ref MemoryMarshal.GetArrayDataReference(Target.Buffer);
        ref int post = ref MemoryMarshal.GetArrayDataReference(_post);
        if (_delays is null)
        {
            int slot = now + _delay;
            if (slot >= slots) slot -= slots;
            ref T row = ref Unsafe.Add(ref ring, slot * cells);
            if (_weights is null)
            {
                T w = _weight;
                for (int k = begin; k < end; k++) Unsafe.Add(ref row, Unsafe.Add(ref post, k)) += w;
            }
            else
            {
                ref T weight = ref MemoryMarshal.GetArrayDataReference(_weights);
                for (int k = begin; k < end; k++) Unsafe.Add(ref row, Unsafe.Add(ref post, k)) += Unsafe.Add(ref weight, k);
            }
            return;
        }
        var delays = _delays;
        for (int k = begin; k < end; k++)
        {
            int slot = now + delays[k];
            if (slot >= slots) slot -= slots;
            Unsafe.Add(ref ring, slot * cells + Unsafe.Add(ref post, k)) += _weights is null ? _weight : _weights[k];
        }
    }

    /// <summary>
    /// Queues the synapses of every cell in <paramref name="cells"/>, which spiked on the grid at time index
    /// <paramref name="s"/>: <see cref="Deliver"/> cell after cell, in list order, so every ring slot receives the same adds
    /// in the same order (the same sums, bit for bit). On x86 it asks for the memory ahead of the adds: the post indices of
    /// the row <see cref="RowsAhead"/> cells on, and the ring elements that the synapses <see cref="TargetsAhead"/> cells on
    /// add into (only with one delay for the projection: with a delay per synapse the target's slot is read from the delays,
    /// whose lines nobody asked for, so those cells' adds go unprefetched; and only for ring slots of at least
    /// <see cref="RingPrefetchMinSlotBytes"/>, <see cref="PrefetchesRing"/>). Without that, a step's few thousand adds land on
    /// lines of a ring slot last touched several steps before (evicted since by the neuron update's streams), and each add
    /// waits for its line.
    /// <para>
    /// Compiled optimised at its first call (<see cref="MethodImplOptions.AggressiveOptimization"/>), its prefetches inlined:
    /// a step lists only tens of spikes, so its loop rarely runs long enough in one call for on-stack replacement, and profiles
    /// of 2 s COBA 40k runs found this method's helpers still running their unoptimised first code (tier 0) at the end, 0.15 s
    /// of CPU in one process and 0.31 s on one rank under mpirun (docs/benchmarks.md, "Where a rank's time went").
    /// </para>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void DeliverAll(ReadOnlySpan<int> cells, long s)
    {
        if (!Sse.IsSupported || cells.Length == 1)
        {
            foreach (int pre in cells) Deliver(pre, s);
            return;
        }
        int now = (int)(s % Target.Slots);
        // Targets are prefetched only where their slot is known without reading memory nobody prefetched (one delay).
        int targetsAhead = _delays is null && PrefetchesRing ? TargetsAhead : 0;
        // Pinned for the prefetches' addresses; the adds themselves are Deliver's.
        fixed (T* ring = Target.Buffer)
        fixed (int* post = _post)
        {
            for (int q = 0; q < Math.Min(RowsAhead, cells.Length); q++) PrefetchRow(post, cells[q]);
            for (int q = 0; q < Math.Min(targetsAhead, cells.Length); q++) PrefetchTargets(ring, post, cells[q], now);
            for (int q = 0; q < cells.Length; q++)
            {
                if (q + RowsAhead < cells.Length) PrefetchRow(post, cells[q + RowsAhead]);
                if (targetsAhead > 0 && q + targetsAhead < cells.Length) PrefetchTargets(ring, post, cells[q + targetsAhead], now);
                Deliver(cells[q], s);
            }
        }
    }

    /// <summary>
    /// How many cells ahead of the adds <see cref="DeliverAll"/> prefetches a row's post indices. Like
    /// <see cref="TargetsAhead"/>, counted in cells, not synapses: tuned on rows of ~80 synapses (COBA 40k), so a row of
    /// thousands asks for many more lines ahead of its adds than the tuning saw.
    /// </summary>
    internal const int RowsAhead = 4;

    /// <summary>
    /// How many cells ahead of the adds <see cref="DeliverAll"/> prefetches the ring elements of a row (whose post indices were
    /// asked for <see cref="RowsAhead"/> − this many cells earlier), with one delay for the projection. Chosen on COBA 40k
    /// float32 (3.21 M synapses, ~80 a row, one weight and one delay; docs/benchmarks.md, issue 16 "Prefetched delivery"):
    /// 4 and 2 were faster than 2 and 1 in three interleaved rounds.
    /// </summary>
    internal const int TargetsAhead = 2;

    /// <summary>
    /// The size of one ring slot (the target's cells × the number type's bytes) from which <see cref="DeliverAll"/> prefetches
    /// ring elements. COBA, one thread, alternated with and without (docs/benchmarks.md, "Per-step paths compiled optimized
    /// at once"): with slots of 256 KB (40k, float64) and 128 KB (40k, float32) the prefetches cost 5–8 % of the simulation's
    /// CPU time, a slot that fits in the caches needs none; with 1 MB slots (160k, float64) they saved ~5 %.
    /// </summary>
    internal const long RingPrefetchMinSlotBytes = 512 * 1024;

    /// <summary>
    /// Whether <see cref="DeliverAll"/> prefetches the ring elements ahead of the adds (with one delay for the projection):
    /// set at construction for a ring slot of at least <see cref="RingPrefetchMinSlotBytes"/>; tests may force either way.
    /// Only hints change, never the adds.
    /// </summary>
    internal bool PrefetchesRing { get; set; }

    /// <summary>Prefetches the post indices of pre cell <paramref name="pre"/>'s row, one request per cache line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private unsafe void PrefetchRow(int* post, int pre)
    {
        int begin = _rowStart[pre], end = _rowStart[pre + 1];
        if (begin == end) return;
        for (int k = begin; k < end; k += 64 / sizeof(int)) Sse.Prefetch0(post + k);
        Sse.Prefetch0(post + end - 1);
    }

    /// <summary>Prefetches the ring elements that pre cell <paramref name="pre"/>'s synapses add into at ring slot <paramref name="now"/> + the projection's one delay.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private unsafe void PrefetchTargets(T* ring, int* post, int pre, int now)
    {
        int slot = now + _delay;
        if (slot >= Target.Slots) slot -= Target.Slots;
        T* row = ring + (nint)slot * Target.Cells;
        for (int k = _rowStart[pre], end = _rowStart[pre + 1]; k < end; k++) Sse.Prefetch0(row + post[k]);
    }

    /// <summary>Both deposits of a spike with offset <paramref name="offset"/> ≠ 0: weights into the ring, off-grid parts into the second ring.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DeliverWithOffset(int pre, long s, double offset)
    {
        var ring = Target.Buffer;
        var second = _offGridRing!.Buffer;
        int cells = Target.Cells, slots = Target.Slots, now = (int)(s % slots);
        for (int k = _rowStart[pre], end = _rowStart[pre + 1]; k < end; k++)
        {
            int slot = now + (_delays is null ? _delay : _delays[k]);
            if (slot >= slots) slot -= slots;
            int j = _post[k], at = (slot * cells) + j;
            T w = _weights is null ? _weight : _weights[k];
            ring[at] += w;
            second[at] += T.CreateTruncating(OffGridDelivery.Part(double.CreateTruncating(w), offset, _rates is null ? _rate : _rates[j]));
        }
    }

    /// <summary>New weights, in connection (spec) order.</summary>
    public void SetWeights(IReadOnlyList<double> specOrder) => SetWeights(specOrder, InRowOrder(Spec));

    /// <summary>New delays in steps, in connection (spec) order.</summary>
    public void SetDelays(IReadOnlyList<double> specOrderSteps) => SetDelays(specOrderSteps, InRowOrder(Spec));

    /// <summary>Whether the part's connection order is row order: given with its row starts, or pre indices that never decrease.</summary>
    private static bool InRowOrder(SynapseGroupProgram spec) => spec.RowStarts is not null || InRowOrder(spec.PreIndices);

    /// <summary>Whether the pre indices never decrease (connection order is row order).</summary>
    private static bool InRowOrder(int[] pre)
    {
        for (int k = 1; k < pre.Length; k++)
            if (pre[k] < pre[k - 1]) return false;
        return true;
    }

    private void SetWeights(IReadOnlyList<double> specOrder, bool inRowOrder)
    {
        if (Shared(specOrder) is { } shared)
        {
            (_weight, _weights) = (T.CreateTruncating(shared), null);
            return;
        }
        // In row order the step program's own float64 array is shared at load, not copied (neither the table nor the program
        // writes it); an update's values are copied.
        var weights = inRowOrder ? (ReferenceEquals(specOrder, Spec.Weights) ? specOrder as double[] : null) ?? specOrder.ToArray()
            : ConnectionRows.ByRow(Spec.PreIndices, _rowStart, specOrder);
        _weights = typeof(T) == typeof(double) ? (T[])(object)weights : Array.ConvertAll(weights, T.CreateTruncating);
    }

    /// <summary>
    /// Sets the delays from steps in connection order: whole steps as doubles from an update (laid out by row, then
    /// converted), or the step program's own <c>int</c> steps at load, laid out by row with no temporary copy.
    /// </summary>
    private void SetDelays<TValue>(IReadOnlyList<TValue> specOrderSteps, bool inRowOrder) where TValue : struct, INumber<TValue>
    {
        int slots = Target.Slots;
        // One delay stored once for every connection (the step program's RepeatedValue) is checked once.
        IReadOnlyList<TValue> distinct = specOrderSteps is RepeatedValue<TValue> { Count: > 0 } r ? new[] { r.Value } : specOrderSteps;
        foreach (var step in distinct)
        {
            double d = double.CreateTruncating(step);
            if (d < 0 || d >= slots) throw new ArgumentException($"Projection '{Spec.Label}' has a delay of {d} steps outside its ring (0..{slots - 1}).", nameof(specOrderSteps));
        }
        if (Shared(specOrderSteps) is { } shared)
        {
            (_delay, _delays) = (int.CreateTruncating(shared), null);
            return;
        }
        if (inRowOrder)
        {
            var delays = new int[specOrderSteps.Count];
            for (int k = 0; k < delays.Length; k++) delays[k] = int.CreateTruncating(specOrderSteps[k]);
            _delays = delays;
            return;
        }
        var byRow = ConnectionRows.ByRow(Spec.PreIndices, _rowStart, specOrderSteps);
        _delays = typeof(TValue) == typeof(int) ? (int[])(object)byRow : Array.ConvertAll(byRow, int.CreateTruncating);
    }

    /// <summary>The value every element has (bit for bit), or null when they differ or there are none.</summary>
    private static TValue? Shared<TValue>(IReadOnlyList<TValue> values) where TValue : struct, INumber<TValue>
    {
        if (values.Count == 0) return null;
        if (values is RepeatedValue<TValue> repeated) return repeated.Value;
        var first = values[0];
        for (int k = 1; k < values.Count; k++)
            if (!BitEqual(values[k], first)) return null;
        return first;
    }

    /// <summary>Bit-for-bit equality (so 0.0 and −0.0 differ, and a NaN equals itself), as the table stores one value for all.</summary>
    private static bool BitEqual<TValue>(TValue a, TValue b) where TValue : struct, INumber<TValue> =>
        typeof(TValue) == typeof(double) ? BitConverter.DoubleToInt64Bits(double.CreateTruncating(a)) == BitConverter.DoubleToInt64Bits(double.CreateTruncating(b)) : a == b;
}
