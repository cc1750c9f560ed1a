namespace Meta.Models.Library;

/// <summary>
/// The single-compartment model neuron of the crustacean stomatogastric ganglion used by Prinz, Bucher &amp; Marder (2004)
/// for the pyloric circuit: Liu et al. (1998) kinetics as tabulated by Prinz, Billimoria &amp; Marder (2003), eight currents
/// (Na, CaT, CaS, A, K(Ca), Kd, H, leak) and intracellular calcium with a Nernst calcium reversal. Conductances are densities
/// (mS/cm²) over the membrane area <c>area</c> (0.628·10⁻³ cm², so C = 0.628 nF is 1 µF/cm²). Injected and coupling currents
/// are in nA, as for every Meta cell. The calcium equation is <c>tau_Ca·dCa/dt = −f·(i_CaT + i_CaS) − Ca + Ca0</c> with
/// f = 14.96 applied to the current <i>densities</i> (µA/cm²), as the pyloric-network-simulator package
/// (alcrene/pyloric-network-simulator) does. The papers give f in µM/nA, and the Prinz lab's later code applies it to the
/// currents (densities × area), 0.628 times less influx; with that reading the circuits of Prinz et al. (2004), Fig. 3
/// a, d, f and i do not show the published activity, with this one they do (examples/pyloric-prinz2004/README.md). Set
/// <c>f_Ca</c> to 9.395 (14.96 × 0.628) for the other reading. The gating variables start at their steady state at
/// v = −50 mV and Ca = 0.05 µM, as in the Prinz lab's code.
/// </summary>
public static class Prinz2004
{
    /// <summary>The model's name as a cell type.</summary>
    public const string Name = "Prinz2004";

    private static string Sigma(string b, string c) => $"1/(1 + exp((v + {b})/({c})))";

    /// <summary>The initial membrane potential (mV) at whose steady state the gating variables start.</summary>
    public const double InitialPotential = -50;

    /// <summary>The initial (and resting) intracellular calcium (µM).</summary>
    public const double InitialCalcium = 0.05;

    /// <summary>The steady state <c>1/(1 + exp((v + b)/c))</c> of a gate at <see cref="InitialPotential"/>.</summary>
    private static double Rest(double b, double c) => 1 / (1 + Math.Exp((InitialPotential + b) / c));

