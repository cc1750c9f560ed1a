using Meta.Tests.Cli;
using Xunit.Abstractions;

namespace Meta.Tests.Sonata;

/// <summary><c>meta run</c> on a SONATA config: dispatch, the component options, SONATA output.</summary>
public sealed class SonataCliTests(ITestOutputHelper output)
{
    [Fact]
    public void Meta_run_runs_a_sonata_config_with_its_components_pointed_elsewhere()
    {
        if (!SonataFixtures.Available(output)) return;
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
