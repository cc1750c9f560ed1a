using Meta.Projections;
using Meta.Sonata.Nest;

namespace Meta.Sonata.Building;

/// <summary>
/// One synapse type of the projections an edge population becomes: static (every <c>static_synapse</c> edge type shares
/// it), or one NEST synapse model with one edge type's values. A <c>stdp_synapse</c>'s postsynaptic <c>tau_minus</c> is not
/// part of it: each connection takes its target's (<see cref="SonataCellGroup.TauMinus"/>), so per-node values make no
/// more projections.
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
    private readonly Dictionary<int, string> _nameOf = [];

    /// <summary>The number of variants.</summary>
    public int Count => _list.Count;

    /// <summary>Variant <paramref name="i"/>.</summary>
    public SynapseVariant this[int i] => _list[i];

    /// <summary>The variants of <paramref name="types"/>: the static one first, then one per edge type of another model.</summary>
    public static SynapseVariants Of(IReadOnlyDictionary<int, SonataNetworkBuilder.EdgeTypeInfo> types)
    {
        var v = new SynapseVariants();
        v._list.Add(new SynapseVariant(null, NestSynapseCatalogue.Static, [], [], false));
        foreach (var (id, type) in types.OrderBy(kv => kv.Key))
        {
            var nest = type.Synapse;
            v._nameOf[id] = nest.Name;
            if (nest.Model is null) { v._byType[id] = 0; continue; }
            v._list.Add(new SynapseVariant(id, nest, type.SynapseParameters, type.SynapseStates, type.Receptor is not null));
            v._byType[id] = v._list.Count - 1;
        }
        return v;
    }

    /// <summary>The variant of an edge of type <paramref name="type"/> onto a cell of <paramref name="post"/>.</summary>
    public int Index(int type, SonataCellGroup post, string where)
    {
        int i = _byType[type];
        if (i == 0) return 0;
        if (post.FixedWeight is not null)
            throw new SonataException($"{where}: edge type {type} ({_nameOf[type]}) targets '{post.Population.Label}' ({post.Template}), whose " +
                "connections all have a fixed weight; only static_synapse is supported onto it.");
        return i;
    }
}
