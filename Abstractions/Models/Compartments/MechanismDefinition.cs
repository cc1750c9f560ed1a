using Meta.Expressions;

namespace Meta.Models.Compartments;

/// <summary>
/// A transmembrane current a density mechanism contributes to the compartment it is inserted into: a current density in
/// µA/cm² (outward positive, NEURON's convention), optionally carried by an ion (<c>ica</c> is carried by <c>ca</c>), so that
/// the compartment's concentration of that ion can follow it.
/// </summary>
/// <param name="Name">The current's name inside the mechanism, e.g. <c>ica</c>.</param>
/// <param name="Density">The current density (µA/cm²), an expression of the mechanism's names, <c>v</c> and ion symbols.</param>
/// <param name="Ion">The ion that carries it (<c>ca</c>, <c>na</c>, <c>k</c>), or null for a non-specific current.</param>
public sealed record MechanismCurrent(string Name, Expr Density, string? Ion);

/// <summary>
/// A density mechanism written once and inserted into any number of compartments (NEURON's <c>insert</c>, Arbor's
/// <c>paint</c>): parameters (conductance densities in mS/cm², potentials in mV, ...), gating states with their ODEs,
/// aliases, and the currents it contributes. Its expressions may use, besides its own names, the membrane potential
/// <c>v</c> of the compartment it sits in and the ion symbols of that compartment: <c>eX</c> (reversal potential, mV) and
/// <c>Xi</c> (internal concentration, where the compartment has one) for every ion X the compartment declares
/// (<see cref="CompartmentalModelBuilder"/>). Build one with <see cref="MechanismBuilder"/>.
/// </summary>
public sealed record MechanismDefinition
{
    /// <summary>The mechanism's name, e.g. <c>CaH</c>; the flattened names of its members are <c>COMPARTMENT.NAME.member</c>.</summary>
    public required string Name { get; init; }
    /// <summary>A one-line description.</summary>
    public string Description { get; init; } = "";
    /// <summary>Parameters (defaults may be overridden per compartment).</summary>
    public IReadOnlyList<ParameterDefinition> Parameters { get; init; } = [];
    /// <summary>State variables (gates), with their initial values.</summary>
    public IReadOnlyList<StateDefinition> States { get; init; } = [];
    /// <summary>Named sub-expressions.</summary>
    public IReadOnlyList<AliasDefinition> Aliases { get; init; } = [];
    /// <summary>One ODE per state.</summary>
    public IReadOnlyList<OdeDefinition> Odes { get; init; } = [];
    /// <summary>The currents it contributes to its compartment's membrane.</summary>
    public IReadOnlyList<MechanismCurrent> Currents { get; init; } = [];

    /// <summary>The ions the mechanism's expressions read (through <c>eX</c> or <c>Xi</c>) or whose current it writes.</summary>
    public IReadOnlyList<string> Ions(IEnumerable<string> declaredIons) =>
        Currents.Select(c => c.Ion).OfType<string>()
            .Concat(declaredIons.Where(ion => ReadSymbols().Any(s => s == IonSymbols.Reversal(ion) || s == IonSymbols.Concentration(ion))))
            .Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Finds a parameter by name.</summary>
    public ParameterDefinition? FindParameter(string parameterName) => Parameters.FirstOrDefault(p => p.Name == parameterName);

    /// <summary>The names a mechanism declares itself: parameters, states, aliases and currents.</summary>
    public IEnumerable<string> OwnNames =>
        Parameters.Select(p => p.Name).Concat(States.Select(s => s.Name)).Concat(Aliases.Select(a => a.Name)).Concat(Currents.Select(c => c.Name));

    /// <summary>Every symbol its expressions use.</summary>
    public IEnumerable<string> ReadSymbols() =>
        Aliases.Select(a => a.Value).Concat(Odes.Select(o => o.RightHandSide)).Concat(Currents.Select(c => c.Density))
            .Concat(States.Select(s => s.Initial)).SelectMany(e => e.Symbols()).Distinct(StringComparer.Ordinal);
}

/// <summary>The names of the ion symbols a mechanism reads: <c>eca</c>, <c>cai</c>, <c>ica</c> for the ion <c>ca</c>.</summary>
public static class IonSymbols
{
    /// <summary>The reversal potential of <paramref name="ion"/> (mV), e.g. <c>eca</c>.</summary>
    public static string Reversal(string ion) => $"e{ion}";
    /// <summary>The internal concentration of <paramref name="ion"/>, e.g. <c>cai</c>.</summary>
    public static string Concentration(string ion) => $"{ion}i";
    /// <summary>The compartment's total current density carried by <paramref name="ion"/> (µA/cm²), e.g. <c>ica</c>.</summary>
    public static string Current(string ion) => $"i{ion}";
}
