using Meta.Backends;
using Meta.Conformance.References;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Synapse dynamics (docs/semantics.md, "Synapse dynamics") against NEURON 8.2 through PyNN 0.10
/// (shared/reference/synapses), against the documented rules recomputed on the host from the run's own spikes, and across
/// backends.
/// </summary>
public static partial class SynapseScenarios
{
    /// <summary>The requirement: synapse kernels.</summary>
    internal static readonly string[] Requires = [Scenario.FeaturePrefix + BackendFeatures.SynapseDynamics];

    private const double Dt = 0.1;

    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() =>
    [
        TsodyksMarkram("tm_depressing"),
        TsodyksMarkram("tm_facilitating"),
        .. Pairings.Select(p => StdpPairing(p.Scenario, p.Rule, p.NeuronFollowsRule)),
        PlasticInputs("stdp_poisson"),
        PlasticInputs("stdp_poisson_ddf0"),
        PlasticInputs("vogels2011"),
        SimpleStochastic(),
        StochasticTsodyksMarkram(),
        MultiQuantal(),
        UserDefinedTriplet(),
        GetSetReset(),
        SameAsReferenceBackend(),
    ];

    /// <summary>Float32 bounds are this many times the float64 ones.</summary>
    private static double Loosen(ScenarioContext ctx) => ctx.Precision == Precision.Float32 ? 1e3 : 1;

    private static SynapseReference Reference(string scenario, string simulator = "neuron") =>
        SynapseReference.Find(scenario, simulator, Dt) ?? throw new FileNotFoundException($"No reference synapses/dt0.1/{scenario}.{simulator}.json (set META_REFERENCE_DIR).");

    /// <summary>
    /// One spike train through a Tsodyks–Markram synapse onto an IF_cond_exp: each transmitted amount (the jump of gsyn_exc
    /// at the arrival) against NEURON's <c>w·x·u</c>, and the gsyn_exc trace.
    /// </summary>
    public static Scenario TsodyksMarkram(string scenario) => new CheckScenario(
        $"synapse/{scenario.Replace('_', '-')}",
        "every transmitted amount within 1e-9 µS of NEURON's w·x·u (float32: 1e-6), gsyn_exc within 1e-9 µS (float32: 1e-6) of NEURON's at every sample",
        Requires,
        ctx =>
        {
            var reference = Reference(scenario);
            var times = reference.Numbers("stimulus", "spike_times");
            double U = reference.Number("synapse_parameters", "U"), tauRec = reference.Number("synapse_parameters", "tau_rec"),
                tauFacil = reference.Number("synapse_parameters", "tau_facil"), weight = reference.Number("synapse_parameters", "weight"),
                delay = reference.Number("synapse_parameters", "delay"), tStop = reference.Number("t_stop");
            using var sim = new Simulation(ctx.Backend, ctx.Options(Dt, minDelay: Dt));
            var source = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", times), "source");
            var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "cell");
            var projection = new Projection(source, cell, new OneToOneConnector(),
                new TsodyksMarkramSynapse(weight, delay, U: U, tau_rec: tauRec, tau_facil: tauFacil), "excitatory");
            cell.Record(["gsyn_exc", "v"]);
            sim.Run(tStop);
            var g = cell.GetData().Segments[0].Signal("gsyn_exc").Column(0);
            var expectedG = reference.Numbers("gsyn_exc");
            double decay = Math.Exp(-Dt / 5.0);
            var amounts = times.Select(t => (int)Math.Round((t + delay) / Dt)).Select(n => g[n + 1] / decay - g[n]).ToArray();
            var expected = reference.Numbers("weight_read_after_each_spike");
            double worstAmount = amounts.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
            int samples = Math.Min(g.Length, expectedG.Length);
            double worstTrace = Enumerable.Range(0, samples).Max(k => Math.Abs(g[k] - expectedG[k]));
            double bound = 1e-9 * Loosen(ctx);
            return ($"largest difference of a transmitted amount {worstAmount:g3} µS; of gsyn_exc {worstTrace:g3} µS over {samples} samples; " +
                    $"amounts {string.Join(" ", amounts.Take(4).Select(a => a.ToString("g6")))} … (NEURON {string.Join(" ", expected.Take(4).Select(a => a.ToString("g6")))} …)",
                [
                    (worstAmount <= bound, $"a transmitted amount differs from NEURON's by {worstAmount:g3} µS (> {bound:g1})"),
                    (worstTrace <= bound, $"gsyn_exc differs from NEURON's by {worstTrace:g3} µS (> {bound:g1})"),
                ]);
        },
        needsReference: false);
}
