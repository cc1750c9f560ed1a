using Meta.Backends;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Conformance.Scenarios;

/// <summary>Networks cross-checked with a reference backend: spike for spike when small, in statistics when chaotic.</summary>
public static class NetworkScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [SmallNetwork(), VogelsAbbott(coba: true), VogelsAbbott(coba: false)];

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    /// <summary>
    /// A small deterministic network (60 IF_cond_exp with recurrent excitation and inhibition, driven by spike arrays)
    /// must match the reference backend spike for spike at float64 over 300 ms.
    /// </summary>
    public static Scenario SmallNetwork() => new CheckScenario(
        "network/small-deterministic",
        "float64: identical spike counts per cell and spike times within 1e-6 ms of the reference backend (both integrate the same plan; " +
        "only the last bits of exp differ); float32: total count within 5 % and per-cell counts within 2",
        ["IF_cond_exp", "source:array"],
        ctx =>
        {
            double[][] Run(IBackend backend, Precision precision)
            {
                using var sim = new Simulation(backend, (ctx with { Precision = precision }).Options(0.1, 0.5, 5.0, seed: 2024));
                var input = sim.CreatePopulation(10, new CellType("SpikeSourceArray").WithSequence("spike_times",
                    Parameters.SequenceValue.Function(i => Enumerable.Range(0, 30).Select(k => 5.0 + 9.7 * k + 0.9 * i).ToArray())));
                var cell = new CellType("IF_cond_exp").With("tau_refrac", 2.0).With("v_rest", -60.0).With("v_reset", -62.0);
                var exc = sim.CreatePopulation(48, cell, "exc");
                var inh = sim.CreatePopulation(12, cell, "inh");
                var all = exc + inh;
                all.Initialize("v", new RandomDistribution("uniform", -65.0, -52.0));
                _ = new Projection(input, all, new FixedProbabilityConnector(0.3), new StaticSynapse(0.02, 0.5), "excitatory");
                _ = new Projection(exc, all, new FixedProbabilityConnector(0.1), new StaticSynapse(new RandomDistribution("uniform", 0.002, 0.008), 1.0), "excitatory");
                _ = new Projection(inh, all, new FixedNumberPreConnector(3), new StaticSynapse(0.03, new RandomDistribution("uniform", 0.5, 3.0)), "inhibitory");
                all.Record("spikes");
                sim.Run(300);
                return all.GetData().Segments[0].SpikeTrains.Select(t => t.Times).ToArray();
            }
            var mine = Run(ctx.Backend, ctx.Precision);
            var reference = Run(ctx.Reference!, Precision.Float64);
            int total = mine.Sum(t => t.Length), refTotal = reference.Sum(t => t.Length);
            int countMismatch = mine.Zip(reference).Count(p => p.First.Length != p.Second.Length);
            double maxGap = mine.Zip(reference).Where(p => p.First.Length == p.Second.Length)
                .SelectMany(p => p.First.Zip(p.Second, (a, b) => Math.Abs(a - b))).DefaultIfEmpty(0).Max();
            double vr = mine.Zip(reference).Average(p => Metrics.VanRossum(p.First, p.Second));
            string measured = $"{total} vs {refTotal} spikes, {countMismatch} cells differ in count, max time difference {maxGap:0.######} ms, mean van Rossum {vr:0.####}";
            if (ctx.Precision == Precision.Float64)
                return (measured, [Check(refTotal > 50, "the network is too quiet to test"), Check(countMismatch == 0 && maxGap <= 1e-6, "not spike for spike")]);
            int worst = mine.Zip(reference).Max(p => Math.Abs(p.First.Length - p.Second.Length));
            return (measured, [Check(Math.Abs(total - refTotal) <= 0.05 * refTotal, "total count off by more than 5 %"), Check(worst <= 2, "a cell's count is off by more than 2")]);
        },
        needsReference: true);

    /// <summary>
    /// PyNN's Vogels–Abbott networks for 400 ms (COBA at full size, 4000 cells; CUBA scaled to 1000 cells with 80 inputs
    /// per cell): chaotic, so compared in statistics. A smaller COBA network is bistable (6–16 Hz depending on the
    /// initial v alone), too unstable to compare.
    /// </summary>
    public static Scenario VogelsAbbott(bool coba) => new CheckScenario(
        $"network/vogels-abbott-{(coba ? "coba" : "cuba")}",
        "mean rate within 15 % of the reference backend, mean CV of ISIs within 0.1, mean count correlation (5 ms bins) within 0.05: about 3× the " +
        "spread measured on the CPU backend when only the initial v of the same network is redrawn (6 draws: rate ±5 %, CV ±0.02, correlation ±0.02)",
        [coba ? "IF_cond_exp" : "IF_curr_exp", .. coba ? new[] { "source:poisson" } : []],
        ctx =>
        {
            const double duration = 400;
            (double Rate, double Cv, double Corr) Stats(IBackend backend, Precision precision)
            {
                using var sim = new Simulation(backend, (ctx with { Precision = precision }).Options(0.1, 0.2, 1.0, seed: 98765));
                int n = coba ? 4000 : 1000, nExc = n * 4 / 5;
                double p = 0.02 * 4000 / n;
                CellType Cell() => coba
                    ? new CellType("IF_cond_exp").With("cm", 0.2).With("tau_refrac", 5.0).With("v_rest", -60.0).With("v_reset", -60.0)
                        .With("tau_syn_I", 10.0).With("e_rev_I", -80.0)
                    : new CellType("IF_curr_exp").With("cm", 0.2).With("tau_refrac", 5.0).With("v_rest", -49.0).With("v_reset", -60.0)
                        .With("tau_syn_I", 10.0);
                var exc = sim.CreatePopulation(nExc, Cell());
                var inh = sim.CreatePopulation(n - nExc, Cell());
                var all = exc + inh;
                all.Initialize("v", new RandomDistribution("uniform", -60.0, -50.0));
                _ = new Projection(exc, all, new FixedProbabilityConnector(p), new StaticSynapse(coba ? 0.004 : 0.0162, 0.2), "excitatory");
                _ = new Projection(inh, all, new FixedProbabilityConnector(p), new StaticSynapse(coba ? 0.051 : -0.09, 0.2), "inhibitory");
                if (coba)
                {
                    var ext = sim.CreatePopulation(20, new CellType("SpikeSourcePoisson").With("rate", 100.0).With("duration", 50.0));
                    _ = new Projection(ext, all, new FixedProbabilityConnector(0.01), new StaticSynapse(0.1, 0.2), "excitatory");
                }
                all.Record("spikes");
                sim.Run(duration);
                var trains = all.GetData().Segments[0].SpikeTrains.Select(t => t.Times).ToArray();
                return (Metrics.MeanRate(trains, duration), Metrics.MeanCvIsi(trains), Metrics.MeanCountCorrelation(trains, duration));
            }
            var mine = Stats(ctx.Backend, ctx.Precision);
            var reference = Stats(ctx.Reference!, Precision.Float64);
            return ($"rate {mine.Rate:0.00} vs {reference.Rate:0.00} Hz, CV {mine.Cv:0.000} vs {reference.Cv:0.000}, correlation {mine.Corr:0.0000} vs {reference.Corr:0.0000}",
            [
                Check(mine.Rate is > 1 and < 60, $"rate {mine.Rate:0.0} Hz is implausible"),
                Check(Math.Abs(mine.Rate - reference.Rate) <= 0.15 * reference.Rate, "rates differ by more than 15 %"),
                Check(Math.Abs(mine.Cv - reference.Cv) <= 0.1, "CVs of ISIs differ by more than 0.1"),
                Check(Math.Abs(mine.Corr - reference.Corr) <= 0.05, "count correlations differ by more than 0.05"),
            ]);
        },
        needsReference: true);
}
