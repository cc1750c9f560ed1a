namespace Meta.Analysis;

/// <summary>One burst: a run of spikes whose intervals are all shorter than the burst detector's gap.</summary>
/// <param name="Start">The time of the burst's first spike (ms).</param>
/// <param name="End">The time of its last spike (ms).</param>
/// <param name="SpikeCount">The number of spikes in it.</param>
public readonly record struct Burst(double Start, double End, int SpikeCount)
{
    /// <summary>End − start (ms).</summary>
    public double Duration => End - Start;
}

/// <summary>
/// Splits a spike train into bursts, as the analyses of pyloric rhythms do (Prinz et al. 2004 and the summary statistics used
/// with their model database): spikes separated by less than <c>maxInterval</c> belong to one burst; a burst needs at least
/// <c>minSpikes</c> spikes.
/// </summary>
public static class Bursts
{
    /// <summary>The default largest interval inside a burst (ms): 150 ms, as in the summary statistics of the Prinz database.</summary>
    public const double DefaultMaxInterval = 150;

    /// <summary>Groups the spikes into bursts.</summary>
    /// <param name="spikeTimes">Spike times in ms, increasing.</param>
    /// <param name="maxInterval">The largest interval between two spikes of one burst (ms), &gt; 0.</param>
    /// <param name="minSpikes">The fewest spikes a burst has (≥ 1); shorter runs are dropped.</param>
    public static IReadOnlyList<Burst> Detect(IReadOnlyList<double> spikeTimes, double maxInterval = DefaultMaxInterval, int minSpikes = 2)
    {
        ArgumentNullException.ThrowIfNull(spikeTimes);
        if (!(maxInterval > 0)) throw new ArgumentOutOfRangeException(nameof(maxInterval), maxInterval, "The largest interval inside a burst is > 0 ms.");
        if (minSpikes < 1) throw new ArgumentOutOfRangeException(nameof(minSpikes), minSpikes, "A burst has at least one spike.");
        var bursts = new List<Burst>();
        int first = 0;
        for (int i = 1; i <= spikeTimes.Count; i++)
        {
            if (i < spikeTimes.Count && spikeTimes[i] < spikeTimes[i - 1])
                throw new ArgumentException($"Spike times must increase (spike {i} at {spikeTimes[i]} ms follows {spikeTimes[i - 1]} ms).", nameof(spikeTimes));
            if (i < spikeTimes.Count && spikeTimes[i] - spikeTimes[i - 1] < maxInterval) continue;
            int count = i - first;
            if (count >= minSpikes) bursts.Add(new Burst(spikeTimes[first], spikeTimes[i - 1], count));
            first = i;
        }
        return bursts;
    }
}
