namespace Meta.Models.Standard;

/// <summary>
/// PyNN's leaky integrate-and-fire family as model definitions. Parameters, defaults and units are
/// PyNN's (mV, ms, nF, nA, µS). The membrane equation is
/// <c>dv/dt = (v_rest - v)/tau_m + (I_syn + i_offset + i_inj)/cm</c>; on <c>v &gt;= v_thresh</c> the cell
/// spikes, <c>v</c> is set to <c>v_reset</c> and held there for <c>tau_refrac</c> ms.
/// </summary>
public static class IntegrateAndFire
{
    internal static ModelBuilder Membrane(string name, string description, double tauSynE, double tauSynI, bool conductance, bool hasSynapticTaus = true)
    {
        var b = new ModelBuilder(name).Describe(description)
            .Parameter("v_rest", -65.0, "mV", "Resting membrane potential.")
            .Parameter("cm", 1.0, "nF", "Membrane capacitance.", domain: ParameterDomain.Positive)
            .Parameter("tau_m", 20.0, "ms", "Membrane time constant.", domain: ParameterDomain.Positive)
            .Parameter("tau_refrac", 0.1, "ms", "Refractory period.", domain: ParameterDomain.NonNegative);
        if (hasSynapticTaus)
        {
            b.Parameter("tau_syn_E", tauSynE, "ms", "Decay time of excitatory synaptic " + (conductance ? "conductance." : "current."), domain: ParameterDomain.Positive)
             .Parameter("tau_syn_I", tauSynI, "ms", "Decay time of inhibitory synaptic " + (conductance ? "conductance." : "current."), domain: ParameterDomain.Positive);
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

    /// <summary>
    /// <c>IF_cond_exp_gsfa_grr</c> (Muller et al. 2007): IF_cond_exp with a spike-frequency adaptation conductance
    /// <c>g_s</c> and a relative refractory conductance <c>g_r</c> (both in nS), each increased by <c>q_sfa</c> and
    /// <c>q_rr</c> at a spike and decaying with <c>tau_sfa</c> and <c>tau_rr</c>.
    /// </summary>
    public static ModelDefinition IF_cond_exp_gsfa_grr { get; } =
        Membrane("IF_cond_exp_gsfa_grr", "Conductance-based LIF with spike-frequency adaptation and relative refractoriness.", 5.0, 5.0, conductance: true)
            .Parameter("tau_sfa", 100.0, "ms", "Decay time of the adaptation conductance.", domain: ParameterDomain.Positive)
            .Parameter("e_rev_sfa", -75.0, "mV", "Reversal potential of the adaptation conductance.")
            .Parameter("q_sfa", 15.0, "nS", "Increase of the adaptation conductance at a spike.", domain: ParameterDomain.NonNegative)
            .Parameter("tau_rr", 2.0, "ms", "Decay time of the relative refractory conductance.", domain: ParameterDomain.Positive)
            .Parameter("e_rev_rr", -75.0, "mV", "Reversal potential of the relative refractory conductance.")
            .Parameter("q_rr", 3000.0, "nS", "Increase of the relative refractory conductance at a spike.", domain: ParameterDomain.NonNegative)
            .State("g_r", 0.0, "nS").State("g_s", 0.0, "nS")
            .Ode("v", "(v_rest - v)/tau_m + (gsyn_exc*(e_rev_E - v) + gsyn_inh*(e_rev_I - v) - 0.001*g_s*(v - e_rev_sfa) - 0.001*g_r*(v - e_rev_rr) + i_offset + i_inj)/cm")
            .Ode("g_s", "-g_s/tau_sfa").Ode("g_r", "-g_r/tau_rr")
            .Reset("g_s += q_sfa", "g_r += q_rr")
            .ExpSynapses("gsyn", "uS", ReceptorKind.Conductance, recordable: true)
            .Build();

    /// <summary>
    /// <c>IF_facets_hardware1</c>: the conductance-based LIF of the FACETS wafer-scale hardware, with exponential
    /// conductances. Its capacitance (0.2 nF), refractory period (1 ms), excitatory reversal (0 mV) and offset current
    /// (0) are fixed, so <c>tau_m = cm/g_leak</c> (5 ms by default).
    /// </summary>
    public static ModelDefinition IF_facets_hardware1 { get; } =
        new ModelBuilder("IF_facets_hardware1").Describe("Conductance-based LIF of the FACETS hardware (fixed cm 0.2 nF, tau_refrac 1 ms).")
            .Parameter("g_leak", 40.0, "nS", "Leak conductance.", domain: ParameterDomain.NonNegative)
            .Parameter("tau_syn_E", 30.0, "ms", "Decay time of the excitatory synaptic conductance.", domain: ParameterDomain.Positive)
            .Parameter("tau_syn_I", 30.0, "ms", "Decay time of the inhibitory synaptic conductance.", domain: ParameterDomain.Positive)
            .Parameter("v_reset", -80.0, "mV", "Reset potential after a spike.")
            .Parameter("e_rev_I", -80.0, "mV", "Inhibitory reversal potential.")
            .Parameter("v_rest", -65.0, "mV", "Resting membrane potential.")
            .Parameter("v_thresh", -55.0, "mV", "Spike threshold.")
            .State("v", -65.0, "mV")
            .Ode("v", "(0.001*g_leak*(v_rest - v) + gsyn_exc*(0 - v) + gsyn_inh*(e_rev_I - v) + i_inj)/0.2")
            .ExpSynapses("gsyn", "uS", ReceptorKind.Conductance, recordable: true)
            .Threshold("v >= v_thresh").Reset("v = v_reset").Refractory("1.0", "v = v_reset")
            .Build();
}
