using Meta.Models.Standard;

namespace Meta.Cli.Networks;

/// <summary>The PyNN names the network format accepts, with the keys each takes.</summary>
public static class Vocabulary
{
    /// <summary>Connector class names mapped to their parameter names (besides <c>type</c>).</summary>
    public static IReadOnlyDictionary<string, string[]> Connectors { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["AllToAllConnector"] = ["allow_self_connections"],
        ["OneToOneConnector"] = [],
        ["FixedProbabilityConnector"] = ["p_connect", "allow_self_connections", "seed"],
        ["FixedNumberPreConnector"] = ["n", "allow_self_connections", "with_replacement", "seed"],
        ["FixedNumberPostConnector"] = ["n", "allow_self_connections", "with_replacement", "seed"],
        ["FromListConnector"] = ["conn_list"],
        ["DistanceDependentProbabilityConnector"] = ["d_expression", "allow_self_connections", "seed"],
        ["IndexBasedProbabilityConnector"] = ["index_expression", "allow_self_connections", "seed"],
        ["DisplacementDependentProbabilityConnector"] = ["disp_function", "allow_self_connections", "seed"],
        ["FixedTotalNumberConnector"] = ["n", "allow_self_connections", "with_replacement", "seed"],
        ["FromFileConnector"] = ["file"],
        ["CloneConnector"] = ["reference_projection"],
        ["ArrayConnector"] = ["array"],
        ["SmallWorldConnector"] = ["degree", "rewiring", "allow_self_connections", "n_connections", "seed"],
    };

    /// <summary>Synapse type names.</summary>
    public static IReadOnlyList<string> SynapseTypes { get; } =
        ["StaticSynapse", "TsodyksMarkramSynapse", "SimpleStochasticSynapse", "StochasticTsodyksMarkramSynapse", "MultiQuantalSynapse", "STDPMechanism",
         "ElectricalSynapse", "GradedSynapse"];

    /// <summary>
    /// Current source class names mapped to their parameter names (besides <c>type</c>, <c>inject_into</c> and the
    /// <see cref="CurrentSourceKeys"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> CurrentSources { get; } =
        new Meta.CurrentSources.CurrentSource[] { new Meta.CurrentSources.DCSource(), new Meta.CurrentSources.StepCurrentSource([], []), new Meta.CurrentSources.ACSource(), new Meta.CurrentSources.NoisyCurrentSource() }
            .ToDictionary(s => s.Kind, s => s.ParameterNames.ToArray(), StringComparer.Ordinal);

    /// <summary>Keys every current source takes: <c>label</c> (names its output) and <c>record</c> (records its current).</summary>
    public static IReadOnlyList<string> CurrentSourceKeys { get; } = ["label", "record"];

    /// <summary>PyNN class names that Meta does not provide (yet): named as such in errors instead of "unknown".</summary>
    public static IReadOnlySet<string> PyNNOnly { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "MultiCompartmentNeuron", "LIF", "AdExp",
        "CSAConnector",
    };

    /// <summary>"unknown X 'name' (valid: ...)", or "X 'name' is a PyNN class that Meta does not provide" for PyNN-only names.</summary>
    public static string Unknown(string what, string name, IEnumerable<string> valid)
    {
        var list = valid.ToList();
        return PyNNOnly.Contains(name)
            ? $"{what} '{name}' exists in PyNN but Meta does not provide it (valid: {JsonFields.List(list)})"
            : $"unknown {what} '{name}' (valid: {JsonFields.List(list)}){JsonFields.DidYouMean(name, list)}";
    }

    /// <summary>The standard cell type names, sorted.</summary>
    public static IReadOnlyList<string> CellTypes { get; } = StandardModels.All.Select(m => m.Name).Concat(Meta.Models.Library.ModelLibrary.Names)
        .Append(PointNeuron).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The cell type name of PyNN's composed point neuron (with <c>neuron</c> and <c>receptors</c>).</summary>
    public const string PointNeuron = "PointNeuron";
}
