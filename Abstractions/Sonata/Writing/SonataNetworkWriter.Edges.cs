using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Meta.CurrentSources;
using Meta.Populations;
using PureHDF;

namespace Meta.Sonata.Writing;

public static partial class SonataNetworkWriter
{
    private const int FirstEdgeType = 100;

    /// <summary>One edge population per (projection, pre population, post population), with the receptor in its edge type.</summary>
    private static void WriteEdges(Simulation sim, string folder, Dictionary<Population, string> names)
    {
        var edges = new H5Group();
        var types = new StringBuilder("edge_type_id model_template receptor_type dynamics_params\n");
        Directory.CreateDirectory(Path.Combine(folder, "synapses"));
        var used = new HashSet<string>(StringComparer.Ordinal);
        int type = FirstEdgeType;
        foreach (var prj in sim.Projections)
        {
            var preCells = prj.Pre.Cells.ToArray();
            var postCells = prj.Post.Cells.ToArray();
            var parts = Enumerable.Range(0, prj.Size).GroupBy(c => (Pre: preCells[prj.PreIndices[c]].Population, Post: postCells[prj.PostIndices[c]].Population));
            var columns = new Dictionary<string, double[]>(StringComparer.Ordinal); // read once per projection, not per part
            foreach (var part in parts)
            {
                int[] c = [.. part];
                string baseName = $"{names[part.Key.Pre]}_to_{names[part.Key.Post]}";
                string name = baseName;
                for (int k = 2; !used.Add(name); k++) name = $"{baseName}_{k}";
                var (template, dynamics) = SynapseTemplateWriter.Of(prj, c, columns);
                string dynamicsFile = "NONE";
                if (dynamics is not null)
                {
                    dynamicsFile = $"edge_type_{type}.json";
                    var json = new JsonObject();
                    foreach (var (key, value) in dynamics) json[key] = value;
                    File.WriteAllText(Path.Combine(folder, "synapses", dynamicsFile), json.ToJsonString());
                }
                types.Append(CultureInfo.InvariantCulture, $"{type} {template} {prj.ReceptorType} {dynamicsFile}\n");
                var source = new H5Dataset(c.Select(i => (ulong)preCells[prj.PreIndices[i]].Index).ToArray());
                source.Attributes["node_population"] = names[part.Key.Pre];
                var target = new H5Dataset(c.Select(i => (ulong)postCells[prj.PostIndices[i]].Index).ToArray());
                target.Attributes["node_population"] = names[part.Key.Post];
                edges[name] = new H5Group
                {
                    ["source_node_id"] = source,
                    ["target_node_id"] = target,
                    ["edge_type_id"] = Enumerable.Repeat(type, c.Length).ToArray(),
                    ["edge_group_id"] = new int[c.Length],
                    ["edge_group_index"] = Enumerable.Range(0, c.Length).ToArray(),
                    ["0"] = new H5Group
                    {
                        ["syn_weight"] = c.Select(i => prj.Weights[i]).ToArray(),
                        ["delay"] = c.Select(i => prj.Delays[i]).ToArray(),
                    },
                };
                type++;
            }
        }
        new H5File { ["edges"] = edges }.Write(Path.Combine(folder, "network", "edges.h5"));
        File.WriteAllText(Path.Combine(folder, "network", "edge_types.csv"), types.ToString());
    }

    /// <summary>DC sources as <c>current_clamp</c> inputs (amp in pA, as SONATA's readers take it) on a node set of their cells.</summary>
    private static void WriteCurrentSources(Simulation sim, Dictionary<Population, string> names, JsonObject nodeSets, JsonObject inputs)
    {
        int k = 0;
        foreach (var source in sim.CurrentSources)
        {
            if (source is not DCSource dc)
                throw new SonataException($"current source {source.Label ?? source.Kind}: SONATA export writes DCSource only (as current_clamp), not {source.Kind}.");
            foreach (var byPopulation in source.Targets.GroupBy(t => t.Population))
            {
                string set = $"current_clamp_{k++}";
                nodeSets[set] = new JsonObject
                {
                    ["population"] = names[byPopulation.Key],
                    ["node_id"] = new JsonArray([.. byPopulation.Select(t => (JsonNode)t.Index)]),
                };
                double stop = double.IsFinite(dc.Stop) ? dc.Stop : 1e9;
                inputs[set] = new JsonObject
                {
                    ["input_type"] = "current_clamp", ["module"] = "IClamp", ["node_set"] = set,
                    ["amp"] = dc.Amplitude * 1000, ["delay"] = dc.Start, ["duration"] = stop - dc.Start,
                };
            }
        }
    }
}