    /// <summary>The cell type.</summary>
    public static ModelDefinition Neuron { get; } = new ModelBuilder(Name)
        .Describe("Prinz et al. (2003, 2004) stomatogastric model neuron: Na, CaT, CaS, A, K(Ca), Kd, H and leak currents, intracellular calcium")
        .Parameter("g_Na", 100, "mS/cm2", "Maximal sodium conductance density.")
        .Parameter("g_CaT", 0, "mS/cm2", "Maximal transient calcium conductance density.")
        .Parameter("g_CaS", 0, "mS/cm2", "Maximal slow calcium conductance density.")
        .Parameter("g_A", 0, "mS/cm2", "Maximal A-type potassium conductance density.")
        .Parameter("g_KCa", 0, "mS/cm2", "Maximal calcium-dependent potassium conductance density.")
        .Parameter("g_Kd", 0, "mS/cm2", "Maximal delayed-rectifier potassium conductance density.")
        .Parameter("g_H", 0, "mS/cm2", "Maximal hyperpolarisation-activated conductance density.")
        .Parameter("g_leak", 0, "mS/cm2", "Leak conductance density.")
        .Parameter("E_Na", 50, "mV", "Sodium reversal potential.")
        .Parameter("E_K", -80, "mV", "Potassium reversal potential (A, K(Ca), Kd).")
        .Parameter("E_H", -20, "mV", "H-current reversal potential.")
        .Parameter("E_leak", -50, "mV", "Leak reversal potential.")
        .Parameter("area", 0.628e-3, "cm2", "Membrane area.")
        .Parameter("cm", 0.628, "nF", "Membrane capacitance.")
        .Parameter("tau_Ca", 200, "ms", "Calcium buffering time constant.")
        .Parameter("f_Ca", 14.96, "uM/(uA/cm2)", "Calcium influx per unit calcium current density (Prinz et al. 2003: 14.96).")
        .Parameter("Ca0", 0.05, "uM", "Resting intracellular calcium.")
        .Parameter("Ca_out", 3000, "uM", "Extracellular calcium.")
        .Parameter("nernst_Ca", 12.2, "mV", "RT/zF for calcium (z = 2) at the animal's temperature.")
        .Parameter("v_spike", -15, "mV", "Upward crossings of this potential are recorded as spikes.")
        .Parameter("i_offset", 0, "nA", "Offset current.")
        .State("v", InitialPotential, "mV")
        .State("Ca", InitialCalcium, "uM")
        .State("m_Na", Rest(25.5, -5.29), "").State("h_Na", Rest(48.9, 5.18), "")
        .State("m_CaT", Rest(27.1, -7.2), "").State("h_CaT", Rest(32.1, 5.5), "")
        .State("m_CaS", Rest(33, -8.1), "").State("h_CaS", Rest(60, 6.2), "")
        .State("m_A", Rest(27.2, -8.7), "").State("h_A", Rest(56.9, 4.9), "")
        .State("m_KCa", InitialCalcium / (InitialCalcium + 3) * Rest(28.3, -12.6), "")
        .State("m_Kd", Rest(12.3, -11.8), "").State("m_H", Rest(75, 5.5), "")
        .Alias("E_Ca", "nernst_Ca*log(Ca_out/Ca)")
        .Alias("i_Na", "g_Na*m_Na*m_Na*m_Na*h_Na*(v - E_Na)")
        .Alias("i_CaT", "g_CaT*m_CaT*m_CaT*m_CaT*h_CaT*(v - E_Ca)")
        .Alias("i_CaS", "g_CaS*m_CaS*m_CaS*m_CaS*h_CaS*(v - E_Ca)")
        .Alias("i_A", "g_A*m_A*m_A*m_A*h_A*(v - E_K)")
        .Alias("i_KCa", "g_KCa*m_KCa*m_KCa*m_KCa*m_KCa*(v - E_K)")
        .Alias("i_Kd", "g_Kd*m_Kd*m_Kd*m_Kd*m_Kd*(v - E_K)")
        .Alias("i_H", "g_H*m_H*(v - E_H)")
        .Alias("i_leak", "g_leak*(v - E_leak)")
        .Ode("v", "(i_inj + i_offset - 1000*area*(i_Na + i_CaT + i_CaS + i_A + i_KCa + i_Kd + i_H + i_leak))/cm")
        .Ode("Ca", "(-f_Ca*(i_CaT + i_CaS) - Ca + Ca0)/tau_Ca")
        .Ode("m_Na", $"({Sigma("25.5", "-5.29")} - m_Na)/(2.64 - 2.52/(1 + exp((v + 120)/(-25))))")
        .Ode("h_Na", $"({Sigma("48.9", "5.18")} - h_Na)/((1.34/(1 + exp(-(v + 62.9)/10)))*(1.5 + 1/(1 + exp((v + 34.9)/3.6))))")
        .Ode("m_CaT", $"({Sigma("27.1", "-7.2")} - m_CaT)/(43.4 - 42.6/(1 + exp((v + 68.1)/(-20.5))))")
        .Ode("h_CaT", $"({Sigma("32.1", "5.5")} - h_CaT)/(210 - 179.6/(1 + exp((v + 55)/(-16.9))))")
        .Ode("m_CaS", $"({Sigma("33", "-8.1")} - m_CaS)/(2.8 + 14/(exp((v + 27)/10) + exp((v + 70)/(-13))))")
        .Ode("h_CaS", $"({Sigma("60", "6.2")} - h_CaS)/(120 + 300/(exp((v + 55)/9) + exp((v + 65)/(-16))))")
        .Ode("m_A", $"({Sigma("27.2", "-8.7")} - m_A)/(23.2 - 20.8/(1 + exp((v + 32.9)/(-15.2))))")
        .Ode("h_A", $"({Sigma("56.9", "4.9")} - h_A)/(77.2 - 58.4/(1 + exp((v + 38.9)/(-26.5))))")
        .Ode("m_KCa", $"(Ca/(Ca + 3)*{Sigma("28.3", "-12.6")} - m_KCa)/(180.6 - 150.2/(1 + exp((v + 46)/(-22.7))))")
        .Ode("m_Kd", $"({Sigma("12.3", "-11.8")} - m_Kd)/(14.4 - 12.8/(1 + exp((v + 28.3)/(-19.2))))")
        .Ode("m_H", $"({Sigma("75", "5.5")} - m_H)/(2/(exp((v + 169.7)/(-11.6)) + exp((v - 26.7)/14.3)))")
        .ThresholdCrossing("v >= v_spike")
        .Build();

