namespace Meta.Models.Standard;

/// <summary>
/// PyNN's adaptive exponential integrate-and-fire cells (Brette and Gerstner 2005), §1.1:
/// <c>cm dv/dt = -g_L(v - v_rest) + g_L·delta_T·exp((v - v_thresh)/delta_T) - w + I_syn + i_offset + i_inj</c> with
/// <c>g_L = cm/tau_m</c>, and <c>tau_w dw/dt = a·(v - v_rest) - w</c> (a in nS). A spike is <c>v &gt;= v_spike</c>
/// (<c>v_thresh</c> when <c>delta_T = 0</c>, where the exponential term vanishes); then <c>v = v_reset</c>,
/// <c>w += b</c> and v is held for <c>tau_refrac</c>. As in NEST, v inside the exponential and in w's equation is capped
/// at <c>v_spike</c> (at <c>v_thresh</c> when <c>delta_T = 0</c>): within the step that crosses the threshold, the
/// integrator's intermediate stages may overshoot far beyond it (with NEST's default V_peak of 0 mV, by orders of
/// magnitude), and an uncapped w would take that overshoot in (w jumped to 868 nA at the first spike).
/// </summary>
public static class AdaptiveExponential
{
    /// <summary>The AdEx membrane and adaptation parameters, state and equations with <paramref name="synapticCurrent"/>.</summary>
    internal static ModelBuilder Core(string name, string description, string synapticCurrent)
    {
        return new ModelBuilder(name).Describe(description)
            .Parameter("cm", 0.281, "nF", "Membrane capacitance.", domain: ParameterDomain.Positive)
            .Parameter("tau_refrac", 0.1, "ms", "Refractory period.", domain: ParameterDomain.NonNegative)
            .Parameter("v_spike", -40.0, "mV", "Spike detection threshold.")
            .Parameter("v_reset", -70.6, "mV", "Reset potential after a spike.")
            .Parameter("v_rest", -70.6, "mV", "Resting membrane potential (leak reversal).")
            .Parameter("tau_m", 9.3667, "ms", "Membrane time constant.", domain: ParameterDomain.Positive)
            .Parameter("i_offset", 0.0, "nA", "Offset current.")
            .Parameter("a", 4.0, "nS", "Subthreshold adaptation conductance.")
            .Parameter("b", 0.0805, "nA", "Spike-triggered adaptation current.")
            .Parameter("delta_T", 2.0, "mV", "Slope factor of the exponential term; 0 gives the integrate-and-fire limit (spike at v_thresh).", domain: ParameterDomain.NonNegative)
            .Parameter("tau_w", 144.0, "ms", "Adaptation time constant.", domain: ParameterDomain.Positive)
            .Parameter("v_thresh", -50.4, "mV", "Spike initiation threshold of the exponential term.")
            .State("v", -70.6, "mV")
            .State("w", 0.0, "nA")
            .Alias("g_L", "cm/tau_m")
            .Alias("v_capped", "min(v, v_spike if delta_T > 0 else v_thresh)")
            .Alias("i_exp", "g_L*delta_T*exp((v_capped - v_thresh)/delta_T) if delta_T > 0 else 0")
            .Ode("v", $"(-g_L*(v - v_rest) + i_exp - w + {synapticCurrent} + i_offset + i_inj)/cm")
            .Ode("w", "(0.001*a*(v_capped - v_rest) - w)/tau_w")
            .Threshold("v >= (v_spike if delta_T > 0 else v_thresh)")
            .Reset("v = v_reset", "w += b")
            .Refractory("tau_refrac", "v = v_reset");
    }

    private static ModelBuilder WithSynapseParameters(this ModelBuilder b) => b
        .Parameter("e_rev_E", 0.0, "mV", "Excitatory reversal potential.")
        .Parameter("tau_syn_E", 5.0, "ms", "Decay time of the excitatory synaptic conductance.", domain: ParameterDomain.Positive)
        .Parameter("e_rev_I", -80.0, "mV", "Inhibitory reversal potential.")
        .Parameter("tau_syn_I", 5.0, "ms", "Decay time of the inhibitory synaptic conductance.", domain: ParameterDomain.Positive);

    private const string ConductanceCurrent = "gsyn_exc*(e_rev_E - v) + gsyn_inh*(e_rev_I - v)";

    /// <summary><c>EIF_cond_alpha_isfa_ista</c>: AdEx with alpha-shaped synaptic conductances (NEST <c>aeif_cond_alpha</c>).</summary>
    public static ModelDefinition EIF_cond_alpha_isfa_ista { get; } =
        Core("EIF_cond_alpha_isfa_ista", "Adaptive exponential integrate-and-fire neuron with alpha-function synaptic conductances.", ConductanceCurrent)
            .WithSynapseParameters()
            .AlphaSynapses("gsyn", "uS", ReceptorKind.Conductance, recordable: true)
            .Build();

    /// <summary><c>EIF_cond_exp_isfa_ista</c>: AdEx with exponentially decaying synaptic conductances (NEST <c>aeif_cond_exp</c>).</summary>
    public static ModelDefinition EIF_cond_exp_isfa_ista { get; } =
        Core("EIF_cond_exp_isfa_ista", "Adaptive exponential integrate-and-fire neuron with exponentially decaying synaptic conductances.", ConductanceCurrent)
            .WithSynapseParameters()
            .ExpSynapses("gsyn", "uS", ReceptorKind.Conductance, recordable: true)
            .Build();
}
