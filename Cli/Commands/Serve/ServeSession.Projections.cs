using System.Text.Json;
using System.Text.Json.Nodes;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Cli.Commands.Serve;

internal sealed partial class ServeSession
{
    /// <summary>PyNN's synapse types that have a model of their own, by class name.</summary>
    private static readonly Dictionary<string, SynapseModel> s_synapseModels = new(StringComparer.Ordinal)
    {
        ["TsodyksMarkramSynapse"] = ShortTermPlasticity.TsodyksMarkram,
        ["SimpleStochasticSynapse"] = ShortTermPlasticity.SimpleStochastic,
        ["StochasticTsodyksMarkramSynapse"] = ShortTermPlasticity.StochasticTsodyksMarkram,
        ["MultiQuantalSynapse"] = ShortTermPlasticity.MultiQuantal,
    };

    /// <summary>STDP timing rules by class name.</summary>
    private static readonly Dictionary<string, Func<WeightDependence, SynapseModel>> s_timingRules = new(StringComparer.Ordinal)
    {
        ["SpikePairRule"] = Stdp.SpikePair,
        ["Vogels2011Rule"] = Stdp.Vogels2011,
    };

    private readonly List<Projection> _projections = [];

    /// <summary>
    /// <c>connect</c>: explicit connections drawn by the client, <c>{pre: [PART...], post: [PART...], pre_indices, post_indices,
    /// weight, delay, synapse: {type, parameters?, timing_dependence?, weight_dependence?, dendritic_delay_fraction?},
    /// receptor_type?, label?}</c>. A PART is <c>{population, indices?}</c> (indices sorted); the connection indices are
    /// positions in the concatenation of the parts.
    /// </summary>
    private JsonObject Connect(ServeRequest r)
    {
        var pre = Collection(r.Field("pre"), "pre");
        var post = Collection(r.Field("post"), "post");
        var i = r.Array("pre_indices");
        var j = r.Array("post_indices");
        var weight = r.Array("weight");
        var delay = r.Array("delay");
        if (j.Length != i.Length || weight.Length != i.Length || delay.Length != i.Length)
            throw new InvalidDimensionsException($"'connect': pre_indices, post_indices, weight and delay must have one value per connection ({i.Length}, {j.Length}, {weight.Length}, {delay.Length}).");
        var connector = new FromListConnector(i.Select((p, k) => (Pre: (int)p, Post: (int)j[k])));
        int[] preCells = i.Select(x => (int)x).ToArray(), postCells = j.Select(x => (int)x).ToArray();
        SynapseValue Listed(double[] values) => InConnectionOrder(values, preCells, postCells);
        var synapse = Synapse(r.Field("synapse"), Listed(weight), Listed(delay), i.Length, Listed);
        var projection = new Projection(pre, post, connector, synapse, r.OptionalString("receptor_type"), r.OptionalString("label"));
        _projections.Add(projection);
        return new JsonObject
        {
            ["projection"] = _projections.Count - 1,
            ["size"] = projection.Size,
            ["receptor_type"] = projection.ReceptorType,
            ["attributes"] = Strings(projection.AttributeNames),
        };
    }

    private CellCollection Collection(JsonElement parts, string what)
    {
        if (parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() == 0)
            throw new ServeProtocolException($"'connect': \"{what}\" must be a non-empty list of {{population, indices?}}");
        var members = new List<CellCollection>();
        foreach (var part in parts.EnumerateArray())
        {
            int index = (int)ServeRequest.Number(part.GetProperty("population"), $"'connect': \"{what}\" population");
            if (index < 0 || index >= Sim.Populations.Count) throw new ServeProtocolException($"'connect': no population {index}");
            var population = Sim.Populations[index];
            var indices = part.TryGetProperty("indices", out var ix) && ix.ValueKind != JsonValueKind.Null ? ServeRequest.ReadArray(ix, $"{what} indices") : null;
            members.Add(indices is null ? population : population[indices.Select(x => (int)x).ToArray()]);
        }
        return members.Count == 1 ? members[0] : new Assembly(members);
    }

