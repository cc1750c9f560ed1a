using System.Text.Json;

namespace Meta.Plugins;

/// <summary>
/// The optional <c>plugin.json</c> in a plugin folder, naming the plugin assembly:
/// <c>{"assembly": "Meta.Backends.Cpu.dll"}</c> (a path relative to the folder).
/// </summary>
internal static class PluginManifest
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "plugin.json";

    /// <summary>The property naming the assembly (matched case-insensitively).</summary>
    public const string AssemblyProperty = "assembly";

    /// <summary>
    /// Reads the manifest at <paramref name="manifestPath"/> and returns the full path of the assembly it names,
    /// or false with a <paramref name="reason"/> when it is unreadable, malformed or names a missing file.
    /// </summary>
    public static bool TryRead(string manifestPath, out string assemblyPath, out string reason)
    {
        assemblyPath = "";
        reason = "";
        string? assembly = null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(manifestPath),
                new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (string.Equals(property.Name, AssemblyProperty, StringComparison.OrdinalIgnoreCase)
                        && property.Value.ValueKind == JsonValueKind.String)
                    {
                        assembly = property.Value.GetString();
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            reason = $"{FileName} is unreadable: {ExceptionText.Describe(e)}";
            return false;
        }

        if (string.IsNullOrWhiteSpace(assembly))
        {
            reason = $"{FileName} has no \"{AssemblyProperty}\" string naming the plugin assembly";
            return false;
        }

        try
        {
            assemblyPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(manifestPath)!, assembly));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            reason = $"{FileName} names an invalid path '{assembly}': {ExceptionText.Describe(e)}";
            return false;
        }

        if (!File.Exists(assemblyPath))
        {
            reason = $"{FileName} names '{assembly}', which does not exist";
            return false;
        }

        return true;
    }
}
