using Meta.Models;
using Meta.Models.Standard;

namespace Meta.Sonata.Nest;

/// <summary>
/// A NEST synapse model as a SONATA edge template (<c>model_template nest:NAME</c> in an edge types table): the Meta synapse
/// model it runs as (null for <c>static_synapse</c>), NEST's parameter names and defaults as <c>dynamics_params</c> give
/// them, and their conversions onto the model's parameters and initial states.
/// </summary>
/// <param name="Name">NEST's name, e.g. <c>tsodyks2_synapse</c>.</param>
/// <param name="Model">The Meta synapse model, or null for a static synapse.</param>
/// <param name="Defaults">NEST's defaults of the parameters and states read (besides <c>weight</c> and <c>delay</c>, which every template takes).</param>
/// <param name="Parameters">The conversions onto the model's parameters.</param>
/// <param name="States">The conversions onto the model's per-synapse states (their initial values).</param>
public sealed record NestSynapse(string Name, SynapseModel? Model, IReadOnlyDictionary<string, double> Defaults,
    IReadOnlyList<NestConversion> Parameters, IReadOnlyList<NestConversion> States)
{
    /// <summary>Meta parameters in the weight's unit (NEST's <c>Wmax</c>): converted like the weight (unit, and sign onto conductances).</summary>
    public IReadOnlyList<string> WeightUnitParameters { get; init; } = [];

    /// <summary>
    /// Whether the model reads <c>tau_minus</c> from the postsynaptic node (NEST's <c>stdp_synapse</c>: the trace of
    /// postsynaptic spikes belongs to the neuron); the node's <c>dynamics_params</c> give it, NEST's default 20 ms otherwise.
    /// </summary>
    public bool TauMinusFromTarget { get; init; }

    /// <summary>
    /// The model's parameters and initial states (NEST units, before the weight's conversion) for an edge type's
    /// <c>dynamics_params</c>; a name the model lacks is an error naming the known ones. A static synapse reads only
    /// <c>weight</c> and <c>delay</c> (the builder's) and ignores the rest, as the reader always has.
    /// </summary>
    public (Dictionary<string, double> Parameters, Dictionary<string, double> States) Convert(IReadOnlyDictionary<string, double> given, string where)
    {
        if (Model is null) return ([], []);
        var p = new Dictionary<string, double>(Defaults, StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (name is "weight" or "delay") continue;
            if (!Defaults.ContainsKey(name))
                throw new SonataException($"{where}: '{name}' is not a parameter of NEST's {Name} (known: {string.Join(", ", Defaults.Keys.Prepend("delay").Prepend("weight"))}).");
            p[name] = value;
        }
        return (Parameters.ToDictionary(c => c.Meta, c => c.Compute(p)), States.ToDictionary(c => c.Meta, c => c.Compute(p)));
    }
}

/// <summary>
/// NEST's synapse models by name (SONATA edge types' <c>model_template</c>): the data of the mapping onto Meta's synapse
/// models; docs/sonata.md lists it.
/// </summary>
public static class NestSynapseCatalogue
{
    private static NestConversion Same(string meta, string nest) => new(meta, nest, p => p[nest]) { Nest = nest };

    /// <summary>NEST's <c>static_synapse</c>: the weight as it is.</summary>
    public static NestSynapse Static { get; } = new("static_synapse", null, new Dictionary<string, double>(), [], []);

    /// <summary>
    /// NEST's <c>tsodyks_synapse</c> onto Meta's <c>TsodyksMarkramSynapse</c>, which integrates the same exact event-driven
    /// model (<c>tau_fac</c> → <c>tau_facil</c>; NEST's state <c>x</c> becomes Meta's <c>z = 1 − x − y</c>). <c>tau_psc</c>
    /// keeps NEST's default 3 ms (NEST does not read the postsynaptic neuron's time constant).
    /// </summary>
    public static NestSynapse Tsodyks { get; } = new("tsodyks_synapse", ShortTermPlasticity.TsodyksMarkram,
        new Dictionary<string, double> { ["U"] = 0.5, ["tau_psc"] = 3.0, ["tau_fac"] = 0.0, ["tau_rec"] = 800.0, ["x"] = 1.0, ["y"] = 0.0, ["u"] = 0.0 },
        [Same("U", "U"), Same("tau_psc", "tau_psc"), Same("tau_facil", "tau_fac"), Same("tau_rec", "tau_rec")],
        [Same("u", "u"), Same("y", "y"), new("z", "1 - x - y", p => 1 - p["x"] - p["y"])]);

    /// <summary>NEST's <c>tsodyks2_synapse</c> onto <see cref="NestSynapseModels.Tsodyks2"/> (NEST's names).</summary>
    public static NestSynapse Tsodyks2 { get; } = new("tsodyks2_synapse", NestSynapseModels.Tsodyks2,
        new Dictionary<string, double> { ["U"] = 0.5, ["u"] = 0.5, ["x"] = 1.0, ["tau_rec"] = 800.0, ["tau_fac"] = 0.0 },
        [Same("U", "U"), Same("tau_rec", "tau_rec"), Same("tau_fac", "tau_fac")],
        [Same("u", "u"), Same("x", "x")]);

    /// <summary>NEST's <c>stdp_synapse</c> (or <c>stdp_synapse_hom</c>, the same rule with shared parameters) onto <see cref="NestSynapseModels.Stdp"/>.</summary>
    public static NestSynapse Stdp(string name) => new(name, NestSynapseModels.Stdp,
        new Dictionary<string, double>
        {
            ["tau_plus"] = 20.0, ["lambda"] = 0.01, ["alpha"] = 1.0, ["mu_plus"] = 1.0, ["mu_minus"] = 1.0, ["Wmax"] = 100.0, ["Kplus"] = 0.0,
        },
        [Same("tau_plus", "tau_plus"), Same("lambda", "lambda"), Same("alpha", "alpha"), Same("mu_plus", "mu_plus"),
            Same("mu_minus", "mu_minus"), Same("Wmax", "Wmax")],
        [Same("Kplus", "Kplus")])
    {
        WeightUnitParameters = ["Wmax"], TauMinusFromTarget = true,
    };

    private static readonly NestSynapse[] All = [Static, Tsodyks, Tsodyks2, Stdp("stdp_synapse"), Stdp("stdp_synapse_hom")];

    private static readonly Dictionary<string, NestSynapse> Models = All.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>
    /// The template that reads back into synapses of <paramref name="model"/> (the first in <see cref="Names"/>' order:
    /// <c>stdp_synapse</c> rather than <c>stdp_synapse_hom</c>), or null where none does.
    /// </summary>
    public static NestSynapse? Of(SynapseModel model) => All.FirstOrDefault(m => m.Model is not null && ReferenceEquals(m.Model, model));

    /// <summary>The synapse templates known, NEST's names.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Models.Keys];

    /// <summary>NEST's default <c>tau_minus</c> (ms) of a neuron whose <c>dynamics_params</c> have none.</summary>
    public const double DefaultTauMinus = 20.0;

    /// <summary>The model of a template (<c>nest:stdp_synapse</c> or <c>stdp_synapse</c>); an unknown one is an error listing the known ones.</summary>
    public static NestSynapse Get(string template, string where)
    {
        string name = template.StartsWith("nest:", StringComparison.Ordinal) ? template[5..] : template;
        return Models.TryGetValue(name, out var m) ? m
            : throw new SonataException($"{where}: unknown synapse model_template '{template}' (known: {string.Join(", ", Names.Select(n => "nest:" + n))}).");
    }
}
