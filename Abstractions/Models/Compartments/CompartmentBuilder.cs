using Meta.Expressions;

namespace Meta.Models.Compartments;

/// <summary>A mechanism inserted into a compartment, by name or definition, with per-compartment parameter values.</summary>
/// <param name="Mechanism">The mechanism's name (resolved against the cell's mechanisms when the cell is built).</param>
/// <param name="Definition">The definition, when inserted as one.</param>
/// <param name="Overrides">Parameter values and initial state values for this compartment (mechanism-local names).</param>
public sealed record Insertion(string Mechanism, MechanismDefinition? Definition, IReadOnlyDictionary<string, double> Overrides);

/// <summary>An ion species in a compartment: its reversal potential (mV), a parameter <c>COMPARTMENT.eX</c>.</summary>
/// <param name="Name">The ion, e.g. <c>ca</c>.</param>
/// <param name="Reversal">The default reversal potential (mV).</param>
public sealed record IonDefinition(string Name, double Reversal);

/// <summary>
/// An internal concentration state <c>COMPARTMENT.Xi</c> of ion X, driven by the compartment's current of that ion
/// (<c>iX</c>, µA/cm², the sum of the inserted mechanisms' currents carried by X).
/// </summary>
/// <param name="Ion">The ion.</param>
/// <param name="Initial">The initial concentration.</param>
/// <param name="RightHandSide">d(Xi)/dt, an expression of <c>Xi</c>, <c>iX</c>, <c>v</c>, the compartment's and the cell's parameters.</param>
/// <param name="Unit">The concentration's unit.</param>
public sealed record ConcentrationDefinition(string Ion, double Initial, Expr RightHandSide, string Unit);

/// <summary>
/// A synaptic receptor on a compartment, an exponentially decaying conductance (µS, reversal <c>e</c>) or current (nA);
/// projections name it <c>COMPARTMENT.NAME</c>.
/// </summary>
/// <param name="Name">The receptor's name in its compartment, e.g. <c>excitatory</c>.</param>
/// <param name="Kind">Conductance or current.</param>
/// <param name="Tau">The decay time constant (ms).</param>
/// <param name="Reversal">The reversal potential (mV) of a conductance.</param>
public sealed record CompartmentReceptor(string Name, ReceptorKind Kind, double Tau, double Reversal);

/// <summary>
/// One compartment of a <see cref="CompartmentalModelBuilder"/> cell: its membrane (area, specific capacitance, initial
/// potential), ions, concentrations, inserted mechanisms and synaptic receptors.
/// </summary>
public sealed class CompartmentBuilder
{
    internal CompartmentBuilder(string name) => Name = name;

    /// <summary>The compartment's name, e.g. <c>soma</c>.</summary>
    public string Name { get; }
    internal double AreaValue { get; private set; } = 1e-5;
    internal double CmValue { get; private set; } = 1.0;
    internal double InitialV { get; private set; } = -65.0;
    internal List<IonDefinition> IonList { get; } = [];
    internal List<ConcentrationDefinition> ConcentrationList { get; } = [];
    internal List<Insertion> Insertions { get; } = [];
    internal List<CompartmentReceptor> ReceptorList { get; } = [];
    internal List<ParameterDefinition> ParameterList { get; } = [];

    /// <summary>Sets the membrane area (cm²; default 1e-5), parameter <c>COMPARTMENT.area</c>.</summary>
    public CompartmentBuilder Area(double squareCentimetres) { AreaValue = squareCentimetres; return this; }

    /// <summary>Sets the specific membrane capacitance (µF/cm²; default 1), parameter <c>COMPARTMENT.cm</c>.</summary>
    public CompartmentBuilder Cm(double microfaradsPerSquareCentimetre) { CmValue = microfaradsPerSquareCentimetre; return this; }

    /// <summary>Sets the initial membrane potential (mV; default −65).</summary>
    public CompartmentBuilder V(double initial) { InitialV = initial; return this; }

    /// <summary>Adds a compartment parameter <c>COMPARTMENT.name</c> (for its concentration equations).</summary>
    public CompartmentBuilder Parameter(string parameterName, double defaultValue, string unit, string description = "")
    {
        CompartmentNames.CheckIdentifier(parameterName, $"parameter name of compartment '{Name}'");
        ParameterList.Add(new(parameterName, defaultValue, unit, description));
        return this;
    }

    /// <summary>Declares ion <paramref name="ion"/> with a reversal potential (mV), parameter <c>COMPARTMENT.eX</c>.</summary>
    public CompartmentBuilder Ion(string ion, double reversal)
    {
        CompartmentNames.CheckIdentifier(ion, $"ion name in compartment '{Name}'");
        IonList.Add(new(ion, reversal));
        return this;
    }

    /// <summary>
    /// Adds the internal concentration <c>Xi</c> of a declared ion X, with <c>d(Xi)/dt = rhs</c>; <c>rhs</c> may use
    /// <c>Xi</c>, the compartment's current of the ion <c>iX</c> (µA/cm²), <c>v</c> and parameters.
    /// </summary>
    public CompartmentBuilder Concentration(string ion, double initial, string rightHandSide, string unit = "mM")
    {
        ConcentrationList.Add(new(ion, initial, Expr.Parse(rightHandSide), unit));
        return this;
    }

    /// <summary>
    /// Inserts a mechanism the cell knows by name (<see cref="CompartmentalModelBuilder.Mechanism"/>), with parameter values
    /// (and initial values of its states) for this compartment.
    /// </summary>
    public CompartmentBuilder Insert(string mechanism, params (string Name, double Value)[] parameters)
    {
        Insertions.Add(new(mechanism, null, ToOverrides(parameters)));
        return this;
    }

    /// <summary>Inserts a mechanism, with parameter values (and initial values of its states) for this compartment.</summary>
    public CompartmentBuilder Insert(MechanismDefinition mechanism, params (string Name, double Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        Insertions.Add(new(mechanism.Name, mechanism, ToOverrides(parameters)));
        return this;
    }

    /// <summary>
    /// Adds a synaptic receptor <c>COMPARTMENT.NAME</c>: an exponentially decaying conductance (µS; current
    /// <c>g·(e − v)</c>) or current (nA) with time constant <paramref name="tau"/> (ms), into this compartment.
    /// </summary>
    public CompartmentBuilder Receptor(string receptorName, ReceptorKind kind, double tau = 5.0, double reversal = 0.0)
    {
        CompartmentNames.CheckIdentifier(receptorName, $"receptor name in compartment '{Name}'");
        if (kind == ReceptorKind.VoltageJump)
            throw new InvalidModelException($"Compartment '{Name}': receptor '{receptorName}' must be a conductance or a current (voltage jumps are not supported on compartments).");
        ReceptorList.Add(new(receptorName, kind, tau, reversal));
        return this;
    }

    private Dictionary<string, double> ToOverrides((string Name, double Value)[] parameters)
    {
        var overrides = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
            if (!overrides.TryAdd(key, value))
                throw new InvalidModelException($"Compartment '{Name}': parameter '{key}' is given twice.");
        return overrides;
    }
}
