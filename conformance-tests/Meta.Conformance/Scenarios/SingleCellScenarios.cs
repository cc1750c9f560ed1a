using Meta.CurrentSources;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Recording;

namespace Meta.Conformance.Scenarios;

/// <summary>Timing contracts of single cells (docs/semantics.md): threshold, reset, refractoriness, delays, current sources.</summary>
public static class SingleCellScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() =>
    [
        ThresholdResetRefractory(), FirstSpikeTime(), Delays(), CurrentSourceTiming(), OffsetEqualsDc(), VoltageJump(),
    ];

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    /// <summary>v never crosses threshold in a sample, stays at v_reset for tau_refrac after each spike, and ISIs ≥ tau_refrac.</summary>
    public static Scenario ThresholdResetRefractory() => new CheckScenario(
        "dynamics/threshold-reset-refractory",
        "exact: v < v_thresh in every sample, v == v_reset for round(tau_refrac/dt) samples after each spike (the clamp is an assignment)",
        ["IF_curr_exp", "current:DCSource"],
        ctx =>
        {
            const double dt = 0.1, tauRefrac = 2.0;
            using var sim = new Simulation(ctx.Backend, ctx.Options(dt));
            var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp").With("tau_refrac", tauRefrac).With("v_reset", -70.0));
            cell.Inject(new DCSource { Amplitude = 2.0, Start = 5.0 });
            cell.Record(["spikes", "v"]);
            sim.Run(100);
            var seg = cell.GetData().Segments[0];
            var v = seg.Signal("v").Column(0);
            var spikes = seg.SpikeTrains[0].Times;
            int clamp = (int)Math.Round(tauRefrac / dt);
            int badClamp = 0;
            foreach (var s in spikes)
                for (int i = (int)Math.Round(s / dt); i < Math.Min(v.Length, (int)Math.Round(s / dt) + clamp + 1); i++)
                    if (v[i] != -70.0) badClamp++;
            var isis = spikes.Zip(spikes.Skip(1), (a, b) => b - a).ToArray();
            return ($"{spikes.Length} spikes, max v {v.Max():0.###} mV, min ISI {(isis.Length > 0 ? isis.Min() : double.NaN):0.###} ms, {badClamp} unclamped samples",
            [
                Check(spikes.Length >= 5, $"only {spikes.Length} spikes under 2 nA"),
                Check(v.Max() < -50.0, $"a sample reached {v.Max()} mV ≥ v_thresh"),
                Check(badClamp == 0, $"{badClamp} samples inside refractory periods were not v_reset"),
                Check(isis.All(i => i >= tauRefrac + dt - 1e-9), "an ISI was shorter than tau_refrac + dt"),
                Check(spikes.All(s => Math.Abs(s / dt - Math.Round(s / dt)) < 1e-6), "spike times are not on the step grid"),
            ]);
        });

    /// <summary>PyNN's test_scenario2 f–I check: the first spike under a DC step at 25 + τ·ln(Iτ/(Iτ−θC)).</summary>
    public static Scenario FirstSpikeTime() => new CheckScenario(
        "dynamics/first-spike-time",
        "within [exact, exact + 1.5·dt] (a crossing inside a step is stamped at its end), dt = 0.01",
        ["IF_curr_exp", "current:DCSource"],
        ctx =>
        {
            const double dt = 0.01, tau = 20, theta = 10, c = 1;
            using var sim = new Simulation(ctx.Backend, ctx.Options(dt, 0.1));
            double[] currents = [0.6, 0.8, 1.0, 1.4];
            var cells = sim.CreatePopulation(currents.Length, new CellType("IF_curr_exp")
                .With("tau_m", tau).With("v_rest", 0.0).With("v_reset", 0.0).With("v_thresh", theta).With("cm", c).With("tau_refrac", 100.0));
            cells.Initialize("v", 0.0);
            for (int i = 0; i < currents.Length; i++) new DCSource { Amplitude = currents[i], Start = 25, Stop = 125 }.InjectInto(cells[i]);
            cells.Record("spikes");
            sim.Run(150);
            var trains = cells.GetData().Segments[0].SpikeTrains;
            var errors = currents.Select((I, i) =>
            {
                double exact = 25 + tau * Math.Log(I * tau / (I * tau - theta * c));
                return trains[i].Times.Length == 1 ? trains[i].Times[0] - exact : double.NaN;
            }).ToArray();
            return ($"first-spike errors {string.Join(", ", errors.Select(e => e.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)))} ms",
                [Check(errors.All(e => e >= -1e-9 && e <= 1.5 * dt), "a spike was missing, doubled, early or more than 1.5 steps late")]);
        });

    /// <summary>A spike at t with delay d changes the target's v first at sample (t + d)/dt + 1, for several delays.</summary>
    public static Scenario Delays() => new CheckScenario(
        "dynamics/delays",
        "exact sample index (delays are whole steps)",
        ["IF_curr_exp", "source:array"],
        ctx =>
        {
            const double dt = 0.1, t = 10.0;
            double[] delays = [0.1, 1.0, 2.5];
            using var sim = new Simulation(ctx.Backend, ctx.Options(dt, 0.1, 5.0));
            var src = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { t }));
            var cells = sim.CreatePopulation(delays.Length + 1, new CellType("IF_curr_exp"));
            for (int i = 0; i < delays.Length; i++)
                _ = new Projection(src, cells[i], new AllToAllConnector(), new StaticSynapse(0.5, delays[i]), "excitatory");
            cells.Record("v");
            sim.Run(20);
            var v = cells.GetData().Segments[0].Signal("v");
            var control = v.Column(delays.Length);
            var first = delays.Select((_, i) => FirstDifference(v.Column(i), control)).ToArray();
            var expected = delays.Select(d => (int)Math.Round((t + d) / dt) + 1).ToArray();
            return ($"first changed samples {string.Join(", ", first)} (expected {string.Join(", ", expected)})",
                [Check(first.SequenceEqual(expected), "a delay was not honoured to the step")]);
        });

    /// <summary>PyNN's current-source contract (ticket226, issue_465_474_630): v(start) unchanged, v(start+dt) changed; off at stop.</summary>
    public static Scenario CurrentSourceTiming() => new CheckScenario(
        "dynamics/current-source-timing",
        "exact: v(10.0) == v_rest, v(10.1) > v_rest; the same with a StepCurrentSource; after stop v relaxes monotonically",
        ["IF_curr_exp", "current:DCSource", "current:StepCurrentSource"],
        ctx =>
        {
            const double dt = 0.1;
            using var sim = new Simulation(ctx.Backend, ctx.Options(dt));
            var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp").With("v_rest", -60.0));
            cells.Initialize("v", -60.0);
            new DCSource { Amplitude = 0.5, Start = 10, Stop = 20 }.InjectInto(cells[0]);
            new StepCurrentSource([10, 20], [0.5, 0.0]).InjectInto(cells[1]);
            cells.Record("v");
            sim.Run(40);
            var v = cells.GetData().Segments[0].Signal("v");
            var a = v.Column(0);
            var b = v.Column(1);
            bool relaxes = Enumerable.Range(202, 150).All(i => a[i] <= a[i - 1]);
            return ($"v(10.0)={a[100]}, v(10.1)={a[101]:0.######}, v(20.1)={a[201]:0.######}",
            [
                Check(a[100] == -60.0 && a[99] == -60.0, "v changed before or at the onset sample"),
                Check(a[101] > -60.0, "v did not change at start + dt"),
                Check(Metrics.Rms(a, b) == 0, "DCSource and the equivalent StepCurrentSource differ"),
                Check(relaxes, "v did not relax monotonically after the source stopped"),
            ]);
        });

    /// <summary>PyNN's issue321: i_offset behaves like a DCSource from 0 (same arithmetic: both enter the membrane equation additively).</summary>
    public static Scenario OffsetEqualsDc() => new CheckScenario(
        "dynamics/i_offset",
        "i_offset = 1 nA and DCSource(amplitude = 1, start = 0) give traces equal within 1e-9 mV",
        ["IF_curr_exp", "current:DCSource"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp").With("tau_refrac", 2.0));
            cells[0].Set("i_offset", 1.0);
            new DCSource { Amplitude = 1.0, Start = 0 }.InjectInto(cells[1]);
            cells.Record(["v", "spikes"]);
            sim.Run(100);
            var seg = cells.GetData().Segments[0];
            double rms = Metrics.Rms(seg.Signal("v").Column(0), seg.Signal("v").Column(1));
            return ($"RMS difference {rms:E2} mV, {seg.SpikeTrains[0].Times.Length} spikes",
                [Check(rms <= 1e-9, "i_offset and DC differ"), Check(seg.SpikeTrains[0].Times.Length > 0, "no spikes")]);
        });

    /// <summary>PyNN's IF_curr_delta_voltage_step: one 5 mV input raises v by exactly 5 mV.</summary>
    public static Scenario VoltageJump() => new CheckScenario(
        "dynamics/voltage-jump",
        "the jump equals the weight within 1e-9 mV at sample (t + d)/dt + 1",
        ["IF_curr_delta", "source:array"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1));
            var src = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 20.0 }));
            var cells = sim.CreatePopulation(2, new CellType("IF_curr_delta"));
            _ = new Projection(src, cells[0], new AllToAllConnector(), new StaticSynapse(5.0, 1.0), "excitatory");
            cells.Record("v");
            sim.Run(40);
            var v = cells.GetData().Segments[0].Signal("v");
            double jump = v[211, 0] - v[211, 1];
            return ($"jump {jump:0.############} mV at sample 211",
                [Check(Math.Abs(jump - 5.0) <= 1e-9, "the voltage jump is not the weight"), Check(FirstDifference(v.Column(0), v.Column(1)) == 211, "the jump is not at sample 211")]);
        });

    internal static int FirstDifference(double[] a, double[] b)
    {
        for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return i;
        return -1;
    }

    internal static Segment Only(this Block block) => block.Segments[^1];
}
