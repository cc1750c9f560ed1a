using Meta.Backends;

namespace Meta.Plugins;

/// <summary>
/// Discovers and loads backend plugins. Each plugin folder is loaded into a load context of its own with the
/// contract types shared; incompatible or broken plugins are refused with a <see cref="PluginProblem"/> and never
/// take the host down.
/// </summary>
public static class PluginHost
{
    /// <summary>
    /// Searches the folders named by <paramref name="options"/> (see <see cref="PluginHostOptions"/>), loads every
    /// plugin found and returns the accepted backends with the problems met. Never throws for a plugin's fault.
    /// </summary>
    /// <param name="options">Where to search; null for the defaults (default folder and <c>META_PLUGIN_PATH</c>).</param>
    /// <returns>The catalog of loaded backends; dispose it to release the plugins.</returns>
    public static PluginCatalog Load(PluginHostOptions? options = null) =>
        LoadCore(options ?? new PluginHostOptions(),
             Environment.GetEnvironmentVariable(PluginHostOptions.EnvironmentVariable),
             PluginHostOptions.DefaultFolder);

    internal static PluginCatalog LoadCore(PluginHostOptions options, string? environmentValue, string defaultFolder)
    {
        var problems = new List<PluginProblem>();
        var roots = SearchRoots.Resolve(options, environmentValue, defaultFolder, problems);
        var session = new LoadSession(problems);

        foreach (var root in roots)
        {
            foreach (var folder in PluginFolders.Find(root, problems))
            {
                session.LoadFolder(folder);
            }
        }

        return new PluginCatalog(session.Backends, problems, roots.Select(r => r.Path).ToList(), session.Plugins);
    }

    /// <summary>The state of one <see cref="Load(PluginHostOptions?)"/> call.</summary>
    private sealed class LoadSession(List<PluginProblem> problems)
    {
        private readonly HashSet<string> _visited = new(PathComparison.Comparer);
        private readonly Dictionary<string, LoadedBackend> _byName = new(StringComparer.OrdinalIgnoreCase);

        public List<LoadedBackend> Backends { get; } = [];
        public List<PluginAssembly> Plugins { get; } = [];

        /// <summary>Loads the plugin in <paramref name="folder"/> unless that folder was already loaded.</summary>
        public void LoadFolder(string folder)
        {
            if (!_visited.Add(folder))
            {
                return;
            }

            string? assemblyPath = null;
            try
            {
                if (!PluginAssemblyLocator.TryLocate(folder, out var located, out var reason))
                {
                    problems.Add(new PluginProblem(folder, null, reason));
                    return;
                }

                assemblyPath = located;
                var plugin = PluginAssemblyLoader.Load(folder, located, problems);
                if (plugin is null)
                {
                    return;
                }

                Plugins.Add(plugin);
                foreach (var backend in plugin.Backends)
                {
                    Admit(backend, plugin);
                }
            }
            catch (Exception e)
            {
                // Last line of defence: nothing a plugin does may escape Load.
                problems.Add(new PluginProblem(folder, assemblyPath, $"unexpected error while loading the plugin: {ExceptionText.Describe(e)}"));
            }
        }

        private void Admit(IBackend backend, PluginAssembly plugin)
        {
            if (!BackendAdmission.TryAdmit(backend, plugin.Folder, plugin.AssemblyPath, out var loaded, out var reason))
            {
                problems.Add(new PluginProblem(plugin.Folder, plugin.AssemblyPath, reason));
                return;
            }

            if (_byName.TryGetValue(loaded.Name, out var first))
            {
                problems.Add(new PluginProblem(plugin.Folder, plugin.AssemblyPath,
                    $"backend '{loaded.Name}' is already provided by {first.Folder}; this one is ignored"));
                return;
            }

            _byName.Add(loaded.Name, loaded);
            Backends.Add(loaded);
        }
    }
}
