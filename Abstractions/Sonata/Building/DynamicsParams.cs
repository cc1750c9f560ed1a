using System.Text.Json;
using Meta.Sonata.Config;

namespace Meta.Sonata.Building;

/// <summary>
/// <c>dynamics_params</c> JSON files, looked up in the configured component folders (then the <c>--components</c>
/// folders) and read once each. A missing file is an error naming the file, the folders searched and the manifest
/// variables behind them, and the two ways to point elsewhere.
/// </summary>
internal sealed class DynamicsParams(IReadOnlyList<ConfigPath> folders, string kind)
{
    private readonly Dictionary<string, Dictionary<string, double>> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The numeric values of a file: numbers, booleans as 1 and 0, and arrays of numbers element by element as
    /// <c>NAME[i]</c> (NEST's <c>tau_syn</c>, <c>asc_amps</c>); other values (text, objects) are left out.
    /// </summary>
    public IReadOnlyDictionary<string, double> Get(string fileName, string usedBy)
    {
        if (_cache.TryGetValue(fileName, out var cached)) return cached;
        string? path = Path.IsPathRooted(fileName) && File.Exists(fileName) ? fileName
            : folders.Select(f => Path.Combine(f.Path, fileName)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            string searched = folders.Count == 0 ? $"no {kind} folder is configured (components.{kind} in the circuit config)"
                : "searched " + string.Join("; ", folders.Select(f => f.Variable is null ? $"{f.Path} ({f.Key})"
                    : $"{f.Path} ({f.Key} = '{f.Raw}' in {f.ConfigFile}, {f.Variable} = '{f.VariableValue}'{(f.Exists ? "" : ", which does not exist")})"));
            string variable = folders.FirstOrDefault(f => f.Variable is not null)?.Variable ?? "$COMPONENT_DIR";
            throw new SonataException(
                $"{usedBy}: dynamics_params file '{fileName}' not found; {searched}. " +
                $"Point the components elsewhere with --manifest {variable}=DIR or add a folder with --components DIR.");
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (doc.RootElement.ValueKind == JsonValueKind.Object)
            foreach (var p in doc.RootElement.EnumerateObject())
                Flatten(p.Name, p.Value, values);
        _cache[fileName] = values;
        return values;
    }

    internal static void Flatten(string name, JsonElement value, Dictionary<string, double> values)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number: values[name] = value.GetDouble(); break;
            case JsonValueKind.True: values[name] = 1; break;
            case JsonValueKind.False: values[name] = 0; break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var e in value.EnumerateArray())
                {
                    if (e.ValueKind == JsonValueKind.Number) values[$"{name}[{i}]"] = e.GetDouble();
                    i++;
                }
                break;
        }
    }
}
