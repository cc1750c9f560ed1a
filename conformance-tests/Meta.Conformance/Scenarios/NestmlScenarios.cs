using Meta.Backends;
using Meta.CurrentSources;
using Meta.Nestml;
using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// A NESTML model compiled by <see cref="NestmlModel"/> (docs/nestml.md), cross-checked with the reference backend. The
/// model is written for this scenario and uses what the importer turns into the model language: an alpha kernel
/// convolved with an excitatory port (a current) and an exponential kernel with an inhibitory one (a conductance), an
/// adaptation current held during refractoriness, a step counter for the refractory period, units (pF, nS, pA) converted
/// to PyNN's. Tolerances as <see cref="CellTypeScenarios"/>: float64 identical spike trains and v within
/// <see cref="CellTypeScenarios.Float64Tolerance"/> mV; float32 counts within 1, spikes within 2 steps, v RMS ≤ 0.5 mV.
/// </summary>
public static class NestmlScenarios
{
    private const double Dt = 0.1, Duration = 150.0;
    private const int Cells = 4;

    /// <summary>The scenario's NESTML model.</summary>
    public const string Model = """
        model conformance_adaptive_neuron:
            state:
                V_m mV = E_L
                w pA = 0 pA
                refr_counter integer = 0

            equations:
                kernel K_exc = (e / tau_exc) * t * exp(-t / tau_exc)
                kernel K_inh = exp(-t / tau_inh)
                inline I_exc pA = unit_psc * convolve(K_exc, exc_spikes)
                inline I_inh pA = unit_psg * convolve(K_inh, inh_spikes) * (V_m - E_inh)
                V_m' = (-g_L * (V_m - E_L) - w + I_exc - I_inh + I_e + I_stim) / C_m
                w' = -w / tau_w

            parameters:
                C_m pF = 200 pF
                g_L nS = 10 nS
                E_L mV = -65 mV
                E_inh mV = -80 mV
                V_th mV = -50 mV
                V_reset mV = -60 mV
                tau_exc ms = 0.5 ms
                tau_inh ms = 3 ms
                tau_w ms = 50 ms
                b pA = 20 pA
                refr_T ms = 1.5 ms
                I_e pA = 0 pA

            internals:
                unit_psc pA = 1 pA
                unit_psg nS = 1 nS
                refr_counts integer = steps(refr_T)

            input:
                exc_spikes <- excitatory spike
                inh_spikes <- inhibitory spike
                I_stim pA <- continuous

            output:
                spike

            update:
                if refr_counter > 0:
                    refr_counter -= 1
                else:
                    integrate_odes(V_m, w)

            onCondition(V_m >= V_th):
                V_m = V_reset
                w += b
                refr_counter = refr_counts
                emit_spike()
        """;

    /// <summary>
    /// The update-block scenario's NESTML model: a previous-step value (<c>V_m_old</c>), a threshold decayed by an
    /// assignment before the integration outside refractoriness (MAT2's form), a local after the integration, if/elif with
    /// <c>emit_spike()</c> in the update block (every third threshold spike is followed by an extra one), and a
    /// <c>random_uniform</c> draw (the same Philox draw of seed, cell and step on every backend).
    /// </summary>
    public const string UpdateBlockModel = """
        model conformance_update_block_neuron:
            state:
                V_m mV = E_L
                V_m_old mV = E_L
                theta mV = 0 mV
                count integer = 0
                refr_t ms = 0 ms

            equations:
                kernel K_exc = exp(-t / tau_exc)
                kernel K_inh = exp(-t / tau_inh)
                V_m' = (-g_L * (V_m - E_L) + unit_psc * (convolve(K_exc, exc_spikes) - convolve(K_inh, inh_spikes)) + I_e + I_stim) / C_m
                refr_t' = -1e3 * ms/s

            parameters:
                C_m pF = 200 pF
                g_L nS = 10 nS
                E_L mV = -65 mV
                V_th mV = -52 mV
                V_reset mV = -62 mV
                tau_exc ms = 2 ms
                tau_inh ms = 4 ms
                tau_theta ms = 20 ms
                a_theta mV = 3 mV
                jitter mV = 0.4 mV
                refr_T ms = 1.5 ms
                I_e pA = 0 pA

            internals:
                unit_psc pA = 1 pA
                P_theta real = exp(-resolution() / tau_theta)

            input:
                exc_spikes <- excitatory spike
                inh_spikes <- inhibitory spike
                I_stim pA <- continuous

            output:
                spike

            update:
                V_m_old = V_m
                if refr_t > 0 ms:
                    integrate_odes(refr_t)
                else:
                    theta = theta * P_theta
                    integrate_odes(V_m)
                rise mV = V_m - V_m_old
                if count >= 3:
                    count = 0
                    emit_spike()
                elif rise > 0.3 mV:
                    theta += random_uniform(0, 1) * jitter

            onCondition(refr_t <= 0 ms and V_m >= V_th + theta):
                V_m = V_reset
                theta += a_theta
                count += 1
                refr_t = refr_T
                emit_spike()
        """;

    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() =>
    [
        CrossCheck("nestml/imported-model-vs-reference", Model, "conformance_adaptive_neuron.nestml", [0.1, 0.17, 0.24, 0.31], 0.004),
        CrossCheck("nestml/update-block-vs-reference", UpdateBlockModel, "conformance_update_block_neuron.nestml", [0.2, 0.26, 0.32, 0.38], -0.05),
    ];

