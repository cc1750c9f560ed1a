using Meta.Backends;
using Meta.Models;
using Meta.Nestml;
using Xunit.Abstractions;

namespace Meta.Tests.Nestml;

/// <summary>
/// The imported fixtures without a PyNN standard model to compare with (alpha kernels, delta kernels, step counters,
/// states held during refractoriness, second-order ODEs, conductance kernels) run on every shipped backend, loaded as
/// plugins from the Cli build, with the same results: in float64 the ILGPU and Torch backends do the CPU backend's
/// arithmetic in the same order (docs/semantics.md, "Precision"), so the spike trains must be identical and v within
/// 1e-6 mV, the conformance suite's cross-backend bound (<c>CellTypeScenarios.Float64Tolerance</c>).
/// </summary>
public class NestmlBackendTests(ITestOutputHelper output)
{
    /// <summary>Fixture, offset currents (nA) that make its cells fire.</summary>
    private static readonly (string File, double[] Offsets)[] Models =
    [
        ("neurons/iaf_psc_alpha_neuron.nestml", [0.3, 0.45, 0.6, 0.8]),
        ("neurons/iaf_psc_delta_neuron.nestml", [0.3, 0.45, 0.6, 0.8]),
        ("neurons/iaf_psc_delta_fixed_timestep_neuron.nestml", [0.3, 0.45, 0.6, 0.8]),
        ("neurons/iaf_cond_exp_neuron.nestml", [0.2, 0.35, 0.5, 0.7]),
        ("neurons/iaf_cond_exp_sfa_rr_neuron.nestml", [0.3, 0.5, 0.7, 0.9]),
        ("neurons/aeif_cond_alpha_neuron.nestml", [0.3, 0.5, 0.7, 0.9]),
        ("neurons/aeif_cond_alpha_alt_neuron.nestml", [0.3, 0.5, 0.7, 0.9]),
        ("neurons/aeif_psc_alpha_neuron.nestml", [0.3, 0.5, 0.7, 0.9]),
        ("neurons/izhikevich_psc_alpha_neuron.nestml", [0.6, 0.9, 1.2, 1.5]),
    ];

    private static (double Excitatory, double Inhibitory) Weights(ModelDefinition model) => model.FindReceptor("excitatory")!.Kind switch
    {
        ReceptorKind.Current => (0.1, -0.1),
        ReceptorKind.Conductance => (0.005, 0.01),
        _ => (1.0, -1.0),
    };

    private static Dictionary<string, Trace> Run(IBackend backend, IReadOnlyList<ModelDefinition> models) =>
        NestmlRuns.RunTogether(backend, models, (sim, m, i) =>
        {
            var (e, inh) = Weights(m);
            return NestmlRuns.Add(sim, new CellType(m), "V_m", "I_e", Models[i].Offsets, step: 0.3, e, inh);
        });

    [NestmlFact]
    public void Imported_models_give_the_same_results_on_cpu_ilgpu_and_torch()
    {
        var models = Models.Select(m => NestmlModel.Load(NestmlFixtures.File(m.File))).ToList();
        NestmlRuns.AssertSameOnEveryBackend(backend => Run(backend, models), _ => true, output);
    }
}
