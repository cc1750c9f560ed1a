namespace Meta.Backends.Runtime;

/// <summary>
/// The tail probabilities <c>P(K ≥ j)</c>, j = 1, 2, …, of a Poisson count K with mean <c>λ = rate·dt/1000</c>, by which a
/// <c>SpikeSourcePoissonMultiple</c> cell turns its uniform draw u of a step into k spikes: k is the number of j with
/// <c>u &lt; P(K ≥ j)</c> (docs/semantics.md). The table is the float64 recurrence <c>p ← p·λ/k, cdf ← cdf + p,
/// P(K ≥ k + 1) = max(0, min(P(K ≥ k), 1 − cdf))</c>, continued while the last value exceeds 2^−60 and k &lt; 100 000.
/// Once cdf stops changing (past the mode, where p only shrinks) the values are constant; they are stored once with the
/// count of their repeats, so a table is a few dozen numbers, not up to 100 000.
/// </summary>
internal sealed class PoissonTails
{
    /// <summary>The recurrence stops once the last value is at or below this (2^−60)...</summary>
    private const double Negligible = 1.0 / (1L << 60);
    /// <summary>...or when it reaches this many terms.</summary>
    private const int MaxTerms = 100_000;

    private readonly double[] _values;

    private PoissonTails(double mean, double[] values, int length)
    {
        Mean = mean;
        _values = values;
        Length = length;
    }

    /// <summary>λ, the mean number of spikes per step; 0 for an empty table.</summary>
    public double Mean { get; }

    /// <summary>The number of tail values j = 1 … Length (the most spikes a step can carry).</summary>
    public int Length { get; }

    /// <summary><c>P(K ≥ 1)</c>, the probability of at least one spike in a step; 0 for an empty table.</summary>
    public double First => _values.Length == 0 ? 0 : _values[0];

    /// <summary>The values up to the first of the constant run that ends the table (if any), in order.</summary>
    internal ReadOnlySpan<double> Stored => _values;

    /// <summary>The table of a cell firing at <paramref name="rate"/> Hz with time step <paramref name="dt"/> ms; empty where the rate is not positive.</summary>
    /// <exception cref="InvalidParameterValueException">The mean exceeds 500 spikes per step.</exception>
    public static PoissonTails Of(double rate, double dt)
    {
        double lambda = rate * dt / 1000.0;
        if (!(lambda > 0)) return new PoissonTails(0, [], 0);
        if (lambda > 500)
            throw new InvalidParameterValueException(
                $"SpikeSourcePoissonMultiple: a rate of {rate} Hz at dt = {dt} ms is a mean of {lambda} spikes per step (at most 500); spread it over more cells.");
        var tails = new List<double>();
        double p = Math.Exp(-lambda), cdf = p;
        // P(K ≥ 1) = 1 − e^(−λ), computed as SpikeSourcePoisson computes its spike probability.
        tails.Add(1.0 - Math.Exp(-lambda));
        for (int k = 1; tails[^1] > Negligible && k < MaxTerms; k++)
        {
            p *= lambda / k;
            double before = cdf;
            cdf += p;
            tails.Add(Math.Max(0, Math.Min(tails[^1], 1.0 - cdf)));
            // Past the mode p never grows again, so once cdf + p rounds to cdf it does so for every later (smaller) p:
            // the value just added repeats for every later term. Where the loop would go on, it does so until k reaches
            // MaxTerms, MaxTerms values in all.
            if (cdf == before && k >= lambda && tails[^1] > Negligible)
                return new PoissonTails(lambda, tails.ToArray(), MaxTerms);
        }
        return new PoissonTails(lambda, tails.ToArray(), tails.Count);
    }

    /// <summary>The number of spikes of a step whose draw is <paramref name="u"/>: the number of j with <c>u &lt; P(K ≥ j)</c>.</summary>
    public int Count(double u)
    {
        var values = _values;
        int j = 0;
        while (j < values.Length && u < values[j]) j++;
        // Below the constant run's value, u is below every one of its repeats too.
        return j == values.Length && j > 0 ? Length : j;
    }
}