    private static (double[][] Spikes, double[][] V) Run(IBackend backend, Precision precision, string text, string file, double[] offsets, double inhibitoryWeight)
    {
        var model = NestmlModel.Parse(text, file);
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = Dt, MinDelay = Dt, MaxDelay = 2.0, Seed = 11, Precision = precision });
        var excitatory = sim.CreatePopulation(3, new CellType("SpikeSourceArray").WithSequence("spike_times",
            SequenceValue.Function(i => Enumerable.Range(0, 30).Select(k => 4.0 + 4.9 * k + 1.1 * i).ToArray())), "excitatory");
        var inhibitory = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times",
            SequenceValue.Function(i => Enumerable.Range(0, 14).Select(k => 9.0 + 10.3 * k + 2.3 * i).ToArray())), "inhibitory");
        var cells = sim.CreatePopulation(Cells, new CellType(model), "cells");
        cells.Set("I_e", offsets);
        new StepCurrentSource([20.0, 110.0], [0.1, 0.0]).InjectInto(cells[0..(Cells / 2)]);
        _ = new Projection(excitatory, cells, new AllToAllConnector(), new StaticSynapse(0.05, 0.5), "excitatory");
        _ = new Projection(inhibitory, cells, new AllToAllConnector(), new StaticSynapse(inhibitoryWeight, 1.0), "inhibitory");
        cells.Record(["spikes", "V_m"]);
        sim.Run(Duration);
        var segment = cells.GetData().Segments[0];
        var v = segment.Signal("V_m");
        return (segment.SpikeTrains.Select(t => t.Times.ToArray()).ToArray(), Enumerable.Range(0, Cells).Select(v.Column).ToArray());
    }

    private static Scenario CrossCheck(string name, string text, string file, double[] offsets, double inhibitoryWeight) => new CheckScenario(
        name,
        $"float64: identical spike trains, v within {CellTypeScenarios.Float64Tolerance:E0} mV of the reference backend; float32: counts within 1, spikes within 2 steps, v RMS ≤ 0.5 mV",
        [Scenario.UserDefinedModels, "source:array", "current:StepCurrentSource"],
        ctx =>
        {
            var mine = Run(ctx.Backend, ctx.Precision, text, file, offsets, inhibitoryWeight);
            var reference = Run(ctx.Reference!, Precision.Float64, text, file, offsets, inhibitoryWeight);
            int total = reference.Spikes.Sum(s => s.Length);
            var pairs = mine.Spikes.Zip(reference.Spikes).ToArray();
            bool identical = pairs.All(p => p.First.SequenceEqual(p.Second));
            int worstCount = pairs.Max(p => Math.Abs(p.First.Length - p.Second.Length));
            double worstGap = pairs.Where(p => p.First.Length == p.Second.Length).Select(p => Metrics.MaxSpikeTimeDifference(p.First, p.Second)).DefaultIfEmpty(0).Max();
            var vm = mine.V.SelectMany(x => x).ToArray();
            var vr = reference.V.SelectMany(x => x).ToArray();
            double maxV = vm.Zip(vr).Max(p => Math.Abs(p.First - p.Second));
            double rmsV = Metrics.Rms(vm, vr);
            string measured = $"{mine.Spikes.Sum(s => s.Length)} vs {total} spikes ({(identical ? "identical trains" : $"worst count difference {worstCount}, worst time difference {worstGap:0.###} ms")}), v max difference {maxV:E2} mV, RMS {rmsV:E2} mV";
            (bool, string) active = (total >= 2 * Cells && reference.Spikes.All(s => s.Length > 0), $"the reference run is too quiet to compare ({total} spikes)");
            if (ctx.Precision == Precision.Float64)
                return (measured, [active, (identical, "the spike trains differ from the reference backend's"),
                    (maxV <= CellTypeScenarios.Float64Tolerance, $"v differs by {maxV:E2} mV > {CellTypeScenarios.Float64Tolerance:E0}")]);
            return (measured,
            [
                active,
                (worstCount <= 1, $"a cell's spike count differs by {worstCount} > 1"),
                (worstGap <= 2 * Dt + 1e-9, $"a spike moved by {worstGap:0.###} ms > 2 steps"),
                (rmsV <= 0.5, $"v RMS difference {rmsV:E2} mV > 0.5 mV"),
            ]);
        },
        needsReference: true);
}
