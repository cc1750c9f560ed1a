using Meta.Parameters;
using Meta.Sonata.Nest;
using Meta.Sonata.Reading;

namespace Meta.Sonata.Building;

public static partial class SonataNetworkBuilder
{
    private static List<SonataCellGroup> CreateGroups(Simulation sim, SonataNodePopulation pop, DynamicsParams cells, CellTemplates templates, double[][]? trains,
        List<string> warnings)
    {
        var byTemplate = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int node = 0; node < pop.Count; node++)
        {
            string key = pop.Property(node, "model_type") == "virtual" ? "virtual"
                : pop.Property(node, "model_template") ?? throw new SonataException(
                    $"{pop.File}: node {node} of '{pop.Name}' (type {pop.NodeTypeIds[node]}) has no model_template (and is not model_type virtual); see {pop.Types.File}.");
            (byTemplate.TryGetValue(key, out var list) ? list : byTemplate[key] = []).Add(node);
        }
        var groups = new List<SonataCellGroup>();
        foreach (var (template, list) in byTemplate)
        {
            int[] ids = [.. list];
            string label = byTemplate.Count == 1 ? pop.Name : $"{pop.Name}:{template}";
            if (template == "virtual")
            {
                var spikes = ids.Select(id => trains?[id] ?? []).ToArray();
                var source = new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.PerCell(spikes));
                groups.Add(new SonataCellGroup(pop.Name, sim.CreatePopulation(ids.Length, source, label), ids, template, Virtual: true));
                continue;
            }
            var model = templates.Get(template, $"{pop.Types.File} (population '{pop.Name}')");
            var converted = new Dictionary<int, (NestValues Values, double TauMinus)>();
            var values = new NestValues[ids.Length];
            var tauMinus = new double[ids.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                int node = ids[i], type = pop.NodeTypeIds[node];
                var own = pop.GroupDynamics(node).ToList();
                if (own.Count == 0 && converted.TryGetValue(type, out var cached)) (values[i], tauMinus[i]) = cached;
                else
                {
                    string where = $"{pop.Types.File}, node type {type}";
                    var fromFile = pop.Property(node, "dynamics_params") is { } file ? cells.Get(file, where) : new Dictionary<string, double>();
                    values[i] = model.Convert(fromFile.Concat(own), where, own.Count == 0 ? warnings : null);
                    tauMinus[i] = TauMinusOf(fromFile.Concat(own));
                    if (own.Count == 0) converted[type] = (values[i], tauMinus[i]);
                }
            }
            // One Meta population per definition (GLIF's level may differ between node types of one template).
            var byModel = Enumerable.Range(0, ids.Length).GroupBy(i => values[i].Model).ToList();
            foreach (var part in byModel)
            {
                int[] members = [.. part];
                var parameters = new Dictionary<string, double[]>();
                var initial = new Dictionary<string, double[]>();
                for (int k = 0; k < members.Length; k++)
                {
                    Fill(parameters, values[members[k]].Parameters, k, members.Length);
                    Fill(initial, values[members[k]].Initial, k, members.Length);
                }
                var cellType = new CellType(part.Key);
                foreach (var (name, column) in parameters) cellType = cellType.With(name, Value(column));
                string partLabel = byModel.Count == 1 ? label : $"{label}:{part.Key.Name}";
                var population = sim.CreatePopulation(members.Length, cellType, partLabel);
                foreach (var (name, column) in initial) population.Initialize(name, Value(column));
                groups.Add(new SonataCellGroup(pop.Name, population, [.. members.Select(k => ids[k])], template, Virtual: false)
                {
                    WeightScale = model.WeightScale, FixedWeight = model.FixedWeight, TauMinus = [.. members.Select(k => tauMinus[k])],
                });
            }
        }
        return groups;
    }

    /// <summary>A node's <c>tau_minus</c> (the last value given wins: the node's own over its type's), else NEST's default.</summary>
    private static double TauMinusOf(IEnumerable<KeyValuePair<string, double>> values) =>
        values.LastOrDefault(kv => kv.Key == NestModel.TauMinus) is { Key: not null } kv ? kv.Value : NestSynapseCatalogue.DefaultTauMinus;

    private static void Fill(Dictionary<string, double[]> columns, Dictionary<string, double> values, int i, int n)
    {
        foreach (var (name, v) in values) (columns.TryGetValue(name, out var c) ? c : columns[name] = new double[n])[i] = v;
    }

    private static ParameterValue Value(double[] column) =>
        column.All(v => v.Equals(column[0])) ? ParameterValue.Scalar(column[0]) : ParameterValue.Array(column);
}
