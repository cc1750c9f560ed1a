using System.Globalization;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sonata.Nest;
using Meta.Sonata.Reading;

namespace Meta.Sonata.Building;

public static partial class SonataNetworkBuilder
{
    /// <summary>
    /// The weight functions known (<c>weight_function</c> in an edge types table): BMTK PointNet's default,
    /// <c>syn_weight × nsyns</c>, and <c>wmax</c> (BMTK's examples: <c>syn_weight</c>).
    /// </summary>
    public static IReadOnlyList<string> WeightFunctions { get; } = ["default_weight_fnc", "wmax"];

    private static long Connect(Simulation sim, SonataEdgePopulation edges,
        Dictionary<string, (int[] Group, int[] Position, List<SonataCellGroup> Groups)> placement, DynamicsParams synapses,
        double defaultDelay, List<string> warnings)
    {
        string where = $"{edges.File}: /edges/{edges.Name}";
        if (!placement.TryGetValue(edges.SourcePopulation, out var pre))
            throw new SonataException($"{where}: the source population '{edges.SourcePopulation}' is not among the nodes ({string.Join(", ", placement.Keys)}).");
        if (!placement.TryGetValue(edges.TargetPopulation, out var post))
            throw new SonataException($"{where}: the target population '{edges.TargetPopulation}' is not among the nodes ({string.Join(", ", placement.Keys)}).");

        var types = edges.DistinctTypeIds.ToDictionary(t => t, t => EdgeType(edges, t, synapses));
        var synWeight = edges.Column("syn_weight");
        var nsyns = edges.Column("nsyns");
        var delay = edges.Column("delay");
        if (delay is null && types.Values.Any(t => t.Delay is null))
            warnings.Add($"{where}: no 'delay' for edge types {string.Join(", ", types.Where(kv => kv.Value.Delay is null).Select(kv => kv.Key))} " +
                $"in the edges or {edges.Types.File}; using {defaultDelay} ms (NEST's static_synapse default).");

        // Two passes over the edges: count the connections of each (pre group, post group, receptor, synapse variant), then
        // fill exactly sized columns per projection (pre, post, weight, delay), which the projection takes as its own arrays
        // (ColumnsConnector): no list grows, no pairs are kept beside them and no edge column is copied.
        int postGroups = post.Groups.Count;
        var scale = post.Groups.Select(g => g.Virtual ? 0.0 : g.WeightScale).ToArray();
        var fixedWeight = post.Groups.Select(g => g.FixedWeight).ToArray();
        var conductance = post.Groups.Select(g => g.Population.CellType.Model.ConductanceBased).ToArray();
        // Receptors: excitatory and inhibitory by the weight's sign, or the edge type's receptor_type (a Meta receptor name).
        var receptors = new List<string> { "excitatory", "inhibitory" };
        foreach (var t in types.Values)
            if (t.Receptor is { } r && !receptors.Contains(r)) receptors.Add(r);
        var receptorOf = types.ToDictionary(kv => kv.Key, kv => kv.Value.Receptor is { } r ? receptors.IndexOf(r) : -1);
        int nr = receptors.Count;
        var variants = SynapseVariants.Of(types);
        int ns = variants.Count;
        // The edge type of the edge before: edges of one type come in runs, so the tables are looked up once per run.
        int lastTypeId = 0, typeReceptor = -1;
        EdgeTypeInfo? type = null;
        var counts = new int[pre.Groups.Count * postGroups * nr * ns];
        for (int e = 0; e < edges.Count; e++) counts[Bucket(e, out _, out _)]++;
        var preColumns = new int[counts.Length][];
        var postColumns = new int[counts.Length][];
        var weightColumns = new double[counts.Length][];
        var delayColumns = new double[counts.Length][];
        for (int b = 0; b < counts.Length; b++)
        {
            if (counts[b] == 0) continue;
            preColumns[b] = new int[counts[b]];
            postColumns[b] = new int[counts[b]];
            weightColumns[b] = new double[counts[b]];
            delayColumns[b] = new double[counts[b]];
        }
        var fill = new int[counts.Length];
        for (int e = 0; e < edges.Count; e++)
        {
            int b = Bucket(e, out double nestWeight, out double d);
            int g = post.Group[edges.Target[e]];
            bool named = typeReceptor >= 0;
            int k = fill[b]++;
            preColumns[b][k] = pre.Position[edges.Source[e]];
            postColumns[b][k] = post.Position[edges.Target[e]];
            weightColumns[b][k] = fixedWeight[g] ?? MetaWeight(nestWeight, conductance[g] && !named, scale[g]);
            delayColumns[b][k] = d;
        }
        for (int b = 0; b < counts.Length; b++)
        {
            if (counts[b] == 0) continue;
            var from = pre.Groups[b / ns / nr / postGroups].Population;
            int gPost = b / ns / nr % postGroups;
            var to = post.Groups[gPost].Population;
            string receptor = receptors[b / ns % nr];
            var variant = variants[b % ns];
            string label = $"{edges.Name}:{from.Label}→{to.Label}:{receptor}" + (variant.TypeId is { } id ? $":type {id}" : "");
            var synapse = variant.Synapse(v => MetaWeight(v, conductance[gPost] && !variant.NamedReceptor, scale[gPost]));
            var projection = new Projection(from, to, new ColumnsConnector(preColumns[b], postColumns[b], weightColumns[b], delayColumns[b], where),
                synapse, receptor, label);
            foreach (var (state, value) in variant.States) projection.Set(state, value);
            if (variant.Nest.TauMinusFromTarget) projection.SetParameterColumn(NestModel.TauMinus, PerTarget(projection.PostIndices, post.Groups[gPost].TauMinus!));
        }
        return edges.Count;

        int Bucket(int e, out double nestWeight, out double d)
        {
            int s = edges.Source[e], t = edges.Target[e];
            if ((uint)s >= (uint)pre.Group.Length) throw new SonataException($"{where}: edge {e} has source node {s}, but '{edges.SourcePopulation}' has {pre.Group.Length} nodes.");
            if ((uint)t >= (uint)post.Group.Length) throw new SonataException($"{where}: edge {e} has target node {t}, but '{edges.TargetPopulation}' has {post.Group.Length} nodes.");
            int typeId = edges.TypeIds[e];
            if (type is null || typeId != lastTypeId)
            {
                type = types[typeId];
                typeReceptor = receptorOf[typeId];
                lastTypeId = typeId;
            }
            double w = Pick(synWeight, e, type.SynWeight) ?? throw new SonataException(
                $"{where}: edge {e} has no syn_weight (neither in the edge groups nor in {edges.Types.File} for type {typeId}).");
            double n = Pick(nsyns, e, type.Nsyns) ?? 1.0;
            nestWeight = type.WeightFunction == "wmax" ? w : w * n;
            d = Pick(delay, e, type.Delay) ?? defaultDelay;
            int gPost = post.Group[t];
            if (post.Groups[gPost].Virtual) throw new SonataException($"{where}: edge {e} targets the virtual node {t} of '{edges.TargetPopulation}'; virtual nodes only send spikes.");
            int receptor = typeReceptor >= 0 ? typeReceptor : nestWeight < 0 && post.Groups[gPost].FixedWeight is null ? 1 : 0;
            int variant = ns == 1 ? 0 : variants.Index(typeId, post.Groups[gPost], where); // all static: no lookup
            return ((((pre.Group[s] * postGroups) + gPost) * nr + receptor) * ns) + variant;
        }
    }

