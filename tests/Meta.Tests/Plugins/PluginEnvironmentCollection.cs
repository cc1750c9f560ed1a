namespace Meta.Tests.Plugins;

/// <summary>
/// Tests that set the process-wide META_PLUGIN_PATH variable. The collection runs on its own, after the parallel
/// ones, so no other test reading the variable sees it changed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PluginEnvironmentCollection
{
    public const string Name = "Plugin environment (META_PLUGIN_PATH)";
}
