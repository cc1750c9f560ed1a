namespace Meta.Tests.Sonata;

/// <summary>
/// The real SONATA example networks in <c>shared/fixtures/sonata</c> (read in place, never copied into the repository):
/// <c>META_FIXTURES_DIR</c>/sonata if set, else found by walking up from the test output. Tests that need them are
/// skipped, with a message naming the folder, where it is absent.
/// </summary>
internal static class SonataFixtures
{
    public static string? Folder { get; } = Find();

    public static string NestModels => Path.Combine(Folder!, "shared_components", "nest_models");

    public static string Path300 => Path.Combine(Folder!, "300_pointneurons");

    public static string SimTest(string name) => Path.Combine(Folder!, "sim_tests", "intfire", name, "input");

    /// <summary>
    /// Why the fixtures cannot be used, naming the folder looked for and <c>META_FIXTURES_DIR</c>; null when they are
    /// present. <see cref="SonataFactAttribute"/> and <see cref="SonataTheoryAttribute"/> skip their test with this reason.
    /// </summary>
    public static string? Missing { get; } = Folder is not null ? null
        : Environment.GetEnvironmentVariable("META_FIXTURES_DIR") is { Length: > 0 } dir
            ? $"the SONATA fixtures were not found: META_FIXTURES_DIR is '{dir}', which has no sonata/ folder"
            : $"the SONATA fixtures were not found: no shared/fixtures/sonata above {AppContext.BaseDirectory}; set META_FIXTURES_DIR to the folder holding sonata/";

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
