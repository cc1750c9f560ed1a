using Meta.CurrentSources;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Conformance.Scenarios;

/// <summary>Spike sources, recording layout and simulation control (PyNN's simulation-control and recording tests).</summary>
public static class SourceAndRecordingScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() =>
        [ArrayTimes(), PoissonStatistics(), PoissonMatchesReference(), RecordingLayout(), ResetAndRunUntil()];

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    /// <summary>SpikeSourceArray emits exactly its times (on the grid), and new times set between runs add up.</summary>
    public static Scenario ArrayTimes() => new CheckScenario(
        "sources/spike-array",
        "exact: [10, 25, 40, 55] recorded as given; times set between 10 ms runs accumulate [12, 15, 18, 22, 25]",
        ["source:array"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var a = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 10.0, 25.0, 40.0, 55.0 }));
            var b = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 2.0 }));
            a.Record("spikes");
            b.Record("spikes");
            double[][] updates = [[12, 15, 18], [22, 25]];
            sim.Run(10);
            foreach (var times in updates)
            {
                b.SetSequence("spike_times", Parameters.SequenceValue.Shared(times));
                sim.Run(10);
            }
            sim.Run(40);
            var got = a.GetData().Segments[0].SpikeTrains[0].Times;
            var accumulated = b.GetData().Segments[0].SpikeTrains[0].Times;
            return ($"array {string.Join(", ", got)}; updated {string.Join(", ", accumulated)}",
            [
                Check(got.Zip(new[] { 10.0, 25, 40, 55 }).All(p => Math.Abs(p.First - p.Second) < 1e-9) && got.Length == 4, "the array source's spikes differ"),
                Check(accumulated.Zip(new[] { 2.0, 12, 15, 18, 22, 25 }).All(p => Math.Abs(p.First - p.Second) < 1e-9) && accumulated.Length == 6, "updated times did not accumulate"),
            ]);
        });

    /// <summary>PyNN's SpikeSourcePoisson test: rate and ISI distribution.</summary>
    public static Scenario PoissonStatistics() => new CheckScenario(
        "sources/poisson-statistics",
        "rate within 4 standard errors of 100 Hz; ISIs (minus the grid) pass a Kolmogorov–Smirnov test against an exponential: D < 0.1 (PyNN's bound)",
        ["source:poisson"],
        ctx =>
        {
            const double rate = 100, duration = 10_000;
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1, seed: 777));
            var p = sim.CreatePopulation(10, new CellType("SpikeSourcePoisson").With("rate", rate));
            p.Record("spikes");
            sim.Run(duration);
            var trains = p.GetData().Segments[0].SpikeTrains.Select(t => t.Times).ToArray();
            int count = trains.Sum(t => t.Length);
            double expected = rate * duration / 1000 * trains.Length, se = Math.Sqrt(expected);
            var isis = trains.SelectMany(t => t.Zip(t.Skip(1), (x, y) => y - x)).Order().ToArray();
            double mean = 1000 / rate, d = 0;
            for (int i = 0; i < isis.Length; i++)
            {
                // Discrete times: compare at the grid midpoint to remove the step's bias.
                double cdf = 1 - Math.Exp(-(isis[i] - 0.05) / mean);
                d = Math.Max(d, Math.Max(Math.Abs(cdf - (double)i / isis.Length), Math.Abs(cdf - (double)(i + 1) / isis.Length)));
            }
            return ($"{count} spikes (expected {expected:0} ± {se:0}), KS D = {d:0.0000}",
                [Check(Math.Abs(count - expected) <= 4 * se, "the rate is off"), Check(d < 0.1, "the ISI distribution is not exponential")]);
        });

    /// <summary>The same seed gives the same Poisson trains on every backend (counter-based Philox draws).</summary>
    public static Scenario PoissonMatchesReference() => new CheckScenario(
        "sources/poisson-identical-across-backends",
        "identical spike trains to the reference backend for the same seed",
        ["source:poisson"],
        ctx =>
        {
            double[][] Trains(Backends.IBackend backend, Backends.Precision precision)
            {
                using var sim = new Simulation(backend, (ctx with { Precision = precision }).Options(0.1, seed: 4242));
                var p = sim.CreatePopulation(20, new CellType("SpikeSourcePoisson").With("rate", 50.0).With("start", 5.0).With("duration", 500.0));
                p.Record("spikes");
                sim.Run(600);
                return p.GetData().Segments[0].SpikeTrains.Select(t => t.Times).ToArray();
            }
            var mine = Trains(ctx.Backend, ctx.Precision);
            var theirs = Trains(ctx.Reference!, Backends.Precision.Float64);
            int differing = mine.Zip(theirs).Count(p => !p.First.SequenceEqual(p.Second));
            return ($"{mine.Sum(t => t.Length)} spikes, {differing} of {mine.Length} trains differ from {ctx.Reference!.Descriptor.Name}",
                [Check(differing == 0, "Poisson trains differ from the reference backend's")]);
        },
        needsReference: true);

    /// <summary>Sample counts, sampling intervals, spikes across runs and segments across resets.</summary>
    public static Scenario RecordingLayout() => new CheckScenario(
        "recording/layout",
        "exact shapes: int(T/dt)+1 samples over runs, (11, n) at 1 ms and (21, n) at 0.5 ms for 10 ms; one train per cell; a segment per reset",
        ["IF_curr_exp", "current:DCSource"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var a = sim.CreatePopulation(3, new CellType("IF_curr_exp").With("i_offset", 1.0));
            var b = sim.CreatePopulation(4, new CellType("IF_curr_exp"));
            a.Record(["v", "spikes"]);
            b.Record("v", samplingInterval: 0.5);
            sim.Run(10);
            var shapeB = b.GetData().Segments[0].Signal("v").Shape;
            sim.Run(90);
            var seg = a.GetData().Segments[0];
            var shapeA = seg.Signal("v").Shape;
            int spikes = seg.SpikeTrains.Sum(t => t.Times.Length);
            sim.Reset();
            sim.Run(100);
            var block = a.GetData();
            bool same = block.Segments.Count == 2 && Metrics.Rms(block.Segments[0].Signal("v").Column(0), block.Segments[1].Signal("v").Column(0)) == 0;
            return ($"a: {shapeA}, b: {shapeB}, {spikes} spikes, {block.Segments.Count} segments",
            [
                Check(shapeA == (1001, 3), $"a's v has shape {shapeA}, expected (1001, 3)"),
                Check(shapeB == (21, 4), $"b's v at 0.5 ms has shape {shapeB}, expected (21, 4)"),
                Check(seg.SpikeTrains.Count == 3 && spikes > 0, "spike trains missing"),
                Check(same, "the segment after reset is not identical to the first"),
            ]);
        });

    /// <summary>PyNN's test_run_until and test_reset_with_spikes.</summary>
    public static Scenario ResetAndRunUntil() => new CheckScenario(
        "control/reset-run-until",
        "run_until lands on the requested step; three run/reset cycles with spike input give identical segments (10 decimals)",
        ["IF_curr_exp", "source:array"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var src = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times",
                Parameters.SequenceValue.PerCell([[1.2, 3.8, 9.2], [1.5, 1.9, 2.7, 4.8, 6.8]])));
            var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
            _ = new Projection(src, cells, new AllToAllConnector(), new StaticSynapse(0.5, 0.5), "excitatory");
            cells.Record(["v", "spikes"]);
            double t1 = sim.RunUntil(12.7), t2 = sim.RunUntil(12.7), t3 = sim.RunUntil(99.9);
            var times = new[] { t1, t2, t3 };
            sim.Reset();
            for (int k = 0; k < 3; k++) { sim.Run(10); sim.Reset(); }
            var segs = cells.GetData().Segments;
            var first = segs[1].Signal("v");
            bool identical = segs.Skip(1).Take(3).All(s => s.Signal("v").Data.Zip(first.Data).All(p => Math.Abs(p.First - p.Second) < 1e-10));
            return ($"run_until times {string.Join(", ", times)}; {segs.Count} segments",
            [
                Check(Math.Abs(t1 - 12.7) < 1e-9 && Math.Abs(t2 - 12.7) < 1e-9 && Math.Abs(t3 - 99.9) < 1e-9, "run_until did not reach its target"),
                Check(segs.Count >= 4 && identical, "segments after reset differ"),
            ]);
        });
}
