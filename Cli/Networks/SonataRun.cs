using System.Globalization;
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
/// <c>output_dir</c>. Options: <c>-b/--backend</c>, <c>-o/--out</c>, <c>--duration MS</c>, <c>--plugins DIR</c>,
/// <c>--seed N</c>, <c>--threads N</c>, <c>--manifest $NAME=DIR</c> and <c>--components DIR</c> (repeatable), <c>-q</c>.
/// </summary>
internal sealed class SonataRun(Func<IReadOnlyList<string>, PluginCatalog> loadPlugins, TextWriter stdout, TextWriter stderr)
{
    private static readonly string[] ValueOptions = ["-b", "--backend", "-o", "--out", "--duration", "--plugins", "--seed", "--threads", "--manifest", "--components"];

    /// <summary>Whether the command line's network file is a SONATA config.</summary>
    public static bool Handles(IReadOnlyList<string> args) => Positionals(args).FirstOrDefault() is { } f && SonataConfig.IsSonataConfig(f);

    /// <summary>Runs the network; returns the exit code.</summary>
    public int Execute(IReadOnlyList<string> args)
    {
        string file = Positionals(args).First();
        var values = Values(args);
        bool quiet = args.Contains("-q") || args.Contains("--quiet");
        var output = quiet ? TextWriter.Null : stdout;
        var manifest = new Dictionary<string, string>();
        foreach (var m in Get(values, "--manifest"))
        {
            int eq = m.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new MetaException($"--manifest takes NAME=DIR (e.g. '$COMPONENT_DIR=../components'), got '{m}'");
            manifest[m[..eq]] = m[(eq + 1)..];
        }
        var options = new SonataBuildOptions
        {
            Read = new SonataReadOptions { ManifestOverrides = manifest, ComponentFolders = Get(values, "--components") },
            Seed = Last(values, "--seed") is { } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : null,
            Threads = Last(values, "--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 0,
        };
        string backendName = Last(values, "--backend", "-b") ?? "cpu";
        using var catalog = loadPlugins(Get(values, "--plugins"));
        if (!catalog.TryGet(backendName, out var backend))
            throw new MetaException($"no backend named '{backendName}' is loaded (available: {string.Join(", ", catalog.Names)}); see 'meta backends'");

        using var network = SonataNetworkBuilder.Build(file, backend, options);
        foreach (var w in network.Warnings) stderr.WriteLine($"warning: {w}");
        double duration = Last(values, "--duration") is { } d ? double.Parse(d, CultureInfo.InvariantCulture)
            : network.Duration ?? throw new MetaException($"{file}: no run.tstop; pass --duration MS");
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
        string folder = Last(values, "--out", "-o") ?? network.Config.OutputDir?.Path ?? "output";
        foreach (var path in SonataOutputWriter.Write(network, folder)) output.WriteLine($"wrote {Path.GetFullPath(path)}");
        return 0;
    }

    private static IEnumerable<string> Positionals(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (ValueOptions.Contains(args[i])) i++;
            else if (!args[i].StartsWith('-')) yield return args[i];
        }
    }

    private static List<(string Name, string Value)> Values(IReadOnlyList<string> args)
    {
        var result = new List<(string, string)>();
        for (int i = 0; i < args.Count; i++)
            if (ValueOptions.Contains(args[i]))
                result.Add((args[i], i + 1 < args.Count ? args[++i] : throw new MetaException($"option {args[i]} needs a value")));
        return result;
    }

    private static List<string> Get(List<(string Name, string Value)> values, string name) =>
        values.Where(v => v.Name == name).Select(v => v.Value).ToList();

    private static string? Last(List<(string Name, string Value)> values, params string[] names) =>
        values.LastOrDefault(v => names.Contains(v.Name)).Value;

    private static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
