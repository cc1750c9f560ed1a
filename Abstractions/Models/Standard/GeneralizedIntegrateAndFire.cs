namespace Meta.Models.Standard;

/// <summary>
/// <c>GIF_cond_exp</c>: the generalized integrate-and-fire neuron of Mensi et al. (2012) and Pozzorini et al. (2015),
/// PyNN §1.1. A spike-triggered current <c>i_eta = Σ η_j</c> (each η_j decays with <c>tau_eta[j]</c> and jumps by
/// <c>a_eta[j]</c> at a spike) and a moving threshold <c>v_t = v_t_star + Σ γ_j</c> (likewise with <c>tau_gamma</c>,
/// <c>a_gamma</c>). Firing is stochastic: in a step of dt ms the cell spikes with probability
/// <c>1 − exp(−λ·dt/1000)</c>, <c>λ = lambda0·exp((v − v_t)/delta_v)</c> Hz, decided by a counter-based draw, so every
/// backend gives the same spikes for the same seed. Then v is reset and held for <c>tau_refrac</c>.
/// <c>i_eta</c> and <c>v_t</c> are kept as states that the exact propagator advances with the η and γ terms.
/// </summary>
public static class GeneralizedIntegrateAndFire
{
    private const int Terms = 3;

    /// <summary><c>GIF_cond_exp</c>.</summary>
    public static ModelDefinition GIF_cond_exp { get; } = Build();

    private static ModelDefinition Build()
    {
        var b = new ModelBuilder("GIF_cond_exp").Describe("Generalized integrate-and-fire neuron with spike-triggered current, moving threshold and stochastic firing.")
            .Parameter("v_rest", -65.0, "mV", "Resting membrane potential.")
            .Parameter("cm", 1.0, "nF", "Membrane capacitance.", domain: ParameterDomain.Positive)
            .Parameter("tau_m", 20.0, "ms", "Membrane time constant.", domain: ParameterDomain.Positive)
            .Parameter("tau_refrac", 4.0, "ms", "Refractory period.", domain: ParameterDomain.NonNegative)
            .Parameter("tau_syn_E", 5.0, "ms", "Decay time of the excitatory synaptic conductance.", domain: ParameterDomain.Positive)
            .Parameter("tau_syn_I", 5.0, "ms", "Decay time of the inhibitory synaptic conductance.", domain: ParameterDomain.Positive)
            .Parameter("e_rev_E", 0.0, "mV", "Excitatory reversal potential.")
            .Parameter("e_rev_I", -70.0, "mV", "Inhibitory reversal potential.")
            .Parameter("v_reset", -65.0, "mV", "Reset potential after a spike.")
            .Parameter("i_offset", 0.0, "nA", "Offset current.")
            .Parameter("delta_v", 0.5, "mV", "Softness of the stochastic threshold.", domain: ParameterDomain.Positive)
            .Parameter("v_t_star", -48.0, "mV", "Baseline of the moving threshold.")
            .Parameter("lambda0", 1.0, "Hz", "Firing intensity at v = v_t.", domain: ParameterDomain.NonNegative)
            .ArrayParameter("tau_eta", [1.0, 10.0, 100.0], "ms", "Decay times of the spike-triggered current terms.", domain: ParameterDomain.Positive)
            .ArrayParameter("tau_gamma", [1.0, 10.0, 100.0], "ms", "Decay times of the moving-threshold terms.", domain: ParameterDomain.Positive)
            .ArrayParameter("a_eta", [1.0, 1.0, 1.0], "nA", "Jumps of the spike-triggered current terms at a spike.")
            .ArrayParameter("a_gamma", [1.0, 1.0, 1.0], "mV", "Jumps of the moving-threshold terms at a spike.")
            .State("v", -65.0, "mV")
            .State("v_t", "v_t_star", "mV")
            .State("i_eta", 0.0, "nA");
        string Element(string name, int j) => ParameterDefinition.ElementName(name, j);
        var etaDecay = new List<string>();
        var gammaDecay = new List<string>();
        var etaJump = new List<string>();
        var gammaJump = new List<string>();
        for (int j = 0; j < Terms; j++)
        {
            string eta = $"eta{j}", gamma = $"gamma{j}";
            b.State(eta, 0.0, "nA", recordable: false).State(gamma, 0.0, "mV", recordable: false)
             .Ode(eta, $"-{eta}/{Element("tau_eta", j)}").Ode(gamma, $"-{gamma}/{Element("tau_gamma", j)}");
            etaDecay.Add($"{eta}/{Element("tau_eta", j)}");
            gammaDecay.Add($"{gamma}/{Element("tau_gamma", j)}");
            etaJump.Add(Element("a_eta", j));
            gammaJump.Add(Element("a_gamma", j));
        }
        b.Ode("i_eta", $"-({string.Join(" + ", etaDecay)})")
         .Ode("v_t", $"-({string.Join(" + ", gammaDecay)})")
         .Ode("v", "(v_rest - v)/tau_m + (gsyn_exc*(e_rev_E - v) + gsyn_inh*(e_rev_I - v) - i_eta + i_offset + i_inj)/cm")
         .ExpSynapses("gsyn", "uS", ReceptorKind.Conductance, recordable: true)
         .Threshold("uniform() < 1 - exp(-lambda0*exp((v - v_t)/delta_v)*dt/1000)")
         .Reset([
             "v = v_reset",
             .. Enumerable.Range(0, Terms).Select(j => $"eta{j} += {etaJump[j]}"),
             .. Enumerable.Range(0, Terms).Select(j => $"gamma{j} += {gammaJump[j]}"),
             $"i_eta += {string.Join(" + ", etaJump)}",
             $"v_t += {string.Join(" + ", gammaJump)}",
         ])
         .Refractory("tau_refrac", "v = v_reset");
        return b.Build();
    }
}
