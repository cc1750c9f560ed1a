namespace Meta.Sweeps;

/// <summary>How a sweep runs.</summary>
public sealed record SweepOptions
{
    /// <summary>The variants (positions in the sweep) whose recorded data come back in <see cref="VariantResult.Recording"/>.</summary>
    public IReadOnlyList<int> RecordVariants { get; init; } = [];
    /// <summary>Run the variants one by one, each as its own network, instead of as one batch (for comparison and benchmarks).</summary>
    public bool OneByOne { get; init; }
    /// <summary>The largest interval (ms) between spikes of one burst, for the burst measures.</summary>
    public double BurstMaxInterval { get; init; } = Analysis.Bursts.DefaultMaxInterval;
}
