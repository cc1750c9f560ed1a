namespace Meta.Models.Library;

/// <summary>
/// Published cell models that are not among PyNN's standard types, by name, with their named parameter sets (presets),
/// e.g. <c>Prinz2004</c> with the model neurons "AB/PD 1" … "PY 6" of Prinz et al. (2004), and the three-compartment
/// inferior-olive cell <c>DeGruijl2012</c>.
/// </summary>
public static class ModelLibrary
{
    private static readonly Dictionary<string, (ModelDefinition Model, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Presets)> s_models =
        new(StringComparer.Ordinal)
        {
            [Prinz2004.Name] = (Prinz2004.Neuron, Prinz2004.NeuronTypes.Keys.ToDictionary(k => k, Prinz2004.Parameters, StringComparer.Ordinal)),
            [DeGruijl2012.Name] = (DeGruijl2012.Neuron, new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal)),
        };

    /// <summary>The models' names, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = s_models.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Looks a model up by name.</summary>
    public static bool TryGet(string name, out ModelDefinition model)
    {
        bool found = s_models.TryGetValue(name, out var entry);
        model = entry.Model;
        return found;
    }

    /// <summary>The named parameter sets of <paramref name="model"/> (empty when it has none).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Presets(string model) =>
        s_models.TryGetValue(model, out var entry) ? entry.Presets : new Dictionary<string, IReadOnlyDictionary<string, double>>();
}
