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
    /// <param name="Connections">The positions of the part's connections in the projection (connection order).</param>
    /// <param name="PreIndices">Per connection, the pre cell within its population.</param>
    /// <param name="PostIndices">Per connection, the post cell within its population.</param>
    private sealed record PopulationPart(int Pre, int Post, string Label, int[] Connections, int[] PreIndices, int[] PostIndices);

    /// <summary>Splits <paramref name="prj"/> into one part per (pre population, post population) pair, in that order.</summary>
    private IEnumerable<PopulationPart> PopulationParts(Projection prj)
    {
        var preCells = prj.Pre.Cells.ToArray();
        var postCells = prj.Post.Cells.ToArray();
        var groups = Enumerable.Range(0, prj.Size)
            .GroupBy(k => (Pre: preCells[prj.PreIndices[k]].Population.Index, Post: postCells[prj.PostIndices[k]].Population.Index))
            .OrderBy(g => g.Key.Pre).ThenBy(g => g.Key.Post);
        foreach (var g in groups)
        {
            var ks = g.ToArray();
            yield return new PopulationPart(g.Key.Pre, g.Key.Post, $"{prj.Label} [{_populations[g.Key.Pre].Label}→{_populations[g.Key.Post].Label}]", ks,
                ks.Select(k => preCells[prj.PreIndices[k]].Index).ToArray(), ks.Select(k => postCells[prj.PostIndices[k]].Index).ToArray());
        }
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
