using System.Runtime.Loader;
using Meta.Backends;
using Meta.Plugins;

namespace Meta.Tests.Plugins;

public sealed class PluginHostTests : IDisposable
{
    private readonly TempPluginFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Loads only the given folders: neither the default folder nor META_PLUGIN_PATH.</summary>
    private static PluginCatalog LoadOnly(params string[] folders) =>
        PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = folders });

    [Fact]
    public void Good_plugin_loads_in_its_own_context_and_is_found_case_insensitively()
    {
        var folder = _temp.CopyPlugin(TempPluginFolders.Good);

        using var catalog = LoadOnly(folder);

        catalog.Problems.Should().BeEmpty();
        var loaded = catalog.Backends.Should().ContainSingle().Subject;
        loaded.Name.Should().Be("test-good");
        loaded.Version.Should().Be("1.0.0");
        loaded.Descriptor.ContractVersion.Should().Be(Contract.Version);
        loaded.Folder.Should().Be(folder);
        loaded.AssemblyPath.Should().Be(Path.Combine(folder, "Meta.TestPlugins.Good.dll"));
        catalog.Names.Should().Equal("test-good");
        catalog.SearchedFolders.Should().Equal(folder);

        catalog.Get("TEST-Good").Should().BeSameAs(loaded.Backend);
        catalog.TryGet("test-GOOD", out var found).Should().BeTrue();
        found.Should().BeSameAs(loaded.Backend);
        catalog.Find("Test-Good").Should().BeSameAs(loaded);

        AssemblyLoadContext.GetLoadContext(loaded.Backend.GetType().Assembly).Should().NotBeSameAs(AssemblyLoadContext.Default);
        AssemblyLoadContext.GetLoadContext(typeof(IBackend).Assembly).Should().BeSameAs(AssemblyLoadContext.Default);

        var create = () => loaded.Backend.CreateEngine(new EngineOptions());
        create.Should().Throw<NotSupportedByBackendException>().Which.Backend.Should().Be("test-good");
    }

    [Fact]
    public void Unknown_name_throws_BackendNotFoundException_listing_the_loaded_backends()
    {
        using var catalog = LoadOnly(_temp.CopyPlugin(TempPluginFolders.Good));

        var get = () => catalog.Get("nope");

        get.Should().Throw<BackendNotFoundException>().Which.Message.Should().Contain("nope").And.Contain("test-good");
        catalog.TryGet("nope", out var backend).Should().BeFalse();
        backend.Should().BeNull();
    }

    [Fact]
    public void Unknown_name_with_no_plugin_lists_the_folders_searched_and_how_a_backend_arrives()
    {
        var empty = Path.Combine(Path.GetTempPath(), "meta-no-plugins-" + Guid.NewGuid().ToString("N"));
        using var catalog = PluginHost.LoadCore(new PluginHostOptions { IncludeEnvironment = false }, null, empty);

        var get = () => catalog.Get("cpu");

        var message = get.Should().Throw<BackendNotFoundException>().Which.Message;
        message.Should().Contain("No backend named 'cpu' is loaded (available: none)")
            .And.Contain($"Searched: {empty}.")
            .And.Contain("Meta.Backends.Cpu").And.Contain("META_PLUGIN_PATH");
    }

    [Fact]
    public void Incompatible_plugin_is_refused_with_both_contract_versions()
    {
        var folder = _temp.CopyPlugin(TempPluginFolders.Incompatible);

        using var catalog = LoadOnly(folder);

        catalog.Backends.Should().BeEmpty();
        var problem = catalog.Problems.Should().ContainSingle().Subject;
        problem.Folder.Should().Be(folder);
        problem.AssemblyPath.Should().Be(Path.Combine(folder, "Meta.TestPlugins.Incompatible.dll"));
        problem.Reason.Should().Contain("'test-incompatible'")
            .And.Contain($"contract version {Contract.Version + 1}")
            .And.Contain($"supports version {Contract.Version}");
    }

    [Fact]
    public void Throwing_plugin_is_reported_and_the_others_in_the_same_root_still_load()
    {
        _temp.CopyPlugin(TempPluginFolders.Throwing, "root/a-throwing");
        _temp.CopyPlugin(TempPluginFolders.Good, "root/b-good");
        _temp.CopyPlugin(TempPluginFolders.Incompatible, "root/c-incompatible");

        using var catalog = LoadOnly(Path.Combine(_temp.Root, "root"));

        catalog.Names.Should().Equal("test-good");
        catalog.Problems.Should().HaveCount(2);
        var throwing = catalog.Problems[0];
        throwing.Folder.Should().EndWith("a-throwing");
        throwing.AssemblyPath.Should().EndWith("Meta.TestPlugins.Throwing.dll");
        throwing.Reason.Should().Contain("ConfigureServices").And.Contain(nameof(InvalidOperationException))
            .And.Contain("the test-throwing plugin fails on purpose");
        catalog.Problems[1].Reason.Should().Contain("test-incompatible");
    }

    [Fact]
    public void Garbage_assembly_is_reported()
    {
        var folder = _temp.Folder("garbage");
        var random = new System.Random(42);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(folder, "x.dll"), bytes);
        random.NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(folder, "x.deps.json"), bytes);
        var good = _temp.CopyPlugin(TempPluginFolders.Good);

        using var catalog = LoadOnly(folder, good);

        catalog.Names.Should().Equal("test-good");
        var problem = catalog.Problems.Should().ContainSingle().Subject;
        problem.Folder.Should().Be(folder);
        problem.AssemblyPath.Should().Be(Path.Combine(folder, "x.dll"));
        problem.Reason.Should().MatchRegex(@"\w+Exception: ");
    }

    [Fact]
    public void Garbage_assembly_with_valid_deps_json_is_reported()
    {
        var folder = _temp.Folder("garbage");
        var bytes = new byte[4096];
        new System.Random(7).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(folder, "x.dll"), bytes);
        File.WriteAllText(Path.Combine(folder, "x.deps.json"), """{ "runtimeTarget": { "name": "t" }, "targets": { "t": {} }, "libraries": {} }""");

        using var catalog = LoadOnly(folder);

        catalog.Backends.Should().BeEmpty();
        var problem = catalog.Problems.Should().ContainSingle().Subject;
        problem.AssemblyPath.Should().Be(Path.Combine(folder, "x.dll"));
        problem.Reason.Should().Contain(nameof(BadImageFormatException));
    }

    [Fact]
    public void Empty_and_missing_folders_are_reported_not_thrown()
    {
        var empty = _temp.Folder("empty");
        var missing = _temp.Missing("missing");
        var emptyPluginFolder = _temp.Folder("root/empty-plugin");

        using var catalog = LoadOnly(empty, missing, Path.Combine(_temp.Root, "root"));

        catalog.Backends.Should().BeEmpty();
        catalog.SearchedFolders.Should().Equal(empty, missing, Path.Combine(_temp.Root, "root"));
        catalog.Problems.Should().HaveCount(3);
        catalog.Problems[0].Folder.Should().Be(empty);
        catalog.Problems[0].Reason.Should().Contain("no plugins found");
        catalog.Problems[1].Folder.Should().Be(missing);
        catalog.Problems[1].Reason.Should().Contain("does not exist");
        catalog.Problems[2].Folder.Should().Be(emptyPluginFolder);
        catalog.Problems[2].Reason.Should().Contain("no plugin assembly found");
    }

    [Fact]
    public void Missing_default_folder_is_fine()
    {
        var options = new PluginHostOptions { IncludeEnvironment = false };
        using var catalog = PluginHost.LoadCore(options, environmentValue: null, defaultFolder: _temp.Missing("plugins"));

        catalog.Problems.Should().BeEmpty();
        catalog.Backends.Should().BeEmpty();
    }

    [Fact]
    public void Folder_with_two_candidate_assemblies_is_ambiguous_unless_plugin_json_names_one()
    {
        var folder = _temp.CopyPlugin(TempPluginFolders.Good);
        File.Copy(Path.Combine(folder, "Meta.TestPlugins.Good.dll"), Path.Combine(folder, "Other.dll"));
        File.Copy(Path.Combine(folder, "Meta.TestPlugins.Good.deps.json"), Path.Combine(folder, "Other.deps.json"));

        using (var ambiguous = LoadOnly(folder))
        {
            ambiguous.Backends.Should().BeEmpty();
            ambiguous.Problems.Should().ContainSingle().Which.Reason.Should().Contain("ambiguous")
                .And.Contain("Meta.TestPlugins.Good.dll").And.Contain("Other.dll").And.Contain("plugin.json");
        }

        File.WriteAllText(Path.Combine(folder, "plugin.json"), """{ "assembly": "Meta.TestPlugins.Good.dll" }""");
        using var named = LoadOnly(folder);

        named.Problems.Should().BeEmpty();
        named.Backends.Should().ContainSingle().Which.AssemblyPath.Should().Be(Path.Combine(folder, "Meta.TestPlugins.Good.dll"));
    }

    [Fact]
    public void Plugin_json_naming_a_missing_assembly_is_reported()
    {
        var folder = _temp.Folder("manifest");
        File.WriteAllText(Path.Combine(folder, "plugin.json"), """{ "assembly": "Nowhere.dll" }""");

        using var catalog = LoadOnly(folder);

        catalog.Problems.Should().ContainSingle().Which.Reason.Should().Contain("Nowhere.dll").And.Contain("does not exist");
    }

    [Fact]
    public void Duplicate_backend_name_keeps_the_first_and_reports_the_second()
    {
        var first = _temp.CopyPlugin(TempPluginFolders.Good, "first");
        var second = _temp.CopyPlugin(TempPluginFolders.Good, "second");

        using var catalog = LoadOnly(first, second);

        catalog.Backends.Should().ContainSingle().Which.Folder.Should().Be(first);
        var problem = catalog.Problems.Should().ContainSingle().Subject;
        problem.Folder.Should().Be(second);
        problem.Reason.Should().Contain("'test-good'").And.Contain("already provided by").And.Contain(first);
    }

    [Fact]
    public void The_same_folder_named_twice_is_loaded_once()
    {
        var folder = _temp.CopyPlugin(TempPluginFolders.Good);

        using var catalog = LoadOnly(folder, folder + Path.DirectorySeparatorChar, _temp.Root);

        catalog.Problems.Should().BeEmpty();
        catalog.Names.Should().Equal("test-good");
        catalog.SearchedFolders.Should().Equal(folder, _temp.Root);
    }

    [Fact]
    public void Default_folder_holds_the_deployed_test_plugins()
    {
        PluginHostOptions.DefaultFolder.Should().Be(Path.Combine(AppContext.BaseDirectory, "plugins"));

        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeEnvironment = false });

        catalog.SearchedFolders.Should().Equal(PluginHostOptions.DefaultFolder);
        catalog.Names.Should().Contain("test-good");
        catalog.Problems.Should().Contain(p => p.Reason.Contains("test-incompatible", StringComparison.Ordinal));
        catalog.Problems.Should().Contain(p => p.Reason.Contains(nameof(InvalidOperationException), StringComparison.Ordinal));
    }

    [Fact]
    public void Unreadable_runtimeconfig_next_to_the_plugin_does_no_harm()
    {
        var folder = _temp.CopyPlugin(TempPluginFolders.Good);
        File.WriteAllText(Path.Combine(folder, "Meta.TestPlugins.Good.runtimeconfig.json"), "not json {");

        using var catalog = LoadOnly(folder);

        catalog.Names.Should().Equal("test-good");
    }

    [Fact]
    public void Catalog_built_from_backends_rejects_duplicate_names()
    {
        using var loaded = LoadOnly(_temp.CopyPlugin(TempPluginFolders.Good));
        var backend = loaded.Backends[0];

        var create = () => new PluginCatalog([backend, backend with { Folder = "elsewhere" }]);

        create.Should().Throw<ArgumentException>().WithMessage("*test-good*");
    }
}