    /// <summary>
    /// The 16 model neurons of Prinz et al. (2004), Table 2 (AB/PD 1–5, LP 1–5, PY 1–6): maximal conductance densities in mS/cm²
    /// in the order Na, CaT, CaS, A, K(Ca), Kd, H, leak.
    /// </summary>
    public static IReadOnlyDictionary<string, double[]> NeuronTypes { get; } = new Dictionary<string, double[]>(StringComparer.Ordinal)
    {
        ["AB/PD 1"] = [400, 2.5, 6, 50, 10, 100, 0.01, 0.00],
        ["AB/PD 2"] = [100, 2.5, 6, 50, 5, 100, 0.01, 0.00],
        ["AB/PD 3"] = [200, 2.5, 4, 50, 5, 50, 0.01, 0.00],
        ["AB/PD 4"] = [200, 5.0, 4, 40, 5, 125, 0.01, 0.00],
        ["AB/PD 5"] = [300, 5.0, 2, 10, 5, 125, 0.01, 0.00],
        ["LP 1"] = [100, 0.0, 8, 40, 5, 75, 0.05, 0.02],
        ["LP 2"] = [100, 0.0, 6, 30, 5, 50, 0.05, 0.02],
        ["LP 3"] = [100, 0.0, 10, 50, 5, 100, 0.00, 0.03],
        ["LP 4"] = [100, 0.0, 4, 20, 0, 25, 0.05, 0.03],
        ["LP 5"] = [100, 0.0, 6, 30, 0, 50, 0.03, 0.02],
        ["PY 1"] = [100, 2.5, 2, 50, 0, 125, 0.05, 0.01],
        ["PY 2"] = [200, 7.5, 0, 50, 0, 75, 0.05, 0.00],
        ["PY 3"] = [200, 10, 0, 50, 0, 100, 0.03, 0.00],
        ["PY 4"] = [400, 2.5, 2, 50, 0, 75, 0.05, 0.00],
        ["PY 5"] = [500, 2.5, 2, 40, 0, 125, 0.01, 0.03],
        ["PY 6"] = [500, 2.5, 2, 40, 0, 125, 0.00, 0.02],
    };

    /// <summary>The conductance parameters in the order of <see cref="NeuronTypes"/>' rows.</summary>
    public static IReadOnlyList<string> ConductanceNames { get; } = ["g_Na", "g_CaT", "g_CaS", "g_A", "g_KCa", "g_Kd", "g_H", "g_leak"];

    /// <summary>The parameters of the named model neuron (e.g. "AB/PD 1"); the error lists the names.</summary>
    public static IReadOnlyDictionary<string, double> Parameters(string neuronType) =>
        NeuronTypes.TryGetValue(neuronType, out var g)
            ? ConductanceNames.Select((n, i) => (n, g[i])).ToDictionary(x => x.n, x => x.Item2)
            : throw new InvalidModelException($"Unknown Prinz (2004) model neuron '{neuronType}' (valid: {string.Join(", ", NeuronTypes.Keys)}).");
}
