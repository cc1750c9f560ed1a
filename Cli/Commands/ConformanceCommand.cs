using System.CommandLine;
using Meta.Backends;
using Meta.Conformance;
using Meta.Conformance.Scenarios;
using Meta.Plugins;

namespace Meta.Cli.Commands;

/// <summary>
/// <c>meta conformance --plugin DIR</c>: the conformance kit. Loads the backend plugins in DIR, exactly as a host would,
/// runs every scenario on each (cross-checking with Meta's CPU backend from meta's own plugin folder), prints the
/// report table, writes it as JSON, and exits 0 only if nothing failed.
/// </summary>
internal sealed class ConformanceCommand(CliApp app, TextWriter stdout, TextWriter stderr)
{
    /// <summary>The <c>conformance</c> command.</summary>
    public static Command Define(CliApp app, TextWriter stdout, TextWriter stderr)
    {
        var plugin = new Option<string[]>("--plugin") { Description = "the plugin folder to certify (repeatable)", HelpName = "DIR", Required = true };
        var backend = new Option<string?>("--backend") { Description = "only this backend of the folder", HelpName = "NAME" };
        var reference = new Option<string>("--reference")
        {
            Description = "the backend to cross-check with, from meta's own plugins ('none' for none)", HelpName = "NAME", DefaultValueFactory = _ => "cpu",
        };
        var precision = new Option<string>("--precision") { Description = "the precision to run in", HelpName = "P", DefaultValueFactory = _ => "float64" };
        precision.AcceptOnlyFromAmong("float64", "float32");
        var filter = new Option<string?>("--filter") { Description = "only scenarios whose name contains TEXT", HelpName = "TEXT" };
        var output = new Option<string>("--out", "-o") { Description = "the JSON report", HelpName = "FILE", DefaultValueFactory = _ => "conformance-report.json" };
        var command = new Command("conformance", "certify the backend plugin(s) in a folder with the conformance suite")
        {
            plugin, backend, reference, precision, filter, output, CommonOptions.Verbose(),
        };
        command.SetAction(parsed => new ConformanceCommand(app, stdout, stderr).Execute(parsed.GetValue(plugin) ?? [], parsed.GetValue(backend),
            parsed.GetRequiredValue(reference), parsed.GetRequiredValue(precision) == "float32" ? Precision.Float32 : Precision.Float64,
            parsed.GetValue(filter), parsed.GetRequiredValue(output)));
        return command;
    }

    /// <summary>Certifies the backends in <paramref name="folders"/>; exit code 0 when no scenario failed.</summary>
    public int Execute(IReadOnlyList<string> folders, string? backendName, string referenceName, Precision precision, string? filter, string outPath)
    {
        using var underTest = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = folders });
        foreach (var p in underTest.Problems) stderr.WriteLine($"plugin problem: {p}");
        var backends = backendName is { } name ? [underTest.Get(name)] : underTest.Backends.Select(b => b.Backend).ToList();
        if (backends.Count == 0) throw new CliException($"no backend loaded from {string.Join(", ", folders)}");

        using var defaults = app.LoadPlugins([]);
        IBackend? reference = referenceName == "none" ? null : defaults.TryGet(referenceName, out var r) ? r : null;
        if (reference is null && referenceName != "none")
            stderr.WriteLine($"warning: reference backend '{referenceName}' not found; cross-backend scenarios are reported unsupported");

        var scenarios = ConformanceCatalog.All().Where(s => filter is not { } f || s.Name.Contains(f, StringComparison.OrdinalIgnoreCase)).ToList();
        if (scenarios.Count == 0)
            throw new CliException($"no conformance scenario's name contains '{filter}'; scenario names look like " +
                string.Join(", ", ConformanceCatalog.All().Select(s => s.Name.Split('/')[0]).Distinct().Order(StringComparer.Ordinal).Select(g => $"'{g}/...'")));
        bool success = true;
        var reports = new List<ConformanceReport>();
        foreach (var backend in backends)
        {
            stderr.WriteLine($"running {scenarios.Count} scenarios on '{backend.Descriptor.Name}'...");
            // Each progress line gives the scenario's wall time (since the previous line), to show where a run spends it.
            var sinceLast = System.Diagnostics.Stopwatch.StartNew();
            var report = ConformanceRunner.Run(backend, reference, precision, scenarios, result =>
            {
                stderr.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {result.Scenario}: {result.Status.ToString().ToLowerInvariant()} ({sinceLast.Elapsed.TotalSeconds:0.00} s)"));
                sinceLast.Restart();
            });
            stdout.Write(report.ToTable());
            stdout.WriteLine();
            reports.Add(report);
            success &= report.Success;
        }
        string json = reports.Count == 1 ? reports[0].ToJson() : "[" + string.Join(",\n", reports.Select(r => r.ToJson())) + "]";
        var dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(outPath, json);
        stdout.WriteLine($"wrote {Path.GetFullPath(outPath)}");
        return success ? CliApp.Success : CliApp.Failure;
    }
}
