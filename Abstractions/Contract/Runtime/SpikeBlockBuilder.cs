using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>
/// Collects the spikes of one spike recorder during one run, keeping only the recorded cells, and returns them as a
/// <see cref="SpikeBlock"/>. Backend-neutral: every engine hands its emitted spikes here in time order, with each spike's
/// offset from the grid when the population's kernel has precise spike times (<see cref="Precise"/>).
/// </summary>
public sealed class SpikeBlockBuilder
{
    private readonly bool[] _recorded;
    private List<int> _cells = new(4096);
    /// <summary>
    /// The time indices of <see cref="_cells"/> as runs: each entry is a time index and the position in <see cref="_cells"/>
    /// of its first spike; a run lasts until the next run's first spike (the last one, until the end). A step's spikes
    /// arrive together, so this stores a time index once per step with spikes instead of 8 bytes a spike; the
    /// <see cref="SpikeBlock.Steps"/> array is written out once, in <see cref="ToBlock"/>.
    /// </summary>
    private List<(long Step, int First)> _runs = new(1024);
    private List<double>? _offsets;
    // The spikes handed over by ToBlock (its arrays) when the lists were let go; null otherwise.
    private SpikeBlock? _handed;

    /// <summary>
    /// Creates the builder for <paramref name="spec"/> on a population of <paramref name="populationSize"/> cells; with
    /// <paramref name="precise"/>, the spikes carry offsets (<see cref="SpikeBlock.Offsets"/>).
    /// </summary>
    public SpikeBlockBuilder(RecorderSpec spec, int populationSize, bool precise = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        _recorded = new bool[populationSize];
        foreach (var c in spec.Cells) _recorded[c] = true;
        if (precise) _offsets = new(4096);
    }

    /// <summary>
    /// The builder for <paramref name="spec"/> in <paramref name="program"/>: precise when the recorded population's spikes
    /// carry offsets (<see cref="IsPrecise"/>).
    /// </summary>
    public static SpikeBlockBuilder For(RecorderSpec spec, StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(program);
        var group = program.Groups[spec.Population];
        return new SpikeBlockBuilder(spec, group.Size, IsPrecise(group));
    }

    /// <summary>
    /// Whether <paramref name="group"/>'s spikes carry offsets from the grid: a neuron group whose kernel has a spike offset
    /// buffer, or a spike source with <see cref="SpikeSourceProgram.PreciseTimes"/>.
    /// </summary>
    public static bool IsPrecise(CellGroupProgram group) => OffsetBufferOf(group) is not null || group is SpikeSourceProgram { PreciseTimes: true };

    /// <summary>The spike offset buffer of <paramref name="group"/>'s kernel, or null (spike sources, spikes on the grid).</summary>
    public static string? OffsetBufferOf(CellGroupProgram group) => (group as NeuronGroupProgram)?.Kernel.SpikeOffset;

    /// <summary>The recorder.</summary>
    public RecorderSpec Spec { get; }

    /// <summary>The recorded population's index.</summary>
    public int Population => Spec.Population;

    /// <summary>Whether the spikes carry offsets from the grid.</summary>
    public bool Precise => _offsets is not null;

    /// <summary>Whether <paramref name="cell"/> is recorded.</summary>
    public bool Records(int cell) => _recorded[cell];

    /// <summary>Adds a spike of <paramref name="cell"/> at time index <paramref name="step"/> if the cell is recorded (offset 0).</summary>
    public void Add(int cell, long step) => Add(cell, step, 0);

    /// <summary>Adds a spike of <paramref name="cell"/> at time index <paramref name="step"/> plus <paramref name="offset"/> ms if the cell is recorded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int cell, long step, double offset)
    {
        if (!_recorded[cell]) return;
        // A new run where the time index changes (spikes may come in any order: a run is only a repeat count).
        if (_runs.Count == 0 || _runs[^1].Step != step) _runs.Add((step, _cells.Count));
        _cells.Add(cell);
        _offsets?.Add(offset);
    }

    /// <summary>Adds the spikes of several cells at one time index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<int> cells, long step)
    {
        // As Add(cell, step) cell after cell, with the run looked at once per call rather than once per spike.
        var recorded = _recorded;
        bool open = _runs.Count > 0 && _runs[^1].Step == step;
        foreach (var c in cells)
        {
            if (!recorded[c]) continue;
            if (!open)
            {
                _runs.Add((step, _cells.Count));
                open = true;
            }
            _cells.Add(c);
            _offsets?.Add(0);
        }
    }

