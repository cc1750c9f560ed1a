using System.Globalization;
using Meta.Cli.Commands;
using Meta.Plugins;
using Meta.Sonata.Building;
using Meta.Sonata.Config;
using Meta.Sonata.Writing;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Meta.Cli.Networks;

/// <summary>
/// <c>meta run CONFIG.json</c> where the file is a SONATA config (simulation, circuit or a <c>config.json</c> naming
/// both): builds the network with <see cref="SonataNetworkBuilder"/>, runs <c>run.tstop</c> ms, prints the spikes per
/// population and writes SONATA output (<c>spikes.h5</c>, membrane reports) into <c>--out</c> or the config's
/// <c>output_dir</c>. It takes the <c>run</c> command's options, with <c>--manifest $NAME=DIR</c> and <c>--components DIR</c>
/// (repeatable) for configs whose component folders do not resolve.
/// </summary>
internal sealed class SonataRun(Func<IReadOnlyList<string>, PluginCatalog> loadPlugins, TextWriter stdout, TextWriter stderr)
{
    /// <summary>Runs the network of <see cref="RunSettings.File"/>; returns the exit code.</summary>
    public int Execute(RunSettings a)
    {
        string file = a.File;
        var output = a.Quiet ? TextWriter.Null : stdout;
        var manifest = new Dictionary<string, string>();
        foreach (var m in a.Manifest)
        {
            int eq = m.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new MetaException($"--manifest takes NAME=DIR (e.g. '$COMPONENT_DIR=../components'), got '{m}'");
            manifest[m[..eq]] = m[(eq + 1)..];
        }
        var options = new SonataBuildOptions
        {
            Read = new SonataReadOptions { ManifestOverrides = manifest, ComponentFolders = a.Components.ToList() },
            Seed = a.Seed,
            Threads = a.Threads,
        };
        using var catalog = loadPlugins(a.Plugins);
        if (!catalog.TryGet(a.Backend, out var backend))
            throw new MetaException($"no backend named '{a.Backend}' is loaded (available: {string.Join(", ", catalog.Names)}); see 'meta backends'");

        using var network = SonataNetworkBuilder.Build(file, backend, options);
        foreach (var w in network.Warnings) stderr.WriteLine($"warning: {w}");
        double duration = a.Duration ?? network.Duration ?? throw new MetaException($"{file}: no run.tstop; pass --duration MS");
        var sim = network.Simulation;
        output.WriteLine(
            $"SONATA network {file}: {network.Groups.Sum(g => (long)g.Population.Size)} nodes in {network.NodePopulations.Count} populations, " +
            $"{network.EdgeCount} edges in {sim.Projections.Count} projections (read {Seconds(network.ReadSeconds)}, built {Seconds(network.BuildSeconds)})");
        output.WriteLine($"running {Num(duration)} ms on backend '{backend.Descriptor.Name}' (dt {Num(sim.Timestep)} ms)");
        output.Flush();
        var clock = Stopwatch.StartNew();
        sim.Run(duration);
        output.WriteLine($"simulated in {Seconds(clock.Elapsed.TotalSeconds)}");

        foreach (var (population, (ids, _)) in SonataOutputWriter.Spikes(network, null))
        {
            int cells = network.Groups.Where(g => g.SonataPopulation == population && !g.Virtual).Sum(g => g.Population.Size);
            double rate = cells == 0 ? 0 : ids.Length / (cells * duration / 1000.0);
            output.WriteLine($"  {population}: {cells} cells, {ids.Length} spikes, {rate.ToString("0.00", CultureInfo.InvariantCulture)} Hz");
        }
        string folder = a.Out ?? network.Config.OutputDir?.Path ?? "output";
        foreach (var path in SonataOutputWriter.Write(network, folder)) output.WriteLine($"wrote {Path.GetFullPath(path)}");
        return 0;
    }

    private static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
