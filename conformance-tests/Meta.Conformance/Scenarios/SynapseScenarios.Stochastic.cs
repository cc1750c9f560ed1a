using Meta.Models;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Conformance.Scenarios;

public static partial class SynapseScenarios
{
    private const ulong StochasticSeed = 2024;

    /// <summary>Draw n of synapse k's pre event in step s, as every backend must make it (SynapseKernel's documentation).</summary>
    private static double PreDraw(int projection, int synapse, int n, long step) =>
        Philox.Uniform(StochasticSeed, RandomStreams.SynapseDraw(projection, synapse, n), (ulong)(2 * step));

    /// <summary>
    /// Runs <paramref name="cells"/> regular spike trains (every <paramref name="period"/> ms from 5 ms, shifted by 0.3 ms per
    /// cell) through <paramref name="synapse"/> one-to-one onto IF_cond_exp cells, and returns each synapse's transmitted amount
    /// per presynaptic spike (the jump of gsyn_exc at the arrival) and the spike steps.
    /// </summary>
    private static (double[][] Amounts, long[][] Steps) Transmissions(ScenarioContext ctx, SynapseType synapse, int cells, double period, double duration)
    {
        using var sim = new Simulation(ctx.Backend, ctx.Options(Dt, minDelay: Dt, seed: StochasticSeed));
        var trains = Enumerable.Range(0, cells).Select(i =>
            Enumerable.Range(0, (int)((duration - 10) / period)).Select(j => Math.Round((5 + 0.3 * (i % 10) + j * period) / Dt) * Dt).ToArray()).ToArray();
        var sources = sim.CreatePopulation(cells, new CellType("SpikeSourceArray").WithSequence("spike_times", trains), "sources");
        var type = new CellType("IF_cond_exp");
        type["tau_syn_E"] = 5.0;
        var targets = sim.CreatePopulation(cells, type, "targets");
        _ = new Projection(sources, targets, new OneToOneConnector(), synapse, "excitatory");
        targets.Record("gsyn_exc");
        sim.Run(duration);
        var g = targets.GetData().Segments[0].Signal("gsyn_exc");
        double decay = Math.Exp(-Dt / 5.0);
        int delaySteps = (int)Math.Round(((synapse.Delay?.ScalarValue) ?? Dt) / Dt);
        var steps = trains.Select(t => t.Select(x => (long)Math.Round(x / Dt)).ToArray()).ToArray();
        var amounts = new double[cells][];
        for (int i = 0; i < cells; i++)
        {
            var column = g.Column(i);
            amounts[i] = steps[i].Select(s => column[s + delaySteps + 1] / decay - column[s + delaySteps]).ToArray();
        }
        return (amounts, steps);
    }

    /// <summary>
    /// <c>SimpleStochasticSynapse</c>: every spike's fate is the host's draw <c>Philox.Uniform(seed, SynapseDraw(0, k, 0), 2s) &lt; p</c>
    /// (identical on every backend), and the transmitted fraction is p within 4 standard errors.
    /// </summary>
    public static Scenario SimpleStochastic() => new CheckScenario(
        "synapse/simple-stochastic",
        "each of ~2000 spikes transmitted exactly when the host's draw from the same stream is below p = 0.3 (amount w or 0 within 1e-12 µS, float32: 1e-8); " +
        "the transmitted fraction within 4 standard errors of p",
        Requires,
        ctx =>
        {
            const double w = 0.004, p = 0.3;
            var (amounts, steps) = Transmissions(ctx, new SimpleStochasticSynapse(w, 1.0, p), 40, 10, 520);
            double bound = ctx.Precision == Backends.Precision.Float32 ? 1e-8 : 1e-12;
            int total = 0, sent = 0, wrong = 0;
            double worst = 0;
            for (int k = 0; k < amounts.Length; k++)
                for (int j = 0; j < amounts[k].Length; j++)
                {
                    bool expected = PreDraw(0, k, 0, steps[k][j]) < p;
                    double error = Math.Abs(amounts[k][j] - (expected ? w : 0));
                    worst = Math.Max(worst, error);
                    if (error > bound) wrong++;
                    total++;
                    if (amounts[k][j] > w / 2) sent++;
                }
            double fraction = (double)sent / total, se = Math.Sqrt(p * (1 - p) / total);
            return ($"{sent} of {total} spikes transmitted ({fraction:F4}, p = {p}, standard error {se:F4}); {wrong} differ from the host's draws (largest {worst:g3} µS)",
                [
                    (wrong == 0, $"{wrong} spikes transmitted otherwise than the host's draws say (largest difference {worst:g3} µS)"),
                    (Math.Abs(fraction - p) <= 4 * se, $"transmitted fraction {fraction:F4}, more than 4 standard errors from p = {p}"),
                ]);
        });

