using Meta.Cli.Networks;
using System.CommandLine;
using Meta.Backends;
using Meta.Plugins;

namespace Meta.Cli.Commands;

/// <summary><c>meta backends</c>: lists the backends that load and the plugin problems.</summary>
internal sealed class BackendsCommand(CliApp app, TextWriter stdout, TextWriter stderr)
{
    /// <summary>The <c>backends</c> command.</summary>
    public static Command Define(CliApp app, TextWriter stdout, TextWriter stderr)
    {
        var plugins = CommonOptions.Plugins();
        var command = new Command("backends", "list the backends that load, their capabilities and any plugin problems") { plugins, CommonOptions.Verbose() };
        command.SetAction(parsed => new BackendsCommand(app, stdout, stderr).Execute(parsed.GetValue(plugins) ?? []));
        return command;
    }

    /// <summary>Loads the plugins and describes each backend; exit code 1 when none loads.</summary>
    public int Execute(IReadOnlyList<string> plugins)
    {
        using var catalog = app.LoadPlugins(plugins);
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
        Line("synapse types", SynapseTypes(c));
        Line("precisions", Join(c.Precisions.Select(p => p.ToString().ToLowerInvariant())));
        Line("loaded from", loaded.Folder);
        stdout.WriteLine();
    }

    /// <summary>
    /// The synapse types the backend runs: its built-in ones, every compiled synapse model where it has synapse dynamics, and the
    /// continuous couplings where it has those.
    /// </summary>
    private static string SynapseTypes(BackendCapabilities c)
    {
        var names = new SortedSet<string>(c.SynapseTypes, StringComparer.Ordinal);
        bool dynamics = c.Features.Contains(BackendFeatures.SynapseDynamics), coupling = c.Features.Contains(BackendFeatures.ContinuousCoupling);
        foreach (var name in Vocabulary.SynapseTypes)
        {
            bool isCoupling = Meta.Models.CouplingTypes.ByName.ContainsKey(name);
            if (isCoupling ? coupling : dynamics) names.Add(name);
        }
        return Join(names) + (dynamics ? " + user-defined synapse models" : "");
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
