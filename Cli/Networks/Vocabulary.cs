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

    /// <summary>The standard cell type names, sorted.</summary>
    public static IReadOnlyList<string> CellTypes { get; } = StandardModels.All.Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();
}
