using Meta.Models.Standard;
using Meta.Parameters;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sonata.Nest;
using PureHDF;

namespace Meta.Tests.Sonata;

/// <summary>
/// A small SONATA network with every NEST synapse template, written into a temporary folder (never a fixture): five
/// virtual inputs and four <c>iaf_psc_delta</c> cells. input 0 → cell 2 (<c>tsodyks2_synapse</c>), input 1 → cell 3
/// (<c>tsodyks_synapse</c>), input 2 → cells 0 and 1 (<c>stdp_synapse</c>, delay 2 ms), inputs 3 and 4 → cells 0 and 1
/// (<c>static_synapse</c>, 20 mV: each such spike makes the cell fire at once). Cell 0's node type sets <c>tau_minus</c>
/// 15 ms; the others keep NEST's 20 ms.
/// </summary>
internal sealed class NestSynapseNetwork : IDisposable
{
    public const double Dt = 0.1, TStop = 200.0, StdpDelay = 2.0, FastDelay = 1.0;
    public const double Tsodyks2Weight = 4.0, TsodyksWeight = 3.0, StdpWeight = 1.0, TeacherWeight = 20.0;

    public static readonly Dictionary<string, double> Tsodyks2 = new() { ["U"] = 0.2, ["u"] = 0.25, ["x"] = 0.9, ["tau_rec"] = 150.0, ["tau_fac"] = 60.0 };
    public static readonly Dictionary<string, double> Tsodyks = new() { ["U"] = 0.3, ["u"] = 0.1, ["tau_psc"] = 3.0, ["tau_fac"] = 40.0, ["tau_rec"] = 120.0 };
    public static readonly Dictionary<string, double> Stdp = new()
    {
        ["tau_plus"] = 16.8, ["lambda"] = 0.05, ["alpha"] = 1.1, ["mu_plus"] = 1.0, ["mu_minus"] = 0.5, ["Wmax"] = 3.0,
    };
    public static readonly double[] TauMinus = [15.0, 20.0];

