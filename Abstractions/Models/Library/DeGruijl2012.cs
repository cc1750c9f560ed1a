using Meta.Models.Compartments;

namespace Meta.Models.Library;

/// <summary>
/// The three-compartment inferior-olive cell of de Gruijl, Bazzigaluppi, de Jeu &amp; De Zeeuw (2012, PLoS Comput Biol
/// 8:e1002814), an extension of Schweighofer et al. (1999, 2004), written with <see cref="CompartmentalModelBuilder"/>:
/// <list type="bullet">
/// <item><c>soma</c>: low-threshold calcium CaL (k³·l, g = 0.68 mS/cm², the per-cell default of the reference code; the
/// paper varies it between cells), sodium Na (m_inf³·h, 150 mS/cm²), delayed rectifier Kdr (n⁴, 9 mS/cm²), potassium K
/// (x⁴, 5 mS/cm²), leak (0.016 mS/cm²);</item>
/// <item><c>dend</c>: high-threshold calcium CaH (r², 4.5 mS/cm²), calcium-activated potassium KCa (s, 35 mS/cm²,
/// α_s = min(2·10⁻⁵·cai, 0.01)), anomalous rectifier H (q, 0.125 mS/cm², E_h −43 mV), leak (0.016 mS/cm²), and calcium
/// <c>dcai/dt = −3·ica − 0.075·cai</c> (arbitrary units, initially 3.7152);</item>
/// <item><c>axon</c> (hillock): Na with faster inactivation (h_inf at −60 mV, τ_h scale 1.5 ms, 240 mS/cm²), K
/// (20 mS/cm²), leak (0.016 mS/cm²).</item>
/// </list>
/// E_Na 55, E_K −75, E_Ca 120, E_leak 10 mV; C = 1 µF/cm². Compartments are coupled by <c>g_int</c> = 0.13 mS/cm² divided
/// by each side's area fraction: soma–dendrite <c>g_int/p1</c> into the soma and <c>g_int/(1 − p1)</c> into the dendrite,
/// soma–axon <c>g_int/(1 − p2)</c> into the soma and <c>g_int/p2</c> into the axon, with p1 = 0.25 (soma/dendrite surface
/// ratio) and p2 = 0.15 (axon hillock/soma). Initial states as in the reference code (all potentials −60 mV).
/// Figures from the paper's C reimplementation (InfOli, Neurasmus 2012, as in its public ports) and the BrainPy port of
/// the same equations; the soma's l_inf is centred at −85.5 mV as in InfOli. The paper gives no absolute area; Meta
/// injects <c>i_inj</c> (nA) into the soma, whose area is 10⁻⁵ cm² here (so 0.01 nA is 1 µA/cm²), and spikes are
/// upward crossings of −20 mV by <c>soma.v</c>. Without input the cell shows subthreshold oscillations of the somatic
/// potential, measured at 7.6 Hz and 11.8 mV peak to peak (−63.0 to −51.2 mV) once settled, between 1 and 3 s at dt
/// 0.025 ms (docs/semantics.md, "Compartments"; examples/inferior-olive).
/// </summary>
public static class DeGruijl2012
{
    /// <summary>The model's name as a cell type.</summary>
    public const string Name = "DeGruijl2012";

    private static string Boltzmann(string v, string half, string slope) => $"1/(1 + exp(({v} - ({half}))/({slope})))";

    /// <summary>Leak: <c>g·(v − e)</c>.</summary>
    public static MechanismDefinition Leak { get; } = new MechanismBuilder("Leak")
        .Parameter("g", 0.016, "mS/cm2", "Leak conductance density.").Parameter("e", 10, "mV", "Leak reversal potential.")
        .Current("i", "g*(v - e)")
        .Build();

    /// <summary>Low-threshold calcium (soma): <c>g·k³·l·(v − eca)</c>, k relaxing in 1 ms.</summary>
    public static MechanismDefinition CaL { get; } = new MechanismBuilder("CaL")
        .Parameter("g", 0.68, "mS/cm2", "Maximal conductance density.")
        .State("k", 0.7423159).State("l", 0.0321349)
        .Ode("k", $"{Boltzmann("v", "-61", "-4.2")} - k")
        .Ode("l", $"({Boltzmann("v", "-85.5", "8.5")} - l)/(20*exp((v + 160)/30)/(1 + exp((v + 84)/7.3)) + 35)")
        .Current("ica", "g*k*k*k*l*(v - eca)", ion: "ca")
        .Build();

    /// <summary>Sodium with instantaneous activation: <c>g·m_inf³·h·(v − ena)</c>; <c>vh</c> and <c>tau_h</c> set inactivation.</summary>
    public static MechanismDefinition Na { get; } = new MechanismBuilder("Na")
        .Parameter("g", 150, "mS/cm2", "Maximal conductance density.")
        .Parameter("vh", -70, "mV", "Half-inactivation potential.").Parameter("tau_h", 3, "ms", "Inactivation time scale.")
        .State("h", 0.3596066)
        .Alias("m_inf", Boltzmann("v", "-30", "-5.5"))
        .Ode("h", $"({Boltzmann("v", "vh", "5.8")} - h)/(tau_h*exp(-(v + 40)/33))")
        .Current("ina", "g*m_inf*m_inf*m_inf*h*(v - ena)", ion: "na")
        .Build();

