namespace Meta.Sonata.Nest;

/// <summary>
/// One Meta parameter or initial value computed from NEST parameters (NEST's units: pA, pF, nS, mV, ms), e.g.
/// <c>cm = C_m / 1000</c> (pF → nF) or <c>tau_m = C_m / g_L</c> (pF / nS = ms).
/// </summary>
/// <param name="Meta">The Meta (PyNN) name.</param>
/// <param name="Formula">The conversion as text, for documentation and messages.</param>
/// <param name="Compute">The conversion from the NEST parameters (defaults overlaid with the given values).</param>
public sealed record NestConversion(string Meta, string Formula, Func<IReadOnlyDictionary<string, double>, double> Compute);

/// <summary>
/// A NEST cell model as a template over one of Meta's standard models: NEST's parameter names and defaults, the
/// conversions onto the standard model's parameters and initial values, and the factor that turns a NEST synaptic
/// weight (pA for current-based models, nS for conductance-based ones, mV for delta synapses) into Meta's (nA, µS, mV).
/// </summary>
/// <param name="Name">NEST's name, e.g. <c>iaf_psc_alpha</c>.</param>
/// <param name="StandardModel">The Meta standard model, e.g. <c>IF_curr_alpha</c>.</param>
/// <param name="Defaults">NEST's defaults of every parameter and initial value the conversion reads (NEST units).</param>
/// <param name="Parameters">The conversions onto the standard model's parameters.</param>
/// <param name="Initial">The conversions onto its initial values (state variables).</param>
/// <param name="WeightScale">Meta weight = NEST weight × this.</param>
/// <param name="Ignored">NEST parameters accepted and not used (no counterpart in the standard model, or its default behaviour).</param>
public sealed record NestModel(string Name, string StandardModel, IReadOnlyDictionary<string, double> Defaults,
    IReadOnlyList<NestConversion> Parameters, IReadOnlyList<NestConversion> Initial, double WeightScale, IReadOnlyList<string> Ignored)
{
    /// <summary>
    /// Converts NEST parameter values (missing ones take NEST's defaults) into the standard model's parameters and initial
    /// values. A name NEST's model does not have is an error naming the known ones; an ignored one adds a warning.
    /// </summary>
    public (Dictionary<string, double> Parameters, Dictionary<string, double> Initial) Convert(
        IEnumerable<KeyValuePair<string, double>> values, string where, ICollection<string>? warnings = null)
    {
        var p = new Dictionary<string, double>(Defaults, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (Defaults.ContainsKey(name)) p[name] = value;
            else if (Ignored.Contains(name)) warnings?.Add($"{where}: NEST parameter '{name}' of {Name} has no counterpart in Meta's {StandardModel}; ignored.");
            else throw new SonataException(
                $"{where}: '{name}' is not a parameter of NEST's {Name} (known: {string.Join(", ", Defaults.Keys.Concat(Ignored))}).");
        }
        return (Parameters.ToDictionary(c => c.Meta, c => c.Compute(p)), Initial.ToDictionary(c => c.Meta, c => c.Compute(p)));
    }
}
