using Meta.Backends;
using Meta.Models;
using Meta.Nestml;
using Xunit.Abstractions;

namespace Meta.Tests.Nestml;

/// <summary>
/// The fixtures that need function definitions, kernels given by ODEs with initial values, or locals and <c>if</c> in
/// onCondition run on every shipped backend, loaded as plugins from the Cli build, with identical spike trains and v within
/// 1e-6 mV of the CPU backend in float64 (the conformance suite's cross-backend bound); each fires under its current step.
/// They run at dt 0.05 ms: at 0.1 ms traub_cond_multisyn's first spike at 400 pA diverges (its fast sodium current,
/// 10000 nS on 100 pF, under RK4; NEST integrates it with an adaptive step), while 0.05 and 0.025 ms give the same spike
/// times within a step.
/// </summary>
public class NestmlNewConstructsBackendTests(ITestOutputHelper output)
{
    /// <summary>Fixture, offset currents (nA), current step (nA), weight (nA or µS), and the receptors the two spike arrays reach.</summary>
    private static readonly (string File, double[] Offsets, double Step, double Weight, string Excitatory, string Inhibitory)[] Models =
    [
        ("neurons/hh_moto_5ht_neuron.nestml", [0.5, 1.0, 1.5, 2.0], 1.0, 0.1, "excitatory", "inhibitory"),
        ("neurons/iaf_cond_beta_neuron.nestml", [0.3, 0.45, 0.6, 0.8], 0.3, 0.005, "excitatory", "inhibitory"),
        ("neurons/traub_cond_multisyn_neuron.nestml", [0.1, 0.2, 0.3, 0.4], 0.2, 0.005, "AMPA", "GABA_A"),
        ("neurons/wb_cond_multisyn_neuron.nestml", [0.1, 0.2, 0.3, 0.4], 0.2, 0.005, "AMPA", "GABA_A"),
        ("neurons/iaf_chxk_2008_neuron.nestml", [1.0, 1.5, 2.0, 2.5], 1.0, 0.005, "excitatory", "inhibitory"),
    ];

    private static Dictionary<string, Trace> Run(IBackend backend, IReadOnlyList<ModelDefinition> models) =>
        NestmlRuns.RunTogether(backend, models, (sim, m, i) =>
        {
            var (_, offsets, step, w, excitatory, inhibitory) = Models[i];
            double inhibitoryWeight = m.FindReceptor(inhibitory)!.Kind == ReceptorKind.Conductance || inhibitory != "inhibitory" ? w : -w;
            return NestmlRuns.Add(sim, new CellType(m), "V_m", "I_e", offsets, step, w, inhibitoryWeight, excitatory, inhibitory);
        }, dt: 0.05);

    [NestmlFact]
    public void New_construct_models_give_the_same_results_on_cpu_ilgpu_and_torch()
    {
        var models = Models.Select(m => NestmlModel.Load(NestmlFixtures.File(m.File))).ToList();
        NestmlRuns.AssertSameOnEveryBackend(backend => Run(backend, models), _ => true, output);
    }

    /// <summary>ignore_and_fire (no membrane: it counts steps) on every backend: the same spike trains as the CPU backend's.</summary>
    [NestmlFact]
    public void Ignore_and_fire_gives_the_same_spikes_on_cpu_ilgpu_and_torch()
    {
        var model = NestmlModel.Load(NestmlFixtures.File("neurons/ignore_and_fire_neuron.nestml"));
        Dictionary<string, Trace> Run(IBackend backend)
        {
            using var sim = new Simulation(backend, new SimulationOptions { Timestep = NestmlRuns.Dt, MinDelay = NestmlRuns.Dt, MaxDelay = 2.0, Seed = 5, Precision = Precision.Float64 });
            var cells = sim.CreatePopulation(NestmlRuns.Cells, new CellType(model), "cells");
            cells.Set("firing_rate", new[] { 0.01, 0.02, 0.03, 0.04 });
            cells.Record(["spikes", "phase"]);
            sim.Run(200.0);
            return new() { ["ignore_and_fire_neuron"] = NestmlRuns.Read(cells, "phase") };
        }
        NestmlRuns.AssertSameOnEveryBackend(Run, _ => true, output);
    }
}
