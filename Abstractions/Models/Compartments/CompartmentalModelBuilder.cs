using Meta.Expressions;

namespace Meta.Models.Compartments;

/// <summary>
/// An axial coupling between two compartments: the current density into <c>A</c> is <c>IntoA·(v_B − v_A)</c> and into
/// <c>B</c> is <c>IntoB·(v_A − v_B)</c>, both in mS/cm² of the receiving compartment's membrane.
/// </summary>
/// <param name="A">One compartment.</param>
/// <param name="B">The other.</param>
/// <param name="IntoA">The coupling conductance density seen by A (mS/cm²), an expression of the cell's parameters and the compartments' areas.</param>
/// <param name="IntoB">The coupling conductance density seen by B (mS/cm²).</param>
public sealed record AxialCoupling(string A, string B, Expr IntoA, Expr IntoB);

/// <summary>
/// A multi-compartment cell type made of named compartments with inserted density mechanisms
/// (<see cref="MechanismDefinition"/>), coupled by axial conductances. <see cref="Build"/> flattens it into an ordinary
/// <see cref="ModelDefinition"/> (names in <see cref="CompartmentNames"/>' scheme), so every backend compiles it unchanged.
/// The membrane equation of compartment C is
/// <c>cm·dv/dt = −Σ mechanism currents + Σ axial g·(v_other − v) + synaptic currents/area [+ (i_inj + i_offset)/area in the
/// spike compartment]</c>, in µA/cm² (i_inj and synaptic currents in nA, areas in cm²). Spikes are upward crossings of
/// <c>v_spike</c> by the spike compartment's potential (<c>soma</c> by default); current sources inject there.
/// </summary>
public sealed class CompartmentalModelBuilder(string name)
{
    private readonly List<CompartmentBuilder> _compartments = [];
    private readonly List<MechanismDefinition> _mechanisms = [];
    private readonly List<ParameterDefinition> _parameters = [];
    private readonly List<AxialCoupling> _couplings = [];
    private string _description = "";
    private string _spikeCompartment = "soma";
    private double _spikeThreshold = -20.0;
    private IntegrationScheme _scheme = IntegrationScheme.Automatic;

    /// <summary>The cell type's name.</summary>
    public string Name => name;

    /// <summary>Sets the description.</summary>
    public CompartmentalModelBuilder Describe(string description) { _description = description; return this; }

    /// <summary>Adds a cell-level parameter (unprefixed; for axial couplings, e.g. de Gruijl's <c>g_int</c>, <c>p1</c>).</summary>
    public CompartmentalModelBuilder Parameter(string parameterName, double defaultValue, string unit, string description = "")
    {
        CompartmentNames.CheckIdentifier(parameterName, "cell parameter name");
        _parameters.Add(new(parameterName, defaultValue, unit, description));
        return this;
    }

    /// <summary>Makes a mechanism known to the cell, so that compartments can insert it by name.</summary>
    public CompartmentalModelBuilder Mechanism(MechanismDefinition mechanism)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (_mechanisms.Any(m => m.Name == mechanism.Name))
            throw new InvalidModelException($"Cell '{name}': a mechanism named '{mechanism.Name}' is already known.");
        _mechanisms.Add(mechanism);
        return this;
    }

    /// <summary>Adds a compartment and configures it.</summary>
    public CompartmentalModelBuilder Compartment(string compartmentName, Action<CompartmentBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        CompartmentNames.CheckIdentifier(compartmentName, "compartment name");
        if (_compartments.Any(c => c.Name == compartmentName))
            throw new InvalidModelException($"Cell '{name}': the compartment '{compartmentName}' is declared twice.");
        var compartment = new CompartmentBuilder(compartmentName);
        configure(compartment);
        _compartments.Add(compartment);
        return this;
    }

    /// <summary>
    /// Couples two compartments by an absolute axial conductance (µS, an expression of cell parameters): each sees the
    /// density <c>0.001·G/area</c> mS/cm², so charge is conserved.
    /// </summary>
    public CompartmentalModelBuilder Axial(string a, string b, string conductance)
    {
        var g = Expr.Parse(conductance);
        _couplings.Add(new(a, b, 0.001 * g / Expr.Symbol(CompartmentNames.Of(a, "area")), 0.001 * g / Expr.Symbol(CompartmentNames.Of(b, "area"))));
        return this;
    }

    /// <summary>
    /// Couples two compartments by conductance densities (mS/cm²) as each sees them, the convention of the
    /// Schweighofer and de Gruijl inferior-olive models: a coupling density divided by each compartment's area fraction,
    /// e.g. <c>AxialDensity("soma", "dend", "g_int/p1", "g_int/(1 - p1)")</c>.
    /// </summary>
    public CompartmentalModelBuilder AxialDensity(string a, string b, string intoA, string intoB)
    {
        _couplings.Add(new(a, b, Expr.Parse(intoA), Expr.Parse(intoB)));
        return this;
    }

    /// <summary>
    /// Sets the compartment whose potential detects spikes (upward crossings of the parameter <c>v_spike</c>, default
    /// −20 mV) and receives injected current (<c>i_inj</c>, <c>i_offset</c>); <c>soma</c> by default.
    /// </summary>
    public CompartmentalModelBuilder SpikeDetector(string compartment, double threshold = -20.0)
    {
        _spikeCompartment = compartment;
        _spikeThreshold = threshold;
        return this;
    }

    /// <summary>Overrides the automatic choice of integration scheme.</summary>
    public CompartmentalModelBuilder Integrate(IntegrationScheme scheme) { _scheme = scheme; return this; }

    /// <summary>Flattens the cell into a validated <see cref="ModelDefinition"/>.</summary>
    public ModelDefinition Build() => new CompartmentFlattener(name, _description, _compartments, _mechanisms, _parameters, _couplings,
        _spikeCompartment, _spikeThreshold, _scheme).Flatten();
}
