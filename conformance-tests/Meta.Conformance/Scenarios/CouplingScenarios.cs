using Meta.Backends;
using Meta.Conformance.References;
using Meta.CurrentSources;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Continuous coupling (docs/semantics.md, "Continuous coupling"): PyNN's gap-junction scenario against NEURON
/// (shared/reference/synapses), two passive cells coupled against the exact solution of the linear system, the graded
/// synapse against its exact activation, and a coupled network against the reference backend.
/// </summary>
public static class CouplingScenarios
{
    /// <summary>The requirement: continuous coupling.</summary>
    private static readonly string[] Requires = [Scenario.FeaturePrefix + BackendFeatures.ContinuousCoupling];

    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [GapJunctionVsNeuron(), TwoPassiveCells(), GradedActivation(), SameAsReferenceBackend()];

    /// <summary>A cell that never fires: IF_curr_exp with a threshold out of reach (its membrane is the passive RC circuit).</summary>
    private static CellType Passive(double vRest = -65, double iOffset = 0) =>
        new CellType("IF_curr_exp").With("cm", 1.0).With("tau_m", 20.0).With("v_rest", vRest).With("v_thresh", 1e6).With("i_offset", iOffset);

    private static (double[] Spikes0, double[] V1) GapJunction(IBackend backend, Precision precision, double dt, double weight)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = dt, MinDelay = Math.Max(dt, 0.1), Seed = 5, Precision = precision });
        var cells = sim.CreatePopulation(2, new CellType("HH_cond_exp"), "cells");
        _ = new Projection(cells, cells, new FromListConnector([(0, 1)]), new ElectricalSynapse(weight));
        new StepCurrentSource([50, 250], [0.3, 0]).InjectInto(cells[0]);
        cells.Record(["spikes", "v"]);
        sim.Run(300);
        var segment = cells.GetData().Segments[0];
        return (segment.SpikeTrains[0].Times.ToArray(), segment.Signal("v").Column(1).ToArray());
    }

    /// <summary>
    /// PyNN's gap-junction scenario (two HH_cond_exp cells, one ElectricalSynapse of 0.005 µS, a 0.3 nA step into cell 0 from
    /// 50 to 250 ms) against NEURON at dt 0.1 and 0.01 ms: cell 0's spike times and cell 1's coupled voltage. Meta's HH
    /// scheme at dt 0.1 ms lengthens the period by about 1.4 % (its own converged run at dt 0.001 ms fires at 57.35, 75.69, …,
    /// 241.02 ms), so spike times drift by up to 2.6 ms over the 11 spikes; the first spike, the period and the coupled
    /// voltage are compared, and the drift must shrink at dt 0.01 ms.
    /// </summary>
    public static Scenario GapJunctionVsNeuron() => new CheckScenario(
        "coupling/gap-junction-vs-neuron",
        "cell 0: NEURON's spike count at dt 0.1 and 0.01 ms; first spike within 0.1 ms (dt 0.1) and 0.05 ms (dt 0.01) of NEURON's at the same dt; mean interspike " +
        "interval within 2 % (dt 0.1) and 0.3 % (dt 0.01); convergence: the spikes at dt 0.1 within 0.3 ms of the backend's own at dt 0.01 (four HH sub-steps at dt 0.1), " +
        "and those at dt 0.01 within 0.35 ms of NEURON's (NEURON's dt 0.01 HH spikes lag the converged solution by 0.2 ms, docs/accuracy.md); " +
        "cell 1's voltage within 0.5 mV RMS of NEURON's at dt 0.01 ms, its depolarisation by the junction within 5 % of NEURON's",
        Requires,
        ctx =>
        {
            var coarse = SynapseReference.Find("gap_junction", "neuron", 0.1) ?? throw new FileNotFoundException("No reference synapses/dt0.1/gap_junction.neuron.json (set META_REFERENCE_DIR).");
            var fineRef = SynapseReference.Find("gap_junction", "neuron", 0.01) ?? throw new FileNotFoundException("No reference synapses/dt0.01/gap_junction.neuron.json.");
            double weight = coarse.Number("synapse_parameters", "weight");
            var mine = GapJunction(ctx.Backend, ctx.Precision, 0.1, weight);
            var fine = GapJunction(ctx.Backend, ctx.Precision, 0.01, weight);
            double[] neuron = coarse.Numbers("spikes"), neuronFine = fineRef.Numbers("spikes"), v1Fine = fineRef.Numbers("v_cell1");
            double Shift(double[] a, double[] b) => a.Length == b.Length ? a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max() : double.PositiveInfinity;
            double First(double[] a, double[] b) => a.Length > 0 && b.Length > 0 ? Math.Abs(a[0] - b[0]) : double.PositiveInfinity;
            double Isi(double[] a) => a.Length > 1 ? (a[^1] - a[0]) / (a.Length - 1) : double.NaN;
            double IsiError(double[] a, double[] b) => Math.Abs(Isi(a) - Isi(b)) / Isi(b);
            double shiftCoarse = Shift(mine.Spikes0, neuron), shiftFine = Shift(fine.Spikes0, neuronFine), shiftOwn = Shift(mine.Spikes0, fine.Spikes0);
            double firstCoarse = First(mine.Spikes0, neuron), firstFine = First(fine.Spikes0, neuronFine);
            double isiCoarse = IsiError(mine.Spikes0, neuron), isiFine = IsiError(fine.Spikes0, neuronFine);
            int n = Math.Min(fine.V1.Length, v1Fine.Length);
            double rms = Math.Sqrt(Enumerable.Range(0, n).Average(k => (fine.V1[k] - v1Fine[k]) * (fine.V1[k] - v1Fine[k])));
            int before = (int)(40 / 0.01);
            double peak = fine.V1.Max() - fine.V1[before], peakNeuron = v1Fine.Max() - v1Fine[before];
            double peakError = Math.Abs(peak - peakNeuron) / Math.Abs(peakNeuron);
            return ($"cell 0 at dt 0.1: {mine.Spikes0.Length} spikes (NEURON {neuron.Length}), first {firstCoarse:g3} ms off, mean ISI {Isi(mine.Spikes0):g5} ms (NEURON {Isi(neuron):g5}, {isiCoarse:P2}), " +
                    $"largest shift {shiftCoarse:g3} ms ({shiftOwn:g3} ms from its own dt 0.01 spikes); at dt 0.01: {fine.Spikes0.Length} spikes (NEURON {neuronFine.Length}), first {firstFine:g3} ms off, mean ISI {Isi(fine.Spikes0):g5} ms " +
                    $"(NEURON {Isi(neuronFine):g5}, {isiFine:P2}), largest shift {shiftFine:g3} ms; cell 1 at dt 0.01: v {rms:g3} mV RMS from NEURON, depolarisation {peak:g4} mV (NEURON {peakNeuron:g4}, {peakError:P2})",
                [
                    (mine.Spikes0.Length == neuron.Length && fine.Spikes0.Length == neuronFine.Length, $"spike counts {mine.Spikes0.Length} (dt 0.1) and {fine.Spikes0.Length} (dt 0.01), NEURON {neuron.Length} and {neuronFine.Length}"),
                    (firstCoarse <= 0.1 && firstFine <= 0.05, $"first spike off by {firstCoarse:g3} ms (dt 0.1) and {firstFine:g3} ms (dt 0.01)"),
                    (isiCoarse <= 0.02 && isiFine <= 0.003, $"mean interspike interval off by {isiCoarse:P2} (dt 0.1) and {isiFine:P2} (dt 0.01)"),
                    (shiftOwn <= 0.3, $"the spikes at dt 0.1 are {shiftOwn:g3} ms from those at dt 0.01"),
                    (shiftFine <= 0.35, $"the spikes at dt 0.01 are {shiftFine:g3} ms from NEURON's"),
                    (rms <= 0.5, $"cell 1's voltage differs from NEURON's by {rms:g3} mV RMS"),
                    (peakError <= 0.05, $"cell 1's depolarisation {peak:g4} mV differs from NEURON's {peakNeuron:g4} mV by {peakError:P1}"),
                ]);
        },
        needsReference: true);

    /// <summary>
    /// Two passive cells (C 1 nF, g_L 0.05 µS) joined by a 0.02 µS gap junction, 0.5 nA into cell 0: the sum and the difference of
    /// the two voltages relax exactly as exponentials with rates g_L/C and (g_L + 2g)/C; the run's error is the explicit
    /// coupling's O(dt) lag, and shrinks tenfold at dt/10.
    /// </summary>
    public static Scenario TwoPassiveCells() => new CheckScenario(
        "coupling/two-passive-cells-analytic",
        "both cells within 3e-3 mV of the exact solution at dt 0.1 ms over 100 ms (the explicit coupling's first-order lag; float32: 1e-2 mV), and the error at dt 0.01 ms " +
        "at most 0.15 × that at dt 0.1 ms (first order; float64 only)",
        Requires,
        ctx =>
        {
            const double c = 1.0, gl = 0.05, g = 0.02, i0 = 0.5, rest = -65, duration = 100;
            double Exact(int cell, double t)
            {
                double s = i0 / gl * (1 - Math.Exp(-gl / c * t)), d = i0 / (gl + 2 * g) * (1 - Math.Exp(-(gl + 2 * g) / c * t));
                return rest + (cell == 0 ? (s + d) / 2 : (s - d) / 2);
            }
            double Error(double dt)
            {
                using var sim = new Simulation(ctx.Backend, ctx.Options(dt, minDelay: Math.Max(dt, 0.1)));
                var a = sim.CreatePopulation(1, Passive(rest, i0), "a");
                var b = sim.CreatePopulation(1, Passive(rest), "b");
                _ = new Projection(a, b, new OneToOneConnector(), new ElectricalSynapse(g));
                a.Record("v");
                b.Record("v");
                sim.Run(duration);
                var va = a.GetData().Segments[0].Signal("v").Column(0);
                var vb = b.GetData().Segments[0].Signal("v").Column(0);
                return Enumerable.Range(0, va.Length).Max(k => Math.Max(Math.Abs(va[k] - Exact(0, k * dt)), Math.Abs(vb[k] - Exact(1, k * dt))));
            }
            double coarse = Error(0.1), fine = Error(0.01);
            bool single = ctx.Precision == Precision.Float32;
            double bound = single ? 1e-2 : 3e-3;
            return ($"largest error {coarse:g3} mV at dt 0.1 ms, {fine:g3} mV at dt 0.01 ms (ratio {fine / coarse:g3}); steady difference {i0 / (gl + 2 * g):g4} mV",
                [
                    (coarse <= bound, $"error {coarse:g3} mV at dt 0.1 ms (> {bound:g1})"),
                    (single || fine <= 0.15 * coarse, $"the error does not shrink as dt: {coarse:g3} mV at dt 0.1, {fine:g3} mV at dt 0.01"),
                ]);
        });

    /// <summary>
    /// A graded synapse (Prinz et al. 2004, cholinergic) driven by a presynaptic cell held at −30 mV (a passive cell at rest):
    /// its activation must follow s(t) = s_inf·(1 − exp(−t/tau_s)) (exponential Euler is exact for a constant V_pre), and the
    /// post cell must be pulled towards E_s.
    /// </summary>
    public static Scenario GradedActivation() => new CheckScenario(
        "coupling/graded-synapse-activation",
        "s within 1e-12 of the exact activation at every 10 ms for 200 ms (float32: 1e-6: the presynaptic voltage is stored in float32); the post cell, at rest at −65 mV, " +
        "ends below −65 mV (towards E_s −80 mV)",
        Requires,
        ctx =>
        {
            const double vPre = -30, vth = -35, delta = 5, kMinus = 1.0 / 100;
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1, minDelay: 0.1));
            var pre = sim.CreatePopulation(1, Passive(vPre), "pre");
            pre.Initialize("v", vPre);
            var post = sim.CreatePopulation(1, Passive(), "post");
            var prj = new Projection(pre, post, new OneToOneConnector(), GradedSynapse.Cholinergic(0.01));
            post.Record("v");
            double sInf = 1 / (1 + Math.Exp((vth - vPre) / delta)), tau = (1 - sInf) / kMinus;
            double worst = 0;
            for (int k = 1; k <= 20; k++)
            {
                sim.Run(10);
                double s = prj.Get("s")[0], exact = sInf * (1 - Math.Exp(-k * 10 / tau));
                worst = Math.Max(worst, Math.Abs(s - exact));
            }
            double end = post.GetData().Segments[0].Signal("v").Column(0)[^1];
            double bound = ctx.Precision == Precision.Float32 ? 1e-6 : 1e-12;
            return ($"s_inf {sInf:g6}, tau_s {tau:g5} ms; largest error of s {worst:g3}; post v at 200 ms {end:g6} mV",
                [
                    (worst <= bound, $"s differs from the exact activation by {worst:g3} (> {bound:g1})"),
                    (end < -65.001, $"the post cell is at {end:g6} mV: the synaptic current does not pull it towards E_s (−80 mV)"),
                ]);
        });

    private static (double[][] V, double[] S) Network(IBackend backend, Precision precision)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, Seed = 11, Precision = precision });
        var cells = sim.CreatePopulation(6, new CellType("HH_cond_exp"), "cells");
        var other = sim.CreatePopulation(3, new CellType("HH_cond_exp"), "other");
        _ = new Projection(cells, cells, new FromListConnector([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0), (0, 3)]),
            new ElectricalSynapse(new Random.RandomDistribution("uniform", 0.001, 0.01)));
        var graded = new Projection(cells, other, new FixedProbabilityConnector(0.5), GradedSynapse.Glutamatergic(0.02));
        new DCSource { Amplitude = 0.6, Start = 10, Stop = 150 }.InjectInto(cells[0, 2]);
        cells.Record("v");
        other.Record("v");
        sim.Run(150);
        var v = cells.GetData().Segments[0].Signal("v");
        var w = other.GetData().Segments[0].Signal("v");
        return ([.. Enumerable.Range(0, 6).Select(i => v.Column(i).ToArray()), .. Enumerable.Range(0, 3).Select(i => w.Column(i).ToArray())], graded.Get("s"));
    }

    /// <summary>A ring of gap-junction-coupled HH cells driving a second population through graded synapses, against the reference backend.</summary>
    public static Scenario SameAsReferenceBackend() => new CheckScenario(
        "coupling/same-as-reference-backend",
        $"float64: every v sample within {CellTypeScenarios.Float64Tolerance:E0} mV (the cells scenarios' bound: the backends' HH kernels differ in the last bits of exp, " +
        "amplified by spikes; the coupling currents themselves are computed once, in float64, by the shared runtime) and every graded synapse's final s within 1e-9 " +
        "of the reference backend's; float32: v within 2 mV RMS, s within 1e-3",
        Requires,
        ctx =>
        {
            var mine = Network(ctx.Backend, ctx.Precision);
            var reference = Network(ctx.Reference!, Precision.Float64);
            bool single = ctx.Precision == Precision.Float32;
            double worstV = mine.V.Zip(reference.V, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
            double rmsV = mine.V.Zip(reference.V, (a, b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Average())).Max();
            double worstS = mine.S.Zip(reference.S, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
            return ($"v: largest difference {worstV:g3} mV, largest RMS {rmsV:g3} mV; s: largest difference {worstS:g3} over {mine.S.Length} graded synapses",
                single
                    ? [(rmsV <= 2, $"v differs from the reference backend by {rmsV:g3} mV RMS"), (worstS <= 1e-3, $"s differs by {worstS:g3}")]
                    : [(worstV <= CellTypeScenarios.Float64Tolerance, $"v differs from the reference backend by {worstV:g3} mV"), (worstS <= 1e-9, $"s differs by {worstS:g3}")]);
        },
        needsReference: true);
}
