using Meta.Models;

namespace Meta.Sonata.Nest;

/// <summary>
/// NEST's synapse models that no PyNN standard type reproduces exactly, written in Meta's synapse model language (so every
/// backend runs them from the same statements). Their timing is NEST's: a connection's whole delay is dendritic
/// (<c>dendritic_delay_fraction</c> 1), so the rule sees a presynaptic spike when it is emitted and a postsynaptic spike
/// one delay later, as NEST's <c>send</c> does with <c>t_spike</c> and the postsynaptic history shifted by the delay.
/// </summary>
public static class NestSynapseModels
{
    /// <summary>
    /// NEST's <c>tsodyks2_synapse</c> (models/tsodyks2_synapse.h): a spike transmits <c>weight·x·u</c> with the values held
    /// since the previous spike, then computes the next spike's values from <c>h</c>, the interval from the previous spike to
    /// this one (NEST's code, Maass &amp; Markram 2002 Eqs. 4–5): <c>x ← 1 + (x − x·u − 1)·e^(−h/tau_rec)</c>,
    /// <c>u ← U + u·(1 − U)·e^(−h/tau_fac)</c> (the last factor 0 when <c>tau_fac</c> &lt; 1e-10). The first spike's
    /// <c>h</c> is its time (NEST's <c>t_lastspike</c> starts at 0).
    /// </summary>
    public static SynapseModel Tsodyks2 { get; } = new SynapseModelBuilder("tsodyks2_synapse")
        .Describe("NEST's tsodyks2_synapse: short-term depression and facilitation scaling the weight")
        .Parameter("weight", 1.0, "", "the weight (the receptor's unit)")
        .Parameter("U", 0.5, "", "increment of u at each spike", domain: ParameterDomain.Probability)
        .Parameter("tau_rec", 800.0, "ms", "recovery time constant", domain: ParameterDomain.Positive)
        .Parameter("tau_fac", 0.0, "ms", "facilitation time constant (below 1e-10: none)", domain: ParameterDomain.NonNegative)
        .State("x", 1.0, "").State("u", 0.5, "").State("t_last", 0.0, "ms")
        .OnPre(
            "transmit(weight*x*u)",
            "x = 1 + (x - x*u - 1)*exp(-(t - t_last)/tau_rec)",
            "u = (U + u*(1 - U)*exp(-(t - t_last)/tau_fac)) if tau_fac >= 1e-10 else U",
            "t_last = t")
        .Build();

    /// <summary>
    /// NEST's <c>stdp_synapse</c> and <c>stdp_synapse_hom</c> (models/stdp_synapse.h; Gütig et al. 2003): all-to-all traces
    /// <c>Kplus</c> (presynaptic, +1 at each pre spike, decaying with <c>tau_plus</c>) and <c>Kminus</c> (NEST keeps it on the
    /// postsynaptic neuron with that neuron's <c>tau_minus</c>; here per synapse, +1 at each post event). Depression at a pre
    /// event, before transmitting: <c>w ← Wmax·max(w/Wmax − alpha·lambda·(w/Wmax)^mu_minus·Kminus, 0)</c>. Facilitation for
    /// each post event: <c>w ← Wmax·min(w/Wmax + lambda·(1 − w/Wmax)^mu_plus·Kplus, 1)</c>, with <c>Kplus</c> excluding a pre
    /// spike of the same step (NEST pairs a post spike arriving at <c>t_spike</c> with the earlier pre spikes only).
    /// NEST applies these facilitations in the same order at the next pre spike, so the sequence of updates is NEST's; Meta
    /// applies each at its post event (docs/sonata.md states the two consequences).
    /// </summary>
    public static SynapseModel Stdp { get; } = new SynapseModelBuilder("stdp_synapse")
        .Describe("NEST's stdp_synapse: all-to-all pair STDP with power-law weight dependence (Guetig et al. 2003)")
        .Parameter("tau_plus", 20.0, "ms", "decay of the presynaptic trace Kplus", domain: ParameterDomain.Positive)
        .Parameter("tau_minus", 20.0, "ms", "decay of the postsynaptic trace Kminus (the postsynaptic neuron's in NEST)", domain: ParameterDomain.Positive)
        .Parameter("lambda", 0.01, "", "step size", domain: ParameterDomain.NonNegative)
        .Parameter("alpha", 1.0, "", "asymmetry: depression steps are alpha·lambda", domain: ParameterDomain.NonNegative)
        .Parameter("mu_plus", 1.0, "", "weight dependence exponent of potentiation", domain: ParameterDomain.NonNegative)
        .Parameter("mu_minus", 1.0, "", "weight dependence exponent of depression", domain: ParameterDomain.NonNegative)
        .Parameter("Wmax", 100.0, "", "maximum weight (the weight's unit; same sign as the weight)")
        .PlasticWeight(1.0)
        .State("Kplus", 0.0, "").State("Kminus", 0.0, "").State("t_pre", -1e9, "ms")
        .Decay("Kplus", "tau_plus").Decay("Kminus", "tau_minus")
        .OnPre(
            "weight = Wmax*max(weight/Wmax - alpha*lambda*pow(weight/Wmax, mu_minus)*Kminus, 0)",
            "transmit(weight)",
            "Kplus += 1",
            "t_pre = t")
        .OnPost(
            "weight = Wmax*min(weight/Wmax + lambda*pow(1 - weight/Wmax, mu_plus)*(Kplus - 1 if t_pre >= t else Kplus), 1)",
            "Kminus += 1")
        .Build();
}
