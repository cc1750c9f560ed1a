namespace Meta.Nestml.Compilation;

/// <summary>The file being compiled, for error messages.</summary>
internal sealed class CompileContext(string file)
{
    /// <summary>The file's name as given.</summary>
    public string File { get; } = file;

    /// <summary>An error at <paramref name="line"/>.</summary>
    public NestmlException Error(int line, string message) => new(File, line, message);

    /// <summary>An unsupported construct at <paramref name="line"/>.</summary>
    public NestmlException Unsupported(int line, string construct) =>
        new(File, line, $"unsupported NESTML construct: {construct} (docs/nestml.md lists what Meta's importer supports)");
}
