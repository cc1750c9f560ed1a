using System.Globalization;
using System.CommandLine;
using Meta.Backends;
using Meta.Cli.Networks;
using Meta.Cli.Output;
using Meta.Plugins;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Meta.Cli.Commands;

/// <summary><c>meta run NETWORK.json</c>: build, simulate, summarize, write data and plots.</summary>
internal sealed class RunCommand(CliApp app, TextWriter stdout, TextWriter stderr)
{
    /// <summary>The <c>run</c> command: its argument, options and action.</summary>
    public static Command Define(CliApp app, TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("NETWORK.json") { Description = "the network to build and run (JSON, PyNN's names)" };
        var backend = new Option<string>("--backend", "-b")
        {
            Description = "the backend to run on (see 'meta backends')", HelpName = "NAME", DefaultValueFactory = _ => "cpu",
        };
        var duration = CommonOptions.Number<double>("--duration", "MS", "simulated time in ms (default: simulation.duration in the file)",
            "a positive number of ms", d => d > 0);
        var seed = CommonOptions.Number<ulong>("--seed", "N", "seed for connectivity, random values and Poisson sources (default: simulation.seed)",
            "a non-negative integer");
        var output = new Option<string?>("--out", "-o") { Description = "output folder (default: out/<network name>)", HelpName = "DIR" };
        var plugins = CommonOptions.Plugins();
        var threads = CommonOptions.Number<uint>("--threads", "N", "worker threads for the backend (default: the backend decides)", "a non-negative integer");
        var noPlots = new Option<bool>("--no-plots") { Description = "write data and summary.json only" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "print nothing but errors" };
        var maxRecording = CommonOptions.Number<double>("--max-recording", "GB",
            "refuse to run when the recorded signals would exceed this many GB (default: half the available memory)", "a positive number of GB", g => g > 0);
        var manifest = new Option<string[]>("--manifest")
        {
            Description = "SONATA configs: set a manifest variable, e.g. '$COMPONENT_DIR=../components' (repeatable)", HelpName = "$NAME=DIR",
            DefaultValueFactory = _ => [],
        };
        var components = new Option<string[]>("--components")
        {
            Description = "SONATA configs: a further folder to look for component files in (repeatable)", HelpName = "DIR",
            DefaultValueFactory = _ => [],
        };
        var ranks = CommonOptions.Number<int>("--ranks", "N",
            "run on N MPI ranks on this machine (starts mpirun -np N; on a cluster call mpirun yourself)", "a positive integer", n => n > 0);
        var spikePrecision = new Option<string?>("--spike-precision")
        {
            Description = "spike times on the step grid or found within the step (default: simulation.spike_precision, else on_grid)",
            HelpName = "on_grid|off_grid",
        };
        spikePrecision.AcceptOnlyFromAmong([.. Meta.Network.SpikePrecisionNames.All]);
        var gather = new Option<string>("--gather")
        {
            Description = "true: rank 0 gathers every recording and writes LABEL.npz (as one process); false: every rank writes its own " +
                          "cells' LABEL.rankR.npz and no plots, joined later with 'meta join DIR'",
            HelpName = "true|false", DefaultValueFactory = _ => "true",
        };
        gather.AcceptOnlyFromAmong("true", "false");
        var command = new Command("run", "build a network from a JSON file, simulate it, write data and plots")
        {
            file, backend, duration, seed, output, plugins, threads, noPlots, quiet, maxRecording, manifest, components, ranks, spikePrecision, gather, CommonOptions.Verbose(),
        };
        command.SetAction(parsed => parsed.GetValue(ranks) is { } n && !Meta.Distributed.Mpi.MpiCommunicator.StartedByMpirun()
            ? MpiLauncher.Relaunch(n, stderr)
            : new RunCommand(app, stdout, stderr).Execute(new RunSettings(
            parsed.GetRequiredValue(file), parsed.GetRequiredValue(backend), parsed.GetValue(duration), parsed.GetValue(seed),
            parsed.GetValue(output), parsed.GetValue(plugins) ?? [], checked((int)(parsed.GetValue(threads) ?? 0)), !parsed.GetValue(noPlots), parsed.GetValue(quiet))
            {
                Manifest = parsed.GetValue(manifest) ?? [],
                Components = parsed.GetValue(components) ?? [],
                MaxRecordingGigabytes = parsed.GetValue(maxRecording),
                SpikePrecision = parsed.GetValue(spikePrecision) is { } sp ? Meta.Network.SpikePrecisionNames.Parse(sp) : null,
                Gather = parsed.GetValue(gather) != "false",
            }));
        return command;
    }