    /// <summary>The input trains (ms). Teachers' spikes make post spikes at t + 1.1 ms, seen by the STDP synapses 2 ms later.</summary>
    public static readonly double[][] Inputs =
    [
        [5.0, 12.0, 19.0, 26.0, 60.0, 62.5, 65.0, 140.0],
        [8.0, 16.0, 24.0, 32.0, 90.0, 95.0, 170.0],
        // 78.1 = 75 + 1.1 + 2: a pre event in the same step as cell 0's post event (the case where Meta's order differs from NEST's).
        [10.0, 30.5, 50.0, 51.0, 78.1, 90.0, 120.0, 121.5, 150.0, 160.0],
        [14.0, 27.0, 52.0, 75.0, 110.0, 125.0, 141.0],
        [8.0, 33.0, 47.0, 112.0, 118.0, 155.0],
    ];

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"meta-nest-synapses-{Guid.NewGuid():N}");

    public string Config => Path.Combine(Folder, "simulation_config.json");

    /// <summary>Writes the network; <paramref name="edgeTypes"/> replaces the edge types table when given.</summary>
    public NestSynapseNetwork(string? edgeTypes = null, string cellTemplate = "nest:iaf_psc_delta")
    {
        Directory.CreateDirectory(Path.Combine(Folder, "cells"));
        Directory.CreateDirectory(Path.Combine(Folder, "synapses"));
        File.WriteAllText(Path.Combine(Folder, "cells", "cell0.json"), """{"tau_minus": 15.0}""");
        File.WriteAllText(Path.Combine(Folder, "synapses", "tsodyks2.json"), Json(Tsodyks2));
        File.WriteAllText(Path.Combine(Folder, "synapses", "tsodyks.json"), Json(Tsodyks));
        File.WriteAllText(Path.Combine(Folder, "synapses", "stdp.json"), Json(Stdp));
        File.WriteAllText(Path.Combine(Folder, "node_types.csv"),
            $"node_type_id model_type model_template dynamics_params\n1 virtual NONE NONE\n2 point_neuron {cellTemplate} cell0.json\n" +
            $"3 point_neuron {cellTemplate} NONE\n");
        new H5File
        {
            ["nodes"] = new H5Group
            {
                ["inputs"] = new H5Group
                {
                    ["node_type_id"] = new[] { 1, 1, 1, 1, 1 }, ["node_group_id"] = new int[5], ["node_group_index"] = new[] { 0, 1, 2, 3, 4 },
                    ["0"] = new H5Group(),
                },
                ["net"] = new H5Group
                {
                    ["node_type_id"] = new[] { 2, 3, 3, 3 }, ["node_group_id"] = new int[4], ["node_group_index"] = new[] { 0, 1, 2, 3 },
                    ["0"] = new H5Group(),
                },
            },
        }.Write(Path.Combine(Folder, "nodes.h5"));
        var src = new H5Dataset(new ulong[] { 0, 1, 2, 2, 3, 4 });
        src.Attributes["node_population"] = "inputs";
        var tgt = new H5Dataset(new ulong[] { 2, 3, 0, 1, 0, 1 });
        tgt.Attributes["node_population"] = "net";
        new H5File
        {
            ["edges"] = new H5Group
            {
                ["inputs_to_net"] = new H5Group
                {
                    ["source_node_id"] = src, ["target_node_id"] = tgt, ["edge_type_id"] = new[] { 100, 101, 102, 102, 103, 103 },
                    ["edge_group_id"] = new int[6], ["edge_group_index"] = Enumerable.Range(0, 6).ToArray(),
                    ["0"] = new H5Group { ["syn_weight"] = new[] { Tsodyks2Weight, TsodyksWeight, StdpWeight, StdpWeight, TeacherWeight, TeacherWeight } },
                },
            },
        }.Write(Path.Combine(Folder, "edges.h5"));
        File.WriteAllText(Path.Combine(Folder, "edge_types.csv"), edgeTypes ?? string.Join('\n',
            "edge_type_id model_template delay dynamics_params",
            $"100 nest:tsodyks2_synapse {FastDelay} tsodyks2.json",
            $"101 nest:tsodyks_synapse {FastDelay} tsodyks.json",
            $"102 nest:stdp_synapse {StdpDelay} stdp.json",
            $"103 static_synapse {FastDelay} NONE", ""));
        WriteInputsAndConfigs(Folder, Inputs, TStop, Dt);
    }

    /// <summary>
    /// The spike trains of the virtual population <c>inputs</c> (node i fires <paramref name="trains"/>[i]), its node set,
    /// <c>circuit_config.json</c> (nodes.h5, edges.h5 and their tables; components <c>cells</c> and <c>synapses</c>) and
    /// <c>simulation_config.json</c> into <paramref name="folder"/>; returns the simulation config's path.
    /// </summary>
    public static string WriteInputsAndConfigs(string folder, double[][] trains, double tstop, double dt)
    {
        var ids = trains.SelectMany((train, i) => train.Select(_ => (ulong)i)).ToArray();
        var times = trains.SelectMany(train => train).ToArray();
        new H5File { ["spikes"] = new H5Group { ["inputs"] = new H5Group { ["timestamps"] = times, ["node_ids"] = ids } } }
            .Write(Path.Combine(folder, "inputs.h5"));
        File.WriteAllText(Path.Combine(folder, "node_sets.json"), """{"inputs": {"population": "inputs"}}""");
        File.WriteAllText(Path.Combine(folder, "circuit_config.json"), """
            {"networks": {"nodes": [{"nodes_file": "nodes.h5", "node_types_file": "node_types.csv"}],
                          "edges": [{"edges_file": "edges.h5", "edge_types_file": "edge_types.csv"}]},
             "components": {"point_neuron_models_dir": "cells", "synaptic_models_dir": "synapses"}}
            """);
        string config = Path.Combine(folder, "simulation_config.json");
        File.WriteAllText(config, """
            {"run": {"tstop": TSTOP, "dt": DT}, "network": "circuit_config.json", "node_sets_file": "node_sets.json",
             "inputs": {"in": {"input_type": "spikes", "module": "sonata", "input_file": "inputs.h5", "node_set": "inputs"}}}
            """.Replace("TSTOP", tstop.ToString("R", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("DT", dt.ToString("R", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        return config;
    }

    /// <summary>
    /// The same network in C# in <paramref name="sim"/>: NEST's values converted by hand, Meta's synapse types (the cells are
    /// NEST's iaf_psc_delta as the catalogue converts it, a Meta standard model). Returns the cells and the plastic projections.
    /// </summary>
    public static (Population Cells, List<Projection> Plastic) Build(Simulation sim)
    {
        var inputs = sim.CreatePopulation(5, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.PerCell(Inputs)), "inputs");
        var (model, p, init) = NestCatalogue.Get("iaf_psc_delta", "test").Convert([], "test");
        var type = new CellType(model);
        foreach (var (k, x) in p) type = type.With(k, x);
        var cells = sim.CreatePopulation(4, type, "net");
        foreach (var (k, x) in init) cells.Initialize(k, x);
        var t2 = Tsodyks2;
        var tsodyks2 = new Projection(inputs[0..1], cells[2..3], new AllToAllConnector(), new ModelSynapse(NestSynapseModels.Tsodyks2,
            Tsodyks2Weight, FastDelay, new Dictionary<string, SynapseValue> { ["U"] = t2["U"], ["tau_rec"] = t2["tau_rec"], ["tau_fac"] = t2["tau_fac"] }), "excitatory");
        tsodyks2.Set("u", t2["u"]);
        tsodyks2.Set("x", t2["x"]);
        var t1 = Tsodyks;
        var tsodyks = new Projection(inputs[1..2], cells[3..4], new AllToAllConnector(), new ModelSynapse(ShortTermPlasticity.TsodyksMarkram,
            TsodyksWeight, FastDelay, new Dictionary<string, SynapseValue>
            {
                ["U"] = t1["U"], ["tau_rec"] = t1["tau_rec"], ["tau_facil"] = t1["tau_fac"], ["tau_psc"] = t1["tau_psc"],
            }), "excitatory");
        tsodyks.Set("u", t1["u"]);
        var stdp = new List<Projection>();
        for (int c = 0; c < 2; c++)
        {
            var values = Stdp.ToDictionary(kv => kv.Key, kv => (SynapseValue)kv.Value);
            values["tau_minus"] = TauMinus[c];
            stdp.Add(new Projection(inputs[2..3], cells[c..(c + 1)], new AllToAllConnector(), new ModelSynapse(NestSynapseModels.Stdp, StdpWeight, StdpDelay, values), "excitatory"));
        }
        _ = new Projection(inputs[3..4], cells[0..1], new AllToAllConnector(), new StaticSynapse(TeacherWeight, FastDelay), "excitatory");
        _ = new Projection(inputs[4..5], cells[1..2], new AllToAllConnector(), new StaticSynapse(TeacherWeight, FastDelay), "excitatory");
        return (cells, [tsodyks2, tsodyks, .. stdp]);
    }

    private static string Json(Dictionary<string, double> values) =>
        "{" + string.Join(", ", values.Select(kv => $"\"{kv.Key}\": {kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")) + "}";

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
