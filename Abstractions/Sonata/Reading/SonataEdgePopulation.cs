using System.Globalization;
using Meta.Sonata.Config;
using PureHDF;

namespace Meta.Sonata.Reading;

/// <summary>
/// One SONATA edge population: source and target node ids (with the populations their <c>node_population</c>
/// attributes name), edge type ids, and the per-edge columns <c>syn_weight</c>, <c>nsyns</c> and <c>delay</c> gathered
/// from the edge groups through <c>edge_group_id</c>/<c>edge_group_index</c> (NaN where an edge's group lacks the column;
/// the column is null where no group has it). Columns are read in chunks straight into their final arrays.
/// </summary>
public sealed class SonataEdgePopulation
{
    /// <summary>The per-edge columns read from the groups.</summary>
    public static readonly IReadOnlyList<string> EdgeColumns = ["syn_weight", "nsyns", "delay"];

    private readonly Dictionary<string, double[]> _columns = [];

    private SonataEdgePopulation(string name, string file, TypeTable types)
    {
        Name = name;
        File = file;
        Types = types;
    }

    /// <summary>The population name.</summary>
    public string Name { get; }
    /// <summary>The edges file.</summary>
    public string File { get; }
    /// <summary>The edge types table.</summary>
    public TypeTable Types { get; }
    /// <summary>The node population of the sources.</summary>
    public string SourcePopulation { get; private set; } = "";
    /// <summary>The node population of the targets.</summary>
    public string TargetPopulation { get; private set; } = "";
    /// <summary>The source node id of each edge.</summary>
    public int[] Source { get; private set; } = [];
    /// <summary>The target node id of each edge.</summary>
    public int[] Target { get; private set; } = [];
    /// <summary>The edge type id of each edge.</summary>
    public int[] TypeIds { get; private set; } = [];
    /// <summary>The edge type ids that occur, in order of first occurrence.</summary>
    public IReadOnlyList<int> DistinctTypeIds { get; private set; } = [];
    /// <summary>The number of edges.</summary>
    public int Count => Source.Length;

    /// <summary>A per-edge column (<c>syn_weight</c>, <c>nsyns</c>, <c>delay</c>) from the groups, or null where no group has it.</summary>
    public double[]? Column(string name) => _columns.GetValueOrDefault(name);

    /// <summary>Reads every population of an edges file.</summary>
    public static IReadOnlyList<SonataEdgePopulation> Read(EdgeFiles files) =>
        H5Groups.ReadPopulations(files.EdgesFile, files.EdgeTypesFile, "edge_type_id", "edges", (name, file, types, group) =>
        {
            var p = new SonataEdgePopulation(name, file, types);
            p.Load(group);
            return p;
        });

    private void Load(IH5Group g)
    {
        string where = $"{File}: /edges/{Name}";
        var source = H5Groups.Dataset(g, "source_node_id", File);
        var target = H5Groups.Dataset(g, "target_node_id", File);
        SourcePopulation = H5Groups.TextAttribute(source, "node_population")
            ?? throw new SonataException($"{where}/source_node_id has no 'node_population' attribute.");
        TargetPopulation = H5Groups.TextAttribute(target, "node_population")
            ?? throw new SonataException($"{where}/target_node_id has no 'node_population' attribute.");
        Source = H5Columns.ReadInts(source, $"{where}/source_node_id");
        Target = H5Columns.ReadInts(target, $"{where}/target_node_id");
        TypeIds = H5Columns.ReadInts(H5Groups.Dataset(g, "edge_type_id", File), $"{where}/edge_type_id");
        if (Target.Length != Count || TypeIds.Length != Count)
            throw new SonataException($"{where}: source_node_id, target_node_id and edge_type_id differ in length ({Count}, {Target.Length}, {TypeIds.Length}).");
        DistinctTypeIds = Distinct(TypeIds);
        foreach (int t in DistinctTypeIds)
            if (!Types.Contains(t)) throw new SonataException($"{where}: edge_type_id {t} is not in {Types.File}.");

        var groups = H5Groups.Subgroups(g)
            .Select(x => (Group: x, Ok: int.TryParse(H5Groups.ShortName(x), NumberStyles.Integer, CultureInfo.InvariantCulture, out int id), Id: id))
            .Where(x => x.Ok).ToList();
        if (groups.Count == 0) return;
        int[]? groupIds = null, groupIndices = null;
        foreach (string column in EdgeColumns)
        {
            var present = groups.Where(x => H5Groups.OptionalDataset(x.Group, column) is { } d && H5Groups.IsNumeric(d)).ToList();
            if (present.Count == 0) continue;
            groupIds ??= H5Groups.OptionalDataset(g, "edge_group_id") is { } gi ? H5Columns.ReadInts(gi, $"{where}/edge_group_id") : new int[Count];
            groupIndices ??= H5Groups.OptionalDataset(g, "edge_group_index") is { } gx ? H5Columns.ReadInts(gx, $"{where}/edge_group_index") : Enumerable.Range(0, Count).ToArray();
            _columns[column] = Gather(column, present.Select(x => (x.Id, H5Groups.OptionalDataset(x.Group, column)!)).ToList(), groupIds, groupIndices, where);
        }
    }

    private double[] Gather(string column, List<(int Id, IH5Dataset Data)> groups, int[] groupIds, int[] groupIndices, string where)
    {
        if (groupIds.Length != Count || groupIndices.Length != Count)
            throw new SonataException($"{where}: edge_group_id has {groupIds.Length} and edge_group_index {groupIndices.Length} values for {Count} edges.");
        if (groups.Count == 1 && IsIdentity(groups[0].Id, groupIds, groupIndices))
        {
            var direct = H5Columns.ReadDoubles(groups[0].Data, $"{where}/{groups[0].Id}/{column}");
            if (direct.Length != Count) throw new SonataException($"{where}/{groups[0].Id}/{column}: {direct.Length} values for {Count} edges.");
            return direct;
        }
        var values = new Dictionary<int, double[]>();
        foreach (var (id, data) in groups) values[id] = H5Columns.ReadDoubles(data, $"{where}/{id}/{column}");
        var result = new double[Count];
        for (int e = 0; e < result.Length; e++)
        {
            if (!values.TryGetValue(groupIds[e], out var v)) { result[e] = double.NaN; continue; }
            if ((uint)groupIndices[e] >= (uint)v.Length)
                throw new SonataException($"{where}/edge_group_index: edge {e} has index {groupIndices[e]}, outside group {groupIds[e]}'s {v.Length} rows of '{column}'.");
            result[e] = v[groupIndices[e]];
        }
        return result;
    }

    /// <summary>The distinct values of <paramref name="ids"/> in order of first occurrence; runs of one value cost one comparison each.</summary>
    private static List<int> Distinct(int[] ids)
    {
        var seen = new HashSet<int>();
        var result = new List<int>();
        int last = 0;
        for (int e = 0; e < ids.Length; e++)
        {
            int t = ids[e];
            if ((e > 0 && t == last) || !seen.Add(t)) { last = t; continue; }
            result.Add(t);
            last = t;
        }
        return result;
    }

    private bool IsIdentity(int id, int[] groupIds, int[] groupIndices)
    {
        for (int e = 0; e < Count; e++)
            if (groupIds[e] != id || groupIndices[e] != e) return false;
        return true;
    }
}
