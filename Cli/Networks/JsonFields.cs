using System.Globalization;
using System.Text.Json;

namespace Meta.Cli.Networks;

/// <summary>JSON paths (<c>populations[0].parameters.tau_m</c>) and typed reads that fail with a path-named error.</summary>
internal static class JsonFields
{
    /// <summary>Keys allowed in every object: free text that is ignored.</summary>
    public static readonly string[] FreeTextKeys = ["description", "comment"];

    public static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static string Item(string path, int index) => $"{path}[{index}]";

    /// <summary>A short description of a JSON value for "got ..." messages.</summary>
    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(e.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {Truncate(e.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"{e.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => $"an array of {e.GetArrayLength()} values",
        JsonValueKind.Object => "an object",
        _ => e.ValueKind.ToString(),
    };

    public static NetworkFormatException TypeError(string path, string expected, JsonElement got) =>
        new(path, $"expected {expected}, got {Describe(got)}");

    public static double Number(JsonElement e, string path, string expected = "a number")
    {
        if (e.ValueKind != JsonValueKind.Number) throw TypeError(path, expected, e);
        double v = e.GetDouble();
        if (!double.IsFinite(v)) throw new NetworkFormatException(path, $"expected {expected}, got a number out of range");
        return v;
    }

    public static int Integer(JsonElement e, string path, string expected = "an integer")
    {
        if (e.ValueKind != JsonValueKind.Number) throw TypeError(path, expected, e);
        if (e.TryGetInt32(out int i)) return i;
        if (e.TryGetDouble(out double d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue) return (int)d;
        throw TypeError(path, expected, e);
    }

    public static ulong UnsignedInteger(JsonElement e, string path, string expected = "a non-negative integer")
    {
        if (e.ValueKind != JsonValueKind.Number) throw TypeError(path, expected, e);
        if (e.TryGetUInt64(out ulong u)) return u;
        if (e.TryGetDouble(out double d) && d == Math.Floor(d) && d >= 0 && d < 1.8e19) return (ulong)d;
        throw TypeError(path, expected, e);
    }

    public static string String(JsonElement e, string path, string expected = "a string")
    {
        if (e.ValueKind != JsonValueKind.String) throw TypeError(path, expected, e);
        return e.GetString()!;
    }

    public static bool Bool(JsonElement e, string path)
    {
        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw TypeError(path, "true or false", e);
        return e.GetBoolean();
    }

    /// <summary>The items of an array, with their paths.</summary>
    public static IEnumerable<(JsonElement Value, string Path)> Items(JsonElement e, string path, string expected = "an array")
    {
        if (e.ValueKind != JsonValueKind.Array) throw TypeError(path, expected, e);
        int i = 0;
        foreach (var item in e.EnumerateArray()) yield return (item, Item(path, i++));
    }

    public static double[] NumberArray(JsonElement e, string path, string expected = "an array of numbers") =>
        Items(e, path, expected).Select(x => Number(x.Value, x.Path)).ToArray();

    /// <summary>A string, or an array of strings, as a list of (value, path).</summary>
    public static List<(string Value, string Path)> StringOrStrings(JsonElement e, string path, string expected)
    {
        if (e.ValueKind == JsonValueKind.String) return [(e.GetString()!, path)];
        if (e.ValueKind != JsonValueKind.Array) throw TypeError(path, expected, e);
        return Items(e, path).Select(x => (String(x.Value, x.Path), x.Path)).ToList();
    }

    /// <summary>
    /// The members of an object in order, with their paths; duplicate keys are an error. Free-text keys
    /// (<see cref="FreeTextKeys"/>) are skipped.
    /// </summary>
    public static List<(string Key, JsonElement Value, string Path)> Members(JsonElement e, string path, string expected = "an object")
    {
        if (e.ValueKind != JsonValueKind.Object) throw TypeError(path, expected, e);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<(string, JsonElement, string)>();
        foreach (var p in e.EnumerateObject())
        {
            string childPath = Child(path, p.Name);
            if (!seen.Add(p.Name)) throw new NetworkFormatException(childPath, $"duplicate key '{p.Name}'");
            if (FreeTextKeys.Contains(p.Name)) continue;
            list.Add((p.Name, p.Value, childPath));
        }
        return list;
    }

    /// <summary>"a, b, c" or "(none)".</summary>
    public static string List(IEnumerable<string> names)
    {
        var s = string.Join(", ", names);
        return s.Length == 0 ? "(none)" : s;
    }

    /// <summary>The closest of <paramref name="candidates"/> to a misspelt <paramref name="name"/>, if one is close.</summary>
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            int d = Distance(name.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }
        return best is not null && bestDistance <= Math.Max(1, Math.Min(name.Length, best.Length) / 3) ? best : null;
    }

    /// <summary>"; did you mean 'x'?" or "".</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) =>
        Suggest(name, candidates) is { } s ? $"; did you mean '{s}'?" : "";

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..37] + "...";

    /// <summary>Edit distance counting insertions, deletions, substitutions and swaps of neighbours as one edit each.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}

/// <summary>
/// Reads one JSON object whose allowed keys are known: unknown keys are an error naming the valid ones,
/// <c>description</c> and <c>comment</c> are always allowed, duplicate keys are an error.
/// </summary>
internal sealed class ObjectReader
{
    private readonly Dictionary<string, (JsonElement Value, string Path)> _members = new(StringComparer.Ordinal);

    private ObjectReader(string path) => Path = path;

    /// <summary>The object's JSON path.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens <paramref name="e"/> as an object allowing <paramref name="allowed"/> keys. <paramref name="what"/> names the
    /// object in the unknown-key message (e.g. <c>a population</c>, <c>FixedProbabilityConnector</c>).
    /// </summary>
    public static ObjectReader Open(JsonElement e, string path, string what, IReadOnlyCollection<string> allowed, string expected = "an object")
    {
        var o = new ObjectReader(path);
        foreach (var (key, value, childPath) in JsonFields.Members(e, path, expected))
        {
            if (!allowed.Contains(key))
                throw new NetworkFormatException(childPath,
                    $"unknown key '{key}' in {what} (valid keys: {JsonFields.List(allowed)}){JsonFields.DidYouMean(key, allowed)}");
            o._members[key] = (value, childPath);
        }
        return o;
    }

    public string PathOf(string key) => JsonFields.Child(Path, key);

    public bool Has(string key) => _members.TryGetValue(key, out var m) && m.Value.ValueKind != JsonValueKind.Null;

    /// <summary>The value of an optional key (absent or null gives false).</summary>
    public bool TryGet(string key, out JsonElement value, out string path)
    {
        path = PathOf(key);
        if (_members.TryGetValue(key, out var m) && m.Value.ValueKind != JsonValueKind.Null)
        {
            value = m.Value;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>The value of a required key; <paramref name="expected"/> says what is valid in the missing-field error.</summary>
    public JsonElement Required(string key, string expected, out string path)
    {
        if (!TryGet(key, out var value, out path))
            throw new NetworkFormatException(path, $"missing required field '{key}' ({expected})");
        return value;
    }

    public string RequiredString(string key, string expected)
    {
        var e = Required(key, expected, out var path);
        return JsonFields.String(e, path, expected);
    }

    public string? OptionalString(string key, string expected = "a string") =>
        TryGet(key, out var e, out var path) ? JsonFields.String(e, path, expected) : null;

    public double RequiredNumber(string key, string expected)
    {
        var e = Required(key, expected, out var path);
        return JsonFields.Number(e, path, expected);
    }

    public double? OptionalNumber(string key, string expected = "a number") =>
        TryGet(key, out var e, out var path) ? JsonFields.Number(e, path, expected) : null;

    public bool OptionalBool(string key, bool defaultValue) =>
        TryGet(key, out var e, out var path) ? JsonFields.Bool(e, path) : defaultValue;

    public ulong? OptionalUnsigned(string key, string expected = "a non-negative integer") =>
        TryGet(key, out var e, out var path) ? JsonFields.UnsignedInteger(e, path, expected) : null;
}