    /// <summary>The synapse type of a <c>connect</c> request, every per-connection value as a list.</summary>
    private static SynapseType Synapse(JsonElement e, SynapseValue weight, SynapseValue delay, int count, Func<double[], SynapseValue> listed)
    {
        var s = new ServeRequest(e, "connect: synapse");
        string type = s.String("type");
        if (type == StaticSynapse.TypeName) return new StaticSynapse(weight, delay);
        // A gap junction couples the cells every step: no delay and no receptor (the delays PyNN's connector drew are not used).
        if (type == CouplingTypes.ElectricalSynapse.Name) return new ElectricalSynapse(weight);
        var parameters = new Dictionary<string, SynapseValue>(StringComparer.Ordinal);
        void Add(ServeRequest from, string field)
        {
            foreach (var (name, value) in from.Members(field))
                parameters[name] = ServeRequest.IsArray(value) ? listed(CheckLength(ServeRequest.ReadArray(value, name), count, name))
                    : SynapseValue.Scalar(ServeRequest.Number(value, $"synapse parameter '{name}'"));
        }
        Add(s, "parameters");
        if (s_synapseModels.TryGetValue(type, out var model)) return new ModelSynapse(model, weight, delay, parameters);
        if (type != "STDPMechanism")
            throw new NoModelAvailableException($"Synapse type '{type}' is not available in Meta (valid: StaticSynapse, {string.Join(", ", s_synapseModels.Keys)}, STDPMechanism, ElectricalSynapse).");
        var timing = new ServeRequest(s.Field("timing_dependence"), "connect: timing_dependence");
        var dependence = new ServeRequest(s.Field("weight_dependence"), "connect: weight_dependence");
        string timingName = timing.String("type"), dependenceName = dependence.String("type");
        if (!s_timingRules.TryGetValue(timingName, out var rule))
            throw new NoModelAvailableException($"Timing dependence '{timingName}' is not available in Meta (valid: {string.Join(", ", s_timingRules.Keys)}).");
        var kind = Enum.GetValues<WeightDependence>().Where(d => Stdp.Name(d) == dependenceName).Select(d => (WeightDependence?)d).FirstOrDefault()
            ?? throw new NoModelAvailableException($"Weight dependence '{dependenceName}' is not available in Meta (valid: {string.Join(", ", Enum.GetValues<WeightDependence>().Select(Stdp.Name))}).");
        Add(timing, "parameters");
        Add(dependence, "parameters");
        double fraction = s.OptionalNumber("dendritic_delay_fraction") ?? 1.0;
        if (fraction is not (>= 0 and <= 1))
            throw new InvalidParameterValueException($"dendritic_delay_fraction must be in [0, 1], got {fraction}.");
        return new ModelSynapse(rule(kind), weight, delay, parameters, fraction);
    }

    /// <summary>
    /// A list value that gives connection k the value <paramref name="values"/>[k]: <see cref="SynapseValue.List"/> takes its
    /// values in PyNN's list order (sorted by pre, then post), so the values are put in that order first.
    /// </summary>
    private static SynapseValue InConnectionOrder(double[] values, IReadOnlyList<int> pre, IReadOnlyList<int> post)
    {
        var order = SynapseValue.ListOrder(pre, post);
        return SynapseValue.List(order.Select(k => values[k]).ToArray());
    }

    private Projection ProjectionOf(ServeRequest r)
    {
        int index = r.Int("projection");
        return index >= 0 && index < _projections.Count ? _projections[index]
            : throw new ServeProtocolException($"'{r.Command}': no projection {index} (there are {_projections.Count})");
    }

    /// <summary><c>projection_get</c>: <c>{projection, names: [...]}</c>, one array per name in connection order.</summary>
    private JsonObject ProjectionGet(ServeRequest r)
    {
        var projection = ProjectionOf(r);
        var values = new JsonObject();
        foreach (var name in r.Strings("names")) values[name] = Npy(projection.Get(name));
        return new JsonObject { ["values"] = values };
    }

    /// <summary><c>projection_set</c>: <c>{projection, values: {NAME: number|array}}</c>, arrays in connection order.</summary>
    private JsonObject ProjectionSet(ServeRequest r)
    {
        var projection = ProjectionOf(r);
        foreach (var (name, value) in r.Members("values"))
            projection.Set(name, ServeRequest.IsArray(value)
                ? InConnectionOrder(CheckLength(ServeRequest.ReadArray(value, name), projection.Size, name), projection.PreIndices, projection.PostIndices)
                : SynapseValue.Scalar(ServeRequest.Number(value, name)));
        return [];
    }
}
