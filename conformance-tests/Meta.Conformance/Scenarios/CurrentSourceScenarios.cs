using Meta.Backends;
using Meta.CurrentSources;
using Meta.Recording;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Current sources (PyNN's test_electrodes): AC and noisy sources, sources spanning runs, parameters changed between runs,
/// and recording a source's current. The recorded current is computed by Meta from the same schedule the backend follows;
/// these scenarios prove that the backend injects exactly that current.
/// </summary>
public static class CurrentSourceScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() =>
    [
        AcPeaks(), AcRecordedEveryStep(), NoiseTiming(), TimingAcrossRuns(), AcPhaseAndChanges(), FourSourcesOnOneCell(),
        ChangingElectrode(), StepSetAfterRun(), InjectedEqualsRecorded(),
    ];

    private const double VRest = -60.0;

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    /// <summary>An IF_curr_exp population at v_rest = −60 mV; a high threshold keeps it subthreshold when asked.</summary>
    private static Populations.Population Cells(Simulation sim, int n, bool subthreshold = false)
    {
        var type = new CellType("IF_curr_exp").With("v_rest", VRest);
        if (subthreshold) type = type.With("v_thresh", -20.0);
        var cells = sim.CreatePopulation(n, type);
        cells.Initialize("v", VRest);
        return cells;
    }

    private static double[] Current(CurrentSource source) => source.GetData().Segments[^1].Signal("i").Column(0);

    private static int Step(double t, double dt) => (int)Math.Round(t / dt);

    /// <summary>Cross-backend v tolerance: float64 backends do the same arithmetic (docs/semantics.md), float32 ones drift.</summary>
    private static double CrossTolerance(Precision p) => p == Precision.Float32 ? 0.05 : 1e-8;

    /// <summary>Whether v relaxes monotonically towards rest from sample <paramref name="from"/> on.</summary>
    private static bool Relaxes(double[] v, int from) =>
        Enumerable.Range(from, v.Length - from).All(i => Math.Abs(v[i] - VRest) < Math.Abs(v[i - 1] - VRest));

    /// <summary>PyNN's issue442: an AC source (22.5–122.5 ms, 0.5 nA, offset 0.1 nA, 100 Hz) gives 10 growing peaks.</summary>
    public static Scenario AcPeaks() => new CheckScenario(
        "currents/issue442-ac-peaks",
        "exact: v at rest up to start; 10 peaks (f·(stop − start)/1000), each higher than the last; monotonic decay after stop; " +
        "v equal to the reference backend's within 1e-8 mV (float64) or 0.05 mV RMS (float32)",
        ["IF_curr_exp", "current:ACSource"],
        ctx =>
        {
            double[] Run(IBackend backend, Precision precision)
            {
                using var sim = new Simulation(backend, (ctx with { Precision = precision }).Options(0.1));
                var cell = Cells(sim, 1);
                new ACSource { Start = 22.5, Stop = 122.5, Amplitude = 0.5, Offset = 0.1, Frequency = 100 }.InjectInto(cell);
                cell.Record("v");
                sim.Run(150);
                return cell.GetData().Segments[0].Signal("v").Column(0);
            }
            var v = Run(ctx.Backend, ctx.Precision);
            int start = 225, stop = 1225;
            // Peaks strictly inside the window: at the stop sample v turns down because the current ends, not because of the sine.
            var peaks = Enumerable.Range(start + 1, stop - start - 1).Where(k => v[k] > v[k - 1] && v[k] >= v[k + 1]).Select(k => v[k]).ToArray();
            var checks = new List<(bool, string)>
            {
                Check(v.Take(start + 1).All(x => Math.Abs(x - VRest) <= 1e-9), "v changed before start + dt"),
                Check(v[start + 1] != VRest, "v did not change at start + dt"),
                Check(peaks.Length == 10, $"{peaks.Length} peaks, expected 10"),
                Check(peaks.Zip(peaks.Skip(1)).All(p => p.Second > p.First), "the peaks do not grow"),
                Check(Relaxes(v, stop + 2), "v does not decay monotonically after stop"),
            };
            string measured = $"{peaks.Length} peaks from {peaks.FirstOrDefault():0.###} to {peaks.LastOrDefault():0.###} mV";
            if (ctx.Reference is { } reference)
            {
                double rms = Metrics.Rms(v, Run(reference, Precision.Float64));
                measured += $", v RMS {rms:E2} mV from {reference.Descriptor.Name}";
                checks.Add(Check(rms <= CrossTolerance(ctx.Precision), "v differs from the reference backend's"));
            }
            return (measured, checks.ToArray());
        });

    /// <summary>PyNN's issue445: the recorded AC current has a new value at every step and (tmax − tmin)/dt + 1 samples.</summary>
    public static Scenario AcRecordedEveryStep() => new CheckScenario(
        "currents/issue445-ac-recorded",
        "exact: 201 samples for 20 ms at dt 0.1 (t = 0 included), each step inside [start, stop) a new value equal to " +
        "offset + amplitude·sin(2π·f·(t − start)/1000) within 1e-12 nA",
        ["IF_curr_exp", "current:ACSource"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var cell = Cells(sim, 1);
            var ac = new ACSource { Start = 2, Stop = 18, Amplitude = 0.5, Offset = 0.1, Frequency = 100 };
            ac.InjectInto(cell);
            ac.Record();
            sim.Run(20);
            var i = Current(ac);
            int changes = Enumerable.Range(21, 159).Count(k => i[k] != i[k - 1]);
            bool formula = Enumerable.Range(0, i.Length).All(k =>
                Math.Abs(i[k] - (k is >= 20 and < 180 ? 0.1 + 0.5 * Math.Sin(2 * Math.PI * 100 * (k * 0.1 - 2) / 1000) : 0)) <= 1e-12);
            return ($"{i.Length} samples, {changes} of 159 steps changed",
            [
                Check(i.Length == 201, $"{i.Length} samples, expected 201"),
                Check(changes == 159, "the current did not change at every step"),
                Check(formula, "the recorded current is not the AC waveform"),
            ]);
        });

    /// <summary>
    /// PyNN's issue437: noise (25–150 ms, mean 0.5, sd 0.25) drawn every 0.1 ms and every 1.0 ms. The update interval is
    /// read from the kinks of v: its second difference jumps by about ΔI·dt/cm ≥ 2e-3 mV where the current changes, and stays
    /// below 7e-4 mV elsewhere (|v''|·dt² with |v'| ≤ 1.3 mV/ms, τ = 20 ms) for a subthreshold cell.
    /// </summary>
    public static Scenario NoiseTiming() => new CheckScenario(
        "currents/issue437-noise",
        "exact: v at rest (1e-9) up to start, changed at start + dt, decays monotonically after stop; the kinks of v (|Δ²v| > 2e-3 mV) " +
        "lie on the draw grid and their most common spacing is the noise interval (1 and 10 steps)",
        ["IF_curr_exp", "current:NoisyCurrentSource"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1, seed: 437));
            var cells = Cells(sim, 2, subthreshold: true);
            new NoisyCurrentSource { Mean = 0.5, Stdev = 0.25, Start = 25, Stop = 150, Dt = 0.1 }.InjectInto(cells[0]);
            new NoisyCurrentSource { Mean = 0.5, Stdev = 0.25, Start = 25, Stop = 150, Dt = 1.0 }.InjectInto(cells[1]);
            cells.Record("v");
            sim.Run(200);
            var signal = cells.GetData().Segments[0].Signal("v");
            var checks = new List<(bool, string)>();
            var found = new List<string>();
            int start = 250, stop = 1500;
            foreach (var (column, interval) in new[] { (0, 1), (1, 10) })
            {
                var v = signal.Column(column);
                // A current change at step j bends v between samples j and j + 1: the second difference at j.
                var kinks = Enumerable.Range(start, stop - start).Where(j => Math.Abs(v[j + 1] - 2 * v[j] + v[j - 1]) > 2e-3).ToArray();
                var gaps = kinks.Zip(kinks.Skip(1), (a, b) => b - a).ToArray();
                int mode = gaps.Length == 0 ? 0 : gaps.GroupBy(g => g).OrderByDescending(g => g.Count()).First().Key;
                found.Add($"dt {interval * 0.1:0.0}: {kinks.Length} kinks, interval {mode} steps");
                checks.Add(Check(v.Take(start + 1).All(x => Math.Abs(x - VRest) <= 1e-9), $"cell {column}: v changed before start + dt"));
                checks.Add(Check(v[start + 1] != VRest, $"cell {column}: v did not change at start + dt"));
                checks.Add(Check(mode == interval, $"cell {column}: the update interval is {mode} steps, expected {interval}"));
                checks.Add(Check(kinks.All(j => (j - start) % interval == 0), $"cell {column}: v bends off the draw grid"));
                checks.Add(Check(kinks.Length >= (stop - start) / interval * 0.8, $"cell {column}: only {kinks.Length} kinks"));
                checks.Add(Check(Relaxes(v, stop + 2), $"cell {column}: v does not decay monotonically after stop"));
            }
            return (string.Join("; ", found), checks.ToArray());
        });

    /// <summary>
    /// PyNN's issue_465_474_630 and issue487: AC, DC, noise and step sources over two 100 ms runs, spanning the boundary or
    /// starting in the second run.
    /// </summary>
    public static Scenario TimingAcrossRuns() => new CheckScenario(
        "currents/issue465-474-630-timing",
        "exact: every current trace has 2001 samples from t = 0 to 200 ms; 0 at start/dt − 1, non-zero at start/dt and stop/dt − 1, " +
        "0 at stop/dt; v at start/dt equals v_rest and differs at start/dt + 1",
        ["IF_curr_exp", "current:ACSource", "current:DCSource", "current:NoisyCurrentSource", "current:StepCurrentSource"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var cells = Cells(sim, 4);
            var sources = new (CurrentSource Source, double Start, double Stop)[]
            {
                (new ACSource { Start = 120, Stop = 180, Amplitude = 0.4, Offset = 0.1, Frequency = 30, Phase = 20 }, 120, 180),
                (new DCSource { Start = 40, Stop = 110, Amplitude = 0.3 }, 40, 110),
                (new NoisyCurrentSource { Start = 60, Stop = 150, Mean = 0.5, Stdev = 0.1 }, 60, 150),
                (new StepCurrentSource([30, 70, 140], [0.2, 0.4, 0]), 30, 140),
            };
            for (int c = 0; c < sources.Length; c++)
            {
                sources[c].Source.InjectInto(cells[c]);
                sources[c].Source.Record();
            }
            cells.Record("v");
            sim.Run(100);
            sim.Run(100);
            var v = cells.GetData().Segments[0].Signal("v");
            var checks = new List<(bool, string)>();
            for (int c = 0; c < sources.Length; c++)
            {
                var (source, t0, t1) = sources[c];
                var signal = source.GetData().Segments.Single().Signal("i");
                var i = signal.Column(0);
                int start = Step(t0, 0.1), stop = Step(t1, 0.1);
                string name = source.Kind;
                checks.Add(Check(signal.SampleCount == 2001 && signal.TStart == 0 && Math.Abs(signal.Times()[^1] - 200) < 1e-9,
                    $"{name}: {signal.SampleCount} samples from {signal.TStart} ms, expected 2001 from 0 to 200 ms"));
                if (signal.SampleCount != 2001) continue;
                checks.Add(Check(i[start - 1] == 0 && i[start] != 0, $"{name}: the current does not switch on at start/dt"));
                checks.Add(Check(i[stop - 1] != 0 && i[stop] == 0, $"{name}: the current does not switch off at stop/dt"));
                checks.Add(Check(v[start, c] == VRest && v[start + 1, c] != VRest, $"{name}: v does not first change at start/dt + 1"));
            }
            return ("4 sources over 2 × 100 ms", checks.ToArray());
        });

    /// <summary>PyNN's issue497: the AC phase refers to start; start, frequency and phase changed between runs apply from the next run.</summary>
    public static Scenario AcPhaseAndChanges() => new CheckScenario(
        "currents/issue497-ac-phase",
        "the recorded current equals offset + amplitude·sin(2π·f·(t − start)/1000 + phase) within 1e-12 nA for the parameters of each run; " +
        "v of a cell with phase 90° starting at 5 ms first changes at 5.1 ms",
        ["IF_curr_exp", "current:ACSource"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var cells = Cells(sim, 1);
            var ac = new ACSource { Start = 5, Stop = 1e12, Amplitude = 0.5, Frequency = 50, Phase = 90 };
            ac.InjectInto(cells);
            ac.Record();
            cells.Record("v");
            sim.Run(10);
            ac.SetParameters(("start", 15.0), ("frequency", 100.0), ("phase", 0.0));
            sim.Run(10);
            var i = Current(ac);
            var v = cells.GetData().Segments[0].Signal("v").Column(0);
            double Expected(int k) => k < 100
                ? (k >= 50 ? 0.5 * Math.Sin(2 * Math.PI * 50 * (k * 0.1 - 5) / 1000 + Math.PI / 2) : 0)
                : (k >= 150 ? 0.5 * Math.Sin(2 * Math.PI * 100 * (k * 0.1 - 15) / 1000) : 0);
            double worst = Enumerable.Range(0, i.Length).Max(k => Math.Abs(i[k] - Expected(k)));
            return ($"{i.Length} samples, i(5.0) = {i[50]:0.######} nA, worst error {worst:E1} nA",
            [
                Check(i.Length == 201, $"{i.Length} samples, expected 201"),
                Check(worst <= 1e-12, "the recorded current is not the AC waveform with the phase at start"),
                Check(Math.Abs(i[50] - 0.5) <= 1e-12, "phase 90° does not give the full amplitude at start"),
                Check(v[50] == VRest && v[51] != VRest, "v does not first change at start + dt"),
            ]);
        });

    /// <summary>
    /// PyNN's issue631: DC, AC, step and noise sources on one cell in separate windows, all recorded. Each trace is 0 outside
    /// its window, and a second cell driven by one step source carrying the sum of the four recorded currents has the same v:
    /// the backend injects exactly the recorded currents, and they do not interfere.
    /// </summary>
    public static Scenario FourSourcesOnOneCell() => new CheckScenario(
        "currents/issue631-four-sources",
        "exact: each current 0 outside its window and non-zero inside; v of the four-source cell equals v of the cell driven by the " +
        "summed recorded currents (0 mV: the same arithmetic)",
        ["IF_curr_exp", "current:ACSource", "current:DCSource", "current:NoisyCurrentSource", "current:StepCurrentSource"],
        ctx =>
        {
            var windows = new (double Start, double Stop)[] { (5, 15), (20, 35), (40, 55), (60, 75) };
            CurrentSource[] Make() =>
            [
                new DCSource { Start = 5, Stop = 15, Amplitude = 0.3 },
                new ACSource { Start = 20, Stop = 35, Amplitude = 0.5, Offset = 0.2, Frequency = 80 },
                new StepCurrentSource([40, 47, 55], [0.4, 0.1, 0]),
                new NoisyCurrentSource { Start = 60, Stop = 75, Mean = 0.2, Stdev = 0.3, Dt = 0.5 },
            ];
            double[][] currents;
            double[] times;
            using (var sim = new Simulation(ctx.Backend, ctx.Options(0.1, seed: 631)))
            {
                var cell = Cells(sim, 1);
                var sources = Make();
                foreach (var s in sources) { s.InjectInto(cell); s.Record(); }
                sim.Run(90);
                currents = sources.Select(Current).ToArray();
                times = sources[0].GetData().Segments[0].Signal("i").Times();
            }
            var sum = Enumerable.Range(0, times.Length).Select(k => currents.Sum(c => c[k])).ToArray();
            double[] v0, v1;
            using (var sim = new Simulation(ctx.Backend, ctx.Options(0.1, seed: 631)))
            {
                var cells = Cells(sim, 2);
                foreach (var s in Make()) s.InjectInto(cells[0]);
                new StepCurrentSource(times, sum).InjectInto(cells[1]);
                cells.Record("v");
                sim.Run(90);
                var v = cells.GetData().Segments[0].Signal("v");
                (v0, v1) = (v.Column(0), v.Column(1));
            }
            var checks = new List<(bool, string)>();
            for (int s = 0; s < 4; s++)
            {
                int a = Step(windows[s].Start, 0.1), b = Step(windows[s].Stop, 0.1);
                var c = currents[s];
                checks.Add(Check(c.Length == 901, $"source {s}: {c.Length} samples, expected 901"));
                checks.Add(Check(c.Select((x, k) => (x, k)).All(p => (p.k >= a && p.k < b) == (p.x != 0)),
                    $"source {s}: the current is not confined to its window"));
            }
            double rms = Metrics.Rms(v0, v1);
            checks.Add(Check(rms == 0, "v differs from the cell driven by the summed recorded currents"));
            checks.Add(Check(v0.Distinct().Count() > 500, "v hardly changed"));
            return ($"v RMS difference {rms:E2} mV", checks.ToArray());
        });

    /// <summary>PyNN's changing_electrode and issue451: amplitudes changed between runs apply from the next run; a window that has passed has no effect.</summary>
    public static Scenario ChangingElectrode() => new CheckScenario(
        "currents/changing-electrode",
        "v after each 100 ms run within 0.05 mV of v_rest + R·I (the steady state, R = 20 MΩ), for I = 0.2 then 0.3 nA; " +
        "the cell whose 25–50 ms window had amplitude 0 stays at v_rest (1e-10 mV)",
        ["IF_curr_exp", "current:DCSource"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var cells = Cells(sim, 2);
            var changing = new DCSource { Amplitude = 0.2 };
            var window = new DCSource { Amplitude = 0.0, Start = 25, Stop = 50 };
            changing.InjectInto(cells[0]);
            window.InjectInto(cells[1]);
            cells.Record("v");
            sim.Run(100);
            changing.Amplitude += 0.1;
            window.SetParameters(("amplitude", 0.5));
            sim.Run(100);
            var v = cells.GetData().Segments[0].Signal("v");
            return ($"v(100) = {v[1000, 0]:0.####}, v(200) = {v[2000, 0]:0.####} mV",
            [
                Check(Math.Abs(v[1000, 0] - (VRest + 0.2 * 20)) <= 0.05, "the first amplitude was not applied"),
                Check(Math.Abs(v[2000, 0] - (VRest + 0.3 * 20)) <= 0.05, "the changed amplitude was not applied"),
                Check(v[1001, 0] > v[1000, 0], "the change did not apply from the next run"),
                Check(v.Column(1).All(x => Math.Abs(x - VRest) <= 1e-10), "a window in the past had an effect"),
            ]);
        });

    /// <summary>PyNN's issue759: a step source's times and amplitudes set after a 50 ms run give spikes only from 50 ms on.</summary>
    public static Scenario StepSetAfterRun() => new CheckScenario(
        "currents/issue759-step-set-after-run",
        "exact: no spikes before 50 ms, some after; v unchanged up to and including sample 50 ms",
        ["IF_curr_exp", "current:StepCurrentSource"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var cell = Cells(sim, 1);
            var step = new StepCurrentSource([], []);
            step.InjectInto(cell);
            cell.Record(["spikes", "v"]);
            sim.Run(50);
            step.SetParameters(("times", new[] { 50.0 }), ("amplitudes", new[] { 1.0 }));
            sim.Run(50);
            var seg = cell.GetData().Segments[0];
            var spikes = seg.SpikeTrains[0].Times;
            var v = seg.Signal("v").Column(0);
            return ($"{spikes.Length} spikes, first at {spikes.FirstOrDefault()} ms",
            [
                Check(spikes.Length > 0 && spikes.All(t => t >= 50), "spikes before 50 ms, or none"),
                Check(v.Take(501).All(x => x == VRest) && v[501] != VRest, "v did not first change at 50.1 ms"),
            ]);
        });

    /// <summary>
    /// A cell driven by a NoisyCurrentSource and a cell driven by a StepCurrentSource built from that source's recorded current
    /// have identical v; the recorded noise equals the reference backend's (the draws depend only on seed, stream and step).
    /// </summary>
    public static Scenario InjectedEqualsRecorded() => new CheckScenario(
        "currents/noise-injected-equals-recorded",
        "exact: identical v for the noise-driven cell and the cell driven by its recorded current; recorded noise identical to the " +
        "reference backend's; v within 1e-8 mV (float64) or 0.05 mV RMS (float32) of the reference backend's",
        ["IF_curr_exp", "current:NoisyCurrentSource", "current:StepCurrentSource"],
        ctx =>
        {
            static NoisyCurrentSource Noise() => new() { Mean = 0.3, Stdev = 0.5, Start = 10, Stop = 70, Dt = 0.3 };
            (double[] Current, double[] Times, double[] V) Record(IBackend backend, Precision precision)
            {
                using var sim = new Simulation(backend, (ctx with { Precision = precision }).Options(0.1, seed: 99));
                var cell = Cells(sim, 1);
                var noise = Noise();
                noise.InjectInto(cell);
                noise.Record();
                cell.Record("v");
                sim.Run(80);
                var signal = noise.GetData().Segments[0].Signal("i");
                return (signal.Column(0), signal.Times(), cell.GetData().Segments[0].Signal("v").Column(0));
            }
            var (current, times, vAlone) = Record(ctx.Backend, ctx.Precision);
            double[] v0, v1;
            using (var sim = new Simulation(ctx.Backend, ctx.Options(0.1, seed: 99)))
            {
                var cells = Cells(sim, 2);
                Noise().InjectInto(cells[0]);
                new StepCurrentSource(times, current).InjectInto(cells[1]);
                cells.Record("v");
                sim.Run(80);
                var v = cells.GetData().Segments[0].Signal("v");
                (v0, v1) = (v.Column(0), v.Column(1));
            }
            double rms = Metrics.Rms(v0, v1);
            var checks = new List<(bool, string)>
            {
                Check(rms == 0, "the noise-driven cell and the cell driven by the recorded current differ"),
                Check(v0.SequenceEqual(vAlone), "the noise is not the same in a second simulation with the same seed"),
                Check(current.Distinct().Count() > 150, "the recorded noise has too few distinct values"),
            };
            string measured = $"v RMS difference {rms:E2} mV";
            if (ctx.Reference is { } reference)
            {
                var (refCurrent, _, refV) = Record(reference, Precision.Float64);
                double refRms = Metrics.Rms(vAlone, refV);
                measured += $", v RMS {refRms:E2} mV from {reference.Descriptor.Name}";
                checks.Add(Check(current.SequenceEqual(refCurrent), "the recorded noise differs from the reference backend's"));
                checks.Add(Check(refRms <= CrossTolerance(ctx.Precision), "v differs from the reference backend's"));
            }
            return (measured, checks.ToArray());
        });
}
