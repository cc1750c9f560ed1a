using Meta.Backends;
using Meta.CurrentSources;
using Meta.Models.Standard;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Recording;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// The standard cell types beyond the LIF family, each cross-checked with the reference backend (Meta's CPU backend) on
/// one small script: a few cells with different offset currents, a current step, Poisson input on the excitatory and
/// spike arrays on the inhibitory receptor, 150 ms. They exercise what those models add to the model language:
/// threshold crossings (<c>HH_cond_exp</c>), conditional expressions and <c>min()</c> (<c>EIF_*</c>), RK4,
/// voltage-jump receptors without a refractory period (<c>Izhikevich</c>), a constant refractory period
/// (<c>IF_facets_hardware1</c>), array parameters and counter-based <c>uniform()</c> draws (<c>GIF_cond_exp</c>).
/// <para>
/// Tolerances. float64: the backend integrates the same plan with the same arithmetic, so the spike trains must be
/// identical and v within <see cref="Float64Tolerance"/> mV (only the last bits of exp and of atomic sums may differ).
/// float32 (against the float64 reference): every cell's count within 1, spike times within 2 steps where the counts
/// agree, v RMS within 0.5 mV (HH: 2 mV, where a spike moved by a step is a 100 mV excursion for a few samples). The
/// stochastic <c>GIF_cond_exp</c> in float32 compares its draws (rounded once to float) with float32 probabilities, so a
/// draw within float32 rounding of its probability may decide differently; it must match 90 % of the reference spikes
/// within 2 steps instead.
/// </para>
/// </summary>
public static class CellTypeScenarios
{
    /// <summary>The largest difference of v (mV) allowed in float64 (recorded every step, 150 ms).</summary>
    public const double Float64Tolerance = 1e-6;

    private const double Dt = 0.1, Duration = 150.0;
    private const int Cells = 4;
    private const ulong Seed = 4242;

    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() =>
    [
        Hh(),
        CrossCheck("EIF_cond_alpha_isfa_ista", c => c, [0.0, 0.2, 0.4, 0.6], step: 0.8, excitatory: 0.01, inhibitory: 0.02),
        CrossCheck("EIF_cond_exp_isfa_ista", c => c, [0.0, 0.2, 0.4, 0.6], step: 0.8, excitatory: 0.01, inhibitory: 0.02),
        CrossCheck("IF_cond_exp_gsfa_grr", c => c.With("tau_refrac", 1.0), [0.0, 0.3, 0.6, 0.9], step: 1.0, excitatory: 0.01, inhibitory: 0.02),
        CrossCheck("IF_facets_hardware1", c => c, null, step: 0.6, excitatory: 0.003, inhibitory: 0.005),
        CrossCheck("Izhikevich", c => c, [0.0, 0.004, 0.008, 0.012], step: 0.008, excitatory: 1.5, inhibitory: -1.5),
        Gif(),
    ];

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    /// <summary>What one run recorded: spike trains and v (cells × samples, every step).</summary>
    private sealed record Trace(double[][] Spikes, double[][] V);

