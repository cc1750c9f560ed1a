using Meta.Cli.Networks;
using Meta.Backends;
using Meta.Plugins;

namespace Meta.Cli.Commands;

/// <summary><c>meta backends</c>: lists the backends that load and the plugin problems.</summary>
internal sealed class BackendsCommand(CliApp app, TextWriter stdout, TextWriter stderr)
{
    private static readonly string[] ValueOptions = ["--plugins"];
    private static readonly string[] Flags = ["--verbose", "--help"];
    private static readonly Dictionary<string, string> Aliases = new() { ["-h"] = "--help" };

    public int Execute(string[] args)
    {
        var a = ParsedArguments.Parse(args, ValueOptions, Flags, Aliases, Usage.Backends);
        if (a.Flag("--help"))
        {
            stdout.Write(Usage.Backends);
            return CliApp.Success;
        }
        if (a.Positionals.Count > 0) throw new UsageException($"unexpected argument '{a.Positionals[0]}'", Usage.Backends);

        using var catalog = app.LoadPlugins(a.Values("--plugins"));
        foreach (var backend in catalog.Backends) Describe(backend);

        if (catalog.Problems.Count > 0)
        {
            stdout.WriteLine($"plugin problems ({catalog.Problems.Count}):");
            foreach (var p in catalog.Problems)
            {
                stdout.WriteLine($"  {p.Folder}");
                if (p.AssemblyPath is not null) stdout.WriteLine($"    assembly: {p.AssemblyPath}");
                stdout.WriteLine($"    reason:   {p.Reason}");
            }
            stdout.WriteLine();
        }
        if (catalog.Backends.Count == 0)
        {
            var searched = catalog.SearchedFolders.Count == 0 ? "(none)" : string.Join(", ", catalog.SearchedFolders);
            stderr.WriteLine($"error: no backend loaded (searched: {searched}); add a plugin folder with --plugins DIR or META_PLUGIN_PATH");
            return CliApp.Failure;
        }
        stdout.WriteLine($"{catalog.Backends.Count} backend{(catalog.Backends.Count == 1 ? "" : "s")} loaded; searched: {string.Join(", ", catalog.SearchedFolders)}");
        return CliApp.Success;
    }

    private void Describe(LoadedBackend loaded)
    {
        var d = loaded.Descriptor;
        var c = d.Capabilities;
        stdout.WriteLine($"{d.Name} {d.Version} (contract version {d.ContractVersion})");
        if (d.Description.Length > 0) stdout.WriteLine($"  {d.Description}");
        Line("devices", Devices(loaded.Backend));
        // A backend that compiles every kernel runs every standard cell type (they are models like any other).
        Line("cell types", c.UserDefinedModels ? $"every model: {Join(Vocabulary.CellTypes)} + user-defined models" : Join(c.CellTypes));
        Line("features", Join(c.Features));
        Line("spike sources", Join(c.SpikeSources));
        Line("current sources", Join(c.CurrentSources));
        Line("synapse types", Join(c.SynapseTypes));
        Line("precisions", Join(c.Precisions.Select(p => p.ToString().ToLowerInvariant())));
        Line("loaded from", loaded.Folder);
        stdout.WriteLine();
    }

    private void Line(string name, string value) => stdout.WriteLine($"  {name + ":",-17}{value}");

    private static string Join(IEnumerable<string> values)
    {
        var s = string.Join(", ", values.Order(StringComparer.Ordinal));
        return s.Length == 0 ? "(none)" : s;
    }

    private static string Devices(IBackend backend)
    {
        try
        {
            var devices = string.Join(", ", backend.Devices);
            return devices.Length == 0 ? "(none)" : devices;
        }
#pragma warning disable CA1031 // A plugin's failure to list devices is shown, not fatal.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"(could not be listed: {e.GetType().Name}: {e.Message})";
        }
    }
}
