using System.Globalization;
using System.Text.Json;

namespace Meta.Sonata.Config;

/// <summary>Options for reading a SONATA config.</summary>
public sealed record SonataReadOptions
{
    /// <summary>Manifest variables to replace in every config file (<c>$COMPONENT_DIR</c> → a folder).</summary>
    public IReadOnlyDictionary<string, string> ManifestOverrides { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra folders searched for <c>dynamics_params</c> files after the configured component folders.</summary>
    public IReadOnlyList<string> ComponentFolders { get; init; } = [];
}

/// <summary>
/// A SONATA configuration, merged from the file given (a <c>config.json</c> naming <c>network</c> and <c>simulation</c>,
/// a <c>simulation_config.json</c> with <c>run</c>, or a <c>circuit_config.json</c> with <c>networks</c>) and the
/// files it names, with every path resolved through its file's manifest.
/// </summary>
public sealed class SonataConfig
{
    /// <summary>The file given.</summary>
    public required string File { get; init; }
    /// <summary>The node files, in config order.</summary>
    public required IReadOnlyList<NodeFiles> Nodes { get; init; }
    /// <summary>The enabled edge files, in config order.</summary>
    public required IReadOnlyList<EdgeFiles> Edges { get; init; }
    /// <summary>Folders searched for cell <c>dynamics_params</c> (<c>components.point_neuron_models_dir</c>, then the extra folders).</summary>
    public required IReadOnlyList<ConfigPath> CellModelFolders { get; init; }
    /// <summary>Folders searched for synapse <c>dynamics_params</c> (<c>components.synaptic_models_dir</c>, then the extra folders).</summary>
    public required IReadOnlyList<ConfigPath> SynapseModelFolders { get; init; }
    /// <summary><c>run.tstop</c> (ms), or null.</summary>
    public double? TStop { get; init; }
    /// <summary><c>run.dt</c> (ms), or null.</summary>
    public double? Dt { get; init; }
    /// <summary><c>node_sets_file</c>, or null.</summary>
    public ConfigPath? NodeSetsFile { get; init; }
    /// <summary>The inputs, in config order.</summary>
    public required IReadOnlyList<SonataInput> Inputs { get; init; }
    /// <summary><c>output.output_dir</c>, or null.</summary>
    public ConfigPath? OutputDir { get; init; }
    /// <summary><c>output.spikes_file</c> (default <c>spikes.h5</c>).</summary>
    public string SpikesFile { get; init; } = "spikes.h5";
    /// <summary><c>output.spikes_sort_order</c>: <c>time</c>, <c>id</c> or null (none).</summary>
    public string? SpikesSortOrder { get; init; }
    /// <summary>The reports.</summary>
    public required IReadOnlyList<SonataReport> Reports { get; init; }