    /// <summary>Delayed rectifier potassium (soma): <c>g·n⁴·(v − ek)</c>.</summary>
    public static MechanismDefinition Kdr { get; } = new MechanismBuilder("Kdr")
        .Parameter("g", 9, "mS/cm2", "Maximal conductance density.")
        .State("n", 0.2369847)
        .Ode("n", $"({Boltzmann("v", "-3", "-10")} - n)/(5 + 47*exp((v + 50)/900))")
        .Current("ik", "g*n*n*n*n*(v - ek)", ion: "k")
        .Build();

    /// <summary>Voltage-dependent (fast) potassium: <c>g·x⁴·(v − ek)</c>.</summary>
    public static MechanismDefinition K { get; } = new MechanismBuilder("K")
        .Parameter("g", 5, "mS/cm2", "Maximal conductance density.")
        .State("x", 0.1)
        .Alias("alpha", "0.13*(v + 25)/(1 - exp(-(v + 25)/10))").Alias("beta", "1.69*exp(-(v + 35)/80)")
        .Ode("x", "alpha*(1 - x) - beta*x")
        .Current("ik", "g*x*x*x*x*(v - ek)", ion: "k")
        .Build();

    /// <summary>High-threshold calcium (dendrite): <c>g·r²·(v − eca)</c>.</summary>
    public static MechanismDefinition CaH { get; } = new MechanismBuilder("CaH")
        .Parameter("g", 4.5, "mS/cm2", "Maximal conductance density.")
        .State("r", 0.0112788)
        .Alias("alpha", "1.7/(1 + exp(-(v - 5)/13.9))").Alias("beta", "0.02*(v + 8.5)/(exp((v + 8.5)/5) - 1)")
        .Ode("r", "(alpha*(1 - r) - beta*r)/5")
        .Current("ica", "g*r*r*(v - eca)", ion: "ca")
        .Build();

    /// <summary>Calcium-activated potassium (dendrite): <c>g·s·(v − ek)</c>, s driven by the calcium concentration.</summary>
    public static MechanismDefinition KCa { get; } = new MechanismBuilder("KCa")
        .Parameter("g", 35, "mS/cm2", "Maximal conductance density.")
        .State("s", 0.0049291)
        .Alias("alpha", "min(0.00002*cai, 0.01)")
        .Ode("s", "alpha*(1 - s) - 0.015*s")
        .Current("ik", "g*s*(v - ek)", ion: "k")
        .Build();

    /// <summary>Anomalous rectifier (dendrite): <c>g·q·(v − e)</c>.</summary>
    public static MechanismDefinition H { get; } = new MechanismBuilder("H")
        .Parameter("g", 0.125, "mS/cm2", "Maximal conductance density.").Parameter("e", -43, "mV", "Reversal potential.")
        .State("q", 0.0337836)
        .Ode("q", $"({Boltzmann("v", "-80", "4")} - q)*(exp(-0.086*v - 14.6) + exp(0.070*v - 1.87))")
        .Current("ih", "g*q*(v - e)")
        .Build();

    /// <summary>The soma's membrane area (cm²): with p1 and p2 it fixes the other compartments' areas.</summary>
    public const double SomaArea = 1e-5;

    /// <summary>The cell type.</summary>
    public static ModelDefinition Neuron { get; } = new CompartmentalModelBuilder(Name)
        .Describe("de Gruijl et al. (2012) inferior-olive cell: soma (CaL, Na, Kdr, K), dendrite (CaH, KCa, H, calcium) and axon hillock (Na, K)")
        .Parameter("g_int", 0.13, "mS/cm2", "Internal (axial) coupling conductance density.")
        .Parameter("p1", 0.25, "", "Soma/dendrite surface ratio: the soma's share of the soma–dendrite pair.")
        .Parameter("p2", 0.15, "", "Axon hillock/soma surface ratio: the axon's share of the soma–axon pair.")
        .Compartment("soma", c => c.Area(SomaArea).V(-60).Ion("na", 55).Ion("k", -75).Ion("ca", 120)
            .Insert(CaL).Insert(Na).Insert(Kdr).Insert(K).Insert(Leak)
            .Receptor("excitatory", ReceptorKind.Conductance, 5, 0).Receptor("inhibitory", ReceptorKind.Conductance, 10, -75))
        .Compartment("dend", c => c.Area(SomaArea * 0.75 / 0.25).V(-60).Ion("ca", 120).Ion("k", -75)
            .Concentration("ca", 3.7152, "-3*ica - 0.075*cai", "")
            .Insert(CaH).Insert(KCa).Insert(H).Insert(Leak)
            .Receptor("excitatory", ReceptorKind.Conductance, 5, 0).Receptor("inhibitory", ReceptorKind.Conductance, 10, -75))
        .Compartment("axon", c => c.Area(SomaArea * 0.15 / 0.85).V(-60).Ion("na", 55).Ion("k", -75)
            .Insert(Na, ("g", 240), ("vh", -60), ("tau_h", 1.5), ("h", 0.9)).Insert(K, ("g", 20), ("x", 0.2369847)).Insert(Leak))
        .AxialDensity("soma", "dend", "g_int/p1", "g_int/(1 - p1)")
        .AxialDensity("soma", "axon", "g_int/(1 - p2)", "g_int/p2")
        .SpikeDetector("soma", -20)
        .Build();
}
