using Meta.Backends.Cpu;
using Meta.Sonata.Building;
using PureHDF;

namespace Meta.Tests.Sonata;

/// <summary>
/// The new NEST templates through a whole SONATA network: virtual inputs into parrot neurons (weights ignored), parrots into
/// GLIF cells whose level comes from a dynamics_params file with booleans and arrays (one Meta population per level).
/// </summary>
public sealed class NestTemplateNetworkTests
{
    [Fact]
    public void Parrots_repeat_virtual_inputs_and_glif_levels_split_into_populations()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-templates-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "models"));
            File.WriteAllText(Path.Combine(folder, "models", "glif.json"),
                """{"spike_dependent_threshold": true, "after_spike_currents": true, "tau_syn": [2.0, 5.0], "t_ref": 2.0, "C_m": 60.0}""");
            File.WriteAllText(Path.Combine(folder, "node_types.csv"),
                "node_type_id model_type model_template dynamics_params\n1 virtual NONE NONE\n2 point_neuron nest:parrot_neuron NONE\n" +
                "3 point_neuron nest:glif_psc glif.json\n4 point_neuron nest:glif_psc NONE\n");
            new H5File
            {
                ["nodes"] = new H5Group
                {
                    ["inputs"] = new H5Group
                    {
                        ["node_type_id"] = new[] { 1, 1 }, ["node_group_id"] = new[] { 0, 0 }, ["node_group_index"] = new[] { 0, 1 },
                        ["0"] = new H5Group(),
                    },
                    ["net"] = new H5Group
                    {
                        ["node_type_id"] = new[] { 2, 2, 3, 3, 4 }, ["node_group_id"] = new[] { 0, 0, 0, 0, 0 }, ["node_group_index"] = new[] { 0, 1, 2, 3, 4 },
                        ["0"] = new H5Group(),
                    },
                },
            }.Write(Path.Combine(folder, "nodes.h5"));
            var src = new H5Dataset(new ulong[] { 0, 1, 0, 0, 0, 1, 1, 1 });
            src.Attributes["node_population"] = "inputs";
            var tgt = new H5Dataset(new ulong[] { 0, 1, 2, 3, 4, 2, 3, 4 });
            tgt.Attributes["node_population"] = "net";
            // inputs → parrots (weights −5 and 3: ignored) and straight into the GLIF cells; parrots → GLIF cells.
            var src2 = new H5Dataset(new ulong[] { 0, 0, 0, 1, 1, 1 });
            src2.Attributes["node_population"] = "net";
            var tgt2 = new H5Dataset(new ulong[] { 2, 3, 4, 2, 3, 4 });
            tgt2.Attributes["node_population"] = "net";
            new H5File
            {
                ["edges"] = new H5Group
                {
                    ["inputs_to_net"] = new H5Group
                    {
                        ["source_node_id"] = src, ["target_node_id"] = tgt, ["edge_type_id"] = Enumerable.Repeat(10, 8).ToArray(),
                        ["edge_group_id"] = new int[8], ["edge_group_index"] = Enumerable.Range(0, 8).ToArray(),
                        ["0"] = new H5Group { ["syn_weight"] = new[] { -5.0, 3.0, 200.0, 200.0, 200.0, -100.0, -100.0, -100.0 } },
                    },
                    ["net_to_net"] = new H5Group
                    {
                        ["source_node_id"] = src2, ["target_node_id"] = tgt2, ["edge_type_id"] = Enumerable.Repeat(10, 6).ToArray(),
                        ["edge_group_id"] = new int[6], ["edge_group_index"] = Enumerable.Range(0, 6).ToArray(),
                        ["0"] = new H5Group { ["syn_weight"] = Enumerable.Repeat(300.0, 6).ToArray() },
                    },
                },
            }.Write(Path.Combine(folder, "edges.h5"));
            File.WriteAllText(Path.Combine(folder, "edge_types.csv"), "edge_type_id model_template delay\n10 static_synapse 1.0\n");
            var spikes = new H5Group { ["timestamps"] = new[] { 10.0, 20.0, 30.0, 15.0 }, ["node_ids"] = new ulong[] { 0, 0, 0, 1 } };
            new H5File { ["spikes"] = new H5Group { ["inputs"] = spikes } }.Write(Path.Combine(folder, "inputs.h5"));
            File.WriteAllText(Path.Combine(folder, "node_sets.json"), """{"inputs": {"population": "inputs"}}""");
            File.WriteAllText(Path.Combine(folder, "circuit_config.json"), """
                {"networks": {"nodes": [{"nodes_file": "nodes.h5", "node_types_file": "node_types.csv"}],
                              "edges": [{"edges_file": "edges.h5", "edge_types_file": "edge_types.csv"}]},
                 "components": {"point_neuron_models_dir": "models"}}
                """);
            File.WriteAllText(Path.Combine(folder, "simulation_config.json"), """
                {"run": {"tstop": 50.0, "dt": 0.1}, "network": "circuit_config.json", "node_sets_file": "node_sets.json",
                 "inputs": {"in": {"input_type": "spikes", "module": "sonata", "input_file": "inputs.h5", "node_set": "inputs"}}}
                """);

            using var network = SonataNetworkBuilder.Build(Path.Combine(folder, "simulation_config.json"), new CpuBackend(), new SonataBuildOptions { Threads = 1 });
            network.Groups.Select(g => g.Population.Label).Should().BeEquivalentTo(
                ["inputs", "net:nest:parrot_neuron", "net:nest:glif_psc:glif_psc_LIF_R_ASC", "net:nest:glif_psc:glif_psc_LIF"]);
            var parrots = network.Groups.Single(g => g.Template == "parrot_neuron" || g.Template == "nest:parrot_neuron");
            parrots.NodeIds.Should().Equal(0, 1);
            var intoParrots = network.Simulation.Projections.Where(p => p.Post == parrots.Population).ToList();
            intoParrots.Should().ContainSingle().Which.ReceptorType.Should().Be("excitatory");
            intoParrots[0].Weights.Should().Equal(1.0, 1.0);
            var level4 = network.Groups.Single(g => g.Population.Label.EndsWith("LIF_R_ASC", StringComparison.Ordinal));
            level4.NodeIds.Should().Equal(2, 3);
            level4.Population.Get("tau_syn_I").Should().Equal(5.0, 5.0);
            level4.Population.Get("C_m").Should().Equal(0.06, 0.06);
            var fromInputs = network.Simulation.Projections.Where(p => p.Post == level4.Population && p.Pre.Label == "inputs").ToList();
            fromInputs.Select(p => (p.ReceptorType, p.Weights[0])).Should().BeEquivalentTo([("excitatory", 0.2), ("inhibitory", -0.1)]);

            network.Simulation.Run(50);
            var trains = parrots.Population.GetData().Segments[0].SpikeTrains;
            // Input at t, delay 1 ms: delivered at t + 1 and stamped at the end of that step (docs/sonata.md, parrot_neuron).
            trains[0].Times.Should().Equal([11.1, 21.1, 31.1], (a, b) => Math.Abs(a - b) < 1e-9);
            trains[1].Times.Should().Equal([16.1], (a, b) => Math.Abs(a - b) < 1e-9);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
