using System.Text.Json;
using Meta.Projections;
using Meta.Random;

namespace Meta.Cli.Networks;

/// <summary>Reads the value forms: numbers, per-cell arrays, distributions, sequences, synapse values.</summary>
internal static class ValueParser
{
    private const string DistributionHint = "a distribution object such as {\"distribution\": \"uniform\", \"low\": 0, \"high\": 1}";

    /// <summary>A scalar parameter or initial value: a number, an array (one value per cell) or a distribution.</summary>
    public static ValueSpec CellValue(JsonElement e, string path)
    {
        const string expected = "a number, an array with one number per cell, or " + DistributionHint;
        return e.ValueKind switch
        {
            JsonValueKind.Number => new NumberSpec(path, JsonFields.Number(e, path)),
            JsonValueKind.Array => new ArraySpec(path, JsonFields.NumberArray(e, path)),
            JsonValueKind.Object => Distribution(e, path),
            _ => throw JsonFields.TypeError(path, expected, e),
        };
    }

    /// <summary>
    /// A sequence parameter (spike_times, or a, b and tbins of SpikeSourceInhGamma): one array for all cells, or an array of
    /// arrays, one per cell. spike_times are checked here (times ≥ 0, non-decreasing); the other sequences by the population.
    /// </summary>
    public static ValueSpec Sequence(JsonElement e, string path, string name)
    {
        const string expected = "an array of numbers shared by all cells, or an array of arrays (one per cell)";
        if (e.ValueKind != JsonValueKind.Array) throw JsonFields.TypeError(path, expected, e);
        var items = JsonFields.Items(e, path).ToList();
        if (items.Count > 0 && items.All(i => i.Value.ValueKind == JsonValueKind.Array))
        {
            var rows = items.Select(i => CheckSequence(JsonFields.NumberArray(i.Value, i.Path), i.Path, name)).ToArray();
            return new MatrixSpec(path, rows);
        }
        foreach (var (value, itemPath) in items)
            if (value.ValueKind != JsonValueKind.Number)
                throw JsonFields.TypeError(itemPath, "a number (all items must be numbers, or all arrays of numbers)", value);
        return new ArraySpec(path, CheckSequence(JsonFields.NumberArray(e, path), path, name));
    }

    /// <summary>A synapse weight or delay: number, distribution, expression in d, per-connection array or pre × post array.</summary>
    public static ValueSpec SynapseValue(JsonElement e, string path)
    {
        const string expected = "a number, " + DistributionHint + ", an expression in d such as \"0.1 + 0.01*d\", " +
                                "an array with one value per connection, or a pre × post array of arrays";
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                return new NumberSpec(path, JsonFields.Number(e, path));
            case JsonValueKind.Object:
                return Distribution(e, path);
            case JsonValueKind.String:
                var text = e.GetString()!;
                try { _ = Projections.SynapseValue.Expression(text); }
                catch (InvalidParameterValueException ex) { throw new NetworkFormatException(path, ex.Message, ex); }
                return new ExpressionSpec(path, text);
            case JsonValueKind.Array:
                var items = JsonFields.Items(e, path).ToList();
                if (items.Count > 0 && items.All(i => i.Value.ValueKind == JsonValueKind.Array))
                    return new MatrixSpec(path, items.Select(i => JsonFields.NumberArray(i.Value, i.Path)).ToArray());
                return new ArraySpec(path, JsonFields.NumberArray(e, path));
            default:
                throw JsonFields.TypeError(path, expected, e);
        }
    }

    /// <summary>A connector's <c>n</c>: a non-negative integer or a distribution.</summary>
    public static ValueSpec Count(JsonElement e, string path)
    {
        const string expected = "a non-negative integer or " + DistributionHint;
        if (e.ValueKind == JsonValueKind.Object) return Distribution(e, path);
        int n = JsonFields.Integer(e, path, expected);
        if (n < 0) throw new NetworkFormatException(path, $"expected {expected}, got {n}");
        return new NumberSpec(path, n);
    }

    /// <summary>
    /// <c>{"distribution": NAME, PARAM: value, ..., "seed": N}</c>: PyNN's distribution names and parameter names; every
    /// parameter is required.
    /// </summary>
    public static DistributionSpec Distribution(JsonElement e, string path)
    {
        var members = JsonFields.Members(e, path, DistributionHint);
        var names = RandomDistribution.Distributions;
        string namePath = JsonFields.Child(path, "distribution");
        var nameMember = members.FirstOrDefault(m => m.Key == "distribution");
        if (nameMember.Key is null)
            throw new NetworkFormatException(namePath, $"missing required field 'distribution' (one of: {JsonFields.List(names.Keys)})");
        string name = JsonFields.String(nameMember.Value, namePath, $"a distribution name (one of: {JsonFields.List(names.Keys)})");
        if (!names.TryGetValue(name, out var parameterNames))
            throw new NetworkFormatException(namePath,
                $"unknown distribution '{name}' (valid: {JsonFields.List(names.Keys)}){JsonFields.DidYouMean(name, names.Keys)}");

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        ulong? seed = null;
        foreach (var (key, value, memberPath) in members)
        {
            if (key == "distribution") continue;
            if (key == "seed")
            {
                seed = JsonFields.UnsignedInteger(value, memberPath, "a non-negative integer seed");
                continue;
            }
            if (!parameterNames.Contains(key))
            {
                var valid = parameterNames.Concat(["seed"]).ToArray();
                throw new NetworkFormatException(memberPath,
                    $"unknown parameter '{key}' for distribution '{name}' (valid: {JsonFields.List(valid)}){JsonFields.DidYouMean(key, valid)}");
            }
            values[key] = JsonFields.Number(value, memberPath);
        }
        foreach (var p in parameterNames)
            if (!values.ContainsKey(p))
                throw new NetworkFormatException(JsonFields.Child(path, p),
                    $"missing required parameter '{p}' of distribution '{name}' (parameters: {JsonFields.List(parameterNames)})");

        var spec = new DistributionSpec(path, name, values, seed);
        try { _ = spec.Create(); }
        catch (InvalidParameterValueException ex) { throw new NetworkFormatException(path, ex.Message, ex); }
        return spec;
    }

    private static double[] CheckSequence(double[] values, string path, string name)
    {
        if (name != "spike_times") return values;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 0)
                throw new NetworkFormatException(JsonFields.Item(path, i), $"'{name}' must hold times ≥ 0 ms, got {JsonFields.Format(values[i])}");
            if (i > 0 && values[i] < values[i - 1])
                throw new NetworkFormatException(JsonFields.Item(path, i),
                    $"'{name}' must be non-decreasing, got {JsonFields.Format(values[i - 1])} before {JsonFields.Format(values[i])}");
        }
        return values;
    }
}
