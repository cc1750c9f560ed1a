using System.Globalization;
using Meta.Backends.Cpu;
using Meta.Parameters;
using Meta.Projections;
using Meta.Sonata.Building;
using Meta.Sonata.Nest;
using PureHDF;
using Xunit.Abstractions;

namespace Meta.Tests.Sonata;

/// <summary>
/// <c>stdp_synapse</c> edges onto 200 cells whose nodes each give another <c>tau_minus</c>: the importer makes one projection
/// whose connections each carry their target's value (once it made one projection per distinct value), and the learned
/// weights are those of the C# network with one projection per target cell, each with its scalar <c>tau_minus</c>.
/// </summary>
public sealed class StdpTauMinusTests(ITestOutputHelper output) : IDisposable
{
    private const int Cells = 200;
    private const double Dt = 0.1, TStop = 100.0, StdpDelay = 2.0, Weight = 1.0, TeacherWeight = 20.0;
    private static readonly double[] PreSpikes = [10.0, 30.0, 50.0, 70.0, 90.0];
    private static readonly double[] TeacherSpikes = [20.0, 40.0, 60.0, 80.0];
    private static readonly Dictionary<string, double> Stdp = new() { ["tau_plus"] = 16.8, ["lambda"] = 0.05, ["alpha"] = 1.1, ["mu_minus"] = 0.5, ["Wmax"] = 3.0 };
    private static readonly double[] TauMinus = [.. Enumerable.Range(0, Cells).Select(i => 5.0 + (0.25 * i))];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"meta-stdp-tau-minus-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Per_node_tau_minus_makes_one_projection_with_the_per_projection_weights()
    {
        string config = Write();
        double[] sonata;
        using (var network = SonataNetworkBuilder.Build(config, new CpuBackend(), new SonataBuildOptions { Threads = 1 }))
        {
            var stdp = network.Simulation.Projections.Where(p => p.Synapse.Model?.Name == "stdp_synapse").ToList();
            stdp.Should().ContainSingle("one edge type onto one cell group: one projection, whatever the targets' tau_minus");
            var projection = stdp[0];
            projection.Size.Should().Be(Cells);
            var tau = projection.Get("tau_minus");
            for (int k = 0; k < Cells; k++) tau[k].Should().Be(TauMinus[projection.PostIndices[k]], $"connection {k} onto cell {projection.PostIndices[k]}");
            network.Simulation.Run(TStop);
            var weights = projection.Get("weight");
            sonata = new double[Cells];
            for (int k = 0; k < Cells; k++) sonata[projection.PostIndices[k]] = weights[k];
        }
        var csharp = PerCellProjections();
        output.WriteLine($"weights: cell 0 {sonata[0]:R}, cell 100 {sonata[100]:R}, cell 199 {sonata[199]:R}; C# {csharp[0]:R}, {csharp[100]:R}, {csharp[199]:R}");
        sonata.Distinct().Should().HaveCount(Cells, "each tau_minus gives another depression, so the test tells the cells' values apart");
        sonata.Should().Equal(csharp, "the same arithmetic as with one projection (and a scalar tau_minus) per cell");
    }

    /// <summary>The same network in C#: one projection per target cell, NEST's values converted by hand.</summary>
    private static double[] PerCellProjections()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = Dt, Seed = 1, Threads = 1 });
        var inputs = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.PerCell([PreSpikes, TeacherSpikes])), "inputs");
        var (model, p, init) = NestCatalogue.Get("iaf_psc_delta", "test").Convert([], "test");
        var type = new CellType(model);
        foreach (var (k, x) in p) type = type.With(k, x);
        var cells = sim.CreatePopulation(Cells, type, "net");
        foreach (var (k, x) in init) cells.Initialize(k, x);
        var projections = new List<Projection>();
        for (int c = 0; c < Cells; c++)
        {
            var values = Stdp.ToDictionary(kv => kv.Key, kv => (SynapseValue)kv.Value);
            values["tau_minus"] = TauMinus[c];
            projections.Add(new Projection(inputs[0..1], cells[c..(c + 1)], new Meta.Projections.Connectors.AllToAllConnector(),
                new ModelSynapse(NestSynapseModels.Stdp, Weight, StdpDelay, values), "excitatory"));
        }
        _ = new Projection(inputs[1..2], cells, new Meta.Projections.Connectors.AllToAllConnector(), new StaticSynapse(TeacherWeight, 1.0), "excitatory");
        sim.Run(TStop);
        return [.. projections.Select(prj => prj.Get("weight")[0])];
    }

    /// <summary>Two virtual inputs (pre spikes, teacher) and 200 <c>iaf_psc_delta</c> nodes with their own <c>tau_minus</c>.</summary>
    private string Write()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "cells"));
        Directory.CreateDirectory(Path.Combine(_folder, "synapses"));
        File.WriteAllText(Path.Combine(_folder, "synapses", "stdp.json"),
            "{" + string.Join(", ", Stdp.Select(kv => $"\"{kv.Key}\": {kv.Value.ToString(CultureInfo.InvariantCulture)}")) + "}");
        File.WriteAllText(Path.Combine(_folder, "node_types.csv"), "node_type_id model_type model_template\n1 virtual NONE\n2 point_neuron nest:iaf_psc_delta\n");
        new H5File
        {
            ["nodes"] = new H5Group
            {
                ["inputs"] = new H5Group
                {
                    ["node_type_id"] = new[] { 1, 1 }, ["node_group_id"] = new int[2], ["node_group_index"] = new[] { 0, 1 }, ["0"] = new H5Group(),
                },
                ["net"] = new H5Group
                {
                    ["node_type_id"] = Enumerable.Repeat(2, Cells).ToArray(), ["node_group_id"] = new int[Cells],
                    ["node_group_index"] = Enumerable.Range(0, Cells).ToArray(),
                    ["0"] = new H5Group { ["dynamics_params"] = new H5Group { ["tau_minus"] = TauMinus } },
                },
            },
        }.Write(Path.Combine(_folder, "nodes.h5"));
        var src = new H5Dataset(Enumerable.Repeat(0UL, Cells).Concat(Enumerable.Repeat(1UL, Cells)).ToArray());
        src.Attributes["node_population"] = "inputs";
        var tgt = new H5Dataset(Enumerable.Range(0, Cells).Concat(Enumerable.Range(0, Cells)).Select(i => (ulong)i).ToArray());
        tgt.Attributes["node_population"] = "net";
        new H5File
        {
            ["edges"] = new H5Group
            {
                ["inputs_to_net"] = new H5Group
                {
                    ["source_node_id"] = src, ["target_node_id"] = tgt,
                    ["edge_type_id"] = Enumerable.Repeat(100, Cells).Concat(Enumerable.Repeat(101, Cells)).ToArray(),
                    ["edge_group_id"] = new int[2 * Cells], ["edge_group_index"] = Enumerable.Range(0, 2 * Cells).ToArray(),
                    ["0"] = new H5Group { ["syn_weight"] = Enumerable.Repeat(Weight, Cells).Concat(Enumerable.Repeat(TeacherWeight, Cells)).ToArray() },
                },
            },
        }.Write(Path.Combine(_folder, "edges.h5"));
        File.WriteAllText(Path.Combine(_folder, "edge_types.csv"),
            $"edge_type_id model_template delay dynamics_params\n100 nest:stdp_synapse {StdpDelay} stdp.json\n101 static_synapse 1 NONE\n");
        return NestSynapseNetwork.WriteInputsAndConfigs(_folder, [PreSpikes, TeacherSpikes], TStop, Dt);
    }
}
