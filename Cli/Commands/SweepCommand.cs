using System.CommandLine;
using System.Globalization;
using Meta.Cli.Networks;
using Meta.Sweeps;

namespace Meta.Cli.Commands;

/// <summary>
/// <c>meta sweep NETWORK.json --sets SETS</c>: runs many variants of one network as one batch (docs/sweeps.md) and writes a
/// table of variant-level measures, one row per variant.
/// </summary>
internal sealed class SweepCommand(CliApp app, TextWriter stdout, TextWriter stderr)
{
    /// <summary>The <c>sweep</c> command: its argument, options and action.</summary>
    public static Command Define(CliApp app, TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("NETWORK.json") { Description = "the network to vary (JSON, PyNN's names)" };
        var sets = new Option<string>("--sets") { Description = "the parameter sets: CSV or JSON (see below)", HelpName = "SETS.csv|json", Required = true };
        var backend = new Option<string>("--backend", "-b")
        {
            Description = "the backend to run on (see 'meta backends')", HelpName = "NAME", DefaultValueFactory = _ => "cpu",
        };
        var duration = CommonOptions.Number<double>("--duration", "MS", "simulated time of each variant in ms (default: simulation.duration in the file)",
            "a positive number of ms", d => d > 0);
        var seed = CommonOptions.Number<ulong>("--seed", "N", "seed of the variants that give none (default: simulation.seed)", "a non-negative integer");
        var measures = new Option<string[]>("--measure")
        {
            Description = $"the measures, comma-separated or repeated: {string.Join(", ", SweepTable.MeasureNames)} (default: all but pyloric, " +
                "which measures the rhythm of populations PD, LP and PY)",
            HelpName = "NAME", DefaultValueFactory = _ => [], AllowMultipleArgumentsPerToken = true,
        };
        var record = new Option<string?>("--record-variants") { Description = "variants whose recordings to write, e.g. 0,5,9", HelpName = "I,J,..." };
        var thermalise = CommonOptions.Number<double>("--thermalise", "MS",
            "run each variant this long first and measure from the state it reached (cached, see --cache)", "a non-negative number of ms", d => d >= 0);
        var cache = new Option<string?>("--cache") { Description = "the thermalisation cache folder (default: ~/.cache/meta/thermalised)", HelpName = "DIR" };
        var noCache = new Option<bool>("--no-cache") { Description = "thermalise without reading or writing the cache" };
        var transient = CommonOptions.Number<double>("--transient", "MS", "the pyloric measure leaves out spikes before this time (default 0)",
            "a non-negative number of ms", d => d >= 0);
        var oneByOne = new Option<bool>("--one-by-one") { Description = "run the variants one after the other instead of as one batch" };
        var hostMeasures = new Option<bool>("--host-measures")
        {
            Description = "record every spike and compute the measures on the host (default: the backend computes them while it runs; pyloric always uses the host)",
        };
        var output = new Option<string?>("--out", "-o") { Description = "output folder (default: out/<network name>-sweep)", HelpName = "DIR" };
        var plugins = CommonOptions.Plugins();
        var threads = CommonOptions.Number<uint>("--threads", "N", "worker threads for the backend (default: the backend decides)", "a non-negative integer");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "print nothing but errors" };
        var command = new Command("sweep", "run many parameter variants of one network as one batch; write a table of measures per variant")
        {
            file, sets, backend, duration, seed, measures, record, thermalise, cache, noCache, transient, oneByOne, hostMeasures, output, plugins, threads, quiet, CommonOptions.Verbose(),
        };
        command.SetAction(parsed => new SweepCommand(app, stdout, stderr).Execute(new SweepSettings(
            parsed.GetRequiredValue(file), parsed.GetRequiredValue(sets), parsed.GetRequiredValue(backend), parsed.GetValue(duration), parsed.GetValue(seed),
            parsed.GetValue(measures) ?? [], parsed.GetValue(record), parsed.GetValue(thermalise) ?? 0, parsed.GetValue(cache), !parsed.GetValue(noCache),
            parsed.GetValue(oneByOne), parsed.GetValue(output), parsed.GetValue(plugins) ?? [], checked((int)(parsed.GetValue(threads) ?? 0)), parsed.GetValue(quiet))
            {
                Transient = parsed.GetValue(transient) ?? 0,
                HostMeasures = parsed.GetValue(hostMeasures),
            }));
        return command;
    }

    /// <summary>Reads, runs and writes the sweep.</summary>
    public int Execute(SweepSettings a)
    {
        TextWriter output = a.Quiet ? TextWriter.Null : stdout;
        var document = NetworkParser.ParseFile(a.File);
        var parameterSets = ParameterSetReader.ReadFile(a.Sets);
        var selected = SweepTable.ParseMeasures(a.Measures);
        var recordVariants = ParseVariants(a.RecordVariants, parameterSets.Count);
        double duration = a.Duration ?? document.Simulation.Duration
            ?? throw new CliException($"{a.File}: simulation.duration is not set; set it in the file or pass --duration MS");
        ulong seed = a.Seed ?? document.Simulation.Seed ?? new SimulationOptions().Seed;

        using var catalog = app.LoadPlugins(a.Plugins);
        foreach (var warning in RunCommand.PluginWarnings(catalog, a.Plugins)) stderr.WriteLine($"warning: {warning}");
        var backend = RunCommand.FindBackend(catalog, a.Backend);
        var sweep = new Sweep(backend, s => NetworkBuilder.Build(document, backend, new BuildOptions { Seed = s, Threads = a.Threads }).Simulation, seed);
        if (a.ThermaliseMs > 0) sweep.Thermalise(a.ThermaliseMs, a.Cache, a.UseCache);

        output.WriteLine($"sweep of network '{document.Name}': {parameterSets.Count} variants from {a.Sets}, {Num(duration)} ms each" +
            (a.ThermaliseMs > 0 ? $" after {Num(a.ThermaliseMs)} ms of thermalisation" : "") + $", on backend '{backend.Descriptor.Name}' {backend.Descriptor.Version}");
        double thermaliseShare = a.ThermaliseMs / (a.ThermaliseMs + duration);
        var result = RunProgress.Run(output, stderr, app.ErrorIsTerminal, enabled: !a.Quiet, progress =>
        {
            progress.Phase($"building {parameterSets.Count} variants");
            var r = sweep.Run(parameterSets, duration, new SweepOptions
                {
                    RecordVariants = recordVariants, OneByOne = a.OneByOne, MeasuresOnDevice = !a.HostMeasures,
                    Pyloric = selected.Contains("pyloric") ? PyloricLabels(document) : null, PyloricFrom = a.Transient,
                },
                (phase, f) => progress.Report(phase == "thermalising" ? f * thermaliseShare : thermaliseShare + f * (1 - thermaliseShare)));
            progress.Finish();
            return r;
        });

        string folder = a.Out ?? Path.Combine("out", ResultWriter.SafeName(document.Name) + "-sweep");
        var written = new SweepTable(result, selected).Write(folder, document.Name, a.File, backend.Descriptor.Name, backend.Descriptor.Version);
        output.WriteLine(result.Batched
            ? $"ran {parameterSets.Count} variants as one batch"
            : $"ran {parameterSets.Count} variants one by one ({result.BatchRefusal})");
        output.WriteLine(result.MeasuredOnDevice ? "measures computed by the backend while it ran" : "measures computed on the host from every recorded spike");
        if (a.ThermaliseMs > 0) output.WriteLine($"thermalised states: {result.CacheHits} from the cache, {parameterSets.Count - result.CacheHits} computed");
        output.WriteLine($"wall time: build {ResultWriter.Seconds(result.ResolveSeconds)}, thermalise {ResultWriter.Seconds(result.ThermaliseSeconds)}, " +
            $"run {ResultWriter.Seconds(result.RunSeconds)}");
        output.WriteLine($"wrote {written.Count} file{(written.Count == 1 ? "" : "s")} to {Path.GetFullPath(folder)}:");
        foreach (var path in written) output.WriteLine($"  {Path.GetFullPath(path)}");
        return CliApp.Success;
    }

    /// <summary>The labels of the pacemaker (PD, ABPD, AB/PD or AB, the first the network has), LP and PY populations.</summary>
    private static (string, string, string) PyloricLabels(NetworkDocument document)
    {
        var labels = document.Populations.Select(p => p.Label).ToArray();
        string pacemaker = PacemakerLabels.FirstOrDefault(labels.Contains)
            ?? throw new CliException($"--measure pyloric needs a pacemaker population labelled {string.Join(", ", PacemakerLabels)} (populations: {string.Join(", ", labels)})");
        foreach (var label in new[] { "LP", "PY" })
            if (!labels.Contains(label)) throw new CliException($"--measure pyloric needs a population labelled '{label}' (populations: {string.Join(", ", labels)})");
        return (pacemaker, "LP", "PY");
    }

    private static readonly string[] PacemakerLabels = ["PD", "ABPD", "AB/PD", "AB"];

    private static int[] ParseVariants(string? text, int count)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(t =>
            int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v < count ? v
            : throw new CliException($"--record-variants: '{t}' is not a variant (0 to {count - 1})")).Distinct().ToArray();
    }

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The command line of a sweep.</summary>
internal sealed record SweepSettings(string File, string Sets, string Backend, double? Duration, ulong? Seed, IReadOnlyList<string> Measures,
    string? RecordVariants, double ThermaliseMs, string? Cache, bool UseCache, bool OneByOne, string? Out, IReadOnlyList<string> Plugins,
    int Threads, bool Quiet)
{
    /// <summary>The pyloric measure leaves out spikes before this time (ms).</summary>
    public double Transient { get; init; }
    /// <summary>Record every spike and compute the measures on the host instead of on the backend.</summary>
    public bool HostMeasures { get; init; }
}
