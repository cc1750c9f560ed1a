namespace Meta.Plugins;

/// <summary>Where a search root came from; decides whether its absence is a problem.</summary>
internal enum SearchRootOrigin
{
    /// <summary><see cref="PluginHostOptions.DefaultFolder"/>: may be missing.</summary>
    Default,
    /// <summary>The <see cref="PluginHostOptions.EnvironmentVariable"/> variable.</summary>
    Environment,
    /// <summary><see cref="PluginHostOptions.AdditionalFolders"/>.</summary>
    Options,
}

/// <summary>A folder to search for plugins.</summary>
/// <param name="Path">The normalised full path.</param>
/// <param name="Origin">Where it came from.</param>
internal sealed record SearchRoot(string Path, SearchRootOrigin Origin)
{
    /// <summary>Words for messages: where the folder was named.</summary>
    public string OriginText => Origin switch
    {
        SearchRootOrigin.Default => "the default plugin folder",
        SearchRootOrigin.Environment => $"named in {PluginHostOptions.EnvironmentVariable}",
        _ => "given in the plugin options",
    };
}
