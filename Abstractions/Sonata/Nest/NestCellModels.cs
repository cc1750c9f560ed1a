using Meta.Models;

namespace Meta.Sonata.Nest;

/// <summary>
/// The NEST and NEURON cell models that have no PyNN standard model to stand on, written as Meta model definitions in
/// Meta's units (mV, ms, nF, nA, µS): <c>hh_psc_alpha</c>, <c>parrot_neuron</c>, NEURON's <c>IntFire1</c> and the
/// GLIF family (<c>glif_psc</c>, <c>glif_cond</c>) in its five levels. <see cref="NestCatalogue"/> maps NEST's names
/// and units onto them; docs/sonata.md says where each differs from NEST.
/// </summary>
public static class NestCellModels
{
    /// <summary>
    /// NEST's <c>hh_psc_alpha</c>: Hodgkin–Huxley sodium, potassium and leak currents (NEST's rates, V in mV) with
    /// alpha-shaped synaptic currents. A spike is the step in which v, above 0 mV, starts to fall (NEST: v &gt; 0 and
    /// lower than in the step before), then none for <c>t_ref</c>; nothing is reset or held.
    /// </summary>
    public static ModelDefinition HhPscAlpha { get; } =
        new ModelBuilder("hh_psc_alpha").Describe("Hodgkin-Huxley neuron with alpha-shaped synaptic currents (NEST's hh_psc_alpha).")
            .Parameter("C_m", 0.1, "nF", "Membrane capacitance.", domain: ParameterDomain.Positive)
            .Parameter("g_Na", 12.0, "uS", "Sodium peak conductance.", domain: ParameterDomain.NonNegative)
            .Parameter("g_K", 3.6, "uS", "Potassium peak conductance.", domain: ParameterDomain.NonNegative)
            .Parameter("g_L", 0.03, "uS", "Leak conductance.", domain: ParameterDomain.NonNegative)
            .Parameter("E_Na", 50.0, "mV", "Sodium reversal potential.")
            .Parameter("E_K", -77.0, "mV", "Potassium reversal potential.")
            .Parameter("E_L", -54.402, "mV", "Leak reversal potential.")
            .Parameter("t_ref", 2.0, "ms", "Time after a spike in which no spike is detected.", domain: ParameterDomain.NonNegative)
            .Parameter("tau_syn_E", 0.2, "ms", "Rise time of the excitatory alpha current.", domain: ParameterDomain.Positive)
            .Parameter("tau_syn_I", 2.0, "ms", "Rise time of the inhibitory alpha current.", domain: ParameterDomain.Positive)
            .Parameter("i_offset", 0.0, "nA", "Constant input current (NEST's I_e).")
            .State("v", -65.0, "mV")
            .State("m", HhGates.SteadyM(-65.0), "").State("h", HhGates.SteadyH(-65.0), "").State("n", HhGates.SteadyN(-65.0), "")
            .Alias("alpha_n", HhGates.AlphaN).Alias("beta_n", HhGates.BetaN)
            .Alias("alpha_m", HhGates.AlphaM).Alias("beta_m", HhGates.BetaM)
            .Alias("alpha_h", HhGates.AlphaH).Alias("beta_h", HhGates.BetaH)
            .Alias("i_ion", "g_Na*m*m*m*h*(v - E_Na) + g_K*n*n*n*n*(v - E_K) + g_L*(v - E_L)")
            .Alias("dvdt", "(-i_ion + isyn_exc + isyn_inh + i_offset + i_inj)/C_m")
            .Ode("v", "dvdt")
            .Ode("m", "alpha_m*(1 - m) - beta_m*m")
            .Ode("h", "alpha_h*(1 - h) - beta_h*h")
            .Ode("n", "alpha_n*(1 - n) - beta_n*n")
            .AlphaCurrents()
            .ThresholdCrossing("v > 0 and dvdt < 0")
            .Refractory("t_ref")
            .Build();

