using Meta.Backends.Cpu;
using Meta.Sonata;
using Meta.Sonata.Building;
using Meta.Sonata.Config;
using Meta.Sonata.Writing;
using PureHDF;
using Xunit.Abstractions;

namespace Meta.Tests.Sonata;

/// <summary>The SONATA fixtures built into Meta simulations, run, and written back as SONATA files.</summary>
public sealed class SonataNetworkTests(ITestOutputHelper output)
{
    [SonataFact]
    public void The_300_cell_network_builds_runs_and_writes_sonata_spikes()
    {
        using var network = SonataNetworkBuilder.Build(Path.Combine(SonataFixtures.Path300, "simulation_config.json"), new CpuBackend());
        output.WriteLine($"read {network.ReadSeconds:0.000} s, built {network.BuildSeconds:0.000} s");
        network.EdgeCount.Should().Be(27588 + 20844);
        network.Simulation.Projections.Sum(p => p.Size).Should().Be(27588 + 20844);
        network.Warnings.Should().ContainSingle(w => w.Contains("no 'delay'") && w.Contains("external_internal_edge_types.csv"));
        var internalCells = network.Groups.Single(g => g.SonataPopulation == "internal");
        internalCells.Population.CellType.Name.Should().Be("IF_curr_alpha");
        internalCells.Population.Get("cm")[0].Should().BeApproximately(0.239, 1e-12, "node 0 is type 100, 472363762_point.json: C_m 239 pF");
        var inhibitory = network.Simulation.Projections.Single(p => p.ReceptorType == "inhibitory");
        inhibitory.Weights.Distinct().Order().Should().Equal(-0.0075, -0.003);
        inhibitory.Delays.Distinct().Should().Equal(2.0);
        var external = network.Simulation.Projections.Single(p => p.Pre.Label == "external");
        external.Weights.Distinct().Order().Should().Equal(0.05, 0.065);
        external.Delays.Distinct().Should().Equal(1.0);

        network.Simulation.Run(200);
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-out-{Guid.NewGuid():N}");
        try
        {
            var written = SonataOutputWriter.Write(network, folder);
            written.Select(Path.GetFileName).Should().Equal("spikes.h5", "membrane_potential.h5");
            using var spikes = H5File.OpenRead(Path.Combine(folder, "spikes.h5"));
            var group = spikes.Group("spikes/internal");
            group.Attribute("sorting").Read<string>().Should().Be("by_time");
            var times = group.Dataset("timestamps").Read<double[]>();
            var ids = group.Dataset("node_ids").Read<ulong[]>();
            times.Should().NotBeEmpty().And.BeInAscendingOrder();
            ids.Should().OnlyContain(id => id < 300);
            using var report = H5File.OpenRead(Path.Combine(folder, "membrane_potential.h5"));
            report.Dataset("report/internal/mapping/node_ids").Read<ulong[]>().Should().Equal(0UL, 80UL, 160UL, 240UL, 270UL);
            report.Dataset("report/internal/data").Space.Dimensions.Should().Equal(20001UL, 5UL);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SonataFact]
    public void The_current_clamp_network_fires_as_the_LIF_formula_says()
    {
        var options = new SonataBuildOptions
        {
            Read = new SonataReadOptions { ComponentFolders = [Path.Combine(SonataFixtures.NestModels, "cell_models")] },
        };
        using var network = SonataNetworkBuilder.Build(Path.Combine(SonataFixtures.SimTest("one_cell_iclamp_nest"), "simulation_config.json"), new CpuBackend(), options);
        network.Simulation.CurrentSources.Should().ContainSingle().Which.Should().BeOfType<Meta.CurrentSources.DCSource>()
            .Which.Amplitude.Should().BeApproximately(0.19, 1e-12);
        network.Simulation.Run(300);
        var (_, times) = SonataOutputWriter.Spikes(network, "time")["one_cell_iclamp"];
        // 473863035_point.json: E_L -78, tau_m 22.1, C_m 117, V_th -47, V_reset -50, t_ref 3; 190 pA from 100 ms:
        // V∞ = E_L + I·tau_m/C_m = -42.11 mV, ISI = t_ref + tau_m·ln((V∞ - V_reset)/(V∞ - V_th)) = 13.575 ms.
        times.Should().HaveCountGreaterThan(5);
        times.Zip(times.Skip(1), (a, b) => b - a).Should().OnlyContain(isi => Math.Abs(isi - 13.575) < 0.02);
    }

    [SonataFact]
    public void A_missing_dynamics_params_file_names_the_variable_and_the_fix()
    {
        FluentActions.Invoking(() => SonataNetworkBuilder.Build(Path.Combine(SonataFixtures.SimTest("one_cell_iclamp_nest"), "simulation_config.json"), new CpuBackend()))
            .Should().Throw<SonataException>()
            .WithMessage("*dynamics_params file '473863035_point.json' not found*$COMPONENT_DIR*--manifest $COMPONENT_DIR=DIR*--components DIR*");
    }
}
