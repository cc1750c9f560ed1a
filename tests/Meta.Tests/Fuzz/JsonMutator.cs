using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meta.Tests.Fuzz;

/// <summary>
/// Turns a valid JSON document into a broken or odd one, deterministically from a seed: values of the wrong type, missing
/// and extra fields, out-of-range numbers, huge arrays, deep nesting, renamed keys, swapped labels, truncated text and
/// wrong encodings. Structural mutations are applied one to three at a time to the parsed tree; textual ones to the text.
/// </summary>
internal static class JsonMutator
{
    /// <summary>Numbers at and past the edges of what a field can hold.</summary>
    private static readonly string[] OddNumbers =
    [
        "0", "-0", "-1", "1", "0.5", "-0.5", "2", "3", "1e308", "-1e308", "1e-308", "5e-324", "1e400", "-1e400", "2147483647",
        "2147483648", "-2147483648", "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "18446744073709551616", "99999999999999999999999999999", "1e9", "1e12", "100000", "1.5e6",
        "0.0001", "1e-12", "123456789.123",
    ];

    /// <summary>Strings that look like numbers, names or nothing.</summary>
    private static readonly string[] OddStrings =
    [
        "", " ", "NaN", "nan", "Infinity", "-Infinity", "inf", "1e308", "-1", "0", "auto", "null", "true", "default", "excitatory",
        "inhibitory", "spikes", "v", "IF_cond_exp", "AllToAllConnector", "StaticSynapse", "uniform", "normal", "d", "d*d/0",
        "exp(-d)", "(((", "i + j", "\u0000", "\uFFFD", "é", "ü\u00e9\u4e2d", new string('x', 10_000), "../../etc/passwd",
        "/dev/zero", "float16", "x-1e308*d",
    ];

    /// <summary>Keys that belong somewhere in the vocabulary, to be added where they may not.</summary>
    private static readonly string[] KnownKeys =
    [
        "label", "size", "cell_type", "parameters", "initial_values", "record", "structure", "positions", "pre", "post", "connector",
        "synapse", "receptor_type", "type", "weight", "delay", "p_connect", "n", "seed", "timestep", "min_delay", "max_delay",
        "duration", "precision", "population", "indices", "slice", "mask", "members", "cells", "variables", "sampling_interval",
        "inject_into", "amplitude", "start", "stop", "times", "amplitudes", "distribution", "low", "high", "mu", "sigma",
        "allow_self_connections", "with_replacement", "conn_list", "file", "array", "tau_m", "v_rest", "spike_times", "rate",
        "neuron", "receptors", "preset", "space", "d_expression", "x", "y", "dx", "dy", "n_connections", "degree", "rewiring",
        "unknown_field", "", "\u00e9t\u00e9",
    ];

    /// <summary>One mutated document: the text, and for encoding mutations the bytes of the file to read instead.</summary>
    public sealed record Mutant(string Text, byte[]? Bytes, string Description);

