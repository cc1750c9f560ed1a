namespace Meta.Recording;

/// <summary>
/// Recorded data of some cells (PyNN's neo <c>Block</c>): one <see cref="Segment"/> per run between resets.
/// </summary>
/// <param name="Name">The label of the population, view or assembly.</param>
/// <param name="Segments">The segments, oldest first.</param>
public sealed record Block(string Name, IReadOnlyList<Segment> Segments);

/// <summary>The data of one run between resets (PyNN's neo <c>Segment</c>, named <c>segment000</c>, ...).</summary>
/// <param name="Name">The segment name.</param>
/// <param name="SpikeTrains">One spike train per spike-recorded cell, in cell order, empty ones included.</param>
/// <param name="AnalogSignals">One signal per recorded analog variable (per population).</param>
public sealed record Segment(string Name, IReadOnlyList<SpikeTrain> SpikeTrains, IReadOnlyList<AnalogSignal> AnalogSignals)
{
    /// <summary>The signal of a variable; throws if it was not recorded.</summary>
    public AnalogSignal Signal(string name) =>
        AnalogSignals.FirstOrDefault(s => s.Name == name)
        ?? throw new KeyNotFoundException($"No signal '{name}' in {Name} (signals: {string.Join(", ", AnalogSignals.Select(s => s.Name))}).");
}

/// <summary>The spikes of one cell.</summary>
/// <param name="Times">Spike times in ms, increasing.</param>
/// <param name="TStart">The start of recording (0, or the time of the last clear).</param>
/// <param name="TStop">The time the data were taken.</param>
/// <param name="SourcePopulation">The population's label.</param>
/// <param name="SourceIndex">The cell's index in its population.</param>
public sealed record SpikeTrain(double[] Times, double TStart, double TStop, string SourcePopulation, int SourceIndex)
{
    /// <summary>Always <c>ms</c>.</summary>
    public string Units => "ms";
}

/// <summary>
/// Regularly sampled values of one variable for several cells (PyNN's neo <c>AnalogSignal</c>):
/// <see cref="SampleCount"/> × <see cref="ChannelCount"/>, row-major in <see cref="Data"/>.
/// </summary>
public sealed record AnalogSignal
{
    /// <summary>The variable, e.g. <c>v</c>.</summary>
    public required string Name { get; init; }
    /// <summary>The unit, e.g. <c>mV</c>.</summary>
    public required string Units { get; init; }
    /// <summary>The sampling period in ms.</summary>
    public required double SamplingPeriod { get; init; }
    /// <summary>The time of the first sample in ms.</summary>
    public required double TStart { get; init; }
    /// <summary>The number of samples (rows).</summary>
    public required int SampleCount { get; init; }
    /// <summary>The recorded cells' indices in their population (columns).</summary>
    public required int[] ChannelIndex { get; init; }
    /// <summary>The population label.</summary>
    public required string SourcePopulation { get; init; }
    /// <summary>The samples, row-major.</summary>
    public required double[] Data { get; init; }

    /// <summary>The number of recorded cells (columns).</summary>
    public int ChannelCount => ChannelIndex.Length;
    /// <summary>(samples, cells).</summary>
    public (int Samples, int Channels) Shape => (SampleCount, ChannelCount);
    /// <summary>One sample.</summary>
    public double this[int sample, int channel] => Data[sample * ChannelCount + channel];

    /// <summary>The trace of one column.</summary>
    public double[] Column(int channel)
    {
        var c = new double[SampleCount];
        for (int i = 0; i < SampleCount; i++) c[i] = Data[i * ChannelCount + channel];
        return c;
    }

    /// <summary>The sample times in ms.</summary>
    public double[] Times() => Enumerable.Range(0, SampleCount).Select(i => TStart + i * SamplingPeriod).ToArray();
}
