using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>
/// Collects the spikes of one spike recorder during one run, keeping only the recorded cells, and returns them as a
/// <see cref="SpikeBlock"/>. Backend-neutral: every engine hands its emitted spikes here in time order.
/// </summary>
public sealed class SpikeBlockBuilder
{
    private readonly bool[] _recorded;
    private readonly List<int> _cells = new(4096);
    private readonly List<long> _steps = new(4096);

    /// <summary>Creates the builder for <paramref name="spec"/> on a population of <paramref name="populationSize"/> cells.</summary>
    public SpikeBlockBuilder(RecorderSpec spec, int populationSize)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        _recorded = new bool[populationSize];
        foreach (var c in spec.Cells) _recorded[c] = true;
    }

    /// <summary>The recorder.</summary>
    public RecorderSpec Spec { get; }

    /// <summary>The recorded population's index.</summary>
    public int Population => Spec.Population;

    /// <summary>Adds a spike of <paramref name="cell"/> at time index <paramref name="step"/> if the cell is recorded.</summary>
    public void Add(int cell, long step)
    {
        if (!_recorded[cell]) return;
        _cells.Add(cell);
        _steps.Add(step);
    }

    /// <summary>Adds the spikes of several cells at one time index.</summary>
    public void Add(ReadOnlySpan<int> cells, long step)
    {
        foreach (var c in cells) Add(c, step);
    }

    /// <summary>The spikes collected so far.</summary>
    public SpikeBlock ToBlock() => new() { Recorder = Spec.Index, Cells = _cells.ToArray(), Steps = _steps.ToArray() };

    /// <summary>
    /// The builders of a new run of <paramref name="recorders"/> (null for signal recorders): those of the last run
    /// (<paramref name="previous"/>) emptied where their recorder and population size are unchanged, new ones elsewhere. A
    /// distributed run runs its engine once per exchange interval, often every other step, so building the recorded-cell mask
    /// of every spike recorder afresh each run (O(population) work and memory per run) cost as much as the step itself.
    /// </summary>
    public static SpikeBlockBuilder?[] ForRun(SpikeBlockBuilder?[]? previous, IReadOnlyList<RecorderSpec> recorders, Func<int, int> populationSize)
    {
        ArgumentNullException.ThrowIfNull(recorders);
        ArgumentNullException.ThrowIfNull(populationSize);
        var builders = new SpikeBlockBuilder?[recorders.Count];
        for (int i = 0; i < builders.Length; i++)
        {
            var r = recorders[i];
            if (!r.IsSpikes) continue;
            int size = populationSize(r.Population);
            if (previous is not null && i < previous.Length && previous[i] is { } old && ReferenceEquals(old.Spec, r) && old._recorded.Length == size)
            {
                old._cells.Clear();
                old._steps.Clear();
                builders[i] = old;
            }
            else builders[i] = new SpikeBlockBuilder(r, size);
        }
        return builders;
    }
}
