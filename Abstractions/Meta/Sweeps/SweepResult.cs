namespace Meta.Sweeps;

/// <summary>What a sweep measured: one result per variant, in the order of the parameter sets, and how it ran.</summary>
public sealed class SweepResult
{
    /// <summary>One result per variant.</summary>
    public required IReadOnlyList<VariantResult> Variants { get; init; }
    /// <summary>Whether the variants ran as one batch (one program, one run); false when they ran one by one.</summary>
    public required bool Batched { get; init; }
    /// <summary>Why the variants could not run as one batch (null when they did).</summary>
    public string? BatchRefusal { get; init; }
    /// <summary>Whether the backend computed the spike measures while it ran (no spike times came back), or the host from recorded spikes.</summary>
    public bool MeasuredOnDevice { get; init; }
    /// <summary>The simulated time of each variant in ms (after its thermalisation).</summary>
    public required double DurationMs { get; init; }
    /// <summary>The thermalisation time in ms (0 for none).</summary>
    public double ThermaliseMs { get; init; }
    /// <summary>How many variants took their thermalised state from the cache.</summary>
    public int CacheHits => Variants.Count(v => v.ThermalisedFromCache);
    /// <summary>Wall-clock seconds spent thermalising (cache misses only).</summary>
    public double ThermaliseSeconds { get; init; }
    /// <summary>Wall-clock seconds spent resolving the variants' networks.</summary>
    public double ResolveSeconds { get; init; }
    /// <summary>Wall-clock seconds of the measured run, the backend's load (compilation) of its program(s) included.</summary>
    public double RunSeconds { get; init; }
    /// <summary>Wall-clock seconds of <see cref="RunSeconds"/> the backend spent loading (compiling) the program(s) of the measured run.</summary>
    public double LoadSeconds { get; init; }
}

/// <summary>The result of one variant.</summary>
public sealed class VariantResult
{
    /// <summary>The variant's position in the sweep.</summary>
    public required int Index { get; init; }
    /// <summary>Its parameter set.</summary>
    public required ParameterSet Parameters { get; init; }
    /// <summary>The seed it ran with.</summary>
    public required ulong Seed { get; init; }
    /// <summary>Measures per neuron population, in population order (spike sources have none).</summary>
    public required IReadOnlyList<PopulationMeasures> Populations { get; init; }
    /// <summary>Its pyloric rhythm when <see cref="SweepOptions.Pyloric"/> was given, else null.</summary>
    public Analysis.PyloricRhythm? Pyloric { get; init; }
    /// <summary>Whether its thermalised state came from the cache.</summary>
    public bool ThermalisedFromCache { get; init; }
    /// <summary>The network's recorded data, when this variant was asked for (<see cref="SweepOptions.RecordVariants"/>), else null.</summary>
    public VariantRecording? Recording { get; init; }

    /// <summary>The measures of the population labelled <paramref name="label"/>.</summary>
    public PopulationMeasures this[string label] => Populations.FirstOrDefault(p => p.Label == label)
        ?? throw new KeyNotFoundException($"No population '{label}' (populations: {string.Join(", ", Populations.Select(p => p.Label))}).");
}

/// <summary>Variant-level measures of one population, from its spikes over the measured run.</summary>
/// <param name="Label">The population.</param>
/// <param name="Cells">Its size.</param>
/// <param name="SpikeCount">The spikes of all its cells.</param>
/// <param name="MeanRate">The mean rate per cell in Hz.</param>
/// <param name="BurstPeriod">The mean interval (ms) between burst starts, averaged over the cells with at least two bursts; NaN when none.</param>
/// <param name="SpikesPerBurst">The mean number of spikes per burst over those cells; NaN when none.</param>
/// <param name="SpikeCounts">The spikes per cell.</param>
/// <param name="Activity">Each cell's activity class over the measured run (<see cref="CellActivity"/>).</param>
public sealed record PopulationMeasures(string Label, int Cells, long SpikeCount, double MeanRate, double BurstPeriod, double SpikesPerBurst,
    IReadOnlyList<int> SpikeCounts, IReadOnlyList<CellActivity> Activity)
{
    /// <summary>Each cell's spike statistics, from which the other measures are computed.</summary>
    public IReadOnlyList<CellSpikeStatistics> Statistics { get; init; } = [];

    /// <summary>The number of cells of each activity class.</summary>
    public int Count(CellActivity activity) => Activity.Count(a => a == activity);
}

/// <summary>A cell's activity over a run, in the classes of the Prinz et al. (2003) database (<see cref="ActivityClassifier"/> says the rule).</summary>
public enum CellActivity
{
    /// <summary>No spike.</summary>
    Silent,
    /// <summary>Regular single spikes.</summary>
    Tonic,
    /// <summary>Periodic bursts.</summary>
    Bursting,
    /// <summary>Any other spiking.</summary>
    Irregular,
}

/// <summary>The data the network's own recorders collected for one variant.</summary>
/// <param name="Spikes">Spike recordings.</param>
/// <param name="Signals">Analog recordings.</param>
public sealed record VariantRecording(IReadOnlyList<RecordedSpikes> Spikes, IReadOnlyList<RecordedSignal> Signals);

/// <summary>The spikes of some cells of one population.</summary>
/// <param name="Population">The population's label.</param>
/// <param name="Cells">The recorded cells.</param>
/// <param name="Times">The spike times (ms) per recorded cell.</param>
public sealed record RecordedSpikes(string Population, int[] Cells, IReadOnlyList<double[]> Times);

/// <summary>One analog variable of some cells of one population.</summary>
/// <param name="Population">The population's label.</param>
/// <param name="Variable">The variable.</param>
/// <param name="Cells">The recorded cells.</param>
/// <param name="Times">The sample times in ms.</param>
/// <param name="Values">The values, samples × cells, row-major.</param>
public sealed record RecordedSignal(string Population, string Variable, int[] Cells, double[] Times, double[] Values);
