using System.Text.Json;
using Meta.Models;
using Meta.Models.Standard;

namespace Meta.Cli.Networks;

public static partial class NetworkParser
{
    private static readonly string[] SynapseModelKeys = ["description", "parameters", "weight", "states", "decays", "on_pre", "on_post"];
    private static readonly string[] StdpKeys = ["type", "weight", "delay", "dendritic_delay_fraction", "timing_dependence", "weight_dependence"];

    /// <summary>PyNN's standard synapse types with a model, by class name.</summary>
    private static readonly IReadOnlyDictionary<string, SynapseModel> s_standardSynapses = new Dictionary<string, SynapseModel>(StringComparer.Ordinal)
    {
        ["TsodyksMarkramSynapse"] = ShortTermPlasticity.TsodyksMarkram,
        ["SimpleStochasticSynapse"] = ShortTermPlasticity.SimpleStochastic,
        ["StochasticTsodyksMarkramSynapse"] = ShortTermPlasticity.StochasticTsodyksMarkram,
        ["MultiQuantalSynapse"] = ShortTermPlasticity.MultiQuantal,
    };

    /// <summary>STDP timing rules by class name, with their parameters.</summary>
    private static readonly IReadOnlyDictionary<string, string[]> s_timingRules = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["SpikePairRule"] = ["tau_plus", "tau_minus", "A_plus", "A_minus"],
        ["Vogels2011Rule"] = ["tau", "eta", "rho"],
    };

    /// <summary>STDP weight dependences by class name.</summary>
    private static readonly IReadOnlyDictionary<string, WeightDependence> s_weightDependences =
        Enum.GetValues<WeightDependence>().ToDictionary(Stdp.Name, d => d, StringComparer.Ordinal);

    private sealed partial class Reader
    {
        /// <summary>User synapse models of the <c>synapse_models</c> section, by name.</summary>
        private readonly Dictionary<string, SynapseModel> _synapseModels = new(StringComparer.Ordinal);

        /// <summary>
        /// A user synapse model: <c>{"parameters": {"tau": 20, ...}, "weight": "plastic" | "parameter", "states": {"x": 0},
        /// "decays": {"x": "tau"}, "on_pre": ["x += 1", "transmit(weight)"], "on_post": [...]}</c>.
        /// </summary>
        private void SynapseModelSection(string name, JsonElement e, string path)
        {
            if (s_standardSynapses.ContainsKey(name) || name is "StaticSynapse" or "STDPMechanism")
                throw new NetworkFormatException(path, $"'{name}' is a standard synapse type; give your model another name");
            var o = ObjectReader.Open(e, path, $"synapse model '{name}'", SynapseModelKeys);
            var b = new SynapseModelBuilder(name);
            if (o.OptionalString("description") is { } d) b.Describe(d);
            if (o.TryGet("parameters", out var pe, out var pp))
                foreach (var (key, value, vp) in JsonFields.Members(pe, pp, "an object of parameter defaults"))
                    b.Parameter(key, JsonFields.Number(value, vp, "a default value (a number)"), "");
            string weight = o.OptionalString("weight", "\"plastic\" (a learned state) or \"parameter\"") ?? "parameter";
            if (weight == "plastic") b.PlasticWeight();
            else if (weight != "parameter") throw new NetworkFormatException(o.PathOf("weight"), $"expected \"plastic\" or \"parameter\", got '{weight}'");
            if (o.TryGet("states", out var se, out var sp))
                foreach (var (key, value, vp) in JsonFields.Members(se, sp, "an object of initial values"))
                {
                    if (value.ValueKind == JsonValueKind.String) b.State(key, value.GetString()!, "");
                    else b.State(key, JsonFields.Number(value, vp, "an initial value (a number or an expression of parameters)"), "");
                }
            if (o.TryGet("decays", out var de, out var dp))
                foreach (var (key, value, vp) in JsonFields.Members(de, dp, "an object state → time constant"))
                {
                    if (value.ValueKind == JsonValueKind.Number) b.Decay(key, JsonFields.Format(value.GetDouble()));
                    else b.Decay(key, JsonFields.String(value, vp, "a time constant (a parameter name, a number or an expression)"));
                }
            foreach (var (key, add) in new (string, Func<string[], SynapseModelBuilder>)[] { ("on_pre", b.OnPre), ("on_post", b.OnPost) })
                if (o.TryGet(key, out var ce, out var cp))
                    add(JsonFields.Items(ce, cp, "an array of statements").Select(i => JsonFields.String(i.Value, i.Path, "a statement such as \"x += 1\" or \"transmit(weight)\"")).ToArray());
            try { _synapseModels[name] = b.Build(); }
            catch (Exception ex) when (ex is InvalidModelException or Meta.Expressions.ExpressionSyntaxException)
            {
                throw new NetworkFormatException(path, ex.Message);
            }
        }

        /// <summary>The names a projection's synapse may have: the standard ones and the file's own models.</summary>
        private IEnumerable<string> SynapseTypeNames => Vocabulary.SynapseTypes.Concat(_synapseModels.Keys);

        private SynapseSpec Synapse(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object) throw JsonFields.TypeError(path, "a synapse object such as {\"type\": \"StaticSynapse\", \"weight\": 0.1, \"delay\": 1.0}", e);
            string type = e.TryGetProperty("type", out var te) ? JsonFields.String(te, JsonFields.Child(path, "type"), $"a synapse type (valid: {JsonFields.List(SynapseTypeNames)})") : "StaticSynapse";
            if (type == "STDPMechanism") return Stdp(e, path);
            if (CouplingTypes.ByName.TryGetValue(type, out var coupling)) return Coupling(e, path, coupling);
            SynapseModel? model = null;
            if (type != "StaticSynapse" && !s_standardSynapses.TryGetValue(type, out model) && !_synapseModels.TryGetValue(type, out model))
                throw new NetworkFormatException(JsonFields.Child(path, "type"), Vocabulary.Unknown("synapse type", type, SynapseTypeNames));
            var parameterNames = model?.Parameters.Select(p => p.Name).Where(n => n != SynapseModel.WeightName).ToArray() ?? [];
            bool user = model is not null && _synapseModels.ContainsKey(type);
            string[] keys = ["type", "weight", "delay", .. parameterNames, .. (user ? new[] { "dendritic_delay_fraction" } : [])];
            var o = ObjectReader.Open(e, path, type, keys, "a synapse object");
            var (weight, delay) = WeightAndDelay(o);
            var parameters = parameterNames.Where(o.Has).Select(n => { o.TryGet(n, out var ve, out var vp); return new NamedValue(n, ValueParser.SynapseValue(ve, vp)); }).ToArray();
            return new SynapseSpec(path, type, weight, delay) { Model = model, Parameters = parameters, DendriticDelayFraction = DendriticFraction(o) };
        }

        private static (ValueSpec? Weight, ValueSpec? Delay) WeightAndDelay(ObjectReader o) =>
            (o.TryGet("weight", out var we, out var wp) ? ValueParser.SynapseValue(we, wp) : null,
             o.TryGet("delay", out var de, out var dp) ? ValueParser.SynapseValue(de, dp) : null);

        private static double DendriticFraction(ObjectReader o)
        {
            double f = o.OptionalNumber("dendritic_delay_fraction", "a number in [0, 1]") ?? 1.0;
            if (f is < 0 or > 1) throw new NetworkFormatException(o.PathOf("dendritic_delay_fraction"), $"expected a number in [0, 1], got {JsonFields.Format(f)}");
            return f;
        }

        /// <summary>
        /// A coupling type: <c>{"type": "ElectricalSynapse", "weight": 0.005}</c> or <c>{"type": "GradedSynapse", "weight": 0.01,
        /// "E_s": -80, "k_minus": 0.01}</c>, with an optional <c>"variable"</c> (the cell state coupled, default <c>v</c>); no delay.
        /// </summary>
        private static SynapseSpec Coupling(JsonElement e, string path, CouplingModel coupling)
        {
            var parameterNames = coupling.Parameters.Select(p => p.Name).Where(n => n != CouplingModel.WeightName).ToArray();
            var o = ObjectReader.Open(e, path, coupling.Name, ["type", "weight", "variable", .. parameterNames], "a coupling synapse object (no delay: it acts in every step)");
            var weight = o.TryGet("weight", out var we, out var wp) ? ValueParser.SynapseValue(we, wp) : null;
            var parameters = parameterNames.Where(o.Has).Select(n => { o.TryGet(n, out var ve, out var vp); return new NamedValue(n, ValueParser.SynapseValue(ve, vp)); }).ToArray();
            return new SynapseSpec(path, coupling.Name, weight, null) { Coupling = coupling, Parameters = parameters, Variable = o.OptionalString("variable") ?? "v" };
        }

        /// <summary>PyNN's <c>STDPMechanism</c> with its <c>timing_dependence</c> and <c>weight_dependence</c> objects.</summary>
        private static SynapseSpec Stdp(JsonElement e, string path)
        {
            var o = ObjectReader.Open(e, path, "STDPMechanism", StdpKeys);
            var (weight, delay) = WeightAndDelay(o);
            var te = o.Required("timing_dependence", $"an object such as {{\"type\": \"SpikePairRule\", \"tau_plus\": 20}} (types: {JsonFields.List(s_timingRules.Keys)})", out var tp);
            var (timing, timingValues) = Component(te, tp, "timing dependence", s_timingRules);
            var weightRules = s_weightDependences.Keys.ToDictionary(k => k, k => k == "GutigWeightDependence"
                ? new[] { "w_min", "w_max", "mu_plus", "mu_minus" } : new[] { "w_min", "w_max" }, StringComparer.Ordinal);
            var we = o.Required("weight_dependence", $"an object such as {{\"type\": \"AdditiveWeightDependence\", \"w_max\": 0.01}} (types: {JsonFields.List(weightRules.Keys)})", out var wp);
            var (dependence, dependenceValues) = Component(we, wp, "weight dependence", weightRules);
            SynapseModel model;
            try
            {
                model = timing == "Vogels2011Rule" ? Meta.Models.Standard.Stdp.Vogels2011(s_weightDependences[dependence]) : Meta.Models.Standard.Stdp.SpikePair(s_weightDependences[dependence]);
            }
            catch (NoModelAvailableException ex) { throw new NetworkFormatException(JsonFields.Child(wp, "type"), ex.Message); }
            return new SynapseSpec(path, "STDPMechanism", weight, delay)
            {
                Model = model,
                Parameters = [.. timingValues, .. dependenceValues],
                DendriticDelayFraction = DendriticFraction(o),
            };
        }

        private static (string Type, NamedValue[] Values) Component(JsonElement e, string path, string what, IReadOnlyDictionary<string, string[]> types)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var typeElement))
                throw new NetworkFormatException(path, $"expected a {what} object with a \"type\" (valid: {JsonFields.List(types.Keys)})");
            string type = JsonFields.String(typeElement, JsonFields.Child(path, "type"), $"a {what} (valid: {JsonFields.List(types.Keys)})");
            if (!types.TryGetValue(type, out var keys))
                throw new NetworkFormatException(JsonFields.Child(path, "type"), Vocabulary.Unknown(what, type, types.Keys));
            var o = ObjectReader.Open(e, path, type, ["type", .. keys]);
            var values = keys.Where(o.Has).Select(k => new NamedValue(k, new NumberSpec(o.PathOf(k), o.RequiredNumber(k, "a number")))).ToArray();
            return (type, values);
        }
    }
}
