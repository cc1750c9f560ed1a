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

        var types = edges.TypeIds.Distinct().ToDictionary(t => t, t => EdgeType(edges, t, synapses));
        var synWeight = edges.Column("syn_weight");
        var nsyns = edges.Column("nsyns");
        var delay = edges.Column("delay");
        if (delay is null && types.Values.Any(t => t.Delay is null))
            warnings.Add($"{where}: no 'delay' for edge types {string.Join(", ", types.Where(kv => kv.Value.Delay is null).Select(kv => kv.Key))} " +
                $"in the edges or {edges.Types.File}; using {defaultDelay} ms (NEST's static_synapse default).");

        var buckets = new Dictionary<(int Pre, int Post, bool Inhibitory), List<ConnectionPair>>();
        for (int e = 0; e < edges.Count; e++)
        {
            int s = edges.Source[e], t = edges.Target[e];
            if ((uint)s >= (uint)pre.Group.Length) throw new SonataException($"{where}: edge {e} has source node {s}, but '{edges.SourcePopulation}' has {pre.Group.Length} nodes.");
            if ((uint)t >= (uint)post.Group.Length) throw new SonataException($"{where}: edge {e} has target node {t}, but '{edges.TargetPopulation}' has {post.Group.Length} nodes.");
            var type = types[edges.TypeIds[e]];
            double w = Pick(synWeight, e, type.SynWeight) ?? throw new SonataException(
                $"{where}: edge {e} has no syn_weight (neither in the edge groups nor in {edges.Types.File} for type {edges.TypeIds[e]}).");
            double n = Pick(nsyns, e, type.Nsyns) ?? 1.0;
            double nestWeight = type.WeightFunction == "wmax" ? w : w * n;
            double d = Pick(delay, e, type.Delay) ?? defaultDelay;
            int gPre = pre.Group[s], gPost = post.Group[t];
            var target = post.Groups[gPost];
            if (target.Virtual) throw new SonataException($"{where}: edge {e} targets the virtual node {t} of '{edges.TargetPopulation}'; virtual nodes only send spikes.");
            var model = NestCatalogue.Get(target.Template, where);
            bool inhibitory = nestWeight < 0;
            bool conductance = target.Population.CellType.Model.ConductanceBased;
            double metaWeight = (conductance ? Math.Abs(nestWeight) : nestWeight) * model.WeightScale;
            var key = (gPre, gPost, inhibitory);
            (buckets.TryGetValue(key, out var list) ? list : buckets[key] = []).Add(new ConnectionPair(pre.Position[s], post.Position[t], metaWeight, d));
        }
        foreach (var ((gPre, gPost, inhibitory), list) in buckets)
        {
            var from = pre.Groups[gPre].Population;
            var to = post.Groups[gPost].Population;
            string receptor = inhibitory ? "inhibitory" : "excitatory";
            _ = new Projection(from, to, new PairsConnector([.. list], where), new StaticSynapse(), receptor, $"{edges.Name}:{from.Label}→{to.Label}:{receptor}");
        }
        return edges.Count;
    }

    private static double? Pick(double[]? column, int e, double? fromType) =>
        column is not null && !double.IsNaN(column[e]) ? column[e] : fromType;

    private sealed record EdgeTypeInfo(double? SynWeight, double? Nsyns, double? Delay, string? WeightFunction);

    private static EdgeTypeInfo EdgeType(SonataEdgePopulation edges, int type, DynamicsParams synapses)
    {
        string where = $"{edges.Types.File}, edge type {type}";
        string template = edges.Types.Get(type, "model_template") ?? "static_synapse";
        string name = template.StartsWith("nest:", StringComparison.Ordinal) ? template[5..] : template;
        if (!NestCatalogue.SynapseModels.Contains(name))
            throw new SonataException($"{where}: unknown synapse model_template '{template}' (known: {string.Join(", ", NestCatalogue.SynapseModels)}; " +
                "tsodyks2_synapse and stdp_synapse are not supported yet).");
        var dynamics = edges.Types.Get(type, "dynamics_params") is { } file ? synapses.Get(file, where) : new Dictionary<string, double>();
        string? function = edges.Types.Get(type, "weight_function");
        if (function is not null && !WeightFunctions.Contains(function))
            throw new SonataException($"{where}: unknown weight_function '{function}' (known: {string.Join(", ", WeightFunctions)}).");
        return new EdgeTypeInfo(
            edges.Types.GetDouble(type, "syn_weight") ?? (dynamics.TryGetValue("weight", out double w) ? w : null),
            edges.Types.GetDouble(type, "nsyns"),
            edges.Types.GetDouble(type, "delay") ?? (dynamics.TryGetValue("delay", out double d) ? d : null),
            function);
    }
}
