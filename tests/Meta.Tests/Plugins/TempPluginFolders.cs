namespace Meta.Tests.Plugins;

/// <summary>
/// A temporary folder holding copies of the test plugins that Meta.Tests deploys to its own <c>plugins/</c>
/// folder (see the MetaPlugin items in Meta.Tests.csproj), so tests control exactly what is searched.
/// </summary>
internal sealed class TempPluginFolders : IDisposable
{
    public const string Good = "test-good";
    public const string Incompatible = "test-incompatible";
    public const string Throwing = "test-throwing";

    public TempPluginFolders()
    {
        Root = Path.Combine(Path.GetTempPath(), "meta-plugin-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The temporary folder.</summary>
    public string Root { get; }

    /// <summary>Copies the deployed test plugin <paramref name="plugin"/> to <c>Root/relativeTarget</c> and returns that folder.</summary>
    public string CopyPlugin(string plugin, string? relativeTarget = null)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "plugins", plugin);
        Directory.Exists(source).Should().BeTrue($"the test plugin {plugin} should be deployed to {source}");
        var target = Path.Combine(Root, relativeTarget ?? plugin);
        CopyDirectory(source, target);
        return target;
    }

    /// <summary>Creates (if needed) and returns <c>Root/relative</c>.</summary>
    public string Folder(string relative) => Directory.CreateDirectory(Path.Combine(Root, relative)).FullName;

    /// <summary>A path under <see cref="Root"/> that does not exist.</summary>
    public string Missing(string relative) => Path.Combine(Root, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Loaded plugin assemblies may be locked (Windows); a leftover temp folder does no harm.
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }
}
