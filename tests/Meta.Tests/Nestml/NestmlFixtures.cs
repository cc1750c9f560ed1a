namespace Meta.Tests.Nestml;

/// <summary>
/// The NESTML models in <c>shared/fixtures/nestml</c> (read in place, never copied into the repository):
/// <c>META_FIXTURES_DIR</c>/nestml if set, else found by walking up from the test output. Tests that need them are skipped,
/// with a message naming the folder, where it is absent.
/// </summary>
internal static class NestmlFixtures
{
    public static string? Folder { get; } = Find();

    /// <summary>The path of a fixture, e.g. <c>neurons/iaf_psc_exp_neuron.nestml</c>.</summary>
    public static string File(string relative) => Path.Combine(Folder!, relative);

    /// <summary>
    /// Why the fixtures cannot be used, naming the folder looked for and <c>META_FIXTURES_DIR</c>; null when they are
    /// present. <see cref="NestmlFactAttribute"/> and <see cref="NestmlTheoryAttribute"/> skip their test with this reason.
    /// </summary>
    public static string? Missing { get; } = Folder is not null ? null
        : Environment.GetEnvironmentVariable("META_FIXTURES_DIR") is { Length: > 0 } dir
            ? $"the NESTML fixtures were not found: META_FIXTURES_DIR is '{dir}', which has no nestml/ folder"
            : $"the NESTML fixtures were not found: no shared/fixtures/nestml above {AppContext.BaseDirectory}; set META_FIXTURES_DIR to the folder holding nestml/";

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
