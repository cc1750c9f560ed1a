namespace Meta.Models;

/// <summary>
/// The standard coupling types, written as data (<see cref="CouplingModel"/>): PyNN's gap junction and the graded chemical
/// synapse of Prinz, Bucher and Marder (2004). Currents are in nA (µS × mV), into the cell.
/// </summary>
public static class CouplingTypes
{
    /// <summary>
    /// PyNN's <c>ElectricalSynapse</c>: a gap junction of conductance <c>weight</c> (µS). The post cell receives
    /// <c>weight·(v_pre − v_post)</c> and, the junction being symmetric, the pre cell the mirror current.
    /// </summary>
    public static CouplingModel ElectricalSynapse { get; } = new CouplingModelBuilder("ElectricalSynapse")
        .Describe("Gap junction: I_post = weight·(v_pre − v_post), and the mirror current into the pre cell.")
        .Parameter(CouplingModel.WeightName, 0.0, "uS", "the junction's conductance")
        .Current("weight*(v_pre - v_post)")
        .Bidirectional()
        .Build();

    /// <summary>
    /// The graded synapse of Prinz et al. (2004): ds/dt = (s_inf(V_pre) − s)/tau_s with s_inf = 1/(1 + exp((V_th − V_pre)/Delta))
    /// and tau_s = (1 − s_inf)/k_minus; the synaptic current weight·s·(V_post − E_s) flows out of the post cell, so the
    /// current injected is its negative. Default E_s and k_minus are the glutamatergic synapse's
    /// (<see cref="GlutamatergicReversal"/>, <see cref="GlutamatergicRate"/>).
    /// </summary>
    public static CouplingModel GradedSynapse { get; } = new CouplingModelBuilder("GradedSynapse")
        .Describe("Graded chemical synapse (Prinz, Bucher & Marder 2004): s follows the presynaptic voltage continuously.")
        .Parameter(CouplingModel.WeightName, 0.0, "uS", "the maximal synaptic conductance g_s")
        .Parameter("E_s", GlutamatergicReversal, "mV", "the reversal potential")
        .Parameter("k_minus", GlutamatergicRate, "1/ms", "the rate of unbinding")
        .Parameter("V_th", -35.0, "mV", "the half-activation voltage")
        .Parameter("Delta", 5.0, "mV", "the slope of activation")
        .State("s", 0.0, "", "(1/(1 + exp((V_th - v_pre)/Delta)) - s) * k_minus / (1 - 1/(1 + exp((V_th - v_pre)/Delta)))")
        .Current("-weight*s*(v_post - E_s)")
        .Build();

    /// <summary>The glutamatergic synapse's reversal potential (mV; Prinz et al. 2004).</summary>
    public const double GlutamatergicReversal = -70.0;
    /// <summary>The glutamatergic synapse's unbinding rate k₋ (1/ms; 1/40 ms, Prinz et al. 2004).</summary>
    public const double GlutamatergicRate = 1.0 / 40.0;
    /// <summary>The cholinergic synapse's reversal potential (mV; Prinz et al. 2004).</summary>
    public const double CholinergicReversal = -80.0;
    /// <summary>The cholinergic synapse's unbinding rate k₋ (1/ms; 1/100 ms, Prinz et al. 2004).</summary>
    public const double CholinergicRate = 1.0 / 100.0;

    /// <summary>Every standard coupling type by name.</summary>
    public static IReadOnlyDictionary<string, CouplingModel> ByName { get; } = new Dictionary<string, CouplingModel>
    {
        [ElectricalSynapse.Name] = ElectricalSynapse,
        [GradedSynapse.Name] = GradedSynapse,
    };
}
