using System.Globalization;
using System.Text.Json;

namespace Meta.Sonata.Reading;

/// <summary>
/// SONATA node sets (<c>node_sets.json</c>): a named set is an object of conditions, all of which a node must meet —
/// <c>population</c> (a name or list), <c>node_id</c>/<c>node_ids</c> (a list), or any node property (a value or a list
/// of values, compared as text or number) — or a list of set names (their union). A name that is not a set but a
/// population name selects that whole population.
/// </summary>
public sealed class NodeSets
{
    private readonly Dictionary<string, JsonElement> _sets;
    private readonly string _file;

    private NodeSets(string file, Dictionary<string, JsonElement> sets)
    {
        _file = file;
        _sets = sets;
    }

    /// <summary>No node sets.</summary>
    public static NodeSets Empty { get; } = new("(no node_sets_file)", []);

    /// <summary>Reads a node sets file.</summary>
    public static NodeSets Read(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SonataException($"{file}: node sets must be a JSON object.");
        return new NodeSets(file, doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
    }

    /// <summary>The names of the sets.</summary>
    public IEnumerable<string> Names => _sets.Keys;

    /// <summary>The nodes of a set, per population (node ids in increasing order).</summary>
    /// <exception cref="SonataException">The set is not defined.</exception>
    public IReadOnlyDictionary<string, int[]> Resolve(string name, IReadOnlyList<SonataNodePopulation> populations) =>
        Resolve(name, populations, 0);

    private Dictionary<string, int[]> Resolve(string name, IReadOnlyList<SonataNodePopulation> populations, int depth)
    {
        if (depth > 32) throw new SonataException($"{_file}: the node set '{name}' refers to itself.");
        if (!_sets.TryGetValue(name, out var set))
        {
            if (populations.FirstOrDefault(p => p.Name == name) is { } whole) return new() { [whole.Name] = Enumerable.Range(0, whole.Count).ToArray() };
            if (name == "all") return populations.ToDictionary(p => p.Name, p => Enumerable.Range(0, p.Count).ToArray());
            throw new SonataException($"{_file}: no node set '{name}' (sets: {string.Join(", ", _sets.Keys)}).");
        }
        if (set.ValueKind == JsonValueKind.Array)
        {
            var union = new Dictionary<string, SortedSet<int>>();
            foreach (var member in set.EnumerateArray().Select(e => e.GetString() ?? throw new SonataException($"{_file}: the compound set '{name}' must list set names.")))
                foreach (var (pop, ids) in Resolve(member, populations, depth + 1))
                    (union.TryGetValue(pop, out var s) ? s : union[pop] = []).UnionWith(ids);
            return union.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        }
        var result = new Dictionary<string, int[]>();
        foreach (var pop in populations)
        {
            if (set.TryGetProperty("population", out var p) && !Matches(p, pop.Name)) continue;
            var chosen = new List<int>();
            for (int node = 0; node < pop.Count; node++)
            {
                bool ok = true;
                foreach (var condition in set.EnumerateObject())
                {
                    if (condition.Name == "population") continue;
                    string? value = condition.Name is "node_id" or "node_ids" ? node.ToString(CultureInfo.InvariantCulture) : pop.Property(node, condition.Name);
                    if (value is null || !Matches(condition.Value, value)) { ok = false; break; }
                }
                if (ok) chosen.Add(node);
            }
            if (chosen.Count > 0) result[pop.Name] = [.. chosen];
        }
        return result;
    }

    private static bool Matches(JsonElement wanted, string value) => wanted.ValueKind switch
    {
        JsonValueKind.Array => wanted.EnumerateArray().Any(w => Matches(w, value)),
        JsonValueKind.String => wanted.GetString() == value,
        JsonValueKind.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v == wanted.GetDouble(),
        JsonValueKind.True => value is "True" or "true" or "1",
        JsonValueKind.False => value is "False" or "false" or "0",
        _ => false,
    };
}
