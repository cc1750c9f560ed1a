using Meta.Models;
using static Meta.Sonata.Nest.NestCellModels;

namespace Meta.Sonata.Nest;

/// <summary>
/// The GLIF family of the Allen Institute (Teeter et al. 2018) as NEST's <c>glif_psc</c> and <c>glif_cond</c> define it,
/// one definition per level so that each carries only its own states: <c>v</c> and the alpha-shaped synaptic currents
/// (or conductances) always; the spike-induced threshold <c>th_s</c> for the "R" levels; the two after-spike currents
/// <c>asc_0</c>, <c>asc_1</c> for the "ASC" levels; the voltage-dependent threshold <c>th_v</c> for "A".
/// </summary>
/// <remarks>
/// NEST holds <c>th_s</c> and the after-spike currents during the refractory period and decays them by
/// <c>exp(−k·t_ref)</c> at the spike. Here they decay freely (so they stay exactly integrated) and the reset adds the
/// jump scaled by <c>exp(k·t_ref)</c>, which gives NEST's values when the period ends (for <c>t_ref</c> a whole number
/// of steps). <c>th_v</c> is held, as in NEST.
/// </remarks>
internal static class GlifModels
{
    public static ModelDefinition Build(GlifLevel level, bool conductance)
    {
        bool r = level is GlifLevel.LIF_R or GlifLevel.LIF_R_ASC or GlifLevel.LIF_R_ASC_A;
        bool asc = level is GlifLevel.LIF_ASC or GlifLevel.LIF_R_ASC or GlifLevel.LIF_R_ASC_A;
        bool a = level == GlifLevel.LIF_R_ASC_A;
        string name = $"{(conductance ? "glif_cond" : "glif_psc")}_{level}";
        var b = new ModelBuilder(name).Describe($"GLIF {(int)level} ({level}) with alpha-shaped synaptic {(conductance ? "conductances" : "currents")} (NEST's {(conductance ? "glif_cond" : "glif_psc")}).")
            .Parameter("E_L", -78.85, "mV", "Resting membrane potential.")
            .Parameter("V_th", -51.68, "mV", "Instantaneous threshold.")
            .Parameter("g", 0.00943, "uS", "Membrane conductance.", domain: ParameterDomain.Positive)
            .Parameter("C_m", 0.05872, "nF", "Membrane capacitance.", domain: ParameterDomain.Positive)
            .Parameter("t_ref", 3.75, "ms", "Refractory period.", domain: ParameterDomain.Positive)
            .Parameter("tau_syn_E", conductance ? 0.2 : 2.0, "ms", "Rise time of the excitatory alpha function (NEST's tau_syn[0]).", domain: ParameterDomain.Positive)
            .Parameter("tau_syn_I", 2.0, "ms", "Rise time of the inhibitory alpha function (NEST's tau_syn[1], else tau_syn[0]).", domain: ParameterDomain.Positive);
        if (conductance)
            b.Parameter("E_rev_E", 0.0, "mV", "Excitatory reversal potential (NEST's E_rev[0]).")
             .Parameter("E_rev_I", -85.0, "mV", "Inhibitory reversal potential (NEST's E_rev[1], else E_rev[0]).");
        if (!r) b.Parameter("V_reset", -78.85, "mV", "Reset potential.");
        b.State("v", "E_L", "mV");
        string current = conductance ? "gsyn_exc*(E_rev_E - v) + gsyn_inh*(E_rev_I - v)" : "isyn_exc + isyn_inh";
        string threshold = "V_th";
        var reset = new List<string> { r ? "v = E_L + voltage_reset_fraction*(v - E_L) + voltage_reset_add" : "v = V_reset" };
        var clamp = new List<string> { r ? "v = v" : "v = V_reset" };
        if (r)
        {
            b.Parameter("th_spike_add", 0.37, "mV", "Threshold increase at a spike.")
             .Parameter("th_spike_decay", 0.009, "1/ms", "Decay rate of the spike-induced threshold.", domain: ParameterDomain.Positive)
             .Parameter("voltage_reset_fraction", 0.20, "", "Fraction of v − E_L kept at the reset.", domain: ParameterDomain.NonNegative)
             .Parameter("voltage_reset_add", 18.51, "mV", "Added to v at the reset.")
             .State("th_s", 0.0, "mV").Ode("th_s", "-th_spike_decay*th_s");
            threshold += " + th_s";
            reset.Add("th_s = th_s + th_spike_add*exp(th_spike_decay*t_ref)");
        }
        if (asc)
        {
            double[] decay = [0.003, 0.1], amps = [-0.00918, -0.19894];
            for (int j = 0; j < 2; j++)
            {
                b.Parameter($"asc_decay_{j}", decay[j], "1/ms", $"Decay rate of after-spike current {j}.", domain: ParameterDomain.Positive)
                 .Parameter($"asc_amps_{j}", amps[j], "nA", $"Jump of after-spike current {j} at a spike.")
                 .Parameter($"asc_r_{j}", 1.0, "", $"Fraction of after-spike current {j} kept at a spike.", domain: ParameterDomain.NonNegative)
                 .State($"asc_{j}", 0.0, "nA").Ode($"asc_{j}", $"-asc_decay_{j}*asc_{j}");
                reset.Add($"asc_{j} = asc_amps_{j}*exp(asc_decay_{j}*t_ref) + asc_r_{j}*asc_{j}");
            }
            current += " + asc_0 + asc_1";
        }
        if (a)
        {
            b.Parameter("th_voltage_index", 0.005, "1/ms", "Adaptation index of the voltage-dependent threshold.")
             .Parameter("th_voltage_decay", 0.09, "1/ms", "Decay rate of the voltage-dependent threshold.", domain: ParameterDomain.Positive)
             .State("th_v", 0.0, "mV").Ode("th_v", "th_voltage_index*(v - E_L) - th_voltage_decay*th_v");
            threshold += " + th_v";
            clamp.Add("th_v = th_v");
        }
        b.Ode("v", $"(-g*(v - E_L) + {current} + i_inj)/C_m");
        AlphaSynapses(b, conductance ? "gsyn" : "isyn", conductance ? "uS" : "nA", conductance ? ReceptorKind.Conductance : ReceptorKind.Current);
        return b.Threshold($"v > {threshold}").Reset([.. reset]).Refractory("t_ref", [.. clamp]).Build();
    }
}
