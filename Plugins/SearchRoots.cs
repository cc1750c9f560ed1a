namespace Meta.Plugins;

/// <summary>Works out the ordered, de-duplicated list of search roots from the options and the environment.</summary>
internal static class SearchRoots
{
    /// <summary>
    /// The roots in search order: default folder, then <paramref name="environmentValue"/>'s entries, then the
    /// options' folders. Paths that cannot be made absolute are reported in <paramref name="problems"/>.
    /// </summary>
    public static IReadOnlyList<SearchRoot> Resolve(
        PluginHostOptions options, string? environmentValue, string defaultFolder, ICollection<PluginProblem> problems)
    {
        var candidates = new List<(string Path, SearchRootOrigin Origin)>();
        if (options.IncludeDefaultFolder)
        {
            candidates.Add((defaultFolder, SearchRootOrigin.Default));
        }

        if (options.IncludeEnvironment && !string.IsNullOrWhiteSpace(environmentValue))
        {
            foreach (var entry in environmentValue.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                candidates.Add((entry, SearchRootOrigin.Environment));
            }
        }

        foreach (var folder in options.AdditionalFolders)
        {
            if (!string.IsNullOrWhiteSpace(folder))
            {
                candidates.Add((folder.Trim(), SearchRootOrigin.Options));
            }
        }

        var seen = new HashSet<string>(PathComparison.Comparer);
        var roots = new List<SearchRoot>();
        foreach (var (path, origin) in candidates)
        {
            string full;
            try
            {
                full = PathComparison.Normalize(path);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
            {
                problems.Add(new PluginProblem(path, null, $"invalid plugin folder path: {ExceptionText.Describe(e)}"));
                continue;
            }

            if (seen.Add(full))
            {
                roots.Add(new SearchRoot(full, origin));
            }
        }

        return roots;
    }
}