    /// <summary>
    /// <c>StochasticTsodyksMarkramSynapse</c>: the binary release site recomputed on the host with the same draws (draw 0: recovery,
    /// draw 1: release), for depressing and facilitating parameters.
    /// </summary>
    public static Scenario StochasticTsodyksMarkram() => new CheckScenario(
        "synapse/stochastic-tsodyks-markram",
        "every spike's transmitted amount equal to the host's recursion of the release site with the same draws within 1e-12 µS (float32: 1e-8)",
        Requires,
        ctx =>
        {
            const double w = 0.004, U = 0.4, tauRec = 150, tauFacil = 50;
            var (amounts, steps) = Transmissions(ctx, new StochasticTsodyksMarkramSynapse(w, 1.0, U, tauRec, tauFacil), 30, 25, 1010);
            double bound = ctx.Precision == Backends.Precision.Float32 ? 1e-8 : 1e-12;
            int wrong = 0, sent = 0, total = 0;
            double worst = 0;
            for (int k = 0; k < amounts.Length; k++)
            {
                double u = 0, R = 1, last = -1e9;
                for (int j = 0; j < amounts[k].Length; j++)
                {
                    // The synapse sees the spike when it is emitted (dendritic_delay_fraction 1): the event's step and time are the spike's.
                    long s = steps[k][j];
                    double t = s * Dt, elapsed = t - last;
                    u = u * Math.Exp(-elapsed / tauFacil) + U * (1 - u * Math.Exp(-elapsed / tauFacil));
                    if (R <= 0.5 && PreDraw(0, k, 0, s) < 1 - Math.Exp(-elapsed / tauRec)) R = 1;
                    bool release = R > 0.5 && PreDraw(0, k, 1, s) < u;
                    if (release) R = 0;
                    last = t;
                    double error = Math.Abs(amounts[k][j] - (release ? w : 0));
                    worst = Math.Max(worst, error);
                    if (error > bound) wrong++;
                    total++;
                    if (release) sent++;
                }
            }
            return ($"{sent} of {total} spikes released; {wrong} differ from the host's recursion on the same draws (largest {worst:g3} µS)",
                [(wrong == 0, $"{wrong} spikes differ from the host's recursion (largest {worst:g3} µS)")]);
        });

