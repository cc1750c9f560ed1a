using System.Text.Json;
using System.Text.RegularExpressions;

namespace Meta.Sonata.Config;

/// <summary>
/// The manifest of one SONATA config file: <c>$NAME</c> (or <c>${NAME}</c>) variables whose values may use each other
/// and, where relative, are relative to the config file's folder. <c>$BASE_DIR</c> and <c>${configdir}</c> default to that
/// folder. Overrides (<c>--manifest $NAME=DIR</c>) replace a variable in every config file; a relative override is
/// relative to the working folder.
/// </summary>
public sealed partial class Manifest
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Reads the <c>manifest</c> object of a config (absent: an empty manifest).</summary>
    public Manifest(string configFile, JsonElement root, IReadOnlyDictionary<string, string>? overrides)
    {
        ConfigFile = configFile;
        Folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(configFile))!;
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("manifest", out var m) && m.ValueKind == JsonValueKind.Object)
            foreach (var p in m.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) raw[Normalize(p.Name)] = p.Value.GetString()!;
        raw.TryAdd("$BASE_DIR", ".");
        raw.TryAdd("$configdir", ".");
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
            _values[Normalize(name)] = System.IO.Path.GetFullPath(value);
        foreach (var name in raw.Keys) Resolve(name, raw, 0);
    }

    /// <summary>The config file.</summary>
    public string ConfigFile { get; }

    /// <summary>The config file's folder, which relative paths are relative to.</summary>
    public string Folder { get; }

    /// <summary>The resolved value of a variable (with its <c>$</c>), or null.</summary>
    public string? this[string name] => _values.GetValueOrDefault(Normalize(name));

    /// <summary>Expands the variables in a config value and makes it an absolute path.</summary>
    public ConfigPath Path(string raw, string key)
    {
        string? variable = VariablePattern().Match(raw) is { Success: true } first ? Normalize(first.Value) : null;
        string expanded = Expand(raw, _values, key);
        string full = System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(expanded) ? expanded : System.IO.Path.Combine(Folder, expanded));
        return new ConfigPath(full, raw, key, ConfigFile, variable, variable is null ? null : _values.GetValueOrDefault(variable));
    }

    private string Resolve(string name, Dictionary<string, string> raw, int depth)
    {
        if (_values.TryGetValue(name, out var done)) return done;
        if (depth > 32) throw new SonataException($"{ConfigFile}: the manifest variable {name} refers to itself.");
        string text = raw[name];
        foreach (Match match in VariablePattern().Matches(text))
        {
            string other = Normalize(match.Value);
            if (raw.ContainsKey(other)) Resolve(other, raw, depth + 1);
        }
        string expanded = Expand(text, _values, $"manifest {name}");
        string full = System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(expanded) ? expanded : System.IO.Path.Combine(Folder, expanded));
        _values[name] = full;
        return full;
    }

    private string Expand(string text, Dictionary<string, string> values, string key) =>
        VariablePattern().Replace(text, match =>
            values.TryGetValue(Normalize(match.Value), out var v) ? v
            : throw new SonataException(
                $"{ConfigFile}: {key} uses {Normalize(match.Value)}, which the manifest does not define " +
                $"(defined: {string.Join(", ", values.Keys)}); define it with --manifest {Normalize(match.Value)}=DIR"));

    private static string Normalize(string name)
    {
        string n = name.StartsWith("${", StringComparison.Ordinal) && name.EndsWith('}') ? "$" + name[2..^1] : name;
        return n.StartsWith('$') ? n : "$" + n;
    }

    [GeneratedRegex(@"\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex VariablePattern();
}