    /// <summary>Builds, runs, summarizes and writes the results.</summary>
    public int Execute(RunSettings a)
    {
        // A SONATA config (simulation_config.json, circuit_config.json, config.json) runs through Meta.Sonata.
        if (Meta.Sonata.Config.SonataConfig.IsSonataConfig(a.File))
        {
            if (Meta.Distributed.Mpi.MpiCommunicator.StartedByMpirun(severalRanks: true))
                throw new CliException($"{a.File}: distributed runs of SONATA configs are not supported yet; run it in one process");
            return new SonataRun(app.LoadPlugins, stdout, stderr).Execute(a);
        }
        if (a.Manifest.Count > 0 || a.Components.Count > 0)
            throw new CliException($"{a.File}: --manifest and --components apply to SONATA configs only");
        string file = a.File;
        double? durationOption = a.Duration;
        ulong? seed = a.Seed;
        int threads = a.Threads;
        string backendName = a.Backend;
        // Under mpirun every rank runs this command on its share of the network; rank 0 prints and writes (docs/architecture.md).
        // Open MPI's defaults that meta run changes (unless set by the user) are set before MPI starts (MpiDefaults).
        bool underMpirun = Meta.Distributed.Mpi.MpiCommunicator.StartedByMpirun();
        var mpiYield = underMpirun ? MpiDefaults.Origin(MpiDefaults.YieldVariable, MpiDefaults.Apply()) : null;
        using var communicator = underMpirun ? new Meta.Distributed.Mpi.MpiCommunicator() : null;
        bool root = communicator is null || communicator.Rank == 0;
        bool quiet = a.Quiet || !root;
        TextWriter output = quiet ? TextWriter.Null : stdout;

        var clock = Stopwatch.StartNew();
        var document = NetworkParser.ParseFile(file);
        if (a.SpikePrecision is { } spikePrecision) document = document with { Simulation = document.Simulation with { SpikePrecision = spikePrecision } };
        double duration = durationOption ?? document.Simulation.Duration
            ?? throw new CliException($"{file}: simulation.duration is not set; set it in the file or pass --duration MS");

        using var catalog = app.LoadPlugins(a.Plugins);
        foreach (var warning in PluginWarnings(catalog, a.Plugins)) stderr.WriteLine($"warning: {warning}");
        var backend = FindBackend(catalog, backendName);

        string backendLabel = $"'{backend.Descriptor.Name}'";
        var (network, buildSeconds, runSeconds, stop) = RunProgress.Run(output, stderr, app.ErrorIsTerminal, enabled: !quiet, progress =>
        {
            progress.Phase("building the network");
            clock.Restart();
            var built = NetworkBuilder.Build(document, backend, new BuildOptions { Seed = seed, Threads = threads, Communicator = communicator });
            double build = clock.Elapsed.TotalSeconds;
            var s = built.Simulation;
            if (RecordingBudget.Check(s.Recorders.Estimate(duration), duration, a.MaxRecordingGigabytes) is { } large)
                stderr.WriteLine($"warning: {large}");
            progress.Print(
                $"network '{document.Name}': {Plural(built.Populations.Sum(p => (long)p.Size), "cell")} in {Plural(built.Populations.Count, "population")}, " +
                $"{Plural(built.ConnectionCount, "connection")} in {Plural(s.Projections.Count, "projection")} (built in {ResultWriter.Seconds(build)})");
            progress.Print(
                $"running {Num(duration)} ms on backend {backendLabel} {backend.Descriptor.Version} (dt {Num(s.Timestep)} ms, seed {s.Options.Seed})");
            progress.Phase($"loading the network on {backendLabel}");
            clock.Restart();
            var stopped = new SteppedRun(s, app.Cancellation, app.ProgressObserver).Run(duration, progress.Report);
            progress.Finish();
            return (built, build, clock.Elapsed.TotalSeconds, stopped);
        });
        using var _ = network;
        var sim = network.Simulation;
        foreach (var warning in sim.Warnings) stderr.WriteLine($"warning: {warning}");
        var timings = new RunTimings(buildSeconds, sim.LoadSeconds, Math.Max(0, runSeconds - sim.LoadSeconds));

        var outcome = new RunOutcome
        {
            Network = network,
            NetworkFile = file,
            BackendName = backend.Descriptor.Name,
            BackendVersion = backend.Descriptor.Version,
            DurationMs = sim.Time,
            RequestedDurationMs = duration,
            Interruption = stop?.Reason,
            Timings = timings,
            Populations = RunOutcome.Summarize(network, sim.Time, a.Gather, communicator),
            Ranks = sim.Ranks,
            ExchangeSeconds = sim.Distribution?.ExchangeSeconds,
            Exchanges = sim.Distribution?.Exchanges,
            RankEngineSeconds = sim.Distribution?.EngineSeconds,
            RankEngineCpuSeconds = sim.Distribution is { EngineCpuSeconds: > 0 } distribution ? distribution.EngineCpuSeconds : null,
            RankRecordSeconds = sim.Distribution?.RecordSeconds,
            GatherSeconds = sim.Distribution?.GatherSeconds,
            ExchangeOverflows = sim.Distribution?.ExchangeOverflows,
            ExchangeOverlapped = sim.Distribution?.Overlapped,
            Gathers = sim.Distribution?.Gathers,
            Gather = a.Gather,
            MpiYieldWhenIdle = mpiYield,
        };
        string folder = a.Out ?? Path.Combine("out", ResultWriter.SafeName(document.Name));
        if (!root)
        {
            // With --gather false every rank writes its own cells' files; rank 0 writes its own and the summary below.
            if (!a.Gather) new ResultWriter(folder).WriteRankFiles(outcome);
            return stop is null ? CliApp.Success : CliApp.Interrupted;
        }
        if (!a.Gather && a.Plots) stderr.WriteLine("warning: --gather false writes no plots (they need every rank's data in one process); 'meta join' joins the rank files");
        if (stop is not null) stderr.WriteLine($"interrupted: {stop.Reason} at {Num(sim.Time)} of {Num(duration)} ms; writing what was recorded until then");
        output.WriteLine();
        Consoles.Over(output, app.OutputIsTerminal).Write(outcome.SummaryTable());
        output.WriteLine();
        output.WriteLine(
            $"wall time: build {ResultWriter.Seconds(timings.Build)}, load {ResultWriter.Seconds(timings.Load)}, " +
            $"simulate {ResultWriter.Seconds(timings.Simulate)} ({RealTime(duration, timings.Simulate)}), total {ResultWriter.Seconds(timings.Total)}");
        if (sim.Distribution is { } d)
            output.WriteLine($"ranks: {d.Ranks}; spike exchanges: {d.Exchanges} ({ResultWriter.Seconds(d.ExchangeSeconds)} on rank 0, waiting included)");

        var writer = new ResultWriter(folder);
        var written = writer.WriteAll(outcome, plots: a.Plots);
        foreach (var warning in writer.Warnings) stderr.WriteLine($"warning: {warning}");
        output.WriteLine();
        output.WriteLine($"wrote {Plural(written.Count, "file")} to {Path.GetFullPath(folder)}:");
        foreach (var path in written) output.WriteLine($"  {Path.GetFullPath(path)}");
        if (!a.Gather)
            output.WriteLine($"--gather false: every rank wrote its own cells' LABEL.rankR.npz ({Plural(sim.Ranks, "file")} per recording); 'meta join {folder}' makes the single-process files");
        output.Flush();
        if (stop?.Exception is { } failure)
            throw new CliException($"the run failed at {Num(sim.Time)} ms (the data recorded until then are in {Path.GetFullPath(folder)}): {failure.Message}");
        return stop is null ? CliApp.Success : CliApp.Interrupted;
    }

