using Meta.Plugins;

namespace Meta.Tests.Plugins;

[Collection(PluginEnvironmentCollection.Name)]
public sealed class PluginEnvironmentTests : IDisposable
{
    private readonly TempPluginFolders _temp = new();
    private readonly string? _saved = Environment.GetEnvironmentVariable(PluginHostOptions.EnvironmentVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PluginHostOptions.EnvironmentVariable, _saved);
        _temp.Dispose();
    }

    [Fact]
    public void META_PLUGIN_PATH_entries_are_searched_in_order_and_missing_ones_reported()
    {
        var root = Path.Combine(_temp.Root, "root");
        _temp.CopyPlugin(TempPluginFolders.Good, "root/good");
        var direct = _temp.CopyPlugin(TempPluginFolders.Incompatible);
        var missing = _temp.Missing("missing");
        Environment.SetEnvironmentVariable(PluginHostOptions.EnvironmentVariable,
            string.Join(Path.PathSeparator, missing, "", root, direct));

        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false });

        catalog.SearchedFolders.Should().Equal(missing, root, direct);
        catalog.Names.Should().Equal("test-good");
        catalog.Problems.Should().HaveCount(2);
        catalog.Problems[0].Folder.Should().Be(missing);
        catalog.Problems[0].Reason.Should().Contain("does not exist").And.Contain(PluginHostOptions.EnvironmentVariable);
        catalog.Problems[1].Reason.Should().Contain("test-incompatible");
    }

    [Fact]
    public void META_PLUGIN_PATH_comes_before_the_option_folders()
    {
        var fromEnvironment = _temp.CopyPlugin(TempPluginFolders.Good, "env");
        var fromOptions = _temp.CopyPlugin(TempPluginFolders.Good, "options");
        Environment.SetEnvironmentVariable(PluginHostOptions.EnvironmentVariable, fromEnvironment);

        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, AdditionalFolders = [fromOptions] });

        catalog.SearchedFolders.Should().Equal(fromEnvironment, fromOptions);
        catalog.Backends.Should().ContainSingle().Which.Folder.Should().Be(fromEnvironment);
        catalog.Problems.Should().ContainSingle().Which.Folder.Should().Be(fromOptions);
    }

    [Fact]
    public void META_PLUGIN_PATH_is_ignored_when_switched_off()
    {
        Environment.SetEnvironmentVariable(PluginHostOptions.EnvironmentVariable, _temp.CopyPlugin(TempPluginFolders.Good));

        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false });

        catalog.SearchedFolders.Should().BeEmpty();
        catalog.Backends.Should().BeEmpty();
        catalog.Problems.Should().BeEmpty();
    }
}
