namespace Meta.Models.Standard;

/// <summary>
/// <c>HH_cond_exp</c>: the Hodgkin–Huxley point neuron of Traub and Miles (1991) with exponential synaptic conductances
/// (PyNN §1.1). Rates are in 1/ms of <c>u = v - v_offset</c>; the singular points of α_m and α_n take their limits.
/// There is no reset: a spike is an upward crossing of 10 mV, as in PyNN's NEURON backend (see <see cref="ModelDefinition.ThresholdCrossing"/>).
/// </summary>
public static class HodgkinHuxley
{
    /// <summary>The potential (mV) whose upward crossing counts as a spike.</summary>
    public const double SpikeDetectionThreshold = 10.0;

    /// <summary>
    /// The longest integration sub-step (ms): at dt = 0.1 the exponential midpoint scheme takes four sub-steps, which puts
    /// the spikes of the accuracy scenarios within 0.23 ms of the converged solution (one step: 1.42 ms; NEURON at dt = 0.1:
    /// 0.38–0.79 ms; docs/accuracy.md).
    /// </summary>
    public const double MaxSubstepMs = 0.025;

    /// <summary><c>HH_cond_exp</c>.</summary>
    public static ModelDefinition HH_cond_exp { get; } =
        new ModelBuilder("HH_cond_exp").Describe("Single-compartment Hodgkin-Huxley neuron (Traub & Miles 1991) with exponential synaptic conductances.")
            .Parameter("gbar_Na", 20.0, "uS", "Maximal sodium conductance.", domain: ParameterDomain.NonNegative)
            .Parameter("gbar_K", 6.0, "uS", "Maximal potassium conductance.", domain: ParameterDomain.NonNegative)
            .Parameter("g_leak", 0.01, "uS", "Leak conductance.", domain: ParameterDomain.NonNegative)
            .Parameter("cm", 0.2, "nF", "Membrane capacitance.", domain: ParameterDomain.Positive)
            .Parameter("v_offset", -63.0, "mV", "Offset of the rate functions' voltage.")
            .Parameter("e_rev_Na", 50.0, "mV", "Sodium reversal potential.")
            .Parameter("e_rev_K", -90.0, "mV", "Potassium reversal potential.")
            .Parameter("e_rev_leak", -65.0, "mV", "Leak reversal potential.")
            .Parameter("e_rev_E", 0.0, "mV", "Excitatory reversal potential.")
            .Parameter("e_rev_I", -80.0, "mV", "Inhibitory reversal potential.")
            .Parameter("tau_syn_E", 0.2, "ms", "Decay time of the excitatory synaptic conductance.", domain: ParameterDomain.Positive)
            .Parameter("tau_syn_I", 2.0, "ms", "Decay time of the inhibitory synaptic conductance.", domain: ParameterDomain.Positive)
            .Parameter("i_offset", 0.0, "nA", "Offset current.")
            .State("v", -65.0, "mV")
            .State("m", 0.0, "").State("h", 1.0, "").State("n", 0.0, "")
            .Alias("u", "v - v_offset")
            .Alias("alpha_m", "1.28 if abs(13 - u) < 1e-6 else 0.32*(13 - u)/(exp((13 - u)/4) - 1)")
            .Alias("beta_m", "1.4 if abs(u - 40) < 1e-6 else 0.28*(u - 40)/(exp((u - 40)/5) - 1)")
            .Alias("alpha_h", "0.128*exp((17 - u)/18)")
            .Alias("beta_h", "4/(1 + exp((40 - u)/5))")
            .Alias("alpha_n", "0.16 if abs(15 - u) < 1e-6 else 0.032*(15 - u)/(exp((15 - u)/5) - 1)")
            .Alias("beta_n", "0.5*exp((10 - u)/40)")
            .Ode("v", "(g_leak*(e_rev_leak - v) - gbar_Na*m*m*m*h*(v - e_rev_Na) - gbar_K*n*n*n*n*(v - e_rev_K)"
                      + " + gsyn_exc*(e_rev_E - v) + gsyn_inh*(e_rev_I - v) + i_offset + i_inj)/cm")
            .Ode("m", "alpha_m*(1 - m) - beta_m*m")
            .Ode("h", "alpha_h*(1 - h) - beta_h*h")
            .Ode("n", "alpha_n*(1 - n) - beta_n*n")
            .ExpSynapses("gsyn", "uS", ReceptorKind.Conductance, recordable: true)
            .ThresholdCrossing("v >= 10")
            .MaxSubstep(MaxSubstepMs)
            .Build();
}