    internal static IBackend FindBackend(PluginCatalog catalog, string name)
    {
        if (catalog.TryGet(name, out var backend)) return backend;
        string available = catalog.Names.Count == 0 ? "none" : string.Join(", ", catalog.Names);
        var problems = catalog.Problems.Select(p => p.ToString()).ToList();
        string detail = problems.Count == 0 ? "" : $"; plugin problems: {string.Join("; ", problems)}";
        throw new CliException($"no backend named '{name}' is loaded (available: {available}){detail}; see 'meta backends'");
    }

    /// <summary>What went wrong in the folders given with --plugins: the plugins that failed, and folders where none was found.</summary>
    internal static IEnumerable<string> PluginWarnings(PluginCatalog catalog, IReadOnlyList<string> folders)
    {
        foreach (var folder in folders.Select(Path.GetFullPath))
        {
            bool Inside(string path) => Path.GetFullPath(path).StartsWith(folder, StringComparison.Ordinal);
            var problems = catalog.Problems.Where(p => Inside(p.Folder)).ToList();
            foreach (var p in problems) yield return $"plugin problem in {folder}: {p}";
            if (problems.Count == 0 && !catalog.Backends.Any(b => Inside(b.Folder)))
                yield return $"no backend plugin found in {folder} (--plugins)";
        }
    }

    private static string RealTime(double durationMs, double seconds) =>
        seconds <= 0 ? "real-time factor n/a"
        : $"{(seconds / (durationMs / 1000.0)).ToString("0.00", CultureInfo.InvariantCulture)} s per simulated s";

    private static string Plural(long n, string noun) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The command line of a run.</summary>
internal sealed record RunSettings(string File, string Backend, double? Duration, ulong? Seed, string? Out, IReadOnlyList<string> Plugins,
    int Threads, bool Plots, bool Quiet)
{
    /// <summary>SONATA manifest variables set on the command line, as <c>$NAME=DIR</c>.</summary>
    public IReadOnlyList<string> Manifest { get; init; } = [];

    /// <summary>Further folders for SONATA component files.</summary>
    public IReadOnlyList<string> Components { get; init; } = [];

    /// <summary>The most the recorded signals may take, in GB (<c>--max-recording</c>); null for <see cref="RecordingBudget.DefaultLimitBytes"/>.</summary>
    public double? MaxRecordingGigabytes { get; init; }

    /// <summary>Where spike times lie (<c>--spike-precision</c>), overriding the network file's; null keeps the file's.</summary>
    public Meta.Network.SpikePrecision? SpikePrecision { get; init; }

    /// <summary>
    /// Whether rank 0 gathers every recording and writes one file each (<c>--gather true</c>, the default), or every rank writes
    /// its own cells' files (<c>--gather false</c>, <see cref="RankFiles"/>).
    /// </summary>
    public bool Gather { get; init; } = true;
}
