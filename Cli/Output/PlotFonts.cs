using ScottPlot;
using SkiaSharp;

namespace Meta.Cli.Output;

/// <summary>
/// Picks the font plots are drawn with, once per process. ScottPlot takes the system's default typeface, which on Linux
/// may be a serif face or, on a machine without fontconfig fonts, none at all (plots without text). This prefers a common
/// sans-serif family, then the default typeface if it has glyphs, then any TrueType file in the usual font folders.
/// </summary>
public static class PlotFonts
{
    private static readonly string[] PreferredFamilies =
        ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Open Sans", "Arial", "Helvetica", "Segoe UI", "Ubuntu"];

    private static readonly Lazy<string?> Chosen = new(Choose);

    /// <summary>The family plots use, or null when no font with glyphs was found (text is then missing from PNGs).</summary>
    public static string? Family => Chosen.Value;

    /// <summary>Sets ScottPlot's default font; returns a warning when no usable font was found, else null.</summary>
    public static string? Ensure() =>
        Family is null ? "no font found for plot text (install e.g. fonts-dejavu-core); the PNG plots have no labels, the SVG plots do" : null;

    private static string? Choose()
    {
        foreach (var family in PreferredFamilies)
        {
            if (HasGlyphs(SKFontManager.Default.MatchFamily(family), family)) return Use(family);
        }
        using (var fallback = SKTypeface.Default)
        {
            if (HasGlyphs(fallback, null)) return Use(fallback.FamilyName);
        }
        foreach (var file in FontFiles())
        {
            using var typeface = SKTypeface.FromFile(file);
            if (!HasGlyphs(typeface, null)) continue;
            string name = typeface.FamilyName;
            Fonts.AddFontFile(name, file);
            return Use(name);
        }
        return null;
    }

    private static string Use(string family)
    {
        Fonts.Default = family;
        return family;
    }

    private static bool HasGlyphs(SKTypeface? typeface, string? family)
    {
        if (typeface is null) return false;
        try
        {
            return typeface.GlyphCount > 0 && (family is null || string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            if (family is not null) typeface.Dispose();
        }
    }

    /// <summary>TrueType files in the usual font folders, sans-serif regular faces first.</summary>
    private static IEnumerable<string> FontFiles()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] folders =
        [
            "/usr/share/fonts", "/usr/local/share/fonts", Path.Combine(home, ".fonts"), Path.Combine(home, ".local/share/fonts"),
            "/System/Library/Fonts", "/Library/Fonts", Environment.GetFolderPath(Environment.SpecialFolder.Fonts),
        ];
        var files = folders.Where(f => f.Length > 0 && Directory.Exists(f))
            .SelectMany(f => SafeEnumerate(f))
            .ToList();
        return files.OrderBy(f => Rank(Path.GetFileName(f)));
    }

    private static int Rank(string name) =>
        (name.Contains("Sans", StringComparison.OrdinalIgnoreCase) ? 0 : 2)
        + (name.Contains("Bold", StringComparison.OrdinalIgnoreCase) || name.Contains("Italic", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Oblique", StringComparison.OrdinalIgnoreCase) || name.Contains("Mono", StringComparison.OrdinalIgnoreCase) ? 1 : 0);

    private static IEnumerable<string> SafeEnumerate(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder, "*.ttf", SearchOption.AllDirectories).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
