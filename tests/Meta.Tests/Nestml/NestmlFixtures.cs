using Xunit.Abstractions;

namespace Meta.Tests.Nestml;

/// <summary>
/// The NESTML models in <c>shared/fixtures/nestml</c> (read in place, never copied into the repository):
/// <c>META_FIXTURES_DIR</c>/nestml if set, else found by walking up from the test output. Tests that need them pass with a
/// clear message where the folder is absent.
/// </summary>
internal static class NestmlFixtures
{
    public static string? Folder { get; } = Find();

    /// <summary>The path of a fixture, e.g. <c>neurons/iaf_psc_exp_neuron.nestml</c>.</summary>
    public static string File(string relative) => Path.Combine(Folder!, relative);

    /// <summary>True when the fixtures are present; otherwise writes why the test does nothing.</summary>
    public static bool Available(ITestOutputHelper output)
    {
        if (Folder is not null) return true;
        output.WriteLine("SKIPPED: shared/fixtures/nestml was not found (set META_FIXTURES_DIR to the folder holding nestml/).");
        return false;
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("META_FIXTURES_DIR");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(Path.Combine(env, "nestml")) ? Path.Combine(env, "nestml") : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "nestml");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