    /// <summary>
    /// The script: <see cref="Cells"/> cells of <paramref name="cellType"/> (offset currents <paramref name="offsets"/>, or
    /// g_leak from 40 to 55 nS where the model has no offset), a current step of <paramref name="step"/> nA from 20 to
    /// 110 ms into the first half, 3 Poisson sources (120 Hz) on the excitatory and 2 spike arrays on the inhibitory
    /// receptor, all to all with random-free weights; spikes and v recorded.
    /// </summary>
    private static Trace Run(IBackend backend, Precision precision, ulong seed, string cellType, Func<CellType, CellType> configure,
        double[]? offsets, double step, double excitatory, double inhibitory, Action<Population>? perCell = null)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = Dt, MinDelay = Dt, MaxDelay = 2.0, Seed = seed, Precision = precision });
        var poisson = sim.CreatePopulation(3, new CellType("SpikeSourcePoisson").With("rate", 120.0).With("start", 5.0), "poisson");
        var arrays = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times",
            Parameters.SequenceValue.Function(i => Enumerable.Range(0, 12).Select(k => 10.0 + 11.3 * k + 2.7 * i).ToArray())), "arrays");
        // The cells come after the sources, so their global indices (the streams of their draws) do not start at 0.
        var cells = sim.CreatePopulation(Cells, configure(new CellType(cellType)), cellType);
        if (offsets is not null) cells.Set("i_offset", offsets);
        else cells.Set("g_leak", Enumerable.Range(0, Cells).Select(i => 40.0 + 5.0 * i).ToArray());
        perCell?.Invoke(cells);
        new StepCurrentSource([20.0, 110.0], [step, 0.0]).InjectInto(cells[0..(Cells / 2)]);
        _ = new Projection(poisson, cells, new AllToAllConnector(), new StaticSynapse(excitatory, 0.5), "excitatory");
        _ = new Projection(arrays, cells, new AllToAllConnector(), new StaticSynapse(inhibitory, 1.0), "inhibitory");
        cells.Record(["spikes", "v"]);
        sim.Run(Duration);
        var segment = cells.GetData().Segments[0];
        var v = segment.Signal("v");
        return new Trace(segment.SpikeTrains.Select(t => t.Times).ToArray(), Enumerable.Range(0, Cells).Select(v.Column).ToArray());
    }

    /// <summary>Compares a run with the reference run; the checks depend on the precision of <paramref name="mine"/>.</summary>
    private static (string Measured, (bool, string)[] Checks) Compare(Trace mine, Trace reference, Precision precision, double float32VRms)
    {
        int total = mine.Spikes.Sum(t => t.Length), refTotal = reference.Spikes.Sum(t => t.Length);
        var pairs = mine.Spikes.Zip(reference.Spikes).ToArray();
        int worstCount = pairs.Max(p => Math.Abs(p.First.Length - p.Second.Length));
        double worstGap = pairs.Where(p => p.First.Length == p.Second.Length).Select(p => Metrics.MaxSpikeTimeDifference(p.First, p.Second)).DefaultIfEmpty(0).Max();
        bool identical = pairs.All(p => p.First.SequenceEqual(p.Second));
        var vm = mine.V.SelectMany(x => x).ToArray();
        var vr = reference.V.SelectMany(x => x).ToArray();
        double maxV = vm.Length == vr.Length ? vm.Zip(vr).Max(p => Math.Abs(p.First - p.Second)) : double.PositiveInfinity;
        double rmsV = vm.Length == vr.Length ? Metrics.Rms(vm, vr) : double.PositiveInfinity;
        string measured = $"{total} vs {refTotal} spikes ({(identical ? "identical trains" : $"worst count difference {worstCount}, worst time difference {worstGap:0.###} ms")}), " +
                          $"v max difference {maxV:E2} mV, RMS {rmsV:E2} mV";
        var active = Check(refTotal >= 2 * Cells && reference.Spikes.Count(t => t.Length > 0) >= Cells / 2,
            $"the reference run is too quiet to compare ({refTotal} spikes)");
        if (precision == Precision.Float64)
            return (measured, [active, Check(identical, "the spike trains differ from the reference backend's"), Check(maxV <= Float64Tolerance, $"v differs by {maxV:E2} mV > {Float64Tolerance:E0}")]);
        return (measured,
        [
            active,
            Check(worstCount <= 1, $"a cell's spike count differs by {worstCount} > 1"),
            Check(worstGap <= 2 * Dt + 1e-9, $"a spike moved by {worstGap:0.###} ms > 2 steps"),
            Check(rmsV <= float32VRms, $"v RMS difference {rmsV:E2} mV > {float32VRms} mV"),
        ]);
    }

    /// <summary>The backend under test against the reference on the script, for one cell type.</summary>
    private static Scenario CrossCheck(string cellType, Func<CellType, CellType> configure, double[]? offsets, double step, double excitatory, double inhibitory) =>
        new CheckScenario(
            $"cells/{cellType}-vs-reference",
            $"float64: identical spike trains, v within {Float64Tolerance:E0} mV of the reference backend; float32: counts within 1, spikes within 2 steps, v RMS ≤ 0.5 mV",
            [cellType, "source:poisson", "source:array", "current:StepCurrentSource"],
            ctx =>
            {
                var mine = Run(ctx.Backend, ctx.Precision, Seed, cellType, configure, offsets, step, excitatory, inhibitory);
                var reference = Run(ctx.Reference!, Precision.Float64, Seed, cellType, configure, offsets, step, excitatory, inhibitory);
                return Compare(mine, reference, ctx.Precision, 0.5);
            },
            needsReference: true);

    /// <summary>
    /// <c>HH_cond_exp</c> against the reference, and a property of its own: a spike is an upward crossing of 10 mV, counted
    /// once per action potential. In the backend's own trace, sample s − 1 below and sample s at or above 10 mV is exactly
    /// a spike at s·dt (its receptors act on conductances, not on v, so the recorded v is the start-of-step v).
    /// </summary>
    private static Scenario Hh() => new CheckScenario(
        "cells/HH_cond_exp-vs-reference",
        $"float64: identical spike trains, v within {Float64Tolerance:E0} mV of the reference backend; float32: counts within 1, spikes within 2 steps, " +
        "v RMS ≤ 2 mV; exact in both: the spikes are the upward crossings of 10 mV of the recorded v, one per action potential",
        ["HH_cond_exp", "source:poisson", "source:array", "current:StepCurrentSource"],
        ctx =>
        {
            const string type = "HH_cond_exp";
            double[] offsets = [0.0, 0.1, 0.2, 0.3];
            var mine = Run(ctx.Backend, ctx.Precision, Seed, type, c => c, offsets, 0.6, 0.02, 0.05);
            var reference = Run(ctx.Reference!, Precision.Float64, Seed, type, c => c, offsets, 0.6, 0.02, 0.05);
            var (measured, checks) = Compare(mine, reference, ctx.Precision, 2.0);
            int notCrossings = 0, missed = 0;
            double minIsi = double.PositiveInfinity;
            for (int i = 0; i < Cells; i++)
            {
                var v = mine.V[i];
                var crossings = Enumerable.Range(1, v.Length - 1).Where(s => v[s - 1] < HodgkinHuxley.SpikeDetectionThreshold && v[s] >= HodgkinHuxley.SpikeDetectionThreshold).ToHashSet();
                var spikes = mine.Spikes[i].Select(t => (int)Math.Round(t / Dt)).ToArray();
                notCrossings += spikes.Count(s => !crossings.Contains(s));
                missed += crossings.Count(s => !spikes.Contains(s));
                for (int k = 1; k < spikes.Length; k++) minIsi = Math.Min(minIsi, (spikes[k] - spikes[k - 1]) * Dt);
            }
            return ($"{measured}; {notCrossings} spikes not at a crossing, {missed} crossings without a spike, shortest ISI {minIsi:0.#} ms",
            [
                .. checks,
                Check(notCrossings == 0, $"{notCrossings} spikes are not upward crossings of 10 mV"),
                Check(missed == 0, $"{missed} upward crossings of 10 mV did not spike"),
                Check(minIsi > 2.0, $"two spikes {minIsi:0.#} ms apart: one action potential counted more than once"),
            ]);
        },
        needsReference: true);

    /// <summary>
    /// <c>GIF_cond_exp</c>: its firing is stochastic (counter-based <c>uniform()</c> draws), so the same seed must give the
    /// reference backend's trains, and another seed different trains (also equal to the reference's for that seed).
    /// </summary>
    private static Scenario Gif() => new CheckScenario(
        "cells/GIF_cond_exp-vs-reference",
        $"float64: identical spike trains and v within {Float64Tolerance:E0} mV of the reference backend for two seeds, and the two seeds' trains differ; " +
        "float32: 90 % of the reference spikes matched within 2 steps for each seed, the seeds' trains differ",
        ["GIF_cond_exp", "source:poisson", "source:array", "current:StepCurrentSource"],
        ctx =>
        {
            const string type = "GIF_cond_exp";
            // A softer threshold (delta_v 2 mV, 100 Hz at v_t) makes the spike times depend on the draws over several ms; weaker
            // spike-triggered terms than the defaults keep the cells firing. One array element differs per cell.
            CellType Configure(CellType c) => c.With("delta_v", 2.0).With("lambda0", 100.0).With("tau_refrac", 2.0)
                .WithArray("a_eta", 0.2, 0.1, 0.05).WithArray("a_gamma", 2.0, 1.0, 0.5);
            void PerCell(Population cells) => cells.Set("tau_eta__1", Enumerable.Range(0, Cells).Select(i => 8.0 + 2.0 * i).ToArray());
            double[] offsets = [0.3, 0.6, 0.9, 1.2];
            Trace RunWith(IBackend backend, Precision precision, ulong seed) => Run(backend, precision, seed, type, Configure, offsets, 0.6, 0.01, 0.02, PerCell);
            var mine = RunWith(ctx.Backend, ctx.Precision, Seed);
            var reference = RunWith(ctx.Reference!, Precision.Float64, Seed);
            var mineOther = RunWith(ctx.Backend, ctx.Precision, Seed + 1);
            var referenceOther = RunWith(ctx.Reference!, Precision.Float64, Seed + 1);
            bool seedsDiffer = mine.Spikes.Zip(mineOther.Spikes).Any(p => !p.First.SequenceEqual(p.Second));
            int total = reference.Spikes.Sum(t => t.Length);
            var active = Check(total >= 2 * Cells, $"the reference run is too quiet to compare ({total} spikes)");
            var differ = Check(seedsDiffer, "seeds 4242 and 4243 gave identical spike trains: the draws do not depend on the seed");
            if (ctx.Precision == Precision.Float64)
            {
                var (measured, checks) = Compare(mine, reference, ctx.Precision, 0);
                var (measuredOther, checksOther) = Compare(mineOther, referenceOther, ctx.Precision, 0);
                return ($"seed {Seed}: {measured}; seed {Seed + 1}: {measuredOther}", [active, differ, .. checks, .. checksOther]);
            }
            double matched = Matched(mine, reference), matchedOther = Matched(mineOther, referenceOther);
            return ($"{mine.Spikes.Sum(t => t.Length)} vs {total} spikes, {matched:P1} of the reference spikes matched (seed {Seed + 1}: {matchedOther:P1})",
            [
                active, differ,
                Check(matched >= 0.9 && matchedOther >= 0.9, $"only {Math.Min(matched, matchedOther):P1} of the reference spikes matched within 2 steps"),
            ]);
        },
        needsReference: true);

    /// <summary>The fraction of the reference spikes with a spike of the same cell within 2 steps (each used once).</summary>
    private static double Matched(Trace mine, Trace reference)
    {
        int matched = 0, total = 0;
        for (int i = 0; i < Cells; i++)
        {
            var used = new bool[mine.Spikes[i].Length];
            foreach (var t in reference.Spikes[i])
            {
                total++;
                for (int j = 0; j < used.Length; j++)
                {
                    if (used[j] || Math.Abs(mine.Spikes[i][j] - t) > 2 * Dt + 1e-9) continue;
                    used[j] = true;
                    matched++;
                    break;
                }
            }
        }
        return total == 0 ? 1.0 : (double)matched / total;
    }
}
