using Meta.Models;
using Meta.Models.Standard;

namespace Meta.Sonata.Nest;

/// <summary>
/// NEST's cell models by name (SONATA's <c>model_template nest:NAME</c>), each mapped onto the Meta standard model that
/// integrates the same equations or onto one of <see cref="NestCellModels"/>, with NEST's defaults and unit conversions
/// (pF → nF, pA → nA, nS → µS; ms and mV unchanged); NEURON's artificial cells as <c>nrn:NAME</c>. The data of the
/// mapping is this file and <c>NestCatalogue.Glif.cs</c>; docs/sonata.md lists it.
/// </summary>
public static partial class NestCatalogue
{
    private const double Milli = 1e-3;

    private static ModelDefinition Standard(string name) => StandardModels.Get(name);

    private static NestConversion Same(string meta, string nest) => new(meta, nest, p => p[nest]) { Nest = nest };
    private static NestConversion Scaled(string meta, string nest, string unit) => new(meta, $"{nest} / 1000 ({unit})", p => p[nest] * Milli) { Nest = nest, Factor = Milli };
    private static NestConversion TauFromLeak() => new("tau_m", "C_m / g_L (pF / nS = ms)", p => p["C_m"] / p["g_L"]) { Ratio = ("C_m", "g_L") };

    private static readonly string[] IafIgnored = ["V_min", "tau_minus_triplet", "refractory_input"];

    private static readonly Dictionary<string, double> IafPscDefaults = new()
    {
        ["C_m"] = 250.0, ["tau_m"] = 10.0, ["t_ref"] = 2.0, ["E_L"] = -70.0, ["V_th"] = -55.0, ["V_reset"] = -70.0,
        ["tau_syn_ex"] = 2.0, ["tau_syn_in"] = 2.0, ["I_e"] = 0.0, ["V_m"] = -70.0,
    };

    private static readonly Dictionary<string, double> IafCondDefaults = new()
    {
        ["C_m"] = 250.0, ["g_L"] = 16.6667, ["t_ref"] = 2.0, ["E_L"] = -70.0, ["V_th"] = -55.0, ["V_reset"] = -60.0,
        ["E_ex"] = 0.0, ["E_in"] = -85.0, ["tau_syn_ex"] = 0.2, ["tau_syn_in"] = 2.0, ["I_e"] = 0.0, ["V_m"] = -70.0,
    };

    private static readonly Dictionary<string, double> AeifDefaults = new()
    {
        ["C_m"] = 281.0, ["g_L"] = 30.0, ["t_ref"] = 0.0, ["E_L"] = -70.6, ["V_th"] = -50.4, ["V_reset"] = -60.0, ["V_peak"] = 0.0,
        ["Delta_T"] = 2.0, ["tau_w"] = 144.0, ["a"] = 4.0, ["b"] = 80.5, ["E_ex"] = 0.0, ["E_in"] = -85.0,
        ["tau_syn_ex"] = 0.2, ["tau_syn_in"] = 2.0, ["I_e"] = 0.0, ["V_m"] = -70.6, ["w"] = 0.0,
    };

    private static readonly NestConversion[] Membrane =
    [
        Scaled("cm", "C_m", "pF → nF"), Same("tau_refrac", "t_ref"), Same("v_rest", "E_L"), Same("v_thresh", "V_th"),
        Same("v_reset", "V_reset"), Scaled("i_offset", "I_e", "pA → nA"),
    ];

    private static readonly NestConversion[] SynapticTaus = [Same("tau_syn_E", "tau_syn_ex"), Same("tau_syn_I", "tau_syn_in")];
    private static readonly NestConversion[] Reversals = [Same("e_rev_E", "E_ex"), Same("e_rev_I", "E_in")];
    private static readonly NestConversion[] VFromVm = [Same("v", "V_m")];

    private static NestModel IafPsc(string name, string standard, bool taus) => new(name, Standard(standard),
        taus ? IafPscDefaults : IafPscDefaults.Where(kv => !kv.Key.StartsWith("tau_syn", StringComparison.Ordinal)).ToDictionary(),
        [.. Membrane, Same("tau_m", "tau_m"), .. taus ? SynapticTaus : []], VFromVm, taus ? Milli : 1.0, IafIgnored);

    private static NestModel IafCond(string name, string standard) => new(name, Standard(standard), IafCondDefaults,
        [.. Membrane, TauFromLeak(), .. SynapticTaus, .. Reversals], VFromVm, Milli, IafIgnored);

    private static NestModel Aeif(string name, string standard) => new(name, Standard(standard), AeifDefaults,
        [
            Scaled("cm", "C_m", "pF → nF"), TauFromLeak(), Same("tau_refrac", "t_ref"), Same("v_rest", "E_L"), Same("v_thresh", "V_th"),
            Same("v_reset", "V_reset"), Same("v_spike", "V_peak"), Same("delta_T", "Delta_T"), Same("tau_w", "tau_w"),
            Same("a", "a"), Scaled("b", "b", "pA → nA"), Scaled("i_offset", "I_e", "pA → nA"), .. SynapticTaus, .. Reversals,
        ],
        [Same("v", "V_m"), Scaled("w", "w", "pA → nA")], Milli, ["gsl_error_tol", "V_min"]);

