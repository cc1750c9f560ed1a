using Meta.Backends;
using Meta.Plugins;

namespace Meta.Conformance;

/// <summary>
/// Loads the backend a conformance suite runs against from plugin folders, exactly as a host would:
/// the default <c>plugins/</c> folder next to the test assembly, <c>META_PLUGIN_PATH</c>, and any extra folder.
/// Catalogs are cached for the life of the test process.
/// </summary>
public static class BackendUnderTest
{
    private static readonly Lazy<PluginCatalog> s_default = new(() => PluginHost.Load());
    private static readonly Dictionary<string, PluginCatalog> s_byFolder = [];

    /// <summary>The backend named <paramref name="name"/> from the default plugin search path.</summary>
    public static IBackend Get(string name) => s_default.Value.Get(name);

    /// <summary>The backend named <paramref name="name"/> from the plugin folder <paramref name="folder"/> only.</summary>
    public static IBackend Get(string name, string folder)
    {
        lock (s_byFolder)
        {
            if (!s_byFolder.TryGetValue(folder, out var catalog))
                s_byFolder[folder] = catalog = PluginHost.Load(new PluginHostOptions
                {
                    IncludeDefaultFolder = false,
                    IncludeEnvironment = false,
                    AdditionalFolders = [folder],
                });
            if (catalog.TryGet(name, out var backend)) return backend;
            var problems = string.Join("; ", catalog.Problems.Select(p => p.ToString()));
            throw new BackendNotFoundException(name, catalog.Names.Append(problems.Length > 0 ? $"problems: {problems}" : "no problems reported"));
        }
    }
}