    /// <summary>
    /// <c>MultiQuantalSynapse</c> with 5 sites: every spike's transmitted amount against the host's recursion of the sites with
    /// the same draws (draw 0: the recovered count, draw 1: the released count, each by <see cref="Backends.Programs.KernelSymbols.BinomialOf(double, double, double)"/>),
    /// and the mean transmitted amount against its exact expectation: sites are independent, so a site is available with the
    /// probability f of the deterministic recursion f ← f·(1 − u) + (1 − f·(1 − u))·(1 − e^(−Δ/τrec)) and the mean amount of
    /// a spike is <c>w·f·u</c>.
    /// </summary>
    public static Scenario MultiQuantal() => new CheckScenario(
        "synapse/multi-quantal",
        "every spike's transmitted amount equal to the host's recursion of 5 release sites with the same draws within 1e-12 µS (float32: 1e-8); " +
        "the mean amount per synapse within 4 standard errors of its exact expectation",
        Requires,
        ctx =>
        {
            const double w = 0.004, U = 0.4, n = 5, tauRec = 150, tauFacil = 50, period = 25;
            var (amounts, steps) = Transmissions(ctx, new MultiQuantalSynapse(w, 1.0, U, n, tauRec, tauFacil), 120, period, 1010);
            bool single = ctx.Precision == Backends.Precision.Float32;
            double bound = single ? 1e-8 : 1e-12;
            int wrong = 0, total = 0;
            double worst = 0;
            var totals = new double[amounts.Length];
            for (int k = 0; k < amounts.Length; k++)
            {
                double u = U, available = n, last = -1e9;
                for (int j = 0; j < amounts[k].Length; j++)
                {
                    long s = steps[k][j];
                    double t = s * Dt, elapsed = t - last;
                    u = U + u * (1 - U) * Math.Exp(-elapsed / tauFacil);
                    available += Backends.Programs.KernelSymbols.BinomialOf(n - available, 1 - Math.Exp(-elapsed / tauRec), PreDraw(0, k, 0, s));
                    double released = Backends.Programs.KernelSymbols.BinomialOf(available, u, PreDraw(0, k, 1, s));
                    available -= released;
                    last = t;
                    double error = Math.Abs(amounts[k][j] - w * released / n);
                    worst = Math.Max(worst, error);
                    if (error > bound) wrong++;
                    total++;
                    totals[k] += amounts[k][j];
                }
            }
            // The exact mean: every train has the same intervals (the period), so f and u follow one recursion.
            double expected = 0, f = 1, uu = U, previous = double.NegativeInfinity;
            for (int j = 0; j < amounts[0].Length; j++)
            {
                double spikeTime = j * period, gap = spikeTime - previous;
                uu = U + uu * (1 - U) * Math.Exp(-gap / tauFacil);
                f += (1 - f) * (1 - Math.Exp(-gap / tauRec));
                expected += w * f * uu;
                f *= 1 - uu;
                previous = spikeTime;
            }
            double mean = totals.Average(), sd = Math.Sqrt(totals.Sum(x => (x - mean) * (x - mean)) / (totals.Length - 1)), se = sd / Math.Sqrt(totals.Length);
            return ($"{total} spikes; mean amount per synapse {mean:g5} µS (exact {expected:g5}, standard error {se:g2}); {wrong} differ from the host's recursion on the same draws (largest {worst:g3} µS)",
                [
                    (wrong == 0, $"{wrong} spikes differ from the host's recursion of the sites (largest {worst:g3} µS)"),
                    (Math.Abs(mean - expected) <= 4 * se, $"mean amount per synapse {mean:g5} µS, more than 4 standard errors ({se:g2}) from the exact {expected:g5}"),
                ]);
        });

    /// <summary>
    /// The triplet STDP rule of Pfister &amp; Gerstner (2006), all-to-all, with immediate updates, written by a user with
    /// <see cref="SynapseModelBuilder"/>: every weight against the rule recomputed on the host from the run's own spikes.
    /// </summary>
    public static SynapseModel TripletRule() => new SynapseModelBuilder("TripletSTDP")
        .Describe("Pfister & Gerstner (2006) triplet STDP, all-to-all, immediate updates")
        .Parameter("tau_plus", 16.8, "ms").Parameter("tau_x", 101, "ms").Parameter("tau_minus", 33.7, "ms").Parameter("tau_y", 125, "ms")
        .Parameter("A2_plus", 7.5e-10, "").Parameter("A3_plus", 9.3e-3, "").Parameter("A2_minus", 7e-3, "").Parameter("A3_minus", 2.3e-4, "")
        .Parameter("w_max", 0.01, "uS")
        .PlasticWeight(0.005)
        .State("r1", 0, "").State("r2", 0, "").State("o1", 0, "").State("o2", 0, "")
        .Decay("r1", "tau_plus").Decay("r2", "tau_x").Decay("o1", "tau_minus").Decay("o2", "tau_y")
        .OnPre("weight = max(weight - w_max*o1*(A2_minus + A3_minus*r2), 0)", "r1 += 1", "r2 += 1", "transmit(weight)")
        .OnPost("weight = min(weight + w_max*r1*(A2_plus + A3_plus*o2), w_max)", "o1 += 1", "o2 += 1")
        .Build();

