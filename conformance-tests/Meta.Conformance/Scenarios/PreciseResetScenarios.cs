using System.Globalization;
using Meta.Backends;
using Meta.Models;
using Meta.Network;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Precise spike times (<c>spike_precision="off_grid"</c>, docs/semantics.md, "Precise spike times") where the crossing is not
/// an ordinary one: a cell above the threshold at the start of its step (the crossing is the step's start), and a reset
/// that moves a state the refractory clamp does not hold (AdEx's <c>w += b</c>: w decays from the crossing on).
/// </summary>
public static class PreciseResetScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [AboveAtStart(), AdaptationAfterReset()];

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    private static string F(double x) => x.ToString("0.###E+0", CultureInfo.InvariantCulture);

    /// <summary>
    /// v' = x, x' = k (a parabola): v starts 0.001 mV above the threshold 0 falling at 0.1 mV/ms and turns up again
    /// (k = 8 mV/ms²) without going below the threshold inside the first step (its minimum is 0.000375 mV at 0.0125 ms).
    /// The cubic Hermite interpolant's Newton steps from u = 0 move into the step (to about 0.03 ms) although no crossing
    /// lies there.
    /// </summary>
    private static ModelDefinition Parabola { get; } = new ModelBuilder("OffGridParabola")
        .Describe("v' = x, x' = k: a membrane above the threshold at the start that dips and rises within a step.")
        .Parameter("k", 8.0, "mV/ms2").Parameter("v_th", 0.0, "mV").Parameter("v_reset", -1.0, "mV")
        .State("v", 0.001, "mV").State("x", -0.1, "mV/ms")
        .Ode("v", "x").Ode("x", "k")
        .Threshold("v >= v_th").Reset("v = v_reset")
        .Build();

    /// <summary>A cell above the threshold at the start of a step spikes at the step's start.</summary>
    public static Scenario AboveAtStart() => new CheckScenario(
        "dynamics/off-grid-spike-times/above-threshold-at-start",
        "float64 1e-9 ms, float32 1e-6 ms (the offset −dt is stored in float32, where 0.1 is 1.5e-9 off): the cell is above " +
        "the threshold from the start of the first step, so its first spike is at 0 ms (docs/semantics.md: a cell above the " +
        "threshold at the start of its step spikes at the start)",
        [],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1) with { SpikePrecision = SpikePrecision.OffGrid });
            var cell = sim.CreatePopulation(1, new CellType(Parabola));
            cell.Record("spikes");
            sim.Run(1);
            var times = cell.GetData().Segments[0].SpikeTrains[0].Times;
            double first = times.Length > 0 ? times[0] : double.NaN;
            double bound = ctx.Precision == Precision.Float32 ? 1e-6 : 1e-9;
            return ($"first spike at {first.ToString("R", CultureInfo.InvariantCulture)} ms",
            [
                Check(times.Length > 0, "the cell did not spike"),
                Check(Math.Abs(first) <= bound, $"the first spike is at {F(first)} ms, not at the start of the step (0 ms; bound {F(bound)} ms)"),
            ]);
        });

    private const double B = 0.0805, TauW = 144, AdExDt = 0.1, AdExDuration = 60;

    /// <summary>The AdEx cells' offset currents (nA): crossings at many positions inside a step.</summary>
    private static readonly double[] AdExCurrents = [0.7, 0.9, 1.2, 1.6];

    /// <summary>
    /// AdEx with a = 0 (w decays on its own, <c>tau_w dw/dt = -w</c>), b &gt; 0 and tau_refrac 2 ms &gt; dt, off_grid at dt
    /// 0.1: w must be Σ b·exp(−(t − t_k)/tau_w) over the recorded spike times t_k ≤ t, at every sample. Before the reset's
    /// state was advanced over the rest of the step, w kept its reset value at the step's end (no decay from the crossing).
    /// </summary>
    public static Scenario AdaptationAfterReset() => new CheckScenario(
        "dynamics/off-grid-spike-times/adaptation-after-reset",
        "float64 2e-6 nA, float32 5e-5 nA: w of AdEx with a = 0 equals Σ b·exp(−(t − t_k)/tau_w) over its own recorded spike " +
        "times (exact between spikes; the value at the crossing the reset reads is interpolated linearly between the step's " +
        "ends, at most w·(dt/tau_w)²/8 = 6e-8 nA per spike for w ≤ 1 nA, of one sign, so about 12 spikes in tau_w add up to " +
        "under 1e-6; float32 rounds w to 6e-8 nA at each of 600 steps). Without the decay from the crossing to the step's end " +
        "w is off by w·rest/tau_w per spike, about 1e-4 nA",
        ["EIF_cond_exp_isfa_ista"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(AdExDt) with { SpikePrecision = SpikePrecision.OffGrid });
            var cells = sim.CreatePopulation(AdExCurrents.Length, new CellType("EIF_cond_exp_isfa_ista").With("a", 0.0).With("b", B)
                .With("tau_w", TauW).With("tau_refrac", 2.0).With("i_offset", AdExCurrents));
            cells.Record("spikes");
            cells.Record("w");
            sim.Run(AdExDuration);
            var data = cells.GetData().Segments[0];
            var w = data.Signal("w");
            var times = w.Times();
            double worst = 0;
            int spikes = 0;
            for (int c = 0; c < AdExCurrents.Length; c++)
            {
                var train = data.SpikeTrains[c].Times;
                spikes += train.Length;
                var column = w.Column(c);
                for (int i = 0; i < times.Length; i++)
                {
                    double exact = 0;
                    foreach (var tk in train)
                        if (tk <= times[i] + 1e-9) exact += B * Math.Exp(-(times[i] - tk) / TauW);
                    worst = Math.Max(worst, Math.Abs(column[i] - exact));
                }
            }
            double bound = ctx.Precision == Precision.Float32 ? 5e-5 : 2e-6;
            return ($"{spikes} spikes; largest |w − Σ b·exp(−(t − t_k)/tau_w)| {F(worst)} nA",
            [
                Check(spikes >= 10, $"only {spikes} spikes"),
                Check(worst <= bound, $"w is {F(worst)} nA from its closed form over the recorded spike times (bound {F(bound)} nA)"),
            ]);
        });
}
