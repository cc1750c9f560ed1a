using Meta.Backends.Programs;
using Meta.Lowering.Couplings;
using Meta.Projections;

namespace Meta;

public sealed partial class Simulation
{
    private (CouplingProgram Spec, Projection Owner, int[] Connections)[] _couplingParts = [];

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
            var model = type.Coupling;
            var kernel = CouplingKernelBuilder.Build(model);
            var preCells = prj.Pre.Cells.ToArray();
            var postCells = prj.Post.Cells.ToArray();
            var groups = Enumerable.Range(0, prj.Size)
                .GroupBy(k => (Pre: preCells[prj.PreIndices[k]].Population.Index, Post: postCells[prj.PostIndices[k]].Population.Index))
                .OrderBy(g => g.Key.Pre).ThenBy(g => g.Key.Post);
            foreach (var g in groups)
            {
                var ks = g.ToArray();
                var values = new Dictionary<string, double[]>
                {
                    [Models.CouplingModel.WeightName] = ks.Select(k => prj.Weights[k]).ToArray(),
                };
                foreach (var (name, column) in prj.SynapseParameters) values[name] = ks.Select(k => column[k]).ToArray();
                foreach (var (name, column) in prj.SynapseStates) values[name] = ks.Select(k => column[k]).ToArray();
                var spec = new CouplingProgram
                {
                    Index = index++,
                    Label = $"{prj.Label} [{_populations[g.Key.Pre].Label}→{_populations[g.Key.Post].Label}]",
                    Type = type.Name,
                    PreGroup = g.Key.Pre,
                    PostGroup = g.Key.Post,
                    PreIndices = ks.Select(k => preCells[prj.PreIndices[k]].Index).ToArray(),
                    PostIndices = ks.Select(k => postCells[prj.PostIndices[k]].Index).ToArray(),
                    Kernel = kernel,
                    Values = values,
                };
                yield return (spec, prj, ks);
            }
        }
    }
}
