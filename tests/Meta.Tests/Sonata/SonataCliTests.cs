using Meta.Tests.Cli;
using Xunit.Abstractions;

namespace Meta.Tests.Sonata;

/// <summary><c>meta run</c> on a SONATA config: dispatch, the component options, SONATA output.</summary>
public sealed class SonataCliTests(ITestOutputHelper output)
{
    [SonataFact]
    public void Meta_run_runs_a_sonata_config_with_its_components_pointed_elsewhere()
    {
        string config = Path.Combine(SonataFixtures.SimTest("one_cell_iclamp_nest"), "simulation_config.json");
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-cli-{Guid.NewGuid():N}");
        try
        {
            var (exit, stdout, stderr) = CliTestSupport.Run(CliTestSupport.AppWithCpu(),
                "run", config, "--duration", "300", "-o", folder, "--components", Path.Combine(SonataFixtures.NestModels, "cell_models"));
            output.WriteLine(stdout + stderr);
            exit.Should().Be(0);
            stdout.Should().Contain("one_cell_iclamp: 1 cells").And.Contain("spikes.h5");
            File.Exists(Path.Combine(folder, "spikes.h5")).Should().BeTrue();
            File.Exists(Path.Combine(folder, "membrane_potential.h5")).Should().BeTrue();

            var (failed, _, error) = CliTestSupport.Run(CliTestSupport.AppWithCpu(), "run", config, "-o", folder);
            failed.Should().Be(1);
            error.Should().Contain("$COMPONENT_DIR").And.Contain("--components DIR");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary><c>meta export-sonata</c>: a network file saved as SONATA runs back with the same spikes.</summary>
public sealed class SonataExportCliTests(ITestOutputHelper output)
{
    [Fact]
    public void Export_sonata_writes_a_config_that_runs_with_the_network_files_spikes()
    {
        string network = Path.Combine(CliTestSupport.RepoRoot, "examples", "small-network.json");
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-export-cli-{Guid.NewGuid():N}");
        try
        {
            var (exit, stdout, stderr) = CliTestSupport.Run(CliTestSupport.AppWithCpu(), "export-sonata", network, folder);
            output.WriteLine(stdout + stderr);
            exit.Should().Be(0, stderr);
            stdout.Should().Contain("wrote 5 nodes in 2 populations and 6 edges").And.Contain("tstop 100 ms");

            using var built = Meta.Cli.Networks.NetworkBuilder.Build(Meta.Cli.Networks.NetworkParser.ParseFile(network), new Meta.Backends.Cpu.CpuBackend(),
                new Meta.Cli.Networks.BuildOptions());
            built.Simulation.Run(100);
            var expected = built.Simulation.Populations.Single(p => p.Label == "cells").GetData().Segments[0].SpikeTrains.Select(s => s.Times).ToArray();
            using var sonata = Meta.Sonata.Building.SonataNetworkBuilder.Build(Path.Combine(folder, "simulation_config.json"), new Meta.Backends.Cpu.CpuBackend(),
                new Meta.Sonata.Building.SonataBuildOptions { Seed = 42 });
            sonata.Simulation.Run(sonata.Duration!.Value);
            var actual = sonata.Groups.Single(g => g.SonataPopulation == "cells").Population.GetData().Segments[0].SpikeTrains.Select(s => s.Times).ToArray();
            expected.Sum(t => t.Length).Should().BePositive();
            actual.Should().HaveCount(expected.Length);
            for (int i = 0; i < expected.Length; i++) actual[i].Should().Equal(expected[i], $"cell {i}");

            var (failed, _, error) = CliTestSupport.Run(CliTestSupport.AppWithCpu(), "export-sonata", "/no/such/network.json", folder);
            failed.Should().Be(1);
            error.Should().Contain("/no/such/network.json");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
