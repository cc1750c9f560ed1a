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
    private static readonly string[] ValueOptions = ["--plugin", "--backend", "--reference", "--precision", "--out", "--filter"];
    private static readonly string[] Flags = ["--verbose", "--help"];
    private static readonly Dictionary<string, string> Aliases = new() { ["-h"] = "--help", ["-o"] = "--out" };

    public int Execute(string[] args)
    {
        var a = ParsedArguments.Parse(args, ValueOptions, Flags, Aliases, Usage.Conformance);
        if (a.Flag("--help"))
        {
            stdout.Write(Usage.Conformance);
            return CliApp.Success;
        }
        if (a.Positionals.Count > 0) throw new UsageException($"unexpected argument '{a.Positionals[0]}'", Usage.Conformance);
        var folders = a.Values("--plugin");
        if (folders.Count == 0) throw new UsageException("give the plugin folder to certify with --plugin DIR", Usage.Conformance);
        var precision = a.Value("--precision") switch
        {
            null or "float64" => Precision.Float64,
            "float32" => Precision.Float32,
            var p => throw new UsageException($"--precision must be float64 or float32, not '{p}'", Usage.Conformance),
        };

        using var underTest = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = folders });
        foreach (var p in underTest.Problems) stderr.WriteLine($"plugin problem: {p}");
        var backends = a.Value("--backend") is { } name ? [underTest.Get(name)] : underTest.Backends.Select(b => b.Backend).ToList();
        if (backends.Count == 0) throw new CliException($"no backend loaded from {string.Join(", ", folders)}");

        using var defaults = app.LoadPlugins([]);
        string referenceName = a.Value("--reference") ?? "cpu";
        IBackend? reference = referenceName == "none" ? null : defaults.TryGet(referenceName, out var r) ? r : null;
        if (reference is null && referenceName != "none")
            stderr.WriteLine($"warning: reference backend '{referenceName}' not found; cross-backend scenarios are reported unsupported");

        var scenarios = ConformanceCatalog.All().Where(s => a.Value("--filter") is not { } f || s.Name.Contains(f, StringComparison.OrdinalIgnoreCase)).ToList();
        bool success = true;
        var reports = new List<ConformanceReport>();
        foreach (var backend in backends)
        {
            stderr.WriteLine($"running {scenarios.Count} scenarios on '{backend.Descriptor.Name}'...");
            var report = ConformanceRunner.Run(backend, reference, precision, scenarios,
                result => stderr.WriteLine($"  {result.Scenario}: {result.Status.ToString().ToLowerInvariant()}"));
            stdout.Write(report.ToTable());
            stdout.WriteLine();
            reports.Add(report);
            success &= report.Success;
        }
        string outPath = a.Value("--out") ?? "conformance-report.json";
        string json = reports.Count == 1 ? reports[0].ToJson() : "[" + string.Join(",\n", reports.Select(r => r.ToJson())) + "]";
        var dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(outPath, json);
        stdout.WriteLine($"wrote {Path.GetFullPath(outPath)}");
        return success ? CliApp.Success : CliApp.Failure;
    }
}
