using System.Globalization;
using System.Text.Json;
using Meta.Cli.Output;

namespace Meta.Cli.Commands.Serve;

/// <summary>
/// One request line of <c>meta serve</c>: <c>{"id": N, "cmd": NAME, ...fields}</c>. Fields are read by name with a clear
/// error naming the command and field; an array field is a JSON number list or <c>{"npy": PATH}</c>, a .npy file that the
/// client wrote.
/// </summary>
internal sealed class ServeRequest(JsonElement root, string? context = null)
{
    /// <summary>The request's id, echoed in the response (null when absent).</summary>
    public JsonElement? Id => root.TryGetProperty("id", out var id) ? id : null;

    /// <summary>The command name (for a nested object, the <paramref name="context"/> that names it in errors).</summary>
    public string Command => context ?? (root.TryGetProperty("cmd", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()!
        : throw new ServeProtocolException("every request needs a \"cmd\" string"));

    /// <summary>Whether the field is present and not null.</summary>
    public bool Has(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>The raw field.</summary>
    public JsonElement Field(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v
        : throw new ServeProtocolException($"'{Command}' needs the field \"{name}\"");

    /// <summary>A string field.</summary>
    public string String(string name) => Field(name) is { ValueKind: JsonValueKind.String } v ? v.GetString()!
        : throw new ServeProtocolException($"'{Command}': \"{name}\" must be a string");

    /// <summary>An optional string field.</summary>
    public string? OptionalString(string name) => Has(name) ? String(name) : null;

    /// <summary>A number field.</summary>
    public double Number(string name) => Number(Field(name), $"'{Command}': \"{name}\"");

    /// <summary>An optional number field.</summary>
    public double? OptionalNumber(string name) => Has(name) ? Number(name) : null;

    /// <summary>An integer field.</summary>
    public int Int(string name)
    {
        double v = Number(name);
        return v == Math.Floor(v) && v is >= int.MinValue and <= int.MaxValue ? (int)v
            : throw new ServeProtocolException($"'{Command}': \"{name}\" must be an integer, got {v.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>An optional boolean field (false when absent).</summary>
    public bool Flag(string name) => Has(name) && Field(name).ValueKind == JsonValueKind.True;

    /// <summary>A list of strings.</summary>
    public string[] Strings(string name) => Field(name) is { ValueKind: JsonValueKind.Array } a
        ? a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ServeProtocolException($"'{Command}': \"{name}\" must hold strings")).ToArray()
        : throw new ServeProtocolException($"'{Command}': \"{name}\" must be a list of strings");

    /// <summary>An array field (JSON numbers or an .npy file).</summary>
    public double[] Array(string name) => ReadArray(Field(name), $"'{Command}': \"{name}\"");

    /// <summary>An optional array field.</summary>
    public double[]? OptionalArray(string name) => Has(name) ? Array(name) : null;

    /// <summary>The members of an object field (empty when absent).</summary>
    public IEnumerable<(string Name, JsonElement Value)> Members(string name)
    {
        if (!Has(name)) yield break;
        var o = Field(name);
        if (o.ValueKind != JsonValueKind.Object) throw new ServeProtocolException($"'{Command}': \"{name}\" must be an object");
        foreach (var p in o.EnumerateObject()) yield return (p.Name, p.Value);
    }

    /// <summary>A number, with <paramref name="what"/> naming it in the error.</summary>
    public static double Number(JsonElement e, string what) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when e.GetString() is "inf" or "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when e.GetString() is "-inf" or "-Infinity" => double.NegativeInfinity,
        JsonValueKind.String when e.GetString() is "nan" or "NaN" => double.NaN,
        _ => throw new ServeProtocolException($"{what} must be a number"),
    };

    /// <summary>Whether <paramref name="e"/> is an array (a list or an .npy reference) rather than a number.</summary>
    public static bool IsArray(JsonElement e) => e.ValueKind == JsonValueKind.Array || (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("npy", out _));

    /// <summary>An array given as a JSON list of numbers or as <c>{"npy": PATH}</c>.</summary>
    public static double[] ReadArray(JsonElement e, string what)
    {
        if (e.ValueKind == JsonValueKind.Array) return e.EnumerateArray().Select(x => Number(x, what + " (each element)")).ToArray();
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("npy", out var p) && p.ValueKind == JsonValueKind.String)
            return NpyReader.ReadDoubles(p.GetString()!);
        throw new ServeProtocolException($"{what} must be a list of numbers or {{\"npy\": PATH}}");
    }
}
