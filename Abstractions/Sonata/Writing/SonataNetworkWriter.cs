using System.Text.Json;
using System.Text.Json.Nodes;
using Meta.Populations;

namespace Meta.Sonata.Writing;

/// <summary>Options for saving a Meta network as SONATA.</summary>
public sealed record SonataExportOptions
{
    /// <summary><c>run.tstop</c> (ms) of the simulation config written beside the circuit.</summary>
    public double Duration { get; init; } = 1000.0;
}

/// <summary>
/// Saves a Meta network (its populations, projections and DC current sources) as SONATA: <c>network/nodes.h5</c>
/// and <c>network/node_types.csv</c>, <c>network/edges.h5</c> and <c>network/edge_types.csv</c>, spike inputs in
/// <c>inputs/</c>, <c>node_sets.json</c>, <c>circuit_config.json</c> and <c>simulation_config.json</c>. Each population is a
/// node population with the template <c>meta:MODEL</c> (Meta's standard or library model) and every cell's parameters and
/// initial values in Meta's names and units in its group's <c>dynamics_params</c>; <c>SpikeSourceArray</c> populations are
/// virtual nodes fed from a spike file. Each (projection, pre population, post population) is an edge population with
/// <c>syn_weight</c> (Meta's units) and <c>delay</c> per edge and the receptor in its edge type's <c>receptor_type</c>; a
/// synapse model with a NEST template (<see cref="SynapseTemplateWriter"/>) is written as it, with its values in
/// <c>synapses/</c> and <c>tau_minus</c> of <c>stdp_synapse</c> on the target nodes.
/// </summary>
public static partial class SonataNetworkWriter
{
    /// <summary>The prefix of the templates written: <c>meta:IF_curr_exp</c>.</summary>
    public const string TemplatePrefix = "meta:";

    /// <summary>Writes <paramref name="sim"/>'s network into <paramref name="folder"/>; returns the simulation config's path.</summary>
    /// <exception cref="SonataException">The network uses something SONATA export does not support (named in the message).</exception>
    public static string Write(Simulation sim, string folder, SonataExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(folder);
        options ??= new SonataExportOptions();
        Directory.CreateDirectory(Path.Combine(folder, "network"));
        Directory.CreateDirectory(Path.Combine(folder, "inputs"));
        var names = UniqueNames(sim);
        var nodeSets = new JsonObject();
        var inputs = new JsonObject();
        WriteNodes(sim, folder, names, nodeSets, inputs);
        WriteEdges(sim, folder, names);
        WriteCurrentSources(sim, names, nodeSets, inputs);
        File.WriteAllText(Path.Combine(folder, "node_sets.json"), nodeSets.ToJsonString(Indented));
        var circuit = new JsonObject
        {
            ["manifest"] = new JsonObject { ["$BASE_DIR"] = ".", ["$NETWORK_DIR"] = "$BASE_DIR/network" },
            ["networks"] = new JsonObject
            {
                ["nodes"] = new JsonArray(new JsonObject { ["nodes_file"] = "$NETWORK_DIR/nodes.h5", ["node_types_file"] = "$NETWORK_DIR/node_types.csv" }),
                ["edges"] = new JsonArray(new JsonObject { ["edges_file"] = "$NETWORK_DIR/edges.h5", ["edge_types_file"] = "$NETWORK_DIR/edge_types.csv" }),
            },
            ["components"] = new JsonObject { ["synaptic_models_dir"] = "$BASE_DIR/synapses" },
        };
        File.WriteAllText(Path.Combine(folder, "circuit_config.json"), circuit.ToJsonString(Indented));
        var simulation = new JsonObject
        {
            ["manifest"] = new JsonObject { ["$BASE_DIR"] = ".", ["$OUTPUT_DIR"] = "$BASE_DIR/output" },
            ["run"] = new JsonObject { ["tstop"] = options.Duration, ["dt"] = sim.Timestep },
            ["network"] = "circuit_config.json",
            ["node_sets_file"] = "node_sets.json",
            ["inputs"] = inputs,
            ["output"] = new JsonObject { ["output_dir"] = "$OUTPUT_DIR", ["spikes_file"] = "spikes.h5", ["spikes_sort_order"] = "time" },
        };
        string config = Path.Combine(folder, "simulation_config.json");
        File.WriteAllText(config, simulation.ToJsonString(Indented));
        return config;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static Dictionary<Population, string> UniqueNames(Simulation sim)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var names = new Dictionary<Population, string>();
        foreach (var p in sim.Populations)
        {
            string baseName = new([.. p.Label.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_')]);
            if (baseName.Length == 0) baseName = "population";
            string name = baseName;
            for (int k = 2; !used.Add(name); k++) name = $"{baseName}_{k}";
            names[p] = name;
        }
        return names;
    }
}
