using Meta.Cli.Commands;
using Meta.Plugins;
using Meta.Sonata.Reading;
using Meta.Tests.Cli;
using Xunit.Abstractions;

namespace Meta.Tests.Sonata;

/// <summary>
/// Every SONATA fixture network (../shared/fixtures/sonata) run by <c>meta run simulation_config.json</c> on cpu, ilgpu
/// and torch (the plugins of the Cli build): each writes SONATA spike and membrane reports, and the three give the same
/// spike train for every node.
/// </summary>
public sealed class SonataFixtureBackendTests(ITestOutputHelper output)
{
    /// <summary>Fixture, the population whose spikes are compared, and the extra arguments it needs (the duration is shortened for the ILGPU emulator).</summary>
    public static TheoryData<string, string, string[]> Fixtures => new()
    {
        { "300_pointneurons", "internal", ["--duration", "50"] },
        { "one_cell_iclamp_nest", "one_cell_iclamp", ["--components", "{nest_models}/cell_models"] },
        { "ten_cells_spikes_nest", "post", ["--manifest", "$COMPONENT_DIR={nest_models}"] },
    };

    [SonataTheory]
    [MemberData(nameof(Fixtures))]
    public void A_fixture_gives_the_same_spikes_on_cpu_ilgpu_and_torch(string fixture, string population, string[] arguments)
    {
        string config = Path.Combine(fixture == "300_pointneurons" ? SonataFixtures.Path300 : SonataFixtures.SimTest(fixture), "simulation_config.json");
        var extra = arguments.Select(a => a.Replace("{nest_models}", SonataFixtures.NestModels, StringComparison.Ordinal)).ToArray();
        var trains = new Dictionary<string, double[][]>();
        foreach (var backend in new[] { "cpu", "ilgpu", "torch" })
        {
            string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-{fixture}-{backend}-{Guid.NewGuid():N}");
            try
            {
                var app = new CliApp
                {
                    LoadPlugins = _ => PluginHost.Load(new PluginHostOptions
                    {
                        IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = [CliTestSupport.CliPluginsFolder],
                    }),
                };
                var (exit, stdout, stderr) = CliTestSupport.Run(app, ["run", config, "-b", backend, "-o", folder, "--no-plots", .. extra]);
                output.WriteLine($"{backend}: {stdout}{stderr}");
                exit.Should().Be(0, stderr);
                File.Exists(Path.Combine(folder, "membrane_potential.h5")).Should().BeTrue("the fixture asks for a membrane report");
                trains[backend] = SpikeFile.Read(Path.Combine(folder, "spikes.h5"), population, 1000);
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }
        int spikes = trains["cpu"].Sum(t => t.Length);
        output.WriteLine($"{fixture}: {spikes} spikes of '{population}' on cpu");
        // ten_cells_spikes_nest's five cells stay below threshold in its 400 ms on every backend (v relaxes from -70 to about
        // -78 mV; not compared with NEST), so for it this test checks only that each backend runs it and writes its reports.
        if (fixture != "ten_cells_spikes_nest") spikes.Should().BePositive();
        trains["ilgpu"].Should().BeEquivalentTo(trains["cpu"], o => o.WithStrictOrdering(), "ilgpu gives cpu's spike times");
        trains["torch"].Should().BeEquivalentTo(trains["cpu"], o => o.WithStrictOrdering(), "torch gives cpu's spike times");
    }
}
