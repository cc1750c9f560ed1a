namespace Meta.Cli.Networks;

/// <summary>
/// An error in a network file, or an error Meta's API raised while building one element of it. The message starts
/// with the JSON path of the offending field (e.g. <c>populations[0].parameters.tau_mm: unknown parameter ...</c>).
/// </summary>
public sealed class NetworkFormatException : Exception
{
    /// <summary>Creates the error for the field at <paramref name="path"/>.</summary>
    public NetworkFormatException(string path, string detail, Exception? inner = null)
        : base(path.Length == 0 ? detail : $"{path}: {detail}", inner)
    {
        JsonPath = path;
        Detail = detail;
    }

    /// <summary>The JSON path of the field (empty for the whole document).</summary>
    public string JsonPath { get; }

    /// <summary>The message without the path.</summary>
    public string Detail { get; }
}
