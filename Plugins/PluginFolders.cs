namespace Meta.Plugins;

/// <summary>Finds the plugin folders under a search root.</summary>
internal static class PluginFolders
{
    /// <summary>
    /// The plugin folders of <paramref name="root"/>: the root itself if it holds a plugin
    /// (<see cref="LooksLikePluginFolder"/>), otherwise each of its subdirectories, in name order. A missing or
    /// empty root is reported in <paramref name="problems"/>, except the default folder, which may be absent or empty.
    /// </summary>
    public static IReadOnlyList<string> Find(SearchRoot root, ICollection<PluginProblem> problems)
    {
        try
        {
            if (!Directory.Exists(root.Path))
            {
                if (root.Origin != SearchRootOrigin.Default)
                {
                    var what = File.Exists(root.Path) ? "is a file, not a folder (give the folder that holds the plugin)" : "does not exist";
                    problems.Add(new PluginProblem(root.Path, null, $"plugin folder {what} ({root.OriginText})"));
                }

                return [];
            }

            if (LooksLikePluginFolder(root.Path))
            {
                return [root.Path];
            }

            var subfolders = Directory.GetDirectories(root.Path).Order(StringComparer.Ordinal).ToList();
            if (subfolders.Count == 0 && root.Origin != SearchRootOrigin.Default)
            {
                problems.Add(new PluginProblem(root.Path, null,
                    $"no plugins found: the folder holds neither a plugin (plugin.json or *.deps.json) nor plugin folders ({root.OriginText})"));
            }

            return subfolders;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            problems.Add(new PluginProblem(root.Path, null, $"cannot read plugin folder ({root.OriginText}): {ExceptionText.Describe(e)}"));
            return [];
        }
    }

    /// <summary>Whether <paramref name="folder"/> itself holds a plugin: a <c>plugin.json</c>, a <c>*.deps.json</c> or a <c>*.dll</c>.</summary>
    public static bool LooksLikePluginFolder(string folder) =>
        File.Exists(Path.Combine(folder, PluginManifest.FileName))
        || Directory.EnumerateFiles(folder, "*.deps.json").Any()
        || Directory.EnumerateFiles(folder, "*.dll").Any();
}
