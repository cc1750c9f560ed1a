using Meta.Models;
using static Meta.Sonata.Nest.NestCellModels;

namespace Meta.Sonata.Nest;

public static partial class NestCatalogue
{
    private static readonly string[] GlifFlags = ["spike_dependent_threshold", "after_spike_currents", "adapting_threshold"];
    private static readonly string[] AscArrays = ["asc_init", "asc_decay", "asc_amps", "asc_r"];

    /// <summary>
    /// NEST's <c>glif_psc</c> or <c>glif_cond</c>: the level follows NEST's three flags (all false: LIF; threshold: LIF_R;
    /// currents: LIF_ASC; both: LIF_R_ASC; all three: LIF_R_ASC_A; any other mix is NEST's error too). Potentials are
    /// absolute (mV), <c>g</c> (or <c>g_m</c>) nS, <c>C_m</c> pF, after-spike currents pA, rates 1/ms. Receptor ports:
    /// <c>tau_syn[0]</c> (and <c>E_rev[0]</c>) take Meta's excitatory receptor, <c>tau_syn[1]</c> its inhibitory one
    /// (port 1 again where NEST's model has one port).
    /// </summary>
    private static NestModel Glif(string name, bool conductance)
    {
        var defaults = new Dictionary<string, double>
        {
            ["V_m"] = double.NaN, ["V_th"] = -51.68, ["g"] = 9.43, ["g_m"] = double.NaN, ["E_L"] = -78.85, ["C_m"] = 58.72, ["t_ref"] = 3.75,
            ["V_reset"] = -78.85, ["th_spike_add"] = 0.37, ["th_spike_decay"] = 0.009, ["voltage_reset_fraction"] = 0.20,
            ["voltage_reset_add"] = 18.51, ["th_voltage_index"] = 0.005, ["th_voltage_decay"] = 0.09,
            ["asc_init[0]"] = 0.0, ["asc_init[1]"] = 0.0, ["asc_decay[0]"] = 0.003, ["asc_decay[1]"] = 0.1,
            ["asc_amps[0]"] = -9.18, ["asc_amps[1]"] = -198.94, ["asc_r[0]"] = 1.0, ["asc_r[1]"] = 1.0,
            ["tau_syn[0]"] = conductance ? 0.2 : 2.0, ["tau_syn[1]"] = conductance ? 2.0 : double.NaN,
            ["spike_dependent_threshold"] = 0, ["after_spike_currents"] = 0, ["adapting_threshold"] = 0,
        };
        if (conductance) (defaults["E_rev[0]"], defaults["E_rev[1]"]) = (0.0, -85.0);
        static double Second(IReadOnlyDictionary<string, double> p, string array) => OrElse(p[array + "[1]"], p[array + "[0]"]);
        var parameters = new List<NestConversion>
        {
            Same("E_L", "E_L"), Same("V_th", "V_th"), Same("V_reset", "V_reset"), Same("t_ref", "t_ref"),
            new("g", "g (or g_m) / 1000 (nS → µS)", p => OrElse(p["g_m"], p["g"]) * Milli), Scaled("C_m", "C_m", "pF → nF"),
            Same("th_spike_add", "th_spike_add"), Same("th_spike_decay", "th_spike_decay"), Same("voltage_reset_fraction", "voltage_reset_fraction"),
            Same("voltage_reset_add", "voltage_reset_add"), Same("th_voltage_index", "th_voltage_index"), Same("th_voltage_decay", "th_voltage_decay"),
            Same("tau_syn_E", "tau_syn[0]"), new("tau_syn_I", "tau_syn[1], else tau_syn[0]", p => Second(p, "tau_syn")),
        };
        for (int j = 0; j < 2; j++)
        {
            int k = j;
            parameters.Add(Same($"asc_decay_{k}", $"asc_decay[{k}]"));
            parameters.Add(Scaled($"asc_amps_{k}", $"asc_amps[{k}]", "pA → nA"));
            parameters.Add(Same($"asc_r_{k}", $"asc_r[{k}]"));
        }
        if (conductance)
            parameters.AddRange([Same("E_rev_E", "E_rev[0]"), new("E_rev_I", "E_rev[1], else E_rev[0]", p => Second(p, "E_rev"))]);
        NestConversion[] initial =
        [
            new("v", "V_m, else E_L", p => OrElse(p["V_m"], p["E_L"])),
            Scaled("asc_0", "asc_init[0]", "pA → nA"), Scaled("asc_1", "asc_init[1]", "pA → nA"),
        ];
        return new NestModel(name, NestCellModels.Glif(GlifLevel.LIF, conductance), defaults, parameters, initial, Milli, ["V_dynamics_method"])
        {
            Check = (p, given, where) => CheckGlif(name, p, given, where),
            Select = (p, where) => NestCellModels.Glif(GlifLevelOf(name, p, where), conductance),
        };
    }

    /// <summary>NEST's level of a GLIF model from its three flags; a mix NEST refuses is an error listing the valid ones.</summary>
    public static GlifLevel GlifLevelOf(string name, IReadOnlyDictionary<string, double> p, string where)
    {
        bool r = p["spike_dependent_threshold"] != 0, asc = p["after_spike_currents"] != 0, a = p["adapting_threshold"] != 0;
        return (r, asc, a) switch
        {
            (false, false, false) => GlifLevel.LIF,
            (true, false, false) => GlifLevel.LIF_R,
            (false, true, false) => GlifLevel.LIF_ASC,
            (true, true, false) => GlifLevel.LIF_R_ASC,
            (true, true, true) => GlifLevel.LIF_R_ASC_A,
            _ => throw new SonataException($"{where}: {name} has spike_dependent_threshold = {r}, after_spike_currents = {asc}, adapting_threshold = {a}, " +
                "a mix NEST refuses too (valid: none (LIF); spike_dependent_threshold (LIF_R); after_spike_currents (LIF_ASC); " +
                "both (LIF_R_ASC); all three (LIF_R_ASC_A))."),
        };
    }

    private static void CheckGlif(string name, IReadOnlyDictionary<string, double> p, IReadOnlySet<string> given, string where)
    {
        foreach (var flag in GlifFlags)
            if (p[flag] is not (0 or 1)) throw new SonataException($"{where}: {name}'s {flag} must be true or false, not {p[flag]}.");
        if (p["adapting_threshold"] != 0 && Math.Abs(p["th_voltage_decay"] - OrElse(p["g_m"], p["g"]) / p["C_m"]) < 1e-12)
            throw new SonataException($"{where}: {name}'s th_voltage_decay equals g/C_m; NEST's exact threshold update divides by their difference.");
        foreach (var array in AscArrays)
            if (given.Contains(array + "[0]") != given.Contains(array + "[1]"))
                throw new SonataException($"{where}: {name}'s {array} must have two elements (Meta's GLIF has the two after-spike currents of the Allen models).");
    }
}
