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
    /// <param name="Connections">The positions of the part's connections in the projection (connection order); empty when not asked for.</param>
    /// <param name="PreIndices">Per connection, the pre cell within its population.</param>
    /// <param name="PostIndices">Per connection, the post cell within its population.</param>
    private sealed record PopulationPart(int Pre, int Post, string Label, int[] Connections, int[] PreIndices, int[] PostIndices);

    /// <summary>
    /// Splits <paramref name="prj"/> into one part per (pre population, post population) pair, in that order; with
    /// <paramref name="connections"/> false the parts' connection positions are not made (4 bytes a connection).
    /// </summary>
    private IEnumerable<PopulationPart> PopulationParts(Projection prj, bool connections = true)
    {
        var preCells = prj.Pre.Cells.ToArray();
        var postCells = prj.Post.Cells.ToArray();
        var pre = prj.PreArray;
        var post = prj.PostArray;
        // Two passes instead of a LINQ group-by (which holds every connection in growing per-key buffers): number each
        // connection's (pre population, post population) pair and count the pairs, then fill each part in connection order,
        // finding each connection's pair again (consecutive connections mostly share one, so it is looked up on a change only)
        // rather than keeping it per connection.
        var ids = new Dictionary<(int Pre, int Post), int>();
        var counts = new List<int>();
        (int Pre, int Post) last = (-1, -1);
        int lastId = -1;
        for (int k = 0; k < pre.Length; k++)
        {
            var key = (preCells[pre[k]].Population.Index, postCells[post[k]].Population.Index);
            if (key != last)
            {
                if (!ids.TryGetValue(key, out lastId))
                {
                    lastId = ids.Count;
                    ids[key] = lastId;
                    counts.Add(0);
                }
                last = key;
            }
            counts[lastId]++;
        }
        var parts = ids.Select(kv => (kv.Key, Id: kv.Value)).OrderBy(p => p.Key.Pre).ThenBy(p => p.Key.Post).ToArray();
        var positions = new int[ids.Count][];
        var preIndices = new int[ids.Count][];
        var postIndices = new int[ids.Count][];
        for (int id = 0; id < ids.Count; id++)
            (positions[id], preIndices[id], postIndices[id]) = (connections ? new int[counts[id]] : [], new int[counts[id]], new int[counts[id]]);
        var filled = new int[ids.Count];
        last = (-1, -1);
        for (int k = 0; k < pre.Length; k++)
        {
            var key = (preCells[pre[k]].Population.Index, postCells[post[k]].Population.Index);
            if (key != last) (last, lastId) = (key, ids[key]);
            int id = lastId, at = filled[id]++;
            if (connections) positions[id][at] = k;
            preIndices[id][at] = preCells[pre[k]].Index;
            postIndices[id][at] = postCells[post[k]].Index;
        }
        foreach (var (key, id) in parts)
            yield return new PopulationPart(key.Pre, key.Post, $"{prj.Label} [{_populations[key.Pre].Label}→{_populations[key.Post].Label}]",
                positions[id], preIndices[id], postIndices[id]);
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
                    PreIndices = part.PreIndices,
                    PostIndices = part.PostIndices,
                    Kernel = kernel,
                    Values = values,
                };
                yield return (spec, prj, ks);
            }
        }
    }
}
