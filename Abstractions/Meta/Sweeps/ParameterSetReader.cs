using System.Globalization;
using System.Text.Json;

namespace Meta.Sweeps;

/// <summary>
/// Reads parameter sets from CSV or JSON (docs/sweeps.md, "Parameter set files"). CSV: a header of targets (and optionally
/// <c>seed</c>), then one row of numbers per variant; blank lines and lines starting with <c>#</c> are skipped. JSON: an
/// array of objects (<c>[{"E.tau_m": 10, "seed": 3}, ...]</c>), or <c>{"sets": [...]}</c>, or <c>{"grid": {"E.tau_m":
/// [10, 20], ...}}</c> for every combination. Errors name the file, line and column.
/// </summary>
public static class ParameterSetReader
{
    /// <summary>The name of the column or key that gives a variant's seed.</summary>
    public const string SeedColumn = "seed";

    /// <summary>Reads <paramref name="path"/>: JSON when it ends in <c>.json</c>, else CSV.</summary>
    public static IReadOnlyList<ParameterSet> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new SweepFormatException($"{path}: the parameter set file does not exist");
        string text = File.ReadAllText(path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(text, path) : ParseCsv(text, path);
    }

    /// <summary>Parses CSV text; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<ParameterSet> ParseCsv(string text, string source = "parameter sets")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        string[]? header = null;
        var sets = new List<ParameterSet>();
        for (int l = 0; l < lines.Length; l++)
        {
            string line = lines[l].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split(',').Select(f => f.Trim()).ToArray();
            int lineNumber = l + 1;
            if (header is null)
            {
                header = fields;
                for (int c = 0; c < header.Length; c++)
                {
                    if (header[c].Length == 0) throw new SweepFormatException($"{source} line {lineNumber}, column {c + 1}: empty column name");
                    int earlier = Array.IndexOf(header, header[c]);
                    if (earlier < c) throw new SweepFormatException($"{source} line {lineNumber}, column {c + 1}: '{header[c]}' repeats column {earlier + 1}");
                }
                continue;
            }
            if (fields.Length != header.Length)
                throw new SweepFormatException($"{source} line {lineNumber}: {fields.Length} fields, but the header (line {HeaderLine(lines)}) has {header.Length}");
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            ulong? seed = null;
            for (int c = 0; c < fields.Length; c++)
            {
                string where = $"{source} line {lineNumber}, column {c + 1} ({header[c]})";
                if (header[c] == SeedColumn)
                {
                    if (!ulong.TryParse(fields[c], NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                        throw new SweepFormatException($"{where}: '{fields[c]}' is not a seed (a non-negative integer)");
                    seed = s;
                }
                else if (double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) values[header[c]] = v;
                else throw new SweepFormatException($"{where}: '{fields[c]}' is not a number");
            }
            sets.Add(new ParameterSet(values, seed));
        }
        if (header is null) throw new SweepFormatException($"{source}: no header line (the targets, e.g. 'E.tau_m,E.i_offset')");
        if (sets.Count == 0) throw new SweepFormatException($"{source}: a header but no parameter set");
        return sets;
    }

    private static int HeaderLine(string[] lines) =>
        Array.FindIndex(lines, l => l.Trim().Length > 0 && !l.Trim().StartsWith('#')) + 1;

    /// <summary>Parses JSON text; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<ParameterSet> ParseJson(string text, string source = "parameter sets")
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SweepFormatException($"{source} line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}: not valid JSON ({FirstSentence(e.Message)})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array) return Sets(root, source, "");
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("sets", out var sets)) return Sets(sets, source, "sets");
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("grid", out var grid)) return Grid(grid, source);
            throw new SweepFormatException($"{source}: expected an array of parameter sets, {{\"sets\": [...]}} or {{\"grid\": {{...}}}}");
        }
    }

    private static List<ParameterSet> Sets(JsonElement array, string source, string path)
    {
        if (array.ValueKind != JsonValueKind.Array) throw new SweepFormatException($"{source} {path}: expected an array of parameter sets");
        var result = new List<ParameterSet>();
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            string where = $"{source} {path}[{i}]".Replace(" [", " set [", StringComparison.Ordinal);
            if (item.ValueKind != JsonValueKind.Object) throw new SweepFormatException($"{where}: expected an object of target: value");
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            ulong? seed = null;
            foreach (var property in item.EnumerateObject())
            {
                if (property.Name == SeedColumn)
                {
                    if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetUInt64(out var s))
                        throw new SweepFormatException($"{where}.seed: '{property.Value}' is not a seed (a non-negative integer)");
                    seed = s;
                }
                else if (property.Value.ValueKind == JsonValueKind.Number) values[property.Name] = property.Value.GetDouble();
                else throw new SweepFormatException($"{where}.{property.Name}: '{property.Value}' is not a number");
            }
            result.Add(new ParameterSet(values, seed));
            i++;
        }
        if (result.Count == 0) throw new SweepFormatException($"{source}: no parameter set");
        return result;
    }

    private static IReadOnlyList<ParameterSet> Grid(JsonElement grid, string source)
    {
        if (grid.ValueKind != JsonValueKind.Object) throw new SweepFormatException($"{source} grid: expected an object of target: [values]");
        var axes = new List<(string, double[])>();
        foreach (var property in grid.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0
                || property.Value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                throw new SweepFormatException($"{source} grid.{property.Name}: expected a non-empty array of numbers");
            axes.Add((property.Name, property.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray()));
        }
        if (axes.Count == 0) throw new SweepFormatException($"{source} grid: no axis");
        return ParameterGrid.Of([.. axes]);
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }
}
