using System.Diagnostics;
using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.CurrentSources;
using Meta.Parameters;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sonata;
using Meta.Sonata.Building;
using Meta.Sonata.Writing;
using Xunit.Abstractions;

namespace Meta.Tests.Sonata;

/// <summary>A Meta network saved as SONATA and read back gives the same spikes; h5py reads the files.</summary>
public sealed class SonataExportTests(ITestOutputHelper output)
{
    private const double Duration = 200;

    /// <summary>Spike sources into two populations with per-cell parameters, both receptors, a DC source and a recurrent projection.</summary>
    private static Simulation BuildNetwork()
    {
        var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 11, Threads = 1, Precision = Precision.Float64 });
        var inputs = sim.CreatePopulation(5, new CellType("SpikeSourceArray").WithSequence("spike_times",
            SequenceValue.Function(i => Enumerable.Range(0, 30).Select(k => 3.0 + 6.1 * k + 0.7 * i).ToArray())), "inputs");
        var exc = sim.CreatePopulation(8, new CellType("IF_curr_alpha").With("tau_m", ParameterValue.Array([.. Enumerable.Range(0, 8).Select(i => 10.0 + i)])), "excitatory cells");
        exc.Initialize("v", ParameterValue.Array([.. Enumerable.Range(0, 8).Select(i => -65.0 + i)]));
        var inh = sim.CreatePopulation(4, new CellType("IF_cond_exp").With("v_thresh", -52.0), "inh");
        _ = new Projection(inputs, exc, new FixedProbabilityConnector(0.6), new StaticSynapse(3.0, 1.0), "excitatory", "in-exc");
        _ = new Projection(inputs, inh, new AllToAllConnector(), new StaticSynapse(0.05, 1.5), "excitatory", "in-inh");
        _ = new Projection(inh, exc, new AllToAllConnector(), new StaticSynapse(-0.3, 2.0), "inhibitory", "inh-exc");
        _ = new Projection(exc, inh, new FixedProbabilityConnector(0.5), new StaticSynapse(0.01, 0.8), "inhibitory", "exc-inh (conductance, inhibitory receptor)");
        new DCSource { Amplitude = 2.0, Start = 50, Stop = 120 }.InjectInto(exc[0, 2, 4]);
        exc.Record("spikes");
        inh.Record("spikes");
        return sim;
    }

    [Fact]
    public void A_network_saved_as_SONATA_runs_back_with_the_same_spikes()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-export-{Guid.NewGuid():N}");
        try
        {
            using var original = BuildNetwork();
            string config = SonataNetworkWriter.Write(original, folder, new SonataExportOptions { Duration = Duration });
            original.Run(Duration);
            using var network = SonataNetworkBuilder.Build(config, new CpuBackend(), new SonataBuildOptions { Seed = 11, Threads = 1 });
            network.Duration.Should().Be(Duration);
            network.Simulation.Timestep.Should().Be(0.1);
            network.Simulation.Run(network.Duration!.Value);
            foreach (var (label, name) in new[] { ("excitatory cells", "excitatory_cells"), ("inh", "inh") })
            {
                var before = original.Populations.Single(p => p.Label == label);
                var after = network.Groups.Single(g => g.SonataPopulation == name);
                after.NodeIds.Should().Equal(Enumerable.Range(0, before.Size));
                var a = before.GetData().Segments[0].SpikeTrains.Select(s => s.Times).ToArray();
                var b = after.Population.GetData().Segments[0].SpikeTrains.Select(s => s.Times).ToArray();
                output.WriteLine($"{label}: {a.Sum(t => t.Length)} spikes before, {b.Sum(t => t.Length)} after");
                a.Sum(t => t.Length).Should().BePositive();
                for (int i = 0; i < a.Length; i++) b[i].Should().Equal(a[i], $"{label}, cell {i}");
            }
            network.Simulation.Projections.Sum(p => p.Size).Should().Be(original.Projections.Sum(p => p.Size));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Models_SONATA_cannot_name_and_plastic_synapses_are_refused_with_the_reason()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1 });
        var model = Meta.Sonata.Nest.NestCellModels.IntFire1;
        sim.CreatePopulation(2, new CellType(model), "mine");
        FluentActions.Invoking(() => SonataNetworkWriter.Write(sim, Path.Combine(Path.GetTempPath(), $"meta-sonata-refused-{Guid.NewGuid():N}")))
            .Should().Throw<SonataException>().WithMessage("population 'mine': its model 'IntFire1' is not one of Meta's standard or library models*");
    }

    [Fact]
    public void H5py_reads_the_saved_nodes_and_edges()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            output.WriteLine("SKIPPED: /usr/bin/python3 is not present.");
            return;
        }
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-h5py-{Guid.NewGuid():N}");
        try
        {
            using var sim = BuildNetwork();
            SonataNetworkWriter.Write(sim, folder);
            string script = """
                import sys, h5py
                n = h5py.File(sys.argv[1] + '/network/nodes.h5', 'r')
                e = h5py.File(sys.argv[1] + '/network/edges.h5', 'r')
                print('nodes', sorted((k, len(n['nodes'][k]['node_type_id'])) for k in n['nodes']))
                g = e['edges']['inh_to_excitatory_cells']
                print('inh_to_exc', len(g['source_node_id']), g['source_node_id'].attrs['node_population'], g['target_node_id'].attrs['node_population'], sorted(set(g['0']['syn_weight'][()].tolist())))
                print('tau_m', n['nodes']['excitatory_cells']['0']['dynamics_params']['tau_m'][()].tolist())
                """;
            string scriptFile = Path.Combine(Path.GetTempPath(), $"meta-sonata-h5py-{Guid.NewGuid():N}.py");
            File.WriteAllText(scriptFile, script.Replace("\r", ""));
            var psi = new ProcessStartInfo("/usr/bin/python3", [scriptFile, folder]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            File.Delete(scriptFile);
            if (stderr.Contains("No module named 'h5py'"))
            {
                output.WriteLine("SKIPPED: h5py is not installed for /usr/bin/python3.");
                return;
            }
            output.WriteLine(stdout + stderr);
            process.ExitCode.Should().Be(0, stderr);
            stdout.Should().Contain("nodes [('excitatory_cells', 8), ('inh', 4), ('inputs', 5)]");
            stdout.Should().Contain("inh_to_exc 32 inh excitatory_cells [-0.3]");
            stdout.Should().Contain("tau_m [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0]");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
