using Meta.Plugins;

namespace Meta.Tests.Plugins;

/// <summary>
/// Dependency manifests that are valid JSON but that the .NET host's native parser cannot cope with: handed to
/// it, each of these ends the process (abort or segmentation fault). The plugin host must refuse them first.
/// </summary>
public sealed class DepsJsonTests : IDisposable
{
    private readonly TempPluginFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string> MalformedManifests => new()
    {
        { "empty object", "{}" },
        { "array", "[]" },
        { "numeric target name", """{"runtimeTarget":{"name":5},"targets":{"t":{}},"libraries":{}}""" },
        { "library without type", """{"runtimeTarget":{"name":"t"},"targets":{"t":{"x/1.0":{"runtime":{"x.dll":{}}}}},"libraries":{"x/1.0":{"serviceable":false,"sha512":""}}}""" },
        { "library without sha512", """{"runtimeTarget":{"name":"t"},"targets":{"t":{"x/1.0":{"runtime":{"x.dll":{}}}}},"libraries":{"x/1.0":{"type":"project","serviceable":false}}}""" },
        { "library not an object", """{"runtimeTarget":{"name":"t"},"targets":{"t":{"x/1.0":{"runtime":{"x.dll":{}}}}},"libraries":{"x/1.0":5}}""" },
        { "package not an object", """{"runtimeTarget":{"name":"t"},"targets":{"t":{"x/1.0":5}},"libraries":{}}""" },
        { "runtime assets a string", """{"runtimeTarget":{"name":"t"},"targets":{"t":{"x/1.0":{"runtime":"x.dll"}}},"libraries":{}}""" },
        { "asset not an object", """{"runtimeTarget":{"name":"t"},"targets":{"t":{"x/1.0":{"runtime":{"x.dll":5}}}},"libraries":{"x/1.0":{"type":"project","serviceable":false,"sha512":""}}}""" },
        { "runtime target without assetType", """{"runtimeTarget":{"name":"t"},"targets":{"t":{"x/1.0":{"runtimeTargets":{"a.so":{"rid":"linux-x64"}}}}},"libraries":{}}""" },
        { "duplicate property", """{"runtimeTarget":{"name":"t"},"runtimeTarget":5,"targets":{"t":{}},"libraries":{}}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedManifests))]
    public void Malformed_deps_json_is_refused_before_the_runtime_reads_it(string name, string depsJson)
    {
        var folder = _temp.Folder(name.Replace(' ', '-'));
        File.WriteAllBytes(Path.Combine(folder, "x.dll"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(folder, "x.deps.json"), depsJson);

        using var catalog = PluginHost.Load(new PluginHostOptions
        {
            IncludeDefaultFolder = false,
            IncludeEnvironment = false,
            AdditionalFolders = [folder],
        });

        catalog.Backends.Should().BeEmpty();
        var problem = catalog.Problems.Should().ContainSingle().Subject;
        problem.AssemblyPath.Should().Be(Path.Combine(folder, "x.dll"));
        problem.Reason.Should().StartWith("x.deps.json is not a valid dependency manifest");
    }

    [Fact]
    public void Real_deps_json_of_the_test_plugins_passes()
    {
        foreach (var plugin in new[] { TempPluginFolders.Good, TempPluginFolders.Incompatible, TempPluginFolders.Throwing })
        {
            var folder = _temp.CopyPlugin(plugin);
            var deps = Directory.GetFiles(folder, "*.deps.json").Should().ContainSingle().Subject;
            DepsJsonValidator.TryValidate(deps, out var reason).Should().BeTrue(reason);
        }
    }
}
