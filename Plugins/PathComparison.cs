namespace Meta.Plugins;

/// <summary>How the host compares and normalises folder paths (case-insensitive only on Windows and macOS).</summary>
internal static class PathComparison
{
    /// <summary>The comparer for full paths on this operating system.</summary>
    public static StringComparer Comparer { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The full path without a trailing directory separator (except for a root such as <c>/</c>).</summary>
    public static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