    /// <summary>A user-defined rule (<see cref="TripletRule"/>) on 60 recorded Poisson inputs onto one cell.</summary>
    public static Scenario UserDefinedTriplet() => new CheckScenario(
        "synapse/user-defined-triplet-stdp",
        "every weight within 1e-12 µS (float32: 1e-6) of the triplet rule recomputed on the host from the run's own spikes; weights changed",
        Requires,
        ctx =>
        {
            var r = Reference("stdp_poisson");
            var trains = r.NumberRows("stimulus", "spike_times").Take(60).Select(t => t.Where(x => x < 3000).ToArray()).ToArray();
            using var sim = new Simulation(ctx.Backend, ctx.Options(Dt, minDelay: Dt));
            var inputs = sim.CreatePopulation(trains.Length, new CellType("SpikeSourceArray").WithSequence("spike_times", trains), "inputs");
            var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "cell");
            var model = TripletRule();
            var plastic = new Projection(inputs, cell, new AllToAllConnector(), new ModelSynapse(model, 0.008, 1.0), "excitatory");
            cell.Record("spikes");
            sim.Run(3000);
            var weights = plastic.Get("weight");
            var post = cell.GetData().Segments[0].SpikeTrains[0].Times.Select(t => (long)Math.Round(t / Dt)).ToArray();
            double P(string n) => model.Parameters.First(p => p.Name == n).Default;
            double worst = 0;
            for (int i = 0; i < trains.Length; i++)
            {
                // ddf 1: pre events at emission, post events one delay (10 steps) later; pre before post within a step.
                var events = trains[i].Select(t => ((long)Math.Round(t / Dt), false)).Concat(post.Select(q => (q + 10, true)))
                    .Where(e => e.Item1 <= 30000).OrderBy(e => e.Item1).ThenBy(e => e.Item2);
                double w = 0.008, r1 = 0, r2 = 0, o1 = 0, o2 = 0, last = 0;
                foreach (var (step, isPost) in events)
                {
                    double t = step * Dt, e = t - last;
                    r1 *= Math.Exp(-e / P("tau_plus")); r2 *= Math.Exp(-e / P("tau_x"));
                    o1 *= Math.Exp(-e / P("tau_minus")); o2 *= Math.Exp(-e / P("tau_y"));
                    last = t;
                    if (!isPost) { w = Math.Max(w - P("w_max") * o1 * (P("A2_minus") + P("A3_minus") * r2), 0); r1 += 1; r2 += 1; }
                    else { w = Math.Min(w + P("w_max") * r1 * (P("A2_plus") + P("A3_plus") * o2), P("w_max")); o1 += 1; o2 += 1; }
                }
                worst = Math.Max(worst, Math.Abs(weights[i] - w));
            }
            double bound = ctx.Precision == Backends.Precision.Float32 ? 1e-6 : 1e-12;
            double spread = weights.Max() - weights.Min();
            return ($"{post.Length} output spikes; weights {weights.Min():g4}–{weights.Max():g4} µS; largest difference from the host's rule {worst:g3} µS",
                [
                    (worst <= bound, $"a weight differs from the triplet rule recomputed on the host by {worst:g3} µS (> {bound:g1})"),
                    (spread > 1e-4 && post.Length > 0, $"the rule did not act (weights {weights.Min():g4}–{weights.Max():g4}, {post.Length} output spikes)"),
                ]);
        });
}
