using Meta.Expressions;

namespace Meta.Models.Compartments;

/// <summary>
/// Fluent construction of a <see cref="MechanismDefinition"/>, a density mechanism written once and inserted into
/// compartments.
/// </summary>
/// <example>
/// <code>
/// var leak = new MechanismBuilder("Leak")
///     .Parameter("g", 0.016, "mS/cm2").Parameter("e", 10, "mV")
///     .Current("i", "g*(v - e)")
///     .Build();
/// var cah = new MechanismBuilder("CaH")
///     .Parameter("g", 4.5, "mS/cm2")
///     .State("r", 0.0112788, "")
///     .Alias("alpha", "1.7/(1 + exp(-(v - 5)/13.9))").Alias("beta", "0.02*(v + 8.5)/(exp((v + 8.5)/5) - 1)")
///     .Ode("r", "(alpha*(1 - r) - beta*r)/5")
///     .Current("ica", "g*r*r*(v - eca)", ion: "ca")
///     .Build();
/// </code>
/// </example>
public sealed class MechanismBuilder(string name)
{
    private readonly List<ParameterDefinition> _parameters = [];
    private readonly List<StateDefinition> _states = [];
    private readonly List<AliasDefinition> _aliases = [];
    private readonly List<OdeDefinition> _odes = [];
    private readonly List<MechanismCurrent> _currents = [];
    private string _description = "";

    /// <summary>Sets the description.</summary>
    public MechanismBuilder Describe(string description) { _description = description; return this; }

    /// <summary>Adds a parameter.</summary>
    /// <param name="parameterName">The name.</param>
    /// <param name="defaultValue">The default value, in <paramref name="unit"/>.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="description">What it means.</param>
    /// <param name="domain">The values it may take (<see cref="ParameterDomain.Any"/> when null); the default must lie in it.</param>
    public MechanismBuilder Parameter(string parameterName, double defaultValue, string unit, string description = "", ParameterDomain? domain = null)
    {
        _parameters.Add(new(parameterName, defaultValue, unit, description) { Domain = ParameterDomains.Checked(parameterName, defaultValue, domain) });
        return this;
    }

    /// <summary>Adds a state variable with a constant initial value.</summary>
    public MechanismBuilder State(string stateName, double initial, string unit = "")
    {
        _states.Add(new(stateName, initial, unit));
        return this;
    }

    /// <summary>Adds a named sub-expression.</summary>
    public MechanismBuilder Alias(string aliasName, string expression)
    {
        _aliases.Add(new(aliasName, Expr.Parse(expression)));
        return this;
    }

    /// <summary>Adds <c>d(state)/dt = rhs</c> (per ms).</summary>
    public MechanismBuilder Ode(string state, string rightHandSide)
    {
        _odes.Add(new(state, Expr.Parse(rightHandSide)));
        return this;
    }

    /// <summary>Adds a current density (µA/cm², outward positive), carried by <paramref name="ion"/> when given.</summary>
    public MechanismBuilder Current(string currentName, string density, string? ion = null)
    {
        _currents.Add(new(currentName, Expr.Parse(density), ion));
        return this;
    }

    /// <summary>Returns the definition; names are checked when it is inserted and the cell is built.</summary>
    public MechanismDefinition Build()
    {
        var mechanism = new MechanismDefinition
        {
            Name = name,
            Description = _description,
            Parameters = _parameters.ToArray(),
            States = _states.ToArray(),
            Aliases = _aliases.ToArray(),
            Odes = _odes.ToArray(),
            Currents = _currents.ToArray(),
        };
        CompartmentNames.CheckIdentifier(name, "mechanism name");
        foreach (var dup in mechanism.OwnNames.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new InvalidModelException($"Mechanism '{name}': the name '{dup.Key}' is declared twice.");
        foreach (var n in mechanism.OwnNames) CompartmentNames.CheckIdentifier(n, $"name in mechanism '{name}'");
        foreach (var ode in mechanism.Odes.Where(o => !mechanism.States.Any(s => s.Name == o.State)))
            throw new InvalidModelException($"Mechanism '{name}': ODE for '{ode.State}', which is not one of its states ({string.Join(", ", mechanism.States.Select(s => s.Name))}).");
        foreach (var s in mechanism.States.Where(s => !mechanism.Odes.Any(o => o.State == s.Name)))
            throw new InvalidModelException($"Mechanism '{name}': state '{s.Name}' has no ODE.");
        return mechanism;
    }
}
