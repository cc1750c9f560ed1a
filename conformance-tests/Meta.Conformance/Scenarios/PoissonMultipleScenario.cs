using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// <c>SpikeSourcePoissonMultiple</c> (docs/semantics.md, "Spike sources"): several spikes per step, so a 20 kHz source at
/// dt 0.1 ms delivers 20 kHz, not the 8.65 kHz of <c>SpikeSourcePoisson</c>.
/// </summary>
public static class PoissonMultipleScenario
{
    private const double Dt = 0.1;
    private const ulong Seed = 4711;

    /// <summary>The scenario.</summary>
    public static Scenario Create() => new CheckScenario(
        "sources/poisson-multiple-delivers-its-rate",
        "40 cells at 20 kHz for 200 ms: spike count within 4 standard errors of rate·T (not of the single-spike 8.65 kHz), the per-step count's " +
        "variance within 5 % of its mean (Poisson), every step's count equal to the host's recomputation from the same draws; " +
        "each step's spikes all delivered: the target's conductance jumps by count × weight (1e-12 µS; float32: 4 ulps of the " +
        "largest conductance, as samples and the decay factor are rounded to 24 bits)",
        [],
        ctx =>
        {
            const int cells = 40;
            const double rate = 20_000, duration = 200, w = 0.001;
            using var sim = new Simulation(ctx.Backend, ctx.Options(Dt, minDelay: Dt, seed: Seed));
            var sources = sim.CreatePopulation(cells, new CellType("SpikeSourcePoissonMultiple").With("rate", rate), "drive");
            var targets = sim.CreatePopulation(cells, new CellType("IF_cond_exp").With("tau_syn_E", 5.0).With("v_thresh", 1000.0), "targets");
            _ = new Projection(sources, targets, new OneToOneConnector(), new StaticSynapse(w, Dt), "excitatory");
            sources.Record("spikes");
            targets.Record("gsyn_exc");
            sim.Run(duration);
            var trains = sources.GetData().Segments[0].SpikeTrains;
            int steps = (int)Math.Round(duration / Dt);
            double lambda = rate * Dt / 1000;
            // The host's recomputation: k = number of j ≥ 1 with u < P(K ≥ j).
            var tails = new List<double> { 1 - Math.Exp(-lambda) };
            double p = Math.Exp(-lambda), cdf = p;
            for (int k = 1; tails[^1] > 1e-18; k++) { p *= lambda / k; cdf += p; tails.Add(Math.Max(0, Math.Min(tails[^1], 1 - cdf))); }
            int mismatches = 0;
            long total = 0;
            double sum = 0, sumSquares = 0;
            var g = targets.GetData().Segments[0].Signal("gsyn_exc");
            double decay = Math.Exp(-Dt / 5), worstJump = 0;
            for (int i = 0; i < cells; i++)
            {
                var counts = new int[steps + 1];
                foreach (var t in trains[i].Times) counts[(int)Math.Round(t / Dt)]++;
                var column = g.Column(i);
                for (int s = 0; s <= steps; s++)
                {
                    double u = Philox.Uniform(Seed, RandomStreams.PoissonCell(i), (ulong)s);
                    int expected = tails.Count(x => u < x);
                    if (expected != counts[s]) mismatches++;
                    total += counts[s];
                    sum += counts[s];
                    sumSquares += (double)counts[s] * counts[s];
                    // A spike of index s arrives at s + 1; gsyn jumps in the sample after.
                    if (s + 2 < column.Length) worstJump = Math.Max(worstJump, Math.Abs(column[s + 2] / decay - column[s + 1] - counts[s] * w));
                }
            }
            double n = cells * (steps + 1.0), mean = sum / n, variance = sumSquares / n - mean * mean;
            double expectedTotal = cells * rate * (steps + 1) * Dt / 1000, se = Math.Sqrt(expectedTotal);
            // float32: the samples are rounded to 24 bits and the backend's decay factor too, so the recomputed jump carries a
            // few ulps of the conductance itself (about 0.1 µS here: one ulp is 7.5e-9 µS); one lost spike would be w = 1e-3.
            double largest = Enumerable.Range(0, cells).Max(i => g.Column(i).Max(Math.Abs));
            double bound = ctx.Precision == Backends.Precision.Float32 ? 4 * largest * Math.Pow(2, -23) : 1e-12;
            return ($"{total} spikes (expected {expectedTotal:F0} ± {se:F0}; one spike per step would give {expectedTotal * (1 - Math.Exp(-lambda)) / lambda:F0}); " +
                    $"per-step count mean {mean:F4}, variance {variance:F4}; {mismatches} steps differ from the host's draws; largest conductance-jump error {worstJump:g3} µS",
                [
                    (Math.Abs(total - expectedTotal) <= 4 * se, $"{total} spikes, more than 4 standard errors from {expectedTotal:F0}"),
                    (Math.Abs(variance - mean) <= 0.05 * mean, $"per-step variance {variance:F4} is not the mean {mean:F4} (not Poisson)"),
                    (mismatches == 0, $"{mismatches} steps' counts differ from the host's recomputation from the same draws"),
                    (worstJump <= bound, $"a step's spikes were not all delivered (conductance jump off by {worstJump:g3} µS)"),
                ]);
        });
}