    /// <summary>
    /// NEST's <c>parrot_neuron</c>: every arriving spike is sent on in the step it arrives (one spike per step however
    /// many arrive). The catalogue gives every connection onto it the weight 1, so the count <c>n</c> is the number of
    /// spikes that arrived.
    /// </summary>
    public static ModelDefinition Parrot { get; } =
        new ModelBuilder("parrot_neuron").Describe("Repeats every incoming spike (NEST's parrot_neuron).")
            .State("n", 0.0, "")
            .Receptor("excitatory", "n", ReceptorKind.VoltageJump)
            .Receptor("inhibitory", "n", ReceptorKind.VoltageJump)
            .Threshold("n > 0.5")
            .Reset("n = 0")
            .Build();

    /// <summary>
    /// NEURON's <c>IntFire1</c>: <c>m</c> decays with <c>tau</c>; an input of weight w adds w; at <c>m &gt; 1</c> the
    /// cell fires, m is set to 0 and inputs are ignored for <c>refrac</c> ms.
    /// </summary>
    public static ModelDefinition IntFire1 { get; } =
        new ModelBuilder("IntFire1").Describe("NEURON's IntFire1 artificial cell.")
            .Parameter("tau", 10.0, "ms", "Decay time of m.", domain: ParameterDomain.Positive)
            .Parameter("refrac", 5.0, "ms", "Refractory period.", domain: ParameterDomain.NonNegative)
            .State("m", 0.0, "")
            .Ode("m", "-m/tau")
            .Receptor("excitatory", "m", ReceptorKind.VoltageJump)
            .Receptor("inhibitory", "m", ReceptorKind.VoltageJump)
            .Threshold("m > 1")
            .Reset("m = 0")
            .Refractory("refrac", "m = 0")
            .Build();

    /// <summary>The GLIF levels (the Allen Institute's names), by NEST's mechanism flags.</summary>
    public enum GlifLevel
    {
        /// <summary>GLIF1: leaky integrate-and-fire, reset to <c>V_reset</c>.</summary>
        LIF = 1,
        /// <summary>GLIF2: biologically defined reset rules (voltage reset and spike-induced threshold).</summary>
        LIF_R = 2,
        /// <summary>GLIF3: after-spike currents.</summary>
        LIF_ASC = 3,
        /// <summary>GLIF4: reset rules and after-spike currents.</summary>
        LIF_R_ASC = 4,
        /// <summary>GLIF5: reset rules, after-spike currents and a voltage-dependent threshold.</summary>
        LIF_R_ASC_A = 5,
    }

    private static readonly Dictionary<(GlifLevel, bool), ModelDefinition> s_glif = [];

    /// <summary>The GLIF definition of a level, current-based (<c>glif_psc</c>) or conductance-based (<c>glif_cond</c>).</summary>
    public static ModelDefinition Glif(GlifLevel level, bool conductance)
    {
        lock (s_glif)
        {
            if (!s_glif.TryGetValue((level, conductance), out var model)) s_glif[(level, conductance)] = model = GlifModels.Build(level, conductance);
            return model;
        }
    }

    private static ModelBuilder AlphaCurrents(this ModelBuilder b) => AlphaSynapses(b, "isyn", "nA", ReceptorKind.Current);

    /// <summary>Alpha-shaped synaptic variables as NEST's (peak = weight at t = tau): <c>x' = (e·y − x)/tau</c>, <c>y' = −y/tau</c>.</summary>
    internal static ModelBuilder AlphaSynapses(ModelBuilder b, string prefix, string unit, ReceptorKind kind)
    {
        foreach (var (receptor, suffix, tau) in new[] { ("excitatory", "exc", "tau_syn_E"), ("inhibitory", "inh", "tau_syn_I") })
        {
            string x = $"{prefix}_{suffix}", y = $"y{prefix}_{suffix}";
            b.State(x, 0.0, unit).State(y, 0.0, unit, recordable: false)
             .Ode(x, $"(exp(1)*{y} - {x})/{tau}").Ode(y, $"-{y}/{tau}")
             .Receptor(receptor, y, kind);
        }
        return b;
    }
}
