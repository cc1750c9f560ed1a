namespace Meta.Models.Standard;

/// <summary>
/// PyNN's short-term plasticity and stochastic release synapse types, as <see cref="SynapseModel"/>s
/// (docs/semantics.md, "Synapse dynamics"). Their weight is a parameter: what changes is the fraction that is transmitted.
/// </summary>
public static class ShortTermPlasticity
{
    /// <summary>
    /// <c>TsodyksMarkramSynapse</c>: the exact event-driven Tsodyks–Markram model (Tsodyks, Uziel &amp; Markram 2000; NEST's
    /// <c>tsodyks_synapse</c>, PyNN-NEURON's <c>tsodyksmarkram.mod</c>). Resources are split into recovered x, active y (which
    /// decays with the postsynaptic current's time constant <c>tau_psc</c>) and inactive z = 1 − x − y; each spike releases
    /// <c>x·u</c> and transmits <c>weight·x·u</c>. With <c>tau_facil</c> = 0, u = U (pure depression).
    /// </summary>
    public static SynapseModel TsodyksMarkram { get; } = new SynapseModelBuilder("TsodyksMarkramSynapse")
        .Describe("Tsodyks–Markram depressing and facilitating synapse (exact event-driven update)")
        .Parameter("weight", 0.0, "", "the weight (the receptor's unit)")
        .Parameter("U", 0.5, "", "utilisation of synaptic efficacy", domain: ParameterDomain.Probability)
        .Parameter("tau_rec", 100.0, "ms", "recovery time constant", domain: ParameterDomain.Positive)
        .Parameter("tau_facil", 0.0, "ms", "facilitation time constant (0: no facilitation)", domain: ParameterDomain.NonNegative)
        .Parameter("tau_psc", 5.0, "ms", "decay of the active resources: the postsynaptic receptor's time constant unless set", domain: ParameterDomain.Positive)
        .State("u", 0.0, "").State("x", 1.0, "").State("y", 0.0, "").State("z", 0.0, "").State("t_last", 0.0, "ms")
        .OnPre(
            "z = z*exp(-(t - t_last)/tau_rec) + y*(exp(-(t - t_last)/tau_psc) - exp(-(t - t_last)/tau_rec))/(tau_psc/tau_rec - 1)",
            "y = y*exp(-(t - t_last)/tau_psc)",
            "x = 1 - y - z",
            "u = (u*exp(-(t - t_last)/tau_facil) + U*(1 - u*exp(-(t - t_last)/tau_facil))) if tau_facil > 0 else U",
            "transmit(weight*x*u)",
            "y = y + x*u",
            "t_last = t")
        .Build();

    /// <summary><c>SimpleStochasticSynapse</c>: each spike is transmitted with probability <c>p</c> (NEST's <c>bernoulli_synapse</c>).</summary>
    public static SynapseModel SimpleStochastic { get; } = new SynapseModelBuilder("SimpleStochasticSynapse")
        .Describe("each spike is transmitted with probability p")
        .Parameter("weight", 0.0, "", "the weight (the receptor's unit)")
        .Parameter("p", 0.5, "", "probability of transmission", domain: ParameterDomain.Probability)
        .OnPre("transmit(weight if uniform() < p else 0)")
        .Build();

    /// <summary>
    /// <c>StochasticTsodyksMarkramSynapse</c>: one binary release site (Fuhrmann et al. 2002, PyNN-NEURON's
    /// <c>stochastic_tsodyksmarkram.mod</c>). u follows the deterministic model; a depleted site recovers with probability
    /// <c>1 − e^(−Δ/tau_rec)</c> at the spike; an available site releases with probability u, transmitting the whole weight,
    /// and is then depleted. <c>released</c> holds whether the last spike was transmitted.
    /// </summary>
    public static SynapseModel StochasticTsodyksMarkram { get; } = new SynapseModelBuilder("StochasticTsodyksMarkramSynapse")
        .Describe("Tsodyks–Markram dynamics with one stochastic binary release site")
        .Parameter("weight", 0.0, "", "the weight (the receptor's unit)")
        .Parameter("U", 0.5, "", "utilisation of synaptic efficacy", domain: ParameterDomain.Probability)
        .Parameter("tau_rec", 100.0, "ms", "recovery time constant", domain: ParameterDomain.Positive)
        .Parameter("tau_facil", 0.0, "ms", "facilitation time constant (0: no facilitation)", domain: ParameterDomain.NonNegative)
        .State("u", 0.0, "").State("R", 1.0, "").State("released", 0.0, "").State("t_last", -1e9, "ms")
        .OnPre(
            "u = (u*exp(-(t - t_last)/tau_facil) + U*(1 - u*exp(-(t - t_last)/tau_facil))) if tau_facil > 0 else U",
            "R = 1 if (R > 0.5 or uniform() < 1 - exp(-(t - t_last)/tau_rec)) else 0",
            "released = 1 if (R > 0.5 and uniform() < u) else 0",
            "transmit(weight*released)",
            "R = R - released",
            "t_last = t")
        .Build();

    /// <summary>
    /// <c>MultiQuantalSynapse</c>: n independent binary release sites (NEST's <c>quantal_stp_synapse</c>, PyNN-NEURON's
    /// <c>quantal_stp.mod</c>). At a spike, after Δ = t − t_last: u = U + u·(1 − U)·e^(−Δ/tau_facil) (u = U without
    /// facilitation); each depleted site recovers with probability <c>1 − e^(−Δ/tau_rec)</c>; each available site releases
    /// with probability u; the spike transmits <c>weight·released/n</c> (PyNN-NEURON's normalisation, so the mean response does not
    /// depend on n; NEST transmits <c>weight·released</c>) and the released sites are depleted. The per-site draws are taken as
    /// two binomial draws (the recovered count, then the released count), the same distribution as one draw per site.
    /// </summary>
    public static SynapseModel MultiQuantal { get; } = new SynapseModelBuilder("MultiQuantalSynapse")
        .Describe("Tsodyks–Markram dynamics with n stochastic binary release sites")
        .Parameter("weight", 0.0, "", "the weight transmitted when every site releases (the receptor's unit)")
        .Parameter("U", 0.5, "", "utilisation of synaptic efficacy", domain: ParameterDomain.Probability)
        .Parameter("n", 1.0, "", "number of release sites", domain: ParameterDomain.NonNegative)
        .Parameter("tau_rec", 800.0, "ms", "recovery time constant", domain: ParameterDomain.Positive)
        .Parameter("tau_facil", 0.0, "ms", "facilitation time constant (0: no facilitation)", domain: ParameterDomain.NonNegative)
        .State("u", "U", "").State("available", "n", "").State("released", 0.0, "").State("t_last", -1e9, "ms")
        .OnPre(
            "u = (U + u*(1 - U)*exp(-(t - t_last)/tau_facil)) if tau_facil > 0 else U",
            "available = available + binomial(n - available, 1 - exp(-(t - t_last)/tau_rec))",
            "released = binomial(available, u)",
            "transmit(weight*released/n)",
            "available = available - released",
            "t_last = t")
        .Build();
}
