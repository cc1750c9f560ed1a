using Meta.Backends.Programs;
using Meta.Lowering.Couplings;
using Meta.Projections;

namespace Meta;

public sealed partial class Simulation
{
    private (CouplingProgram Spec, Projection Owner, int[] Connections)[] _couplingParts = [];

    /// <summary>
    /// One part of a projection: its connections between one pre and one post population.
    /// </summary>
    /// <param name="Pre">The pre population's index.</param>
    /// <param name="Post">The post population's index.</param>
    /// <param name="Label">The projection's label with the two populations'.</param>
    /// <param name="Connections">The positions of the part's connections in the projection (in the part's order); empty when not asked for.</param>
    /// <param name="PreIndices">Per connection, the pre cell within its population; null for a part in row order (see <paramref name="RowStarts"/>).</param>
    /// <param name="PostIndices">Per connection, the post cell within its population.</param>
    /// <param name="RowStarts">For a part in row order, pre cell i's connections are positions RowStarts[i] .. RowStarts[i + 1]; else null.</param>
    private sealed record PopulationPart(int Pre, int Post, string Label, int[] Connections, int[]? PreIndices, int[] PostIndices, int[]? RowStarts);

    /// <summary>
    /// Splits <paramref name="prj"/> into one part per (pre population, post population) pair, in that order; with
    /// <paramref name="connections"/> false the parts' connection positions are not made (4 bytes a connection). Each part's
    /// connections are in connection order, or with <paramref name="rowOrder"/> in row order: sorted by pre cell, connection
    /// order within a pre cell (a stable counting sort, placed as they are split), given as row starts and post cells without
    /// a pre cell per connection (4 bytes a connection fewer, and a backend's table by pre cell can take them as they are).
    /// </summary>
    private IEnumerable<PopulationPart> PopulationParts(Projection prj, bool connections = true, bool rowOrder = false)
    {
        var preCells = prj.Pre.Cells.ToArray();
        var postCells = prj.Post.Cells.ToArray();
        var pre = prj.PreArray;
        var post = prj.PostArray;
        // Two passes instead of a LINQ group-by (which holds every connection in growing per-key buffers): number each
        // connection's (pre population, post population) pair and count the pairs (in row order, per pre cell too), then fill
        // each part, finding each connection's pair again (consecutive connections mostly share one, so it is looked up on a
        // change only) rather than keeping it per connection.
        var ids = new Dictionary<(int Pre, int Post), int>();
        var counts = new List<int>();
        var rows = new List<int[]>();
        (int Pre, int Post) last = (-1, -1);
        int lastId = -1;
        for (int k = 0; k < pre.Length; k++)
        {
            var preCell = preCells[pre[k]];
            var key = (preCell.Population.Index, postCells[post[k]].Population.Index);
            if (key != last)
            {
                if (!ids.TryGetValue(key, out lastId))
                {
                    lastId = ids.Count;
                    ids[key] = lastId;
                    counts.Add(0);
                    if (rowOrder) rows.Add(new int[_populations[key.Item1].Size + 1]);
                }
                last = key;
            }
            counts[lastId]++;
            if (rowOrder) rows[lastId][preCell.Index + 1]++;
        }
        var parts = ids.Select(kv => (kv.Key, Id: kv.Value)).OrderBy(p => p.Key.Pre).ThenBy(p => p.Key.Post).ToArray();
        var positions = new int[ids.Count][];
        var preIndices = new int[ids.Count][];
        var postIndices = new int[ids.Count][];
        // In row order, the next position of each pre cell's connections (the row starts stay as they are).
        var cursor = new int[ids.Count][];
        for (int id = 0; id < ids.Count; id++)
        {
            (positions[id], preIndices[id], postIndices[id]) = (connections ? new int[counts[id]] : [], rowOrder ? [] : new int[counts[id]], new int[counts[id]]);
            if (!rowOrder) continue;
            var start = rows[id];
            for (int i = 0; i + 1 < start.Length; i++) start[i + 1] += start[i];
            cursor[id] = start[..^1];
        }
        var filled = new int[ids.Count];
        last = (-1, -1);
        for (int k = 0; k < pre.Length; k++)
        {
            var preCell = preCells[pre[k]];
            var postCell = postCells[post[k]];
            var key = (preCell.Population.Index, postCell.Population.Index);
            if (key != last) (last, lastId) = (key, ids[key]);
            int id = lastId, at = rowOrder ? cursor[id][preCell.Index]++ : filled[id]++;
            if (connections) positions[id][at] = k;
            if (!rowOrder) preIndices[id][at] = preCell.Index;
            postIndices[id][at] = postCell.Index;
        }
        foreach (var (key, id) in parts)
            yield return new PopulationPart(key.Pre, key.Post, $"{prj.Label} [{_populations[key.Pre].Label}→{_populations[key.Post].Label}]",
                positions[id], rowOrder ? null : preIndices[id], postIndices[id], rowOrder ? rows[id] : null);
    }

    /// <summary>
    /// Splits each projection of a coupling type into one coupling per (pre population, post population) pair, lowered into
    /// its kernel with its per-connection values, with the projection it came from and the positions of its connections.
    /// </summary>
    private IEnumerable<(CouplingProgram Spec, Projection Owner, int[] Connections)> CouplingParts()
    {
        int index = 0;
        foreach (var prj in _projections)
        {
            if (prj.Coupling is not { } type) continue;
            var kernel = CouplingKernelBuilder.Build(type.Coupling);
            foreach (var part in PopulationParts(prj))
            {
                var ks = part.Connections;
                var values = new Dictionary<string, double[]>
                {
                    [Models.CouplingModel.WeightName] = ks.Select(k => prj.Weights[k]).ToArray(),
                };
                foreach (var (name, column) in prj.SynapseParameters) values[name] = ks.Select(k => column[k]).ToArray();
                foreach (var (name, column) in prj.SynapseStates) values[name] = ks.Select(k => column[k]).ToArray();
                var spec = new CouplingProgram
                {
                    Index = index++,
                    Label = part.Label,
                    Type = type.Name,
                    PreGroup = part.Pre,
                    PostGroup = part.Post,
                    PreIndices = part.PreIndices!,
                    PostIndices = part.PostIndices,
                    Kernel = kernel,
                    Values = values,
                };
                yield return (spec, prj, ks);
            }
        }
    }
}
