using Xunit.Abstractions;

namespace Meta.Tests.Sonata;

/// <summary>
/// The real SONATA example networks in <c>shared/fixtures/sonata</c> (read in place, never copied into the repository):
/// <c>META_FIXTURES_DIR</c>/sonata if set, else found by walking up from the test output. Tests that need them pass
/// with a clear message where the folder is absent.
/// </summary>
internal static class SonataFixtures
{
    public static string? Folder { get; } = Find();

    public static string NestModels => Path.Combine(Folder!, "shared_components", "nest_models");

    public static string Path300 => Path.Combine(Folder!, "300_pointneurons");

    public static string SimTest(string name) => Path.Combine(Folder!, "sim_tests", "intfire", name, "input");

    /// <summary>True when the fixtures are present; otherwise writes why the test does nothing.</summary>
    public static bool Available(ITestOutputHelper output)
    {
        if (Folder is not null) return true;
        output.WriteLine("SKIPPED: shared/fixtures/sonata was not found (set META_FIXTURES_DIR to the folder holding sonata/).");
        return false;
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("META_FIXTURES_DIR");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(Path.Combine(env, "sonata")) ? Path.Combine(env, "sonata") : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "sonata");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
