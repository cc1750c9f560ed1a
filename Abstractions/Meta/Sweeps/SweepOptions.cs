namespace Meta.Sweeps;

/// <summary>How a sweep runs.</summary>
public sealed record SweepOptions
{
    /// <summary>The variants (positions in the sweep) whose recorded data come back in <see cref="VariantResult.Recording"/>.</summary>
    public IReadOnlyList<int> RecordVariants { get; init; } = [];
    /// <summary>Run the variants one by one, each as its own network, instead of as one batch (for comparison and benchmarks).</summary>
    public bool OneByOne { get; init; }
    /// <summary>
    /// Compute the measures on the backend, in the step program (<see cref="Lowering.Measures.SpikeMeasureLowering"/>), so that
    /// no spike time comes back (default); false records every spike and computes the same measures on the host. The host
    /// is used anyway for the pyloric rhythm (it needs spike times) and for float32 runs (or runs of a default precision that may be float32) longer than
    /// <see cref="Lowering.Measures.SpikeMeasureLowering.Float32StepLimit"/> steps.
    /// </summary>
    public bool MeasuresOnDevice { get; init; } = true;
    /// <summary>The largest interval (ms) between spikes of one burst, for the burst measures.</summary>
    public double BurstMaxInterval { get; init; } = Analysis.Bursts.DefaultMaxInterval;
    /// <summary>
    /// The labels of the pacemaker (PD or AB/PD), LP and PY populations when each variant's pyloric rhythm is to be measured
    /// (<see cref="VariantResult.Pyloric"/>, from the first cell of each), or null.
    /// </summary>
    public (string Pacemaker, string LP, string PY)? Pyloric { get; init; }
    /// <summary>Spikes before this time (ms) of the measured run are left out of the pyloric rhythm: the transient.</summary>
    public double PyloricFrom { get; init; }
}
