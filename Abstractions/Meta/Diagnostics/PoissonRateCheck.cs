using Meta.Populations;

namespace Meta.Diagnostics;

/// <summary>
/// A <c>SpikeSourcePoisson</c> cell emits at most one spike per step, with probability <c>p = 1 − exp(−rate·dt)</c>
/// (docs/semantics.md), so it delivers <c>p/dt</c> spikes per second, not <c>rate</c>: at 20 kHz and dt = 0.1 ms only
/// 8.65 kHz. This check names every population whose highest requested rate loses more than
/// <see cref="LossThreshold"/> of its spikes that way.
/// </summary>
public static class PoissonRateCheck
{
    /// <summary>The fraction of the requested rate a source may lose before a warning (1 %).</summary>
    public const double LossThreshold = 0.01;

    /// <summary>The rate (Hz) a one-spike-per-step Poisson source delivers when asked for <paramref name="rate"/> Hz at step <paramref name="dt"/> ms.</summary>
    public static double DeliveredRate(double rate, double dt) => (1 - Math.Exp(-rate * dt / 1000)) / (dt / 1000);

    /// <summary>The warning for <paramref name="population"/>, or null when it delivers its rates (or is no Poisson source).</summary>
    public static string? Check(Population population, double dt)
    {
        ArgumentNullException.ThrowIfNull(population);
        if (population.CellType.Model.SourceKind != SpikeSourceKinds.Poisson || population.Size == 0) return null;
        double rate = population.Get("rate").Max();
        if (!(rate > 0)) return null;
        double delivered = DeliveredRate(rate, dt);
        double loss = 1 - delivered / rate;
        if (loss <= LossThreshold) return null;
        return $"population '{population.Label}': SpikeSourcePoisson emits at most one spike per cell and step, so its rate of " +
               $"{rate:0.###} Hz at dt = {dt:0.####} ms delivers only {delivered:0.###} Hz ({loss * 100:0.0} % fewer spikes); use SpikeSourcePoissonMultiple, " +
               $"which delivers every spike of a step, spread the input over more source cells, or use a smaller dt";
    }
}