    public static Mutant Mutate(string original, System.Random rng)
    {
        int roll = rng.Next(100);
        if (roll < 8) return Truncate(original, rng);
        if (roll < 13) return Encoding(original, rng);
        if (roll < 16) return DeepNesting(original, rng);
        if (roll < 20) return TextEdit(original, rng);
        var root = JsonNode.Parse(original, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!;
        var steps = new List<string>();
        if (rng.Next(5) == 0 && root["simulation"] is JsonObject simulation && simulation.Remove("max_delay"))
            steps.Add("remove $.simulation.max_delay"); // so that huge delays reach the builder and the run
        int count = rng.Next(4) switch { 0 => 3, 1 => 2, _ => 1 };
        for (int i = 0; i < count; i++) root = Structural(root, rng, steps);
        return new Mutant(root.ToJsonString(), null, string.Join("; ", steps));
    }

    private static JsonNode Structural(JsonNode root, System.Random rng, List<string> steps)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        // Two times in five an odd number in place of a number: the type stays right, so the value reaches the builder.
        var numbers = nodes.Where(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number).ToList();
        bool numeric = numbers.Count > 0 && rng.Next(5) < 2;
        var target = numeric ? numbers[rng.Next(numbers.Count)] : nodes[rng.Next(nodes.Count)];
        string path = target.GetPath();
        switch (numeric ? 8 : rng.Next(10))
        {
            case 0 or 1:
            {
                var replacement = RandomValue(rng, target);
                steps.Add($"replace {path} with {Short(replacement)}");
                return Replace(root, target, replacement);
            }
            case 2 when target is JsonObject o && o.Count > 0:
            {
                var key = o.ElementAt(rng.Next(o.Count)).Key;
                o.Remove(key);
                steps.Add($"remove {path}.{key}");
                return root;
            }
            case 3 when target is JsonObject o:
            {
                var key = KnownKeys[rng.Next(KnownKeys.Length)];
                if (o.ContainsKey(key)) o.Remove(key);
                var value = RandomValue(rng, null);
                o[key] = value;
                steps.Add($"add {path}.{key} = {Short(value)}");
                return root;
            }
            case 4 when target is JsonArray a && a.Count > 0:
            {
                var item = a[rng.Next(a.Count)];
                // Huge arrays of numbers; arrays of objects (populations, projections) grow less, as each copy is real work.
                int copies = rng.Next(4) switch { 0 => 2, 1 => 50, 2 => 1_000, _ => 20_000 };
                if (item is JsonObject or JsonArray) copies = Math.Min(copies, 20);
                for (int i = 0; i < copies; i++) a.Add(item?.DeepClone());
                steps.Add($"grow {path} by {copies} copies of one item");
                return root;
            }
            case 5 when target is JsonArray a && a.Count > 0:
            {
                a.RemoveAt(rng.Next(a.Count));
                steps.Add($"drop an item of {path}");
                return root;
            }
            case 6 when target is JsonObject o && o.Count > 0:
            {
                var key = o.ElementAt(rng.Next(o.Count)).Key;
                var value = o[key];
                o.Remove(key);
                string renamed = rng.Next(3) switch { 0 => key.ToUpperInvariant(), 1 => key + "_", _ => KnownKeys[rng.Next(KnownKeys.Length)] };
                if (!o.ContainsKey(renamed)) o[renamed] = value;
                steps.Add($"rename {path}.{key} to {renamed}");
                return root;
            }
            case 7:
            {
                // A string or number taken from elsewhere in the document: labels and names in the wrong place.
                var donors = nodes.Where(n => n is JsonValue).ToList();
                if (donors.Count == 0) goto default;
                var donor = donors[rng.Next(donors.Count)].DeepClone();
                steps.Add($"replace {path} with {Short(donor)} from elsewhere");
                return Replace(root, target, donor);
            }
            case 8 when target is JsonValue v && v.GetValueKind() == JsonValueKind.Number:
            {
                string odd = OddNumbers[rng.Next(OddNumbers.Length)];
                var number = JsonNode.Parse(odd)!;
                if (rng.Next(2) == 0)
                {
                    string raw = v.ToJsonString();
                    number = JsonNode.Parse(raw.StartsWith('-') ? raw[1..] : "-" + raw)!; // the same number negated
                }
                steps.Add($"replace number {path} with {Short(number)}");
                return Replace(root, target, number);
            }
            default:
            {
                var number = JsonNode.Parse(OddNumbers[rng.Next(OddNumbers.Length)])!;
                steps.Add($"replace {path} with number {Short(number)}");
                return Replace(root, target, number);
            }
        }
    }

    private static JsonNode RandomValue(System.Random rng, JsonNode? like)
    {
        switch (rng.Next(9))
        {
            case 0: return JsonNode.Parse(OddNumbers[rng.Next(OddNumbers.Length)])!;
            case 1: return JsonValue.Create(OddStrings[rng.Next(OddStrings.Length)]);
            case 2: return JsonValue.Create(rng.Next(2) == 0);
            case 3: return new JsonObject();
            case 4: return new JsonArray();
            case 5: return new JsonArray(JsonNode.Parse(OddNumbers[rng.Next(OddNumbers.Length)]), JsonValue.Create("x"), null);
            case 6: return new JsonObject { ["distribution"] = JsonValue.Create(OddStrings[rng.Next(OddStrings.Length)]) };
            case 7 when like is not null: return new JsonArray(like.DeepClone());
            default: return null!; // JSON null
        }
    }

