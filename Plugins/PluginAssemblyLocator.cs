namespace Meta.Plugins;

/// <summary>Decides which assembly in a plugin folder is the plugin.</summary>
internal static class PluginAssemblyLocator
{
    private const string DepsJsonSuffix = ".deps.json";

    /// <summary>
    /// The plugin assembly of <paramref name="folder"/>: the one <c>plugin.json</c> names if there is one, otherwise
    /// the single <c>X.dll</c> with an <c>X.deps.json</c> beside it. Returns false with a <paramref name="reason"/>
    /// when there is none or more than one.
    /// </summary>
    public static bool TryLocate(string folder, out string assemblyPath, out string reason)
    {
        var manifest = Path.Combine(folder, PluginManifest.FileName);
        if (File.Exists(manifest))
        {
            return PluginManifest.TryRead(manifest, out assemblyPath, out reason);
        }

        assemblyPath = "";
        var depsFiles = Directory.GetFiles(folder, "*" + DepsJsonSuffix).Order(StringComparer.Ordinal).ToList();
        if (depsFiles.Count == 0)
        {
            reason = $"no plugin assembly found: the folder has no {PluginManifest.FileName} and no *{DepsJsonSuffix}";
            return false;
        }

        var candidates = depsFiles
            .Select(deps => deps[..^DepsJsonSuffix.Length] + ".dll")
            .Where(File.Exists)
            .ToList();

        switch (candidates.Count)
        {
            case 1:
                assemblyPath = candidates[0];
                reason = "";
                return true;
            case 0:
                reason = $"no plugin assembly found: no .dll matches {string.Join(", ", depsFiles.Select(Path.GetFileName))}";
                return false;
            default:
                reason = $"ambiguous plugin folder: {candidates.Count} assemblies have a {DepsJsonSuffix} " +
                         $"({string.Join(", ", candidates.Select(Path.GetFileName))}); add a {PluginManifest.FileName} " +
                         $"such as {{\"{PluginManifest.AssemblyProperty}\": \"{Path.GetFileName(candidates[0])}\"}}";
                return false;
        }
    }
}
