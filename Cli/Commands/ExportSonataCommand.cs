using System.CommandLine;
using Meta.Cli.Networks;
using Meta.Sonata.Writing;

namespace Meta.Cli.Commands;

/// <summary>
/// <c>meta export-sonata FILE DIR</c>: builds a network file (connectivity and random values drawn from the seed, as a
/// run would) and saves it as SONATA with <see cref="SonataNetworkWriter"/>; <c>meta run DIR/simulation_config.json</c>
/// runs it back.
/// </summary>
internal sealed class ExportSonataCommand(CliApp app, TextWriter stdout)
{
    /// <summary>The <c>export-sonata</c> command.</summary>
    public static Command Define(CliApp app, TextWriter stdout)
    {
        var file = new Argument<string>("FILE") { Description = "the network file (JSON)" };
        var folder = new Argument<string>("DIR") { Description = "the folder to write the SONATA files into" };
        var duration = CommonOptions.Number<double>("--duration", "MS", "run.tstop of the written simulation config (default: the file's duration, else 1000)", "a positive number of ms", d => d > 0);
        var seed = CommonOptions.Number<ulong>("--seed", "N", "the seed connectivity and random values are drawn from (default: the file's)", "a non-negative integer");
        var backend = new Option<string>("--backend", "-b") { Description = "the backend the network is built for (default: cpu)", HelpName = "NAME", DefaultValueFactory = _ => "cpu" };
        var plugins = CommonOptions.Plugins();
        var command = new Command("export-sonata", "save a network file as SONATA (nodes, edges, type tables, spike inputs, configs)")
        {
            file, folder, duration, seed, backend, plugins, CommonOptions.Verbose(),
        };
        command.SetAction(parsed => new ExportSonataCommand(app, stdout).Execute(parsed.GetValue(file)!, parsed.GetValue(folder)!,
            parsed.GetValue(duration), parsed.GetValue(seed), parsed.GetValue(backend)!, parsed.GetValue(plugins) ?? []));
        return command;
    }

    /// <summary>Builds the network and writes it; prints what was written.</summary>
    public int Execute(string file, string folder, double? duration, ulong? seed, string backendName, IReadOnlyList<string> plugins)
    {
        var document = NetworkParser.ParseFile(file);
        using var catalog = app.LoadPlugins(plugins);
        var backend = RunCommand.FindBackend(catalog, backendName);
        using var built = NetworkBuilder.Build(document, backend, new BuildOptions { Seed = seed });
        double tstop = duration ?? document.Simulation.Duration ?? 1000.0;
        string config = SonataNetworkWriter.Write(built.Simulation, folder, new SonataExportOptions { Duration = tstop });
        var sim = built.Simulation;
        stdout.WriteLine($"wrote {sim.Populations.Sum(p => (long)p.Size)} nodes in {sim.Populations.Count} populations and " +
            $"{sim.Projections.Sum(p => (long)p.Size)} edges to {folder} (tstop {tstop} ms, dt {sim.Timestep} ms, seed {sim.Options.Seed})");
        stdout.WriteLine($"run it with: meta run {config}");
        return CliApp.Success;
    }
}
