namespace Meta.Plugins;

/// <summary>
/// Why a plugin folder, a plugin assembly or one of its backends was not loaded. Problems never stop the
/// other plugins from loading.
/// </summary>
/// <param name="Folder">The plugin folder (or search root) concerned.</param>
/// <param name="AssemblyPath">The plugin assembly, when it was known.</param>
/// <param name="Reason">A one-line explanation, naming the exception type and message when there was one.</param>
public sealed record PluginProblem(string Folder, string? AssemblyPath, string Reason)
{
    /// <summary>A one-line description: the assembly (or folder) followed by the reason.</summary>
    public override string ToString() => $"{AssemblyPath ?? Folder}: {Reason}";
}
