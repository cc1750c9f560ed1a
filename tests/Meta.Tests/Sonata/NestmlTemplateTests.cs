using Meta.Backends.Cpu;
using Meta.Nestml;
using Meta.Sonata;
using Meta.Sonata.Building;
using Meta.Tests.Nestml;
using PureHDF;

namespace Meta.Tests.Sonata;

/// <summary><c>model_template nestml:NAME</c>: a NESTML file from the components folder, with NESTML-unit dynamics_params.</summary>
public sealed class NestmlTemplateTests
{
    private static string WriteNetwork(string folder, string template, string parameters)
    {
        Directory.CreateDirectory(Path.Combine(folder, "components"));
        File.Copy(NestmlFixtures.File("neurons/iaf_psc_exp_neuron.nestml"), Path.Combine(folder, "components", "iaf_psc_exp_neuron.nestml"));
        File.WriteAllText(Path.Combine(folder, "components", "cell.json"), parameters);
        File.WriteAllText(Path.Combine(folder, "node_types.csv"), $"node_type_id model_type model_template dynamics_params pop_name\n1 point_neuron {template} cell.json cells\n");
        new H5File
        {
            ["nodes"] = new H5Group
            {
                ["cells"] = new H5Group
                {
                    ["node_type_id"] = new[] { 1, 1, 1 },
                    ["node_group_id"] = new[] { 0, 0, 0 },
                    ["node_group_index"] = new[] { 0, 1, 2 },
                    ["0"] = new H5Group { ["dynamics_params"] = new H5Group { ["I_e"] = new[] { 300.0, 450.0, 600.0 } } },
                },
            },
        }.Write(Path.Combine(folder, "nodes.h5"));
        File.WriteAllText(Path.Combine(folder, "circuit_config.json"), """
            {"networks": {"nodes": [{"nodes_file": "nodes.h5", "node_types_file": "node_types.csv"}], "edges": []},
             "components": {"point_neuron_models_dir": "components"}}
            """);
        File.WriteAllText(Path.Combine(folder, "simulation_config.json"), """{"run": {"tstop": 100.0, "dt": 0.1}, "network": "circuit_config.json"}""");
        return Path.Combine(folder, "simulation_config.json");
    }

    [NestmlFact]
    public void A_nestml_template_runs_the_model_with_parameters_converted_from_NESTML_units()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-nestml-{Guid.NewGuid():N}");
        try
        {
            string config = WriteNetwork(folder, "nestml:iaf_psc_exp_neuron", """{"C_m": 200.0, "tau_m": 15.0, "V_m": -65.0}""");
            using var network = SonataNetworkBuilder.Build(config, new CpuBackend(), new SonataBuildOptions { Threads = 1 });
            network.Simulation.Run(100);
            var group = network.Groups.Single();
            group.Population.Get("C_m").Should().Equal(0.2, 0.2, 0.2);
            group.Population.Get("I_e").Should().Equal(0.3, 0.45, 0.6);
            group.WeightScale.Should().Be(1e-3, "NEST's weights onto a current-based NESTML model are pA");
            var fromSonata = group.Population.GetData().Segments[0].SpikeTrains.Select(s => s.Times).ToArray();

            using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Threads = 1 });
            var cells = sim.CreatePopulation(3, new CellType(NestmlModel.Load(NestmlFixtures.File("neurons/iaf_psc_exp_neuron.nestml")))
                .With("C_m", 0.2).With("tau_m", 15.0).With("I_e", Meta.Parameters.ParameterValue.Array([0.3, 0.45, 0.6])), "cells");
            cells.Initialize("V_m", -65.0);
            cells.Record("spikes");
            sim.Run(100);
            var direct = cells.GetData().Segments[0].SpikeTrains.Select(s => s.Times).ToArray();
            fromSonata.Sum(t => t.Length).Should().BePositive();
            for (int i = 0; i < 3; i++) fromSonata[i].Should().Equal(direct[i], $"cell {i}");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [NestmlFact]
    public void Missing_files_and_unknown_parameters_are_named()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-nestml-{Guid.NewGuid():N}");
        try
        {
            string config = WriteNetwork(folder, "nestml:no_such_neuron", "{}");
            FluentActions.Invoking(() => SonataNetworkBuilder.Build(config, new CpuBackend())).Should().Throw<SonataException>()
                .WithMessage("*model_template 'nestml:no_such_neuron': no file 'no_such_neuron' or 'no_such_neuron.nestml' in *components*");
            Directory.Delete(folder, recursive: true);
            config = WriteNetwork(folder, "nestml:iaf_psc_exp_neuron", """{"C_mem": 200.0}""");
            FluentActions.Invoking(() => SonataNetworkBuilder.Build(config, new CpuBackend())).Should().Throw<SonataException>()
                .WithMessage("*'C_mem' is not a parameter or state of the NESTML model iaf_psc_exp_neuron*parameters: C_m, *");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
