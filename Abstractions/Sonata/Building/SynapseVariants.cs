using Meta.Projections;
using Meta.Sonata.Nest;

namespace Meta.Sonata.Building;

/// <summary>
/// One synapse type of the projections an edge population becomes: static (every <c>static_synapse</c> edge type shares
/// it), or one NEST synapse model with one edge type's values (and, for <c>stdp_synapse</c>, one postsynaptic
/// <c>tau_minus</c>).
/// </summary>
/// <param name="TypeId">The edge type, or null for the shared static variant.</param>
/// <param name="Nest">The NEST synapse model.</param>
/// <param name="Parameters">The model's parameters (NEST units; those in the weight's unit are converted per target group).</param>
/// <param name="States">The initial values of the model's states.</param>
/// <param name="NamedReceptor">Whether the edge type names its receptor (then a weight keeps its sign onto conductances).</param>
internal sealed record SynapseVariant(int? TypeId, NestSynapse Nest, Dictionary<string, double> Parameters, Dictionary<string, double> States, bool NamedReceptor)
{
    /// <summary>The Meta synapse type; <paramref name="weightUnit"/> converts a value in NEST's weight unit into Meta's for the target group.</summary>
    public SynapseType Synapse(Func<double, double> weightUnit) => Nest.Model is not { } model
        ? new StaticSynapse()
        : new ModelSynapse(model, Parameters: Parameters.ToDictionary(kv => kv.Key,
            kv => SynapseValue.Scalar(Nest.WeightUnitParameters.Contains(kv.Key) ? weightUnit(kv.Value) : kv.Value)));
}

/// <summary>The synapse variants of one edge population and which one an edge takes.</summary>
internal sealed class SynapseVariants
{
    private readonly List<SynapseVariant> _list = [];
    private readonly Dictionary<int, int> _byType = [];
    private readonly Dictionary<(int Type, double TauMinus), int> _byTypeAndTau = [];
    private readonly Dictionary<int, string> _nameOf = [];

    /// <summary>The number of variants.</summary>
    public int Count => _list.Count;

    /// <summary>Variant <paramref name="i"/>.</summary>
    public SynapseVariant this[int i] => _list[i];

    /// <summary>The variants of <paramref name="types"/> onto <paramref name="postGroups"/>: the static one first.</summary>
    public static SynapseVariants Of(IReadOnlyDictionary<int, SonataNetworkBuilder.EdgeTypeInfo> types, IReadOnlyList<SonataCellGroup> postGroups)
    {
        var v = new SynapseVariants();
        v._list.Add(new SynapseVariant(null, NestSynapseCatalogue.Static, [], [], false));
        double[] taus = [.. postGroups.Where(g => g.TauMinus is not null).SelectMany(g => g.TauMinus!).Distinct().Order()];
        foreach (var (id, type) in types.OrderBy(kv => kv.Key))
        {
            var nest = type.Synapse;
            v._nameOf[id] = nest.Name;
            if (nest.Model is null) { v._byType[id] = 0; continue; }
            if (!nest.TauMinusFromTarget) { v._byType[id] = v.Add(id, type, null); continue; }
            foreach (double tau in taus) v._byTypeAndTau[(id, tau)] = v.Add(id, type, tau);
        }
        return v;
    }

    private int Add(int id, SonataNetworkBuilder.EdgeTypeInfo type, double? tauMinus)
    {
        var parameters = new Dictionary<string, double>(type.SynapseParameters, StringComparer.Ordinal);
        if (tauMinus is { } tau) parameters[NestModel.TauMinus] = tau;
        _list.Add(new SynapseVariant(id, type.Synapse, parameters, type.SynapseStates, type.Receptor is not null));
        return _list.Count - 1;
    }

    /// <summary>The variant of an edge of type <paramref name="type"/> onto cell <paramref name="position"/> of <paramref name="post"/>.</summary>
    public int Index(int type, SonataCellGroup post, int position, string where)
    {
        bool byType = _byType.TryGetValue(type, out int i);
        if (byType && i == 0) return 0;
        if (post.FixedWeight is not null)
            throw new SonataException($"{where}: edge type {type} ({_nameOf[type]}) targets '{post.Population.Label}' ({post.Template}), whose " +
                "connections all have a fixed weight; only static_synapse is supported onto it.");
        return byType ? i : _byTypeAndTau[(type, post.TauMinus![position])];
    }
}
