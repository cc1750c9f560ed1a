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
    };

    /// <summary>Synapse type names.</summary>
    public static IReadOnlyList<string> SynapseTypes { get; } = ["StaticSynapse"];

    /// <summary>Current source class names mapped to their parameter names (besides <c>type</c> and <c>inject_into</c>).</summary>
    public static IReadOnlyDictionary<string, string[]> CurrentSources { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["DCSource"] = ["amplitude", "start", "stop"],
        ["StepCurrentSource"] = ["times", "amplitudes"],
    };

    /// <summary>PyNN class names that Meta does not provide (yet): named as such in errors instead of "unknown".</summary>
    public static IReadOnlySet<string> PyNNOnly { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "LIF", "AdExp", "PointNeuron", "SpikeSourcePoissonRefractory", "SpikeSourceGamma",
        "SpikeSourceInhGamma",
        "DistanceDependentProbabilityConnector", "IndexBasedProbabilityConnector", "DisplacementDependentProbabilityConnector",
        "FromFileConnector", "FixedTotalNumberConnector", "SmallWorldConnector", "CSAConnector", "CloneConnector", "ArrayConnector",
        "ElectricalSynapse", "TsodyksMarkramSynapse", "SimpleStochasticSynapse", "StochasticTsodyksMarkramSynapse",
        "MultiQuantalSynapse", "STDPMechanism",
        "ACSource", "NoisyCurrentSource",
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
    public static IReadOnlyList<string> CellTypes { get; } = StandardModels.All.Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();
}
