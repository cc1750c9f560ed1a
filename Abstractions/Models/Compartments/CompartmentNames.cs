namespace Meta.Models.Compartments;

/// <summary>
/// How a multi-compartment cell's members are named once flattened: <c>COMPARTMENT.name</c> for the compartment's own
/// states and parameters (<c>soma.v</c>, <c>dend.cai</c>, <c>soma.area</c>) and <c>COMPARTMENT.MECHANISM.name</c> for an
/// inserted mechanism's (<c>dend.CaH.r</c>, <c>soma.CaL.g</c>). Dots are part of identifiers in Meta's expressions, as in
/// PointNeuron's <c>AMPA.tau_syn</c>, so the flattened names are ordinary model names on every backend.
/// </summary>
public static class CompartmentNames
{
    /// <summary>The flattened name of <paramref name="member"/> of compartment <paramref name="compartment"/>.</summary>
    public static string Of(string compartment, string member) => $"{compartment}.{member}";

    /// <summary>The flattened name of <paramref name="member"/> of a mechanism inserted in a compartment.</summary>
    public static string Of(string compartment, string mechanism, string member) => $"{compartment}.{mechanism}.{member}";

    /// <summary>The membrane potential of a compartment, e.g. <c>soma.v</c>.</summary>
    public static string Voltage(string compartment) => Of(compartment, "v");

    /// <summary>Throws unless <paramref name="name"/> is an identifier (a letter, then letters, digits or '_').</summary>
    public static void CheckIdentifier(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || !char.IsLetter(name[0]) || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new InvalidModelException($"The {what} '{name}' must be an identifier (a letter, then letters, digits or '_'; no dots).");
    }
}
