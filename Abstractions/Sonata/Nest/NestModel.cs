using Meta.Models;
using Meta.Sonata.Building;

namespace Meta.Sonata.Nest;

/// <summary>
/// One Meta parameter or initial value computed from NEST parameters (NEST's units: pA, pF, nS, mV, ms), e.g.
/// <c>cm = C_m / 1000</c> (pF → nF) or <c>tau_m = C_m / g_L</c> (pF / nS = ms).
/// </summary>
/// <param name="Meta">The Meta (PyNN) name.</param>
/// <param name="Formula">The conversion as text, for documentation and messages.</param>
/// <param name="Compute">The conversion from the NEST parameters (defaults overlaid with the given values).</param>
public sealed record NestConversion(string Meta, string Formula, Func<IReadOnlyDictionary<string, double>, double> Compute)
{
    /// <summary>
    /// For a conversion that reads one NEST value and scales it (<c>Meta = Nest × Factor</c>), the NEST name; null for
    /// any other (e.g. <c>tau_m = C_m / g_L</c>). A NEST default of NaN means "computed from the others" (the HH gates'
    /// steady state at <c>V_m</c>): <see cref="Compute"/> of the defaults gives that value.
    /// </summary>
    public string? Nest { get; init; }

    /// <summary>
    /// For a conversion that divides one NEST value by another (<c>Meta = Numerator / Denominator</c>, e.g.
    /// <c>tau_m = C_m / g_L</c>, pF / nS = ms), the two NEST names; null for any other. The denominator is the NEST
    /// parameter this conversion carries (g_L); the numerator has a scaling conversion of its own (C_m → cm).
    /// </summary>
    public (string Numerator, string Denominator)? Ratio { get; init; }

    /// <summary>The factor of a scaling conversion (<see cref="Nest"/> set): Meta value = NEST value × this.</summary>
    public double Factor { get; init; } = 1.0;
}

/// <summary>
/// A NEST (or NEURON) cell model as a template over a Meta model definition: NEST's parameter names and defaults, the
/// conversions onto the definition's parameters and initial values, and the factor that turns a NEST synaptic weight
/// (pA for current-based models, nS for conductance-based ones, mV for delta synapses) into Meta's (nA, µS, mV).
/// Array parameters (<c>tau_syn</c>, <c>asc_amps</c>) are read element by element as <c>NAME[i]</c>; booleans as 1 or 0.
/// </summary>
/// <param name="Name">NEST's name, e.g. <c>iaf_psc_alpha</c> (NEURON's cells carry their prefix: <c>nrn:IntFire1</c>).</param>
/// <param name="Model">The Meta model definition the template runs as.</param>
/// <param name="Defaults">NEST's defaults of every parameter and initial value the conversion reads (NEST units).</param>
/// <param name="Parameters">The conversions onto the definition's parameters.</param>
/// <param name="Initial">The conversions onto its initial values (state variables).</param>
/// <param name="WeightScale">Meta weight = NEST weight × this.</param>
/// <param name="Ignored">NEST parameters accepted and not used (no counterpart in the definition, or its default behaviour).</param>
public sealed record NestModel(string Name, ModelDefinition Model, IReadOnlyDictionary<string, double> Defaults,
    IReadOnlyList<NestConversion> Parameters, IReadOnlyList<NestConversion> Initial, double WeightScale, IReadOnlyList<string> Ignored) : ISonataCellTemplate
{
    /// <summary>
    /// <c>tau_minus</c>, which every NEST neuron accepts: the decay of its trace of postsynaptic spikes, read by the
    /// <c>stdp_synapse</c> connections onto it (<see cref="NestSynapse.TauMinusFromTarget"/>), not by the cell model.
    /// </summary>
    public const string TauMinus = "tau_minus";

    /// <summary>The names a node's <c>dynamics_params</c> may give: NEST's parameters, the ignored ones, and <c>tau_minus</c> (not for <c>nrn:</c> templates).</summary>
    public IEnumerable<string> Known => Name.StartsWith("nrn:", StringComparison.Ordinal)
        ? Defaults.Keys.Concat(Ignored)
        : Defaults.Keys.Concat(Ignored).Append(TauMinus);

    /// <summary>The Meta model's name (a standard model's, e.g. <c>IF_curr_alpha</c>, or the template's own).</summary>
    public string StandardModel => Model.Name;

    /// <summary>The model as a message names it: <c>NEST's iaf_psc_alpha</c>, <c>NEURON's IntFire1</c>.</summary>
    public string Owner => Name.StartsWith("nrn:", StringComparison.Ordinal) ? $"NEURON's {Name[4..]}" : $"NEST's {Name}";

    /// <summary>
    /// When set, every incoming connection has this Meta weight whatever the edges say (NEST's <c>parrot_neuron</c>
    /// ignores weights).
    /// </summary>
    public double? FixedWeight { get; init; }

    /// <summary>
    /// When set, picks the definition from the values (NEST units), e.g. GLIF's level from its mechanism flags; the
    /// conversions onto parameters and states the picked definition lacks are left out.
    /// </summary>
    public Func<IReadOnlyDictionary<string, double>, string, ModelDefinition>? Select { get; init; }

    /// <summary>
    /// Checks the combined values (NEST units) and the names given beyond their names, e.g. GLIF's mechanism flags and
    /// array lengths; throws on bad ones.
    /// </summary>
    public Action<IReadOnlyDictionary<string, double>, IReadOnlySet<string>, string>? Check { get; init; }

    /// <summary>
    /// Converts NEST parameter values (missing ones take NEST's defaults) into the definition's parameters and initial
    /// values. A name NEST's model does not have is an error naming the known ones; an ignored one adds a warning.
    /// </summary>
    public NestValues Convert(
        IEnumerable<KeyValuePair<string, double>> values, string where, ICollection<string>? warnings = null)
    {
        var p = new Dictionary<string, double>(Defaults, StringComparer.Ordinal);
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            given.Add(name);
            if (Defaults.ContainsKey(name)) p[name] = value;
            else if (name == TauMinus && !Name.StartsWith("nrn:", StringComparison.Ordinal)) continue; // read by stdp_synapse edges onto the node
            else if (Ignored.Contains(name)) warnings?.Add($"{where}: parameter '{name}' of {Owner} has no counterpart in Meta's {StandardModel}; ignored.");
            else throw new SonataException(
                $"{where}: '{name}' is not a parameter of {Owner} (known: {string.Join(", ", Known)}).");
        }
        Check?.Invoke(p, given, where);
        var model = Select?.Invoke(p, where) ?? Model;
        return new NestValues(model,
            Parameters.Where(c => model.FindParameter(c.Meta) is not null).ToDictionary(c => c.Meta, c => c.Compute(p)),
            Initial.Where(c => model.FindState(c.Meta) is not null).ToDictionary(c => c.Meta, c => c.Compute(p)));
    }
}

/// <summary>The result of converting NEST values: the definition to run, its parameters and its initial values (Meta units).</summary>
/// <param name="Model">The definition (for most templates always the same; GLIF's depends on the level).</param>
/// <param name="Parameters">The definition's parameters.</param>
/// <param name="Initial">Its initial values.</param>
public sealed record NestValues(ModelDefinition Model, Dictionary<string, double> Parameters, Dictionary<string, double> Initial)
{
    /// <summary>Deconstructs into the parameters and initial values.</summary>
    public void Deconstruct(out Dictionary<string, double> parameters, out Dictionary<string, double> initial) =>
        (parameters, initial) = (Parameters, Initial);
}
