using System.Globalization;
using Meta.Sonata.Config;
using PureHDF;

namespace Meta.Sonata.Reading;

/// <summary>
/// One SONATA node population: its node type ids, group ids and indices, the datasets of its groups (numbers and text,
/// with a group's <c>dynamics_params</c> subgroup kept apart) and its node types table. A node's property is its group's
/// value where the group has the column, else its type's (SONATA's rule).
/// </summary>
public sealed class SonataNodePopulation
{
    private readonly Dictionary<int, Dictionary<string, double[]>> _numbers = [];
    private readonly Dictionary<int, Dictionary<string, string[]>> _texts = [];
    private readonly Dictionary<int, Dictionary<string, double[]>> _dynamics = [];
    private int[] _groupIds = [];
    private int[] _groupIndices = [];

    private SonataNodePopulation(string name, string file, TypeTable types)
    {
        Name = name;
        File = file;
        Types = types;
    }

    /// <summary>The population name.</summary>
    public string Name { get; }
    /// <summary>The nodes file.</summary>
    public string File { get; }
    /// <summary>The node types table.</summary>
    public TypeTable Types { get; }
    /// <summary>The number of nodes.</summary>
    public int Count => NodeTypeIds.Length;
    /// <summary>The node type id of each node.</summary>
    public int[] NodeTypeIds { get; private set; } = [];

    /// <summary>Reads every population of a nodes file.</summary>
    public static IReadOnlyList<SonataNodePopulation> Read(NodeFiles files) =>
        H5Groups.ReadPopulations(files.NodesFile, files.NodeTypesFile, "node_type_id", "nodes", (name, file, types, group) =>
        {
            var p = new SonataNodePopulation(name, file, types);
            p.Load(group);
            return p;
        });

    private void Load(IH5Group g)
    {
        string where = $"{File}: /nodes/{Name}";
        NodeTypeIds = H5Columns.ReadInts(H5Groups.Dataset(g, "node_type_id", File), $"{where}/node_type_id");
        foreach (int t in NodeTypeIds.Distinct())
            if (!Types.Contains(t)) throw new SonataException($"{where}: node_type_id {t} is not in {Types.File}.");
        if (H5Groups.OptionalDataset(g, "node_id") is { } ids)
        {
            var nodeIds = H5Columns.ReadInts(ids, $"{where}/node_id");
            for (int i = 0; i < nodeIds.Length; i++)
                if (nodeIds[i] != i) throw new SonataException($"{where}/node_id: node ids must be 0..{Count - 1} in order (SONATA's implicit ids); found {nodeIds[i]} at {i}.");
        }
        _groupIds = H5Groups.OptionalDataset(g, "node_group_id") is { } gid ? H5Columns.ReadInts(gid, $"{where}/node_group_id") : new int[Count];
        _groupIndices = H5Groups.OptionalDataset(g, "node_group_index") is { } gix ? H5Columns.ReadInts(gix, $"{where}/node_group_index") : Enumerable.Range(0, Count).ToArray();
        foreach (var group in H5Groups.Subgroups(g))
        {
            if (!int.TryParse(H5Groups.ShortName(group), NumberStyles.Integer, CultureInfo.InvariantCulture, out int id)) continue;
            var numbers = _numbers[id] = [];
            var texts = _texts[id] = [];
            foreach (var d in group.Children().OfType<IH5Dataset>())
            {
                string name = H5Groups.ShortName(d);
                if (H5Groups.IsNumeric(d)) numbers[name] = H5Columns.ReadDoubles(d, $"{where}/{id}/{name}");
                else if (H5Groups.IsText(d)) texts[name] = d.Read<string[]>();
            }
            var dyn = _dynamics[id] = [];
            if (H5Groups.OptionalGroup(group, "dynamics_params") is { } dp)
                foreach (var d in dp.Children().OfType<IH5Dataset>().Where(H5Groups.IsNumeric))
                    dyn[H5Groups.ShortName(d)] = H5Columns.ReadDoubles(d, $"{where}/{id}/dynamics_params/{H5Groups.ShortName(d)}");
        }
    }

    /// <summary>A node's property: its group's value, else its type's; null where neither has it.</summary>
    public string? Property(int node, string name)
    {
        int g = _groupIds[node], i = _groupIndices[node];
        if (_numbers.TryGetValue(g, out var n) && n.TryGetValue(name, out var values)) return values[i].ToString("R", CultureInfo.InvariantCulture);
        if (_texts.TryGetValue(g, out var t) && t.TryGetValue(name, out var texts)) return texts[i];
        return Types.Get(NodeTypeIds[node], name);
    }

    /// <summary>The per-node <c>dynamics_params</c> values of a node's group (they override the type's JSON file).</summary>
    public IEnumerable<KeyValuePair<string, double>> GroupDynamics(int node)
    {
        int g = _groupIds[node], i = _groupIndices[node];
        return _dynamics.TryGetValue(g, out var d) ? d.Select(kv => KeyValuePair.Create(kv.Key, kv.Value[i])) : [];
    }
}
