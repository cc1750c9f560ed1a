using Meta.Models;

namespace Meta.Projections;

/// <summary>
/// A synapse type that couples cells continuously instead of by spike events (docs/semantics.md, "Continuous coupling"): a
/// <see cref="Projection"/> with such a type has no receptor and no delay; every step its current, computed from the pre and
/// post cells' start-of-step states, is added to the post cell's injected current. Parameter values take any of PyNN's
/// forms (<see cref="SynapseValue"/>).
/// </summary>
/// <param name="Definition">The coupling model (a standard one of <see cref="CouplingTypes"/> or a user's own).</param>
/// <param name="Weight">The conductance in µS.</param>
/// <param name="Parameters">Other parameter values by name; missing ones take the model's defaults.</param>
/// <param name="Variable">The cell state coupled (<c>v</c>, or e.g. a compartment's <c>dend_v</c>).</param>
public record CouplingSynapse(CouplingModel Definition, SynapseValue? Weight = null,
    IReadOnlyDictionary<string, SynapseValue>? Parameters = null, string Variable = "v") : SynapseType(Weight)
{
    /// <inheritdoc />
    public override string Name => Definition.Name;
    /// <inheritdoc />
    public override IReadOnlyDictionary<string, SynapseValue> ParameterValues => Parameters ?? new Dictionary<string, SynapseValue>();
    /// <summary>The coupling model as the projection runs it (on <see cref="Variable"/>).</summary>
    public CouplingModel Coupling => Definition.OnVariable(Variable);
}

/// <summary>
/// PyNN's <c>ElectricalSynapse</c>: a symmetric gap junction of conductance <c>weight</c> (µS); each cell of a connected pair
/// receives <c>weight·(v_other − v_own)</c> (<see cref="CouplingTypes.ElectricalSynapse"/>).
/// </summary>
public sealed record ElectricalSynapse : CouplingSynapse
{
    /// <summary>Creates the type; <paramref name="variable"/> is the cell state coupled (default <c>v</c>).</summary>
    public ElectricalSynapse(SynapseValue? weight = null, string variable = "v") : base(CouplingTypes.ElectricalSynapse, weight, null, variable) { }
}

/// <summary>
/// The graded chemical synapse of Prinz, Bucher and Marder (2004) (<see cref="CouplingTypes.GradedSynapse"/>): its activation
/// <c>s</c> follows the presynaptic voltage continuously, and the post cell receives <c>−weight·s·(v_post − E_s)</c>. The
/// defaults are the glutamatergic synapse's; <see cref="Cholinergic"/> gives the other type of the pyloric circuit.
/// </summary>
public sealed record GradedSynapse : CouplingSynapse
{
    /// <summary>Creates the type; null parameters take the defaults (E_s −70 mV, k_minus 1/40 ms⁻¹, V_th −35 mV, Delta 5 mV).</summary>
    public GradedSynapse(SynapseValue? weight = null, SynapseValue? E_s = null, SynapseValue? k_minus = null, SynapseValue? V_th = null,
        SynapseValue? Delta = null, string variable = "v")
        : base(CouplingTypes.GradedSynapse, weight,
            TsodyksMarkramSynapse.Given(("E_s", E_s), ("k_minus", k_minus), ("V_th", V_th), ("Delta", Delta)), variable) { }

    /// <summary>A glutamatergic synapse of Prinz et al. (2004): E_s −70 mV, k_minus 1/40 ms⁻¹.</summary>
    public static GradedSynapse Glutamatergic(SynapseValue? weight = null) =>
        new(weight, CouplingTypes.GlutamatergicReversal, CouplingTypes.GlutamatergicRate);

    /// <summary>A cholinergic synapse of Prinz et al. (2004): E_s −80 mV, k_minus 1/100 ms⁻¹.</summary>
    public static GradedSynapse Cholinergic(SynapseValue? weight = null) =>
        new(weight, CouplingTypes.CholinergicReversal, CouplingTypes.CholinergicRate);
}
