using Meta.Nestml.Syntax;

namespace Meta.Nestml.Units;

/// <summary>
/// The size of each parameter's and state's declared NESTML unit in Meta's units (<c>C_m pF</c>: 0.001, since Meta's
/// C_m is in nF; <c>tau_m ms</c>: 1; <c>real</c>: 1), so that a value written in NESTML's units, as NEST takes it from a
/// NESTML-built module, becomes Meta's value by one multiplication.
/// </summary>
internal static class DeclaredUnits
{
    public static Dictionary<string, double> Of(NModel model)
    {
        var scales = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var d in model.Parameters.Concat(model.State))
            if (d.Primes == 0) scales.TryAdd(d.Name, d.Type is null ? 1.0 : Size(d.Type) ?? 1.0);
        return scales;
    }

    /// <summary>The size of a unit expression (<c>pA</c>, <c>mV/ms</c>, <c>nS*mV</c>, <c>1/ms</c>), or null if it is not one.</summary>
    private static double? Size(NExpr type) => type switch
    {
        NNumber n => n.Value,
        NName name when name.Name is "real" or "integer" or "boolean" => 1.0,
        NName name => NestmlUnits.TryGet(name.Name, out var q) ? q.Factor : null,
        NBinary { Operator: "*" } b => Size(b.Left) * Size(b.Right),
        NBinary { Operator: "/" } b => Size(b.Left) / Size(b.Right),
        NBinary { Operator: "**", Right: NNumber power } b => Size(b.Left) is { } s ? Math.Pow(s, power.Value) : null,
        _ => null,
    };
}
