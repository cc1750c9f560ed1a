using System.Globalization;

namespace Meta.Models.Standard;

/// <summary>
/// The core of a composed point neuron (PyNN 0.10's <c>LIF</c> and <c>AdExp</c>): its membrane parameters, states,
/// threshold and reset, with the synaptic current left to the receptors.
/// </summary>
public sealed class NeuronCore
{
    private readonly Func<string, string, ModelBuilder> _builder;

    private NeuronCore(string name, Func<string, string, ModelBuilder> builder)
    {
        Name = name;
        _builder = builder;
    }

    /// <summary>The core's PyNN name.</summary>
    public string Name { get; }

    /// <summary>A builder for a model named <paramref name="modelName"/> with this core and <paramref name="synapticCurrent"/> (nA) in its membrane equation.</summary>
    internal ModelBuilder Build(string modelName, string synapticCurrent) => _builder(modelName, synapticCurrent);

    /// <summary>
    /// <c>LIF</c>: cm 1 nF, tau_refrac 0.1 ms, v_reset −65 mV, v_rest −65 mV, tau_m 20 ms, i_offset 0 nA, v_thresh −50 mV.
    /// </summary>
    public static NeuronCore LIF { get; } = new("LIF", (name, current) =>
        IntegrateAndFire.Membrane(name, "Composed point neuron with a leaky integrate-and-fire core.", 0, 0, conductance: false, hasSynapticTaus: false)
            .Ode("v", $"(v_rest - v)/tau_m + ({current} + i_offset + i_inj)/cm"));

    /// <summary><c>AdExp</c>: the adaptive exponential core of <c>EIF_cond_exp_isfa_ista</c> without its synapses.</summary>
    public static NeuronCore AdExp { get; } = new("AdExp", (name, current) =>
        AdaptiveExponential.Core(name, "Composed point neuron with an adaptive exponential integrate-and-fire core.", current));

    /// <summary>The cores by PyNN name.</summary>
    public static IReadOnlyDictionary<string, NeuronCore> ByName { get; } =
        new Dictionary<string, NeuronCore>(StringComparer.Ordinal) { ["LIF"] = LIF, ["AdExp"] = AdExp };
}

/// <summary>
/// A post-synaptic response of a composed point neuron (PyNN's <c>receptors.py</c>), with its parameters' defaults.
/// Conductance responses add <c>gsyn·(e_syn − v)</c> to the membrane current, current responses <c>isyn</c>.
/// </summary>
public sealed class PostSynapticResponse
{
    private readonly Dictionary<string, double> _values;

    private PostSynapticResponse(string type, bool conductance, IReadOnlyDictionary<string, double> defaults)
    {
        Type = type;
        Conductance = conductance;
        Defaults = defaults;
        _values = new Dictionary<string, double>(defaults, StringComparer.Ordinal);
    }

    /// <summary>The PyNN class name, e.g. <c>CondAlphaPostSynapticResponse</c>.</summary>
    public string Type { get; }
    /// <summary>Whether the response is a conductance (weights in µS) rather than a current (nA).</summary>
    public bool Conductance { get; }
    /// <summary>The class's parameter defaults.</summary>
    public IReadOnlyDictionary<string, double> Defaults { get; }
    /// <summary>The parameter values of this response (defaults unless set).</summary>
    public IReadOnlyDictionary<string, double> Values => _values;

    /// <summary>Sets a parameter (e.g. <c>tau_syn</c>); unknown names raise <see cref="NonExistentParameterException"/>.</summary>
    public double this[string name]
    {
        get => _values.TryGetValue(name, out var v) ? v : throw new NonExistentParameterException(name, Type, Defaults.Keys);
        set
        {
            if (!Defaults.ContainsKey(name)) throw new NonExistentParameterException(name, Type, Defaults.Keys);
            _values[name] = value;
        }
    }

    /// <summary>Sets a parameter and returns this response (for chaining).</summary>
    public PostSynapticResponse With(string name, double value)
    {
        this[name] = value;
        return this;
    }

    /// <summary>A new response of a PyNN class (or its alias <c>ExpPSR</c>, <c>AlphaPSR</c>, <c>BetaPSR</c>).</summary>
    public static PostSynapticResponse Create(string type) => type switch
    {
        "CurrExpPostSynapticResponse" => new(type, false, new Dictionary<string, double> { ["tau_syn"] = 5.0 }),
        "CondExpPostSynapticResponse" or "ExpPSR" => new("CondExpPostSynapticResponse", true, new Dictionary<string, double> { ["e_syn"] = 0.0, ["tau_syn"] = 5.0 }),
        "CondAlphaPostSynapticResponse" or "AlphaPSR" => new("CondAlphaPostSynapticResponse", true, new Dictionary<string, double> { ["e_syn"] = 0.0, ["tau_syn"] = 5.0 }),
        "CondBetaPostSynapticResponse" or "BetaPSR" => new("CondBetaPostSynapticResponse", true,
            new Dictionary<string, double> { ["e_syn"] = 0.0, ["tau_rise"] = 0.2, ["tau_decay"] = 1.7 }),
        _ => throw new InvalidModelException($"Unknown post-synaptic response '{type}' (known: {string.Join(", ", Types)})."),
    };

