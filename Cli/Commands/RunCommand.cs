using System.Globalization;
using Meta.Backends;
using Meta.Cli.Networks;
using Meta.Plugins;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Meta.Cli.Commands;

/// <summary><c>meta run NETWORK.json</c>: build, simulate, summarize, write data and plots.</summary>
internal sealed class RunCommand(CliApp app, TextWriter stdout, TextWriter stderr)
{
    private static readonly string[] ValueOptions = ["--backend", "--duration", "--out", "--plugins", "--seed", "--threads"];
    private static readonly string[] Flags = ["--no-plots", "--quiet", "--verbose", "--help"];
    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["-h"] = "--help", ["-o"] = "--out", ["-q"] = "--quiet", ["-b"] = "--backend",
    };

    public int Execute(string[] args)
    {
        // A SONATA config (simulation_config.json, circuit_config.json, config.json) runs through Meta.Sonata.
        if (SonataRun.Handles(args)) return new SonataRun(app.LoadPlugins, stdout, stderr).Execute(args);
        var a = ParsedArguments.Parse(args, ValueOptions, Flags, Aliases, Usage.Run);
        if (a.Flag("--help"))
        {
            stdout.Write(Usage.Run);
            return CliApp.Success;
        }
        if (a.Positionals.Count == 0) throw new UsageException("missing the network file (NETWORK.json)", Usage.Run);
        if (a.Positionals.Count > 1) throw new UsageException($"unexpected argument '{a.Positionals[1]}' (give one network file)", Usage.Run);
        string file = a.Positionals[0];
        double? durationOption = a.Double("--duration");
        if (durationOption is { } d0 && !(d0 > 0)) throw new UsageException($"option --duration needs a positive number of ms, got {d0}", Usage.Run);
        ulong? seed = a.UnsignedInteger("--seed");
        int threads = a.Count("--threads") ?? 0;
        string backendName = a.Value("--backend") ?? "cpu";
        bool quiet = a.Flag("--quiet");
        TextWriter output = quiet ? TextWriter.Null : stdout;

        var clock = Stopwatch.StartNew();
        var document = NetworkParser.ParseFile(file);
        double duration = durationOption ?? document.Simulation.Duration
            ?? throw new CliException($"{file}: simulation.duration is not set; set it in the file or pass --duration MS");

        using var catalog = app.LoadPlugins(a.Values("--plugins"));
        var backend = FindBackend(catalog, backendName);

        clock.Restart();
        using var network = NetworkBuilder.Build(document, backend, new BuildOptions { Seed = seed, Threads = threads });
        double buildSeconds = clock.Elapsed.TotalSeconds;
        var sim = network.Simulation;
        output.WriteLine(
            $"network '{document.Name}': {Plural(network.Populations.Sum(p => (long)p.Size), "cell")} in {Plural(network.Populations.Count, "population")}, " +
            $"{Plural(network.ConnectionCount, "connection")} in {Plural(sim.Projections.Count, "projection")} (built in {ResultWriter.Seconds(buildSeconds)})");
        output.WriteLine(
            $"running {Num(duration)} ms on backend '{backend.Descriptor.Name}' {backend.Descriptor.Version} " +
            $"(dt {Num(sim.Timestep)} ms, seed {sim.Options.Seed})");
        output.Flush();

        var progress = new ProgressReporter(stderr, app.ErrorIsTerminal, enabled: !quiet);
        progress.Status($"loading the network on '{backend.Descriptor.Name}' ...");
        clock.Restart();
        try
        {
            sim.Run(duration, progress.Report);
        }
        finally
        {
            progress.Finish();
        }
        double runSeconds = clock.Elapsed.TotalSeconds;
        foreach (var warning in sim.Warnings) stderr.WriteLine($"warning: {warning}");
        var timings = new RunTimings(buildSeconds, sim.LoadSeconds, Math.Max(0, runSeconds - sim.LoadSeconds));

        var outcome = new RunOutcome
        {
            Network = network,
            NetworkFile = file,
            BackendName = backend.Descriptor.Name,
            BackendVersion = backend.Descriptor.Version,
            DurationMs = sim.Time,
            Timings = timings,
            Populations = RunOutcome.Summarize(network, sim.Time),
        };
        output.WriteLine();
        output.Write(outcome.FormatTable());
        output.WriteLine();
        output.WriteLine(
            $"wall time: build {ResultWriter.Seconds(timings.Build)}, load {ResultWriter.Seconds(timings.Load)}, " +
            $"simulate {ResultWriter.Seconds(timings.Simulate)} ({RealTime(duration, timings.Simulate)}), total {ResultWriter.Seconds(timings.Total)}");

        string folder = a.Value("--out") ?? Path.Combine("out", ResultWriter.SafeName(document.Name));
        var written = new ResultWriter(folder).WriteAll(outcome, plots: !a.Flag("--no-plots"));
        output.WriteLine();
        output.WriteLine($"wrote {Plural(written.Count, "file")} to {Path.GetFullPath(folder)}:");
        foreach (var path in written) output.WriteLine($"  {Path.GetFullPath(path)}");
        output.Flush();
        return CliApp.Success;
    }

    private IBackend FindBackend(PluginCatalog catalog, string name)
    {
        if (catalog.TryGet(name, out var backend)) return backend;
        string available = catalog.Names.Count == 0 ? "none" : string.Join(", ", catalog.Names);
        var problems = catalog.Problems.Select(p => p.ToString()).ToList();
        string detail = problems.Count == 0 ? "" : $"; plugin problems: {string.Join("; ", problems)}";
        throw new CliException($"no backend named '{name}' is loaded (available: {available}){detail}; see 'meta backends'");
    }

    private static string RealTime(double durationMs, double seconds) =>
        seconds <= 0 ? "real-time factor n/a"
        : $"{(seconds / (durationMs / 1000.0)).ToString("0.00", CultureInfo.InvariantCulture)} s per simulated s";

    private static string Plural(long n, string noun) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
