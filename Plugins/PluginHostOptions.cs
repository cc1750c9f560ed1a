namespace Meta.Plugins;

/// <summary>
/// Where <see cref="PluginHost.Load"/> looks for plugins. The search roots are taken in this order: the
/// default folder (<see cref="DefaultFolder"/>), every path in the <see cref="EnvironmentVariable"/> environment
/// variable, then <see cref="AdditionalFolders"/>. A root may itself be a plugin folder or hold plugin folders
/// as subdirectories.
/// </summary>
public sealed record PluginHostOptions
{
    /// <summary>The environment variable listing extra search roots, separated by <see cref="Path.PathSeparator"/>.</summary>
    public const string EnvironmentVariable = "META_PLUGIN_PATH";

    /// <summary>The default search root: the <c>plugins</c> folder next to the application.</summary>
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Whether to search <see cref="DefaultFolder"/>. A missing default folder is not a problem.</summary>
    public bool IncludeDefaultFolder { get; init; } = true;

    /// <summary>Whether to search the paths listed in <see cref="EnvironmentVariable"/>. Missing ones are reported as problems.</summary>
    public bool IncludeEnvironment { get; init; } = true;

    /// <summary>
    /// Further search roots, e.g. from the command line's <c>--plugins DIR</c>; relative paths are taken from the
    /// current directory. Missing ones are reported as problems.
    /// </summary>
    public IReadOnlyList<string> AdditionalFolders { get; init; } = [];
}
