namespace Meta.Nestml;

/// <summary>
/// A NESTML file that cannot be read or compiled: a syntax error, or a construct Meta does not support. The message
/// names the file, the line and the construct.
/// </summary>
public sealed class NestmlException : Exception
{
    /// <summary>Creates the error for <paramref name="file"/> at <paramref name="line"/> (0: the whole file).</summary>
    public NestmlException(string file, int line, string message, Exception? inner = null)
        : base(line > 0 ? $"{file}:{line}: {message}" : $"{file}: {message}", inner)
    {
        File = file;
        Line = line;
    }

    /// <summary>The file (or the name given to the text).</summary>
    public string File { get; }

    /// <summary>The line of the offending construct (1-based), 0 where the error concerns the whole model.</summary>
    public int Line { get; }
}