    /// <summary>Adds the spikes of several cells at one time index, each with its offset read from <paramref name="offsets"/> (indexed by cell).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<int> cells, long step, ReadOnlySpan<double> offsets)
    {
        foreach (var c in cells) Add(c, step, offsets[c]);
    }

    /// <summary>
    /// Adds the spikes of several cells at one time index, the k-th with the k-th of <paramref name="offsets"/> where the spikes
    /// carry offsets (<see cref="Precise"/>; a host-scheduled source lists each spike's offset beside its cell); a builder on
    /// the grid ignores <paramref name="offsets"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A precise builder is given a different number of offsets than cells.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddPaired(ReadOnlySpan<int> cells, long step, ReadOnlySpan<double> offsets)
    {
        if (!Precise)
        {
            Add(cells, step);
            return;
        }
        if (offsets.Length != cells.Length)
            throw new InvalidOperationException($"Spike recorder {Spec.Index} (population {Spec.Population}) records precise spike times but was given " +
                                                $"{offsets.Length} offsets for {cells.Length} spikes at time index {step}.");
        for (int k = 0; k < cells.Length; k++) Add(cells[k], step, offsets[k]);
    }

    /// <summary>
    /// The spikes collected so far. Above <see cref="KeepCapacity"/> spikes the builder hands its storage over: it keeps the
    /// spikes only as the returned block's arrays and lets its lists go, so that the engine does not hold a second copy of a
    /// long run's spikes until its next run (a later call still returns every spike collected).
    /// </summary>
    public SpikeBlock ToBlock()
    {
        if (_handed is { } handed && _cells.Count == 0) return handed;
        var block = new SpikeBlock
        {
            Recorder = Spec.Index,
            Cells = Concat(_handed?.Cells, _cells),
            Steps = ExpandSteps(_handed?.Steps),
            Offsets = _offsets is null ? null : Concat(_handed?.Offsets, _offsets),
        };
        if (block.Cells.Length > KeepCapacity)
        {
            _handed = block;
            _cells = new(4096);
            _runs = new(1024);
            if (_offsets is not null) _offsets = new(4096);
        }
        return block;
    }

    /// <summary>The number of spikes up to which a builder keeps its lists after <see cref="ToBlock"/> (for reuse by the next run).</summary>
    public const int KeepCapacity = 1 << 16;

    /// <summary>
    /// <paramref name="first"/>'s time indices, then one per spike collected since, written out from the runs: a plain loop,
    /// as a run holds a few spikes (Span.Fill's set-up cost more than its stores in a profile of COBA 4k).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long[] ExpandSteps(long[]? first)
    {
        int before = first?.Length ?? 0;
        var steps = new long[before + _cells.Count];
        first?.CopyTo(steps, 0);
        var runs = CollectionsMarshal.AsSpan(_runs);
        for (int r = 0; r < runs.Length; r++)
        {
            long step = runs[r].Step;
            for (int i = before + runs[r].First, end = before + (r + 1 < runs.Length ? runs[r + 1].First : _cells.Count); i < end; i++) steps[i] = step;
        }
        return steps;
    }

    private static T[] Concat<T>(T[]? first, List<T> rest)
    {
        if (first is null || first.Length == 0) return rest.ToArray();
        var all = new T[first.Length + rest.Count];
        first.CopyTo(all, 0);
        rest.CopyTo(all, first.Length);
        return all;
    }

    /// <summary>
    /// The builders of a new run of <paramref name="program"/>'s recorders (null for signal recorders): those of the last
    /// run (<paramref name="previous"/>) emptied where their recorder is unchanged, new ones (<see cref="For"/>) elsewhere. A
    /// distributed run runs its engine once per exchange interval, often every other step, so building the recorded-cell mask
    /// of every spike recorder afresh each run (O(population) work and memory per run) cost as much as the step itself.
    /// </summary>
    public static SpikeBlockBuilder?[] ForRun(SpikeBlockBuilder?[]? previous, IReadOnlyList<RecorderSpec> recorders, StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(recorders);
        ArgumentNullException.ThrowIfNull(program);
        var builders = new SpikeBlockBuilder?[recorders.Count];
        for (int i = 0; i < builders.Length; i++)
        {
            var r = recorders[i];
            if (!r.IsSpikes) continue;
            if (previous is not null && i < previous.Length && previous[i] is { } old && ReferenceEquals(old.Spec, r)
                && old._recorded.Length == program.Groups[r.Population].Size)
            {
                old._cells.Clear();
                old._runs.Clear();
                old._offsets?.Clear();
                old._handed = null;
                builders[i] = old;
            }
            else builders[i] = For(r, program);
        }
        return builders;
    }
}
