using Meta.Backends;
using Meta.Sonata.Config;
using Meta.Sonata.Reading;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Meta.Sonata.Building;

/// <summary>Options for building a SONATA network.</summary>
public sealed record SonataBuildOptions
{
    /// <summary>Options for reading the config (manifest overrides, extra component folders).</summary>
    public SonataReadOptions Read { get; init; } = new();
    /// <summary>The time step (ms) when the config has no <c>run.dt</c> (default 0.1).</summary>
    public double DefaultDt { get; init; } = 0.1;
    /// <summary>The delay (ms) of edges with none in their file or type table: NEST's <c>static_synapse</c> default, 1 ms.</summary>
    public double DefaultDelay { get; init; } = 1.0;
    /// <summary>The random seed of the simulation.</summary>
    public ulong? Seed { get; init; }
    /// <summary>Worker threads (0: the backend's default).</summary>
    public int Threads { get; init; }
}

/// <summary>
/// Builds a Meta simulation from a SONATA config through the public API: one population per (node population, model
/// template), virtual nodes as <c>SpikeSourceArray</c>s fed by the spike inputs, one projection per (edge population,
/// pre group, post group, receptor) from the edges, current clamps as <c>DCSource</c>/<c>StepCurrentSource</c>,
/// spikes recorded from every non-virtual cell and the reports' variables from their node sets.
/// </summary>
public static partial class SonataNetworkBuilder
{
    /// <summary>Reads the config at <paramref name="file"/> and builds it on <paramref name="backend"/>.</summary>
    public static SonataNetwork Build(string file, IBackend backend, SonataBuildOptions? options = null)
    {
        options ??= new SonataBuildOptions();
        return Build(SonataConfig.Load(file, options.Read), backend, options);
    }

    /// <summary>Builds a config on <paramref name="backend"/>.</summary>
    public static SonataNetwork Build(SonataConfig config, IBackend backend, SonataBuildOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        options ??= new SonataBuildOptions();
        var clock = Stopwatch.StartNew();
        var warnings = new List<string>();
        var nodes = config.Nodes.SelectMany(SonataNodePopulation.Read).ToList();
        foreach (var dup in nodes.GroupBy(p => p.Name).Where(g => g.Count() > 1))
            throw new SonataException($"the node population '{dup.Key}' is defined twice ({string.Join(", ", dup.Select(p => p.File))}).");
        var edges = config.Edges.SelectMany(SonataEdgePopulation.Read).ToList();
        var nodeSets = config.NodeSetsFile is { } nsf ? NodeSets.Read(nsf.Require()) : NodeSets.Empty;
        var spikeTrains = ReadSpikeInputs(config, nodes, nodeSets);
        foreach (var input in config.Inputs.Where(i => i.InputType is not ("spikes" or "current_clamp")))
            warnings.Add($"{config.File}: input '{input.Name}' has input_type '{input.InputType}'; only spikes and current_clamp are supported, so it is left out.");
        double readSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var sim = new Simulation(backend, new SimulationOptions
        {
            Timestep = config.Dt ?? options.DefaultDt,
            Seed = options.Seed ?? 1,
            Threads = options.Threads,
        });
        try
        {
            var cells = new DynamicsParams(config.CellModelFolders, "point_neuron_models_dir");
            var templates = new CellTemplates([.. config.CellModelFolders.Select(f => f.Path), Path.GetDirectoryName(Path.GetFullPath(config.File))!]);
            var groups = new List<SonataCellGroup>();
            var placement = new Dictionary<string, (int[] Group, int[] Position, List<SonataCellGroup> Groups)>();
            foreach (var pop in nodes)
            {
                var made = CreateGroups(sim, pop, cells, templates, spikeTrains.GetValueOrDefault(pop.Name), warnings);
                groups.AddRange(made);
                var groupOf = new int[pop.Count];
                var positionOf = new int[pop.Count];
                for (int g = 0; g < made.Count; g++)
                    for (int i = 0; i < made[g].NodeIds.Length; i++) (groupOf[made[g].NodeIds[i]], positionOf[made[g].NodeIds[i]]) = (g, i);
                placement[pop.Name] = (groupOf, positionOf, made);
            }
            var synapses = new DynamicsParams(config.SynapseModelFolders, "synaptic_models_dir");
            long edgeCount = 0;
            foreach (var e in edges) edgeCount += Connect(sim, e, placement, synapses, options.DefaultDelay, warnings);
            AddCurrentClamps(config, nodes, nodeSets, placement);
            foreach (var g in groups.Where(g => !g.Virtual)) g.Population.Record("spikes");
            var reports = AddReports(config, nodes, nodeSets, placement, warnings);
            return new SonataNetwork
            {
                Simulation = sim, Config = config, NodePopulations = nodes, Groups = groups, Reports = reports, EdgeCount = edgeCount,
                ReadSeconds = readSeconds, BuildSeconds = clock.Elapsed.TotalSeconds, Warnings = warnings,
            };
        }
        catch
        {
            sim.Dispose();
            throw;
        }
    }
}
