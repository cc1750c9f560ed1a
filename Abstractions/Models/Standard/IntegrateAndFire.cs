namespace Meta.Models.Standard;

/// <summary>
/// PyNN's leaky integrate-and-fire family as model definitions. Parameters, defaults and units are
/// PyNN's (mV, ms, nF, nA, µS). The membrane equation is
/// <c>dv/dt = (v_rest - v)/tau_m + (I_syn + i_offset + i_inj)/cm</c>; on <c>v &gt;= v_thresh</c> the cell
/// spikes, <c>v</c> is set to <c>v_reset</c> and held there for <c>tau_refrac</c> ms.
/// </summary>
public static class IntegrateAndFire
{
    private static ModelBuilder Membrane(string name, string description, double tauSynE, double tauSynI, bool conductance, bool hasSynapticTaus = true)
    {
        var b = new ModelBuilder(name).Describe(description)
            .Parameter("v_rest", -65.0, "mV", "Resting membrane potential.")
            .Parameter("cm", 1.0, "nF", "Membrane capacitance.")
            .Parameter("tau_m", 20.0, "ms", "Membrane time constant.")
            .Parameter("tau_refrac", 0.1, "ms", "Refractory period.");
        if (hasSynapticTaus)
        {
            b.Parameter("tau_syn_E", tauSynE, "ms", "Decay time of excitatory synaptic " + (conductance ? "conductance." : "current."))
             .Parameter("tau_syn_I", tauSynI, "ms", "Decay time of inhibitory synaptic " + (conductance ? "conductance." : "current."));
        }
        if (conductance)
        {
            b.Parameter("e_rev_E", 0.0, "mV", "Excitatory reversal potential.")
             .Parameter("e_rev_I", -70.0, "mV", "Inhibitory reversal potential.");
        }
        return b
            .Parameter("i_offset", 0.0, "nA", "Offset current.")
            .Parameter("v_reset", -65.0, "mV", "Reset potential after a spike.")
            .Parameter("v_thresh", -50.0, "mV", "Spike threshold.")
            .State("v", -65.0, "mV")
            .Threshold("v >= v_thresh")
            .Reset("v = v_reset")
            .Refractory("tau_refrac", "v = v_reset");
    }

    private const string CurrentMembrane = "(v_rest - v)/tau_m + (isyn_exc + isyn_inh + i_offset + i_inj)/cm";
    private const string ConductanceMembrane = "(v_rest - v)/tau_m + (gsyn_exc*(e_rev_E - v) + gsyn_inh*(e_rev_I - v) + i_offset + i_inj)/cm";

    /// <summary>
    /// Exponentially decaying synaptic variables <c>{prefix}_exc</c> and <c>{prefix}_inh</c>: a weight w adds w, then
    /// <c>dx/dt = -x/tau_syn_X</c>.
    /// </summary>
    private static ModelBuilder ExpSynapses(this ModelBuilder b, string prefix, string unit, ReceptorKind kind, bool recordable)
    {
        foreach (var (receptor, suffix, tau) in Receptors)
        {
            string x = $"{prefix}_{suffix}";
            b.State(x, 0.0, unit, recordable).Ode(x, $"-{x}/{tau}").Receptor(receptor, x, kind);
        }
        return b;
    }

    /// <summary>
    /// Alpha-shaped synaptic variables: a weight w adds w to the auxiliary <c>y</c>, and
    /// <c>dx/dt = (e·y - x)/tau</c>, <c>dy/dt = -y/tau</c>, so x peaks at w at t = tau.
    /// </summary>
    private static ModelBuilder AlphaSynapses(this ModelBuilder b, string prefix, string unit, ReceptorKind kind, bool recordable)
    {
        foreach (var (receptor, suffix, tau) in Receptors)
        {
            string x = $"{prefix}_{suffix}", y = $"ysyn_{suffix}";
            b.State(x, 0.0, unit, recordable).State(y, 0.0, unit, recordable: false)
             .Ode(x, $"(exp(1)*{y} - {x})/{tau}").Ode(y, $"-{y}/{tau}")
             .Receptor(receptor, y, kind);
        }
        return b;
    }

    private static readonly (string Receptor, string Suffix, string Tau)[] Receptors =
        [("excitatory", "exc", "tau_syn_E"), ("inhibitory", "inh", "tau_syn_I")];

    /// <summary><c>IF_curr_exp</c>: LIF with exponentially decaying synaptic currents.</summary>
    public static ModelDefinition IF_curr_exp { get; } =
        Membrane("IF_curr_exp", "Leaky integrate-and-fire with exponentially decaying post-synaptic currents.", 5.0, 5.0, conductance: false)
            .Ode("v", CurrentMembrane)
            .ExpSynapses("isyn", "nA", ReceptorKind.Current, recordable: false)
            .Build();

    /// <summary><c>IF_curr_alpha</c>: LIF with alpha-shaped synaptic currents (peak = weight at t = tau).</summary>
    public static ModelDefinition IF_curr_alpha { get; } =
        Membrane("IF_curr_alpha", "Leaky integrate-and-fire with alpha-function post-synaptic currents.", 0.5, 0.5, conductance: false)
            .Ode("v", CurrentMembrane)
            .AlphaSynapses("isyn", "nA", ReceptorKind.Current, recordable: false)
            .Build();

    /// <summary><c>IF_cond_exp</c>: LIF with exponentially decaying synaptic conductances.</summary>
    public static ModelDefinition IF_cond_exp { get; } =
        Membrane("IF_cond_exp", "Leaky integrate-and-fire with exponentially decaying synaptic conductances.", 5.0, 5.0, conductance: true)
            .Ode("v", ConductanceMembrane)
            .ExpSynapses("gsyn", "uS", ReceptorKind.Conductance, recordable: true)
            .Build();

    /// <summary><c>IF_cond_alpha</c>: LIF with alpha-shaped synaptic conductances (peak = weight at t = tau).</summary>
    public static ModelDefinition IF_cond_alpha { get; } =
        Membrane("IF_cond_alpha", "Leaky integrate-and-fire with alpha-function synaptic conductances.", 0.3, 0.5, conductance: true)
            .Ode("v", ConductanceMembrane)
            .AlphaSynapses("gsyn", "uS", ReceptorKind.Conductance, recordable: true)
            .Build();

    /// <summary><c>IF_curr_delta</c>: LIF whose synapses make the membrane potential jump by the weight (mV).</summary>
    public static ModelDefinition IF_curr_delta { get; } =
        Membrane("IF_curr_delta", "Leaky integrate-and-fire with voltage-jump (delta) synapses.", 0, 0, conductance: false, hasSynapticTaus: false)
            .Ode("v", "(v_rest - v)/tau_m + (i_offset + i_inj)/cm")
            .Receptor("excitatory", "v", ReceptorKind.VoltageJump)
            .Receptor("inhibitory", "v", ReceptorKind.VoltageJump)
            .Build();
}