    private static JsonNode Replace(JsonNode root, JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case null:
                return replacement ?? new JsonObject();
            case JsonObject o:
                var key = o.First(kv => ReferenceEquals(kv.Value, target)).Key;
                o[key] = replacement;
                return root;
            case JsonArray a:
                int index = a.IndexOf(target);
                a[index] = replacement;
                return root;
            default:
                return root;
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is null) return;
        into.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var kv in o) Collect(kv.Value, into);
                break;
            case JsonArray a:
                foreach (var item in a) Collect(item, into);
                break;
        }
    }

    private static Mutant Truncate(string text, System.Random rng)
    {
        int cut = rng.Next(text.Length);
        return new Mutant(text[..cut], null, $"truncate at character {cut} of {text.Length}");
    }

    private static Mutant DeepNesting(string text, System.Random rng)
    {
        int depth = rng.Next(3) switch { 0 => 63, 1 => 65, _ => 5_000 };
        bool arrays = rng.Next(2) == 0;
        var nested = new StringBuilder();
        for (int i = 0; i < depth; i++) nested.Append(arrays ? "[" : "{\"a\":");
        nested.Append('1');
        for (int i = 0; i < depth; i++) nested.Append(arrays ? ']' : '}');
        // Put the nesting where a value is expected: in place of the first value after "parameters" or "size", or the whole file.
        int at = text.IndexOf("\"size\":", StringComparison.Ordinal);
        string mutated = at < 0 || rng.Next(3) == 0
            ? nested.ToString()
            : text[..(at + 7)] + nested + text[(at + 7)..].TrimStart().SkipWhile(c => char.IsDigit(c) || c == '.').Aggregate(new StringBuilder(), (b, c) => b.Append(c));
        return new Mutant(mutated, null, $"nest {depth} {(arrays ? "arrays" : "objects")}");
    }

    private static Mutant TextEdit(string text, System.Random rng)
    {
        int edits = 1 + rng.Next(4);
        var b = new StringBuilder(text);
        for (int i = 0; i < edits && b.Length > 0; i++)
        {
            int at = rng.Next(b.Length);
            switch (rng.Next(4))
            {
                case 0: b.Remove(at, 1); break;
                case 1: b.Insert(at, "{}[],:\"\\\u0000"[rng.Next(9)]); break;
                case 2: b[at] = (char)rng.Next(32, 127); break;
                default: b.Insert(at, b.ToString(rng.Next(b.Length), 1)); break;
            }
        }
        return new Mutant(b.ToString(), null, $"{edits} character edits");
    }

    private static Mutant Encoding(string text, System.Random rng)
    {
        byte[] bytes;
        string what;
        switch (rng.Next(5))
        {
            case 0:
                bytes = System.Text.Encoding.Unicode.GetBytes(text);
                what = "UTF-16LE without BOM";
                break;
            case 1:
                bytes = [.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes(text)];
                what = "UTF-16LE with BOM";
                break;
            case 2:
                bytes = System.Text.Encoding.UTF32.GetBytes(text);
                what = "UTF-32";
                break;
            case 3:
            {
                var utf8 = System.Text.Encoding.UTF8.GetBytes(text).ToList();
                int at = rng.Next(utf8.Count);
                utf8.InsertRange(at, new byte[] { 0xC3, 0x28, 0xFF, 0xFE, 0x80 }.Take(1 + rng.Next(5)));
                bytes = [.. utf8];
                what = $"invalid UTF-8 bytes at byte {at}";
                break;
            }
            default:
                bytes = [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.Latin1.GetBytes(text.Replace("\"label\": \"", "\"label\": \"\u00e9\u00df", StringComparison.Ordinal))];
                what = "Latin-1 with a UTF-8 BOM";
                break;
        }
        return new Mutant(System.Text.Encoding.UTF8.GetString(bytes), bytes, what);
    }

    private static string Short(JsonNode? node)
    {
        string s = node?.ToJsonString() ?? "null";
        return s.Length <= 60 ? s : s[..57] + "...";
    }
}