    /// <summary>Whether a JSON file is a SONATA config (has <c>manifest</c>, <c>networks</c>, <c>run</c>, or <c>network</c> with <c>simulation</c>).</summary>
    public static bool IsSonataConfig(string file)
    {
        if (!file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !System.IO.File.Exists(file)) return false;
        try
        {
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(file), Options);
            var r = doc.RootElement;
            return r.ValueKind == JsonValueKind.Object &&
                (r.TryGetProperty("manifest", out _) || r.TryGetProperty("networks", out _) || r.TryGetProperty("run", out _)
                 || (r.TryGetProperty("network", out _) && r.TryGetProperty("simulation", out _)));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a config and the files it names.</summary>
    /// <exception cref="SonataException">A file is missing or a value is malformed.</exception>
    public static SonataConfig Load(string file, SonataReadOptions? options = null)
    {
        try
        {
            return LoadChecked(file, options);
        }
        catch (InvalidOperationException e) when (e.StackTrace?.Contains("System.Text.Json", StringComparison.Ordinal) == true)
        {
            // A JSON value of the wrong kind where a config reader expected an object, array, string or number.
            throw new SonataException($"{file} (or a config it names): a value has the wrong JSON type ({e.Message})", e);
        }
    }

    private static SonataConfig LoadChecked(string file, SonataReadOptions? options)
    {
        options ??= new SonataReadOptions();
        var (root, manifest) = Open(file, "config", options);
        JsonElement? simulation = null, circuit = null;
        Manifest? simManifest = null, circuitManifest = null;
        bool isLink = !root.TryGetProperty("run", out _) && !root.TryGetProperty("networks", out _)
            && root.TryGetProperty("simulation", out var simRef) && simRef.ValueKind == JsonValueKind.String;
        if (isLink)
        {
            (simulation, simManifest) = Open(manifest.Path(root.GetProperty("simulation").GetString()!, "simulation").Require(), "simulation", options);
            if (root.TryGetProperty("network", out var net) && net.ValueKind == JsonValueKind.String)
                (circuit, circuitManifest) = Open(manifest.Path(net.GetString()!, "network").Require(), "network", options);
        }
        else if (root.TryGetProperty("networks", out _))
        {
            (circuit, circuitManifest) = (root, manifest);
            if (root.TryGetProperty("run", out _)) (simulation, simManifest) = (root, manifest);
        }
        else
        {
            (simulation, simManifest) = (root, manifest);
        }
        if (circuit is null && simulation is { } s)
        {
            var path = s.TryGetProperty("network", out var n) && n.ValueKind == JsonValueKind.String
                ? simManifest!.Path(n.GetString()!, "network")
                : simManifest!.Path("circuit_config.json", "network (default)");
            (circuit, circuitManifest) = Open(path.Require("the simulation config names no circuit; give the circuit_config.json"), "network", options);
        }
        return Build(file, circuit!.Value, circuitManifest!, simulation, simManifest, options);
    }

    private static SonataConfig Build(string file, JsonElement circuit, Manifest cm, JsonElement? simulation, Manifest? sm, SonataReadOptions options)
    {
        var nodes = new List<NodeFiles>();
        var edges = new List<EdgeFiles>();
        if (circuit.TryGetProperty("networks", out var networks))
        {
            foreach (var n in Array(networks, "nodes"))
                nodes.Add(new NodeFiles(cm.Path(Text(n, "nodes_file", cm.ConfigFile), "nodes_file"), cm.Path(Text(n, "node_types_file", cm.ConfigFile), "node_types_file")));
            foreach (var e in Array(networks, "edges"))
            {
                if (e.TryGetProperty("enabled", out var en) && en.ValueKind == JsonValueKind.False) continue;
                edges.Add(new EdgeFiles(cm.Path(Text(e, "edges_file", cm.ConfigFile), "edges_file"), cm.Path(Text(e, "edge_types_file", cm.ConfigFile), "edge_types_file")));
            }
        }
        var extra = options.ComponentFolders.Select(f => new ConfigPath(Path.GetFullPath(f), f, "--components", "the command line", null, null)).ToList();
        var cells = Components(circuit, cm, "point_neuron_models_dir").Concat(simulation is { } s0 ? Components(s0, sm!, "point_neuron_models_dir") : []).Concat(extra).ToList();
        var synapses = Components(circuit, cm, "synaptic_models_dir").Concat(simulation is { } s1 ? Components(s1, sm!, "synaptic_models_dir") : []).Concat(extra).ToList();
        if (simulation is not { } sim)
            return new SonataConfig { File = file, Nodes = nodes, Edges = edges, CellModelFolders = cells, SynapseModelFolders = synapses, Inputs = [], Reports = [] };

        double? tstop = null, dt = null;
        if (sim.TryGetProperty("run", out var run))
        {
            tstop = Number(run, "tstop", sm!.ConfigFile);
            dt = Number(run, "dt", sm.ConfigFile);
        }
        ConfigPath? nodeSets = sim.TryGetProperty("node_sets_file", out var nsf) && nsf.ValueKind == JsonValueKind.String ? sm!.Path(nsf.GetString()!, "node_sets_file")
            : circuit.TryGetProperty("node_sets_file", out var cnsf) && cnsf.ValueKind == JsonValueKind.String ? cm.Path(cnsf.GetString()!, "node_sets_file") : null;
        var inputs = new List<SonataInput>();
        if (sim.TryGetProperty("inputs", out var ins) && ins.ValueKind == JsonValueKind.Object)
            foreach (var p in ins.EnumerateObject())
            {
                var v = p.Value;
                if (v.TryGetProperty("enabled", out var en) && en.ValueKind == JsonValueKind.False) continue;
                inputs.Add(new SonataInput(p.Name, OptionalText(v, "input_type") ?? "", OptionalText(v, "module"), OptionalText(v, "node_set"),
                    OptionalText(v, "input_file") is { } f ? sm!.Path(f, $"inputs.{p.Name}.input_file") : null,
                    Numbers(v, "amp", sm!.ConfigFile), Numbers(v, "delay", sm.ConfigFile), Numbers(v, "duration", sm.ConfigFile)));
            }
        ConfigPath? outputDir = null;
        string spikesFile = "spikes.h5";
        string? sortOrder = null;
        if (sim.TryGetProperty("output", out var output))
        {
            if (OptionalText(output, "output_dir") is { } od) outputDir = sm!.Path(od, "output.output_dir");
            spikesFile = OptionalText(output, "spikes_file") ?? spikesFile;
            sortOrder = OptionalText(output, "spikes_sort_order");
        }
        var reports = new List<SonataReport>();
        if (sim.TryGetProperty("reports", out var reps) && reps.ValueKind == JsonValueKind.Object)
            foreach (var p in reps.EnumerateObject())
                reports.Add(new SonataReport(p.Name, OptionalText(p.Value, "cells") ?? "all", OptionalText(p.Value, "variable_name") ?? "V_m",
                    OptionalText(p.Value, "module"), !(p.Value.TryGetProperty("enabled", out var en) && en.ValueKind == JsonValueKind.False),
                    OptionalText(p.Value, "file_name")));
        return new SonataConfig
        {
            File = file, Nodes = nodes, Edges = edges, CellModelFolders = cells, SynapseModelFolders = synapses, TStop = tstop, Dt = dt,
            NodeSetsFile = nodeSets, Inputs = inputs, OutputDir = outputDir, SpikesFile = spikesFile, SpikesSortOrder = sortOrder, Reports = reports,
        };
    }

    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static (JsonElement Root, Manifest Manifest) Open(string file, string what, SonataReadOptions options)
    {
        if (!System.IO.File.Exists(file)) throw new SonataException($"{what} file not found: {Path.GetFullPath(file)}");
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(file), Options);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SonataException($"{file}: not valid JSON ({e.Message})", e);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new SonataException($"{file}: a SONATA config must be a JSON object.");
        return (root, new Manifest(file, root, options.ManifestOverrides));
    }

    private static IEnumerable<ConfigPath> Components(JsonElement root, Manifest m, string key) =>
        root.TryGetProperty("components", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? [m.Path(v.GetString()!, $"components.{key}")] : [];

    private static IEnumerable<JsonElement> Array(JsonElement o, string key) =>
        o.TryGetProperty(key, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    private static string Text(JsonElement o, string key, string file) =>
        OptionalText(o, key) ?? throw new SonataException($"{file}: an entry lacks '{key}'.");

    private static string? OptionalText(JsonElement o, string key) =>
        o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement o, string key, string file) =>
        !o.TryGetProperty(key, out var v) ? null
        : v.ValueKind == JsonValueKind.Number ? v.GetDouble()
        : v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d
        : throw new SonataException($"{file}: '{key}' must be a number.");

    private static double[] Numbers(JsonElement o, string key, string file) =>
        !o.TryGetProperty(key, out var v) ? []
        : v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetDouble()
            : throw new SonataException($"{file}: '{key}' must hold numbers.")).ToArray()
        : [Number(o, key, file)!.Value];
}