    private static readonly NestModel HhPscAlpha = new("hh_psc_alpha", NestCellModels.HhPscAlpha,
        new Dictionary<string, double>
        {
            ["C_m"] = 100.0, ["g_Na"] = 12000.0, ["g_K"] = 3600.0, ["g_L"] = 30.0, ["E_Na"] = 50.0, ["E_K"] = -77.0, ["E_L"] = -54.402,
            ["t_ref"] = 2.0, ["tau_syn_ex"] = 0.2, ["tau_syn_in"] = 2.0, ["I_e"] = 0.0, ["V_m"] = -65.0,
            ["Act_m"] = double.NaN, ["Inact_h"] = double.NaN, ["Act_n"] = double.NaN,
        },
        [
            Scaled("C_m", "C_m", "pF → nF"), Scaled("g_Na", "g_Na", "nS → µS"), Scaled("g_K", "g_K", "nS → µS"), Scaled("g_L", "g_L", "nS → µS"),
            Same("E_Na", "E_Na"), Same("E_K", "E_K"), Same("E_L", "E_L"), Same("t_ref", "t_ref"), .. SynapticTaus,
            Scaled("i_offset", "I_e", "pA → nA"),
        ],
        [
            Same("v", "V_m"),
            new("m", "Act_m, else its steady state at V_m", p => OrElse(p["Act_m"], HhGates.SteadyM(p["V_m"]))) { Nest = "Act_m" },
            new("h", "Inact_h, else its steady state at V_m", p => OrElse(p["Inact_h"], HhGates.SteadyH(p["V_m"]))) { Nest = "Inact_h" },
            new("n", "Act_n, else its steady state at V_m", p => OrElse(p["Act_n"], HhGates.SteadyN(p["V_m"]))) { Nest = "Act_n" },
        ], Milli, []);

    private static readonly NestModel Parrot = new("parrot_neuron", NestCellModels.Parrot, new Dictionary<string, double>(), [], [], 1.0, [])
    {
        FixedWeight = 1.0,
    };

    /// <summary>BMTK's IntFire1 parameter files give <c>tau</c> and <c>refrac</c> in seconds (BMTK multiplies them by 1000).</summary>
    private static readonly NestModel IntFire1 = new("nrn:IntFire1", NestCellModels.IntFire1,
        new Dictionary<string, double> { ["tau"] = 0.01, ["refrac"] = 0.005 },
        [new("tau", "tau × 1000 (s → ms)", p => p["tau"] * 1000), new("refrac", "refrac × 1000 (s → ms)", p => p["refrac"] * 1000)],
        [], 1.0, []);

    private static double OrElse(double value, double fallback) => double.IsNaN(value) ? fallback : value;

    private static readonly NestModel Izhikevich = new("izhikevich", Standard("Izhikevich"),
        new Dictionary<string, double> { ["a"] = 0.02, ["b"] = 0.2, ["c"] = -65.0, ["d"] = 8.0, ["I_e"] = 0.0, ["V_m"] = -65.0, ["U_m"] = -13.0 },
        [Same("a", "a"), Same("b", "b"), Same("c", "c"), Same("d", "d"), Scaled("i_offset", "I_e", "pA → nA")],
        [Same("v", "V_m"), Same("u", "U_m")], 1.0, ["V_th", "V_min", "consistent_integration"]);

    /// <summary>Every model, by NEST's name.</summary>
    public static IReadOnlyDictionary<string, NestModel> Models { get; } = new[]
    {
        IafPsc("iaf_psc_alpha", "IF_curr_alpha", taus: true),
        IafPsc("iaf_psc_exp", "IF_curr_exp", taus: true),
        IafPsc("iaf_psc_delta", "IF_curr_delta", taus: false),
        IafCond("iaf_cond_exp", "IF_cond_exp"),
        IafCond("iaf_cond_alpha", "IF_cond_alpha"),
        Aeif("aeif_cond_exp", "EIF_cond_exp_isfa_ista"),
        Aeif("aeif_cond_alpha", "EIF_cond_alpha_isfa_ista"),
        Izhikevich,
        HhPscAlpha,
        Parrot,
        IntFire1,
        Glif("glif_psc", conductance: false),
        Glif("glif_cond", conductance: true),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>The synapse templates known (<see cref="NestSynapseCatalogue"/>).</summary>
    public static IReadOnlyList<string> SynapseModels => NestSynapseCatalogue.Names;

    /// <summary>
    /// The model of a template (<c>nest:iaf_psc_alpha</c> or <c>iaf_psc_alpha</c>); an unknown one is an error listing the
    /// known ones.
    /// </summary>
    public static NestModel Get(string template, string where)
    {
        string name = template.StartsWith("nest:", StringComparison.Ordinal) ? template[5..] : template;
        return Models.TryGetValue(name, out var m) ? m
            : throw new SonataException($"{where}: unknown model_template '{template}' (known: {string.Join(", ", KnownTemplates)}; or nestml:FILE for a NESTML model).");
    }

    /// <summary>The templates known, as a model_template names them: <c>nest:iaf_psc_alpha</c>, ..., <c>nrn:IntFire1</c>.</summary>
    public static IEnumerable<string> KnownTemplates => Models.Keys.Select(k => k.Contains(':', StringComparison.Ordinal) ? k : "nest:" + k);

    /// <summary>Whether <paramref name="template"/> names a model of the catalogue.</summary>
    public static bool Knows(string template)
    {
        string name = template.StartsWith("nest:", StringComparison.Ordinal) ? template[5..] : template;
        return Models.ContainsKey(name);
    }
}