    /// <summary>The PyNN class names and aliases accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Types { get; } =
        ["CurrExpPostSynapticResponse", "CondExpPostSynapticResponse", "CondAlphaPostSynapticResponse", "CondBetaPostSynapticResponse", "ExpPSR", "AlphaPSR", "BetaPSR"];

    /// <summary>Adds this response's parameters (namespaced <c>RECEPTOR.name</c>), states and receptor to <paramref name="b"/>.</summary>
    internal void AddTo(ModelBuilder b, string receptor)
    {
        string P(string name) => $"{receptor}.{name}";
        foreach (var (name, value) in _values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            b.Parameter(P(name), value, name == "e_syn" ? "mV" : "ms", Description(name));
        switch (Type)
        {
            case "CurrExpPostSynapticResponse":
                b.State(P("isyn"), 0.0, "nA").Ode(P("isyn"), $"-{P("isyn")}/{P("tau_syn")}").Receptor(receptor, P("isyn"), ReceptorKind.Current);
                break;
            case "CondExpPostSynapticResponse":
                b.State(P("gsyn"), 0.0, "uS").Ode(P("gsyn"), $"-{P("gsyn")}/{P("tau_syn")}").Receptor(receptor, P("gsyn"), ReceptorKind.Conductance);
                break;
            case "CondAlphaPostSynapticResponse":
                // A weight w adds to the auxiliary y; g = alpha function peaking at w at t = tau_syn.
                b.State(P("gsyn"), 0.0, "uS").State(P("ysyn"), 0.0, "uS", recordable: false)
                 .Ode(P("gsyn"), $"(exp(1)*{P("ysyn")} - {P("gsyn")})/{P("tau_syn")}").Ode(P("ysyn"), $"-{P("ysyn")}/{P("tau_syn")}")
                 .Receptor(receptor, P("ysyn"), ReceptorKind.Conductance);
                break;
            default:
                // Difference of exponentials, g = w·f·(exp(−t/tau_decay) − exp(−t/tau_rise)), with f making the peak w:
                // the rise state x (decaying with tau_rise) receives w·f and feeds g at rate (1/tau_rise − 1/tau_decay).
                string rise = P("tau_rise"), decay = P("tau_decay");
                string peak = $"({decay}*{rise}/({decay} - {rise})*log({decay}/{rise}))";
                string normalisation = $"1/(exp(-{peak}/{decay}) - exp(-{peak}/{rise}))";
                b.State(P("gsyn"), 0.0, "uS").State(P("xsyn"), 0.0, "uS", recordable: false)
                 .Ode(P("gsyn"), $"-{P("gsyn")}/{decay} + {P("xsyn")}*(1/{rise} - 1/{decay})").Ode(P("xsyn"), $"-{P("xsyn")}/{rise}")
                 .Receptor(receptor, P("xsyn"), ReceptorKind.Conductance, normalisation);
                break;
        }
    }

    /// <summary>This response's contribution to the membrane current (nA).</summary>
    internal string Current(string receptor) => Conductance ? $"{receptor}.gsyn*({receptor}.e_syn - v)" : $"{receptor}.isyn";

    private static string Description(string name) => name switch
    {
        "e_syn" => "Reversal potential.",
        "tau_syn" => "Time constant.",
        "tau_rise" => "Rise time constant.",
        _ => "Decay time constant.",
    };

    /// <inheritdoc />
    public override string ToString() =>
        $"{Type}({string.Join(", ", _values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value.ToString("R", CultureInfo.InvariantCulture)}"))})";
}

/// <summary>
/// PyNN's composable <c>PointNeuron(core, **receptors)</c>: a <see cref="NeuronCore"/> with named post-synaptic
/// responses. Receptor types are the sorted receptor names; their parameters and states are namespaced
/// (<c>AMPA.tau_syn</c>, <c>AMPA.gsyn</c>). Conductance and current responses cannot be mixed.
/// </summary>
public static class PointNeuron
{
    /// <summary>The model definition of <paramref name="core"/> with <paramref name="receptors"/> (name → response).</summary>
    public static ModelDefinition Create(NeuronCore core, IReadOnlyDictionary<string, PostSynapticResponse> receptors)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(receptors);
        if (receptors.Count == 0) throw new InvalidModelException("PointNeuron needs at least one receptor.");
        var names = receptors.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var n in names)
            if (n.Length == 0 || !char.IsLetter(n[0]) || !n.All(ch => char.IsLetterOrDigit(ch) || ch == '_'))
                throw new InvalidModelException($"PointNeuron: receptor name '{n}' must be an identifier (letters, digits, '_').");
        if (receptors.Values.Select(r => r.Conductance).Distinct().Count() > 1)
            throw new InvalidModelException("PointNeuron: conductance-based and current-based post-synaptic responses cannot be mixed.");
        string current = string.Join(" + ", names.Select(n => receptors[n].Current(n)));
        string modelName = $"PointNeuron({core.Name}, {string.Join(", ", names.Select(n => $"{n}={receptors[n]}"))})";
        var b = core.Build(modelName, current);
        foreach (var n in names) receptors[n].AddTo(b, n);
        return b.Build();
    }

    /// <summary>The model definition of <paramref name="core"/> with receptors given as (name, response) pairs.</summary>
    public static ModelDefinition Create(NeuronCore core, params (string Name, PostSynapticResponse Response)[] receptors) =>
        Create(core, receptors.ToDictionary(r => r.Name, r => r.Response, StringComparer.Ordinal));
}
