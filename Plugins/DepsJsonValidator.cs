using System.Text.Json;

namespace Meta.Plugins;

/// <summary>
/// Checks the shape of a plugin's <c>.deps.json</c> before the runtime reads it. The .NET host's native parser
/// (used by <c>AssemblyDependencyResolver</c>, which McMaster's loader relies on) trusts the file: a file that is
/// valid JSON but lacks, say, <c>runtimeTarget</c> (even <c>{}</c>), or a library's <c>sha512</c>, terminates the whole
/// process with an uncatchable native error. So the members the native parser dereferences unchecked are verified here
/// first (and duplicate property names, which it would read differently, are refused).
/// </summary>
internal static class DepsJsonValidator
{
    private static readonly string[] AssetTypes = ["runtime", "resources", "native"];

    /// <summary>Whether the file at <paramref name="path"/> is safe to hand to the runtime; if not, why.</summary>
    public static bool TryValidate(string path, out string reason)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowDuplicateProperties = false });
            reason = Check(document.RootElement) ?? "";
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            reason = ExceptionText.Describe(e);
        }

        if (reason.Length == 0)
        {
            return true;
        }

        reason = $"{Path.GetFileName(path)} is not a valid dependency manifest: {reason}";
        return false;
    }

    /// <summary>The first structural fault, or null when there is none.</summary>
    private static string? Check(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "the document is not an object";
        }

        string? target = null;
        if (root.TryGetProperty("runtimeTarget", out var runtimeTarget))
        {
            target = runtimeTarget.ValueKind switch
            {
                JsonValueKind.String => runtimeTarget.GetString(),
                JsonValueKind.Object when runtimeTarget.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    => name.GetString(),
                _ => null,
            };
        }

        if (target is null)
        {
            return "'runtimeTarget' (or its 'name') is missing or not a string";
        }

        if (!TryGetObject(root, "targets", out var targets) || !TryGetObject(targets, target, out var packages))
        {
            return $"'targets' has no object for the runtime target '{target}'";
        }

        var packagesWithAssets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var package in packages.EnumerateObject())
        {
            if (CheckPackage(package) is { } fault)
            {
                return $"target package '{package.Name}': {fault}";
            }

            if (AssetTypes.Append("runtimeTargets").Any(a => package.Value.TryGetProperty(a, out _)))
            {
                packagesWithAssets.Add(package.Name);
            }
        }

        if (!TryGetObject(root, "libraries", out var libraries))
        {
            return "'libraries' is missing or not an object";
        }

        foreach (var library in libraries.EnumerateObject())
        {
            if (library.Value.ValueKind != JsonValueKind.Object)
            {
                return $"library '{library.Name}' is not an object";
            }

            if (packagesWithAssets.Contains(library.Name) && (!IsString(library.Value, "type") || !IsString(library.Value, "sha512")))
            {
                return $"library '{library.Name}' lacks a string 'type' or 'sha512'";
            }
        }

        return null;
    }

    private static string? CheckPackage(JsonProperty package)
    {
        if (package.Value.ValueKind != JsonValueKind.Object)
        {
            return "not an object";
        }

        foreach (var assetType in AssetTypes)
        {
            if (package.Value.TryGetProperty(assetType, out var files) && !IsObjectOfObjects(files))
            {
                return $"'{assetType}' is not an object of objects";
            }
        }

        if (package.Value.TryGetProperty("runtimeTargets", out var runtimeTargets))
        {
            if (!IsObjectOfObjects(runtimeTargets))
            {
                return "'runtimeTargets' is not an object of objects";
            }

            foreach (var file in runtimeTargets.EnumerateObject())
            {
                if (!IsString(file.Value, "assetType") || !IsString(file.Value, "rid"))
                {
                    return $"runtime target '{file.Name}' lacks a string 'assetType' or 'rid'";
                }
            }
        }

        return null;
    }

    private static bool TryGetObject(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object;

    private static bool IsObjectOfObjects(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Object);

    private static bool IsString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String;
}
