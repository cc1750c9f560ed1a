namespace Meta.Models.Standard;

/// <summary>PyNN's STDP weight dependences (<c>STDPWeightDependence</c>).</summary>
public enum WeightDependence
{
    /// <summary><c>AdditiveWeightDependence</c>: Δw = w_max·A, clipped to [w_min, w_max].</summary>
    Additive,
    /// <summary><c>MultiplicativeWeightDependence</c>: potentiation ∝ (w_max − w), depression ∝ (w − w_min).</summary>
    Multiplicative,
    /// <summary><c>AdditivePotentiationMultiplicativeDepression</c>: potentiation w_max·A₊, depression ∝ (w − w_min); clipped (NEST's normalisation).</summary>
    AdditivePotentiationMultiplicativeDepression,
    /// <summary><c>GutigWeightDependence</c>: powers mu_plus and mu_minus of the normalised distance to the bounds (NEST's normalisation).</summary>
    Gutig,
}

/// <summary>
/// PyNN's <c>STDPMechanism</c> as <see cref="SynapseModel"/>s: a timing rule combined with a weight dependence
/// (docs/semantics.md, "Synapse dynamics"). As in NEST and PyNN-NEURON, a postsynaptic event only accumulates the change
/// (<c>deltaw</c>); the weight changes, and is clipped, at the next presynaptic event, just before that spike is transmitted.
/// Traces are per synapse and decay exactly between events.
/// </summary>
public static class Stdp
{
    /// <summary>
    /// <c>SpikePairRule</c> (all-to-all pairs, Song &amp; Abbott): at a pre event <c>P ← P + A_plus</c> and the change
    /// <c>f_dep(w)·M</c>; at a post event <c>M ← M − A_minus</c> and the change <c>f_pot(w)·P</c>; P and M decay with
    /// tau_plus and tau_minus.
    /// </summary>
    public static SynapseModel SpikePair(WeightDependence dependence)
    {
        var (potentiation, depression) = Factors(dependence);
        var b = new SynapseModelBuilder($"STDPMechanism(SpikePairRule, {Name(dependence)})")
            .Describe($"pair-based STDP with {Name(dependence)}")
            .Parameter("tau_plus", 20.0, "ms", "decay of the presynaptic trace", domain: ParameterDomain.Positive)
            .Parameter("tau_minus", 20.0, "ms", "decay of the postsynaptic trace", domain: ParameterDomain.Positive)
            .Parameter("A_plus", 0.01, "", "potentiation amplitude (a fraction of the weight dependence's scale)", domain: ParameterDomain.NonNegative)
            .Parameter("A_minus", 0.01, "", "depression amplitude", domain: ParameterDomain.NonNegative);
        WeightParameters(b, dependence);
        return b.PlasticWeight()
            .State("P", 0.0, "").State("M", 0.0, "").State("deltaw", 0.0, "")
            .Decay("P", "tau_plus").Decay("M", "tau_minus")
            .OnPre($"deltaw += ({depression})*M", "P += A_plus", Apply, "deltaw = 0", "transmit(weight)")
            .OnPost($"deltaw += ({potentiation})*P", "M -= A_minus")
            .Build();
    }

    /// <summary>
    /// <c>Vogels2011Rule</c> (Vogels et al. 2011) as PyNN-NEURON implements it: nearest spikes, no traces; at a pre event the
    /// change <c>eta·(e^(−(t − t_post)/tau) − 2·rho·tau)</c>, at a post event <c>eta·e^(−(t − t_pre)/tau)</c>, in weight units,
    /// clipped to [w_min, w_max]; rho is in 1/ms (as tau is in ms). Additive weight dependence only.
    /// </summary>
    public static SynapseModel Vogels2011(WeightDependence dependence)
    {
        if (dependence != WeightDependence.Additive)
            throw new NoModelAvailableException($"Vogels2011Rule is available with AdditiveWeightDependence only, not {Name(dependence)}.");
        var b = new SynapseModelBuilder("STDPMechanism(Vogels2011Rule, AdditiveWeightDependence)")
            .Describe("inhibitory STDP of Vogels et al. (2011)")
            .Parameter("tau", 20.0, "ms", "time constant of the coincidence window", domain: ParameterDomain.Positive)
            .Parameter("eta", 1e-10, "", "learning rate (weight units)", domain: ParameterDomain.NonNegative)
            .Parameter("rho", 3.0, "1/ms", "target rate, as used with tau in ms (2·rho·tau is the depression offset)");
        WeightParameters(b, dependence);
        return b.PlasticWeight()
            .State("deltaw", 0.0, "").State("t_last_pre", -1e9, "ms").State("t_last_post", -1e9, "ms")
            .OnPre("deltaw += eta*(exp(-(t - t_last_post)/tau) - 2*rho*tau)", "t_last_pre = t", Apply, "deltaw = 0", "transmit(weight)")
            .OnPost("deltaw += eta*exp(-(t - t_last_pre)/tau)", "t_last_post = t")
            .Build();
    }

    /// <summary>The PyNN class name of a weight dependence.</summary>
    public static string Name(WeightDependence dependence) => dependence switch
    {
        WeightDependence.Additive => "AdditiveWeightDependence",
        WeightDependence.Multiplicative => "MultiplicativeWeightDependence",
        WeightDependence.AdditivePotentiationMultiplicativeDepression => "AdditivePotentiationMultiplicativeDepression",
        WeightDependence.Gutig => "GutigWeightDependence",
        _ => throw new ArgumentOutOfRangeException(nameof(dependence)),
    };

    private const string Apply = "weight = min(max(weight + deltaw, w_min), w_max)";

    private static void WeightParameters(SynapseModelBuilder b, WeightDependence dependence)
    {
        b.Parameter("w_min", 0.0, "", "lower bound of the weight").Parameter("w_max", 1.0, "", "upper bound of the weight");
        if (dependence == WeightDependence.Gutig)
            b.Parameter("mu_plus", 0.5, "", "exponent of potentiation").Parameter("mu_minus", 0.5, "", "exponent of depression");
    }

    /// <summary>f_pot(w) and f_dep(w) (positive factors; depression multiplies the non-positive trace M).</summary>
    private static (string Potentiation, string Depression) Factors(WeightDependence dependence) => dependence switch
    {
        WeightDependence.Additive => ("w_max", "w_max"),
        WeightDependence.Multiplicative => ("w_max - weight", "weight - w_min"),
        WeightDependence.AdditivePotentiationMultiplicativeDepression => ("w_max", "weight - w_min"),
        WeightDependence.Gutig => ("(w_max - w_min)*pow(max((w_max - weight)/(w_max - w_min), 0), mu_plus)",
            "(w_max - w_min)*pow(max((weight - w_min)/(w_max - w_min), 0), mu_minus)"),
        _ => throw new ArgumentOutOfRangeException(nameof(dependence)),
    };
}