    /// <summary>
    /// A NEST weight (or a parameter in the weight's unit, <c>Wmax</c>) in Meta's: times the target model's
    /// <paramref name="scale"/> (pA or nS → nA or µS), its absolute value where <paramref name="absolute"/> (onto a
    /// conductance-based cell through the receptor its sign picks; a named receptor keeps the sign).
    /// </summary>
    private static double MetaWeight(double nest, bool absolute, double scale) => (absolute ? Math.Abs(nest) : nest) * scale;

    /// <summary>
    /// One value per connection, in connection order: its target cell's in <paramref name="perTarget"/>, for connections onto
    /// the cells <paramref name="post"/> (the projection's post positions, cells of the target population).
    /// </summary>
    private static double[] PerTarget(IReadOnlyList<int> post, double[] perTarget)
    {
        var values = new double[post.Count];
        for (int k = 0; k < values.Length; k++) values[k] = perTarget[post[k]];
        return values;
    }

    private static double? Pick(double[]? column, int e, double? fromType) =>
        column is not null && !double.IsNaN(column[e]) ? column[e] : fromType;

    /// <summary>What an edge type gives: weight, nsyns, delay, weight function, named receptor, and its synapse model with the values of its <c>dynamics_params</c>.</summary>
    internal sealed record EdgeTypeInfo(double? SynWeight, double? Nsyns, double? Delay, string? WeightFunction, string? Receptor,
        NestSynapse Synapse, Dictionary<string, double> SynapseParameters, Dictionary<string, double> SynapseStates);

    private static EdgeTypeInfo EdgeType(SonataEdgePopulation edges, int type, DynamicsParams synapses)
    {
        string where = $"{edges.Types.File}, edge type {type}";
        var synapse = NestSynapseCatalogue.Get(edges.Types.Get(type, "model_template") ?? "static_synapse", where);
        var dynamics = edges.Types.Get(type, "dynamics_params") is { } file ? synapses.Get(file, where) : new Dictionary<string, double>();
        var (synapseParameters, synapseStates) = synapse.Convert(dynamics, where);
        string? function = edges.Types.Get(type, "weight_function");
        if (function is not null && !WeightFunctions.Contains(function))
            throw new SonataException($"{where}: unknown weight_function '{function}' (known: {string.Join(", ", WeightFunctions)}).");
        return new EdgeTypeInfo(
            edges.Types.GetDouble(type, "syn_weight") ?? (dynamics.TryGetValue("weight", out double w) ? w : null),
            edges.Types.GetDouble(type, "nsyns"),
            edges.Types.GetDouble(type, "delay") ?? (dynamics.TryGetValue("delay", out double d) ? d : null),
            function,
            edges.Types.Get(type, "receptor_type") is { } receptor && !double.TryParse(receptor, CultureInfo.InvariantCulture, out _) ? receptor : null,
            synapse, synapseParameters, synapseStates);
    }
}
