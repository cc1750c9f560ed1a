using System.Text.Json.Nodes;
using Meta.Models.Standard;
using Meta.Sonata.Nest;

namespace Meta.Cli.Commands.Serve;

internal sealed partial class ServeSession
{
    /// <summary>
    /// <c>native_cell_type</c>: <c>{name}</c>, a NEST model of <see cref="NestCatalogue"/> (<c>iaf_psc_alpha</c>), as the
    /// Meta model it runs as (<c>model</c>, with its catalogue entry <c>cell_type</c>) and, for each NEST parameter and
    /// state, the Meta name and either the factor (Meta = NEST × factor) or the ratio (Meta = NEST[a] / NEST[b], e.g.
    /// <c>tau_m = C_m / g_L</c>, carried by <c>g_L</c>), with NEST's default. A model that is not a standard one
    /// (<c>hh_psc_alpha</c>) is registered for <c>create</c>. Models whose conversion is neither (GLIF's level chosen by
    /// flags, the parrot's fixed weight, NEURON's cells) and unknown names are errors listing the offered ones.
    /// </summary>
    private JsonObject NativeCellType(ServeRequest r)
    {
        string name = r.String("name");
        var offered = NestCatalogue.Models.Values.Where(IsOffered).Select(m => m.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (!NestCatalogue.Models.TryGetValue(name, out var model))
            throw new NoModelAvailableException(
                $"native_cell_type: unknown NEST model '{name}' (known: {string.Join(", ", offered)}).");
        if (!IsOffered(model))
            throw new NoModelAvailableException(
                $"native_cell_type: {model.Owner} is in Meta's NEST catalogue but its conversion is not a scaling or ratio of NEST " +
                $"parameters, which pyNN.meta's native cell types need; not supported (supported: {string.Join(", ", offered)}).");
        if (!StandardModels.TryGet(model.StandardModel, out _)) Register(model.Model, $"native_cell_type '{name}'");
        return new JsonObject
        {
            ["name"] = model.Name,
            ["model"] = model.StandardModel,
            ["cell_type"] = Describe(model.Model),
            ["parameters"] = Mapping(model, model.Parameters),
            ["states"] = Mapping(model, model.Initial),
            ["weight_scale"] = model.WeightScale,
        };
    }

    private static bool IsOffered(NestModel m) => m.Select is null && m.FixedWeight is null && !m.Name.Contains(':', StringComparison.Ordinal)
        && m.Parameters.Concat(m.Initial).All(c => c.Nest is not null || c.Ratio is not null);

    private static JsonObject Mapping(NestModel model, IEnumerable<NestConversion> conversions)
    {
        var result = new JsonObject();
        foreach (var c in conversions)
        {
            if (c.Ratio is var (numerator, denominator))
            {
                result[denominator] = new JsonObject
                {
                    ["meta"] = c.Meta, ["ratio"] = new JsonArray(numerator, denominator), ["default"] = model.Defaults[denominator],
                };
                continue;
            }
            double given = model.Defaults[c.Nest!];
            double nestDefault = double.IsNaN(given) ? c.Compute(model.Defaults) / c.Factor : given;
            result[c.Nest!] = new JsonObject { ["meta"] = c.Meta, ["factor"] = c.Factor, ["default"] = nestDefault };
        }
        return result;
    }
}
