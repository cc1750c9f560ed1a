using System.Text.Json.Nodes;
using Meta.Sonata.Nest;

namespace Meta.Cli.Commands.Serve;

internal sealed partial class ServeSession
{
    /// <summary>
    /// <c>native_cell_type</c>: <c>{name}</c>, a NEST model of <see cref="NestCatalogue"/> (<c>iaf_psc_alpha</c>), as the
    /// Meta model it runs as and, for each NEST parameter and state, the Meta name and the factor (Meta = NEST × factor)
    /// with NEST's default. Only models whose every conversion scales one NEST value are offered; the others and unknown
    /// names are errors listing the offered ones.
    /// </summary>
    private static JsonObject NativeCellType(ServeRequest r)
    {
        string name = r.String("name");
        var offered = NestCatalogue.Models.Values.Where(IsScaling).Select(m => m.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (!NestCatalogue.Models.TryGetValue(name, out var model))
            throw new NoModelAvailableException(
                $"native_cell_type: unknown NEST model '{name}' (known: {string.Join(", ", offered)}).");
        if (!IsScaling(model))
            throw new NoModelAvailableException(
                $"native_cell_type: {model.Owner} is in Meta's NEST catalogue but its conversion is not a scaling of each NEST " +
                $"parameter, which pyNN.meta's native cell types need; not supported (supported: {string.Join(", ", offered)}).");
        return new JsonObject
        {
            ["name"] = model.Name,
            ["model"] = model.StandardModel,
            ["parameters"] = Mapping(model, model.Parameters),
            ["states"] = Mapping(model, model.Initial),
            ["weight_scale"] = model.WeightScale,
        };
    }

    private static bool IsScaling(NestModel m) => m.Select is null && m.FixedWeight is null && !m.Name.Contains(':', StringComparison.Ordinal)
        && m.Parameters.Concat(m.Initial).All(c => c.Nest is not null);

    private static JsonObject Mapping(NestModel model, IEnumerable<NestConversion> conversions)
    {
        var result = new JsonObject();
        foreach (var c in conversions)
            result[c.Nest!] = new JsonObject { ["meta"] = c.Meta, ["factor"] = c.Factor, ["default"] = model.Defaults[c.Nest!] };
        return result;
    }
}
