using System.Globalization;

namespace Meta.Projections.Connectors;

/// <summary>
/// Connects the pairs listed in a text file (PyNN's <c>FromFileConnector</c>), the format <c>Projection.save</c> writes:
/// one connection per line, whitespace-separated numbers <c>i j [values...]</c>; lines starting with <c>#</c> are comments,
/// except the header <c># columns = ["i", "j", "weight", "delay"]</c> (single or double quotes), which names the columns.
/// The first two columns must be <c>i</c> and <c>j</c>; the others may be <c>weight</c> and <c>delay</c>. Without a header the
/// rules of <see cref="FromListConnector"/> apply (2, 3 or 4 columns). The file is read when the connector is created.
/// </summary>
public sealed class FromFileConnector : Connector
{
    private readonly FromListConnector _list;
    private readonly int[] _lines;

    /// <summary>Reads <paramref name="file"/>.</summary>
    /// <exception cref="InvalidParameterValueException">The file cannot be read or is malformed; the message names the file and line.</exception>
    public FromFileConnector(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        File = file;
        string[] text;
        try { text = System.IO.File.ReadAllLines(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InvalidParameterValueException($"FromFileConnector: cannot read '{file}': {e.Message}");
        }
        List<string>? columns = null;
        var rows = new List<double[]>();
        var lines = new List<int>();
        for (int k = 0; k < text.Length; k++)
        {
            string line = text[k].Trim();
            int lineNumber = k + 1;
            if (line.Length == 0) continue;
            if (line[0] == '#')
            {
                string body = line[1..].Trim();
                if (body.StartsWith("columns", StringComparison.Ordinal) && body[7..].TrimStart().StartsWith('='))
                {
                    if (rows.Count > 0) throw Error(lineNumber, "the columns header must come before the data");
                    columns = ParseColumns(body[(body.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim(), lineNumber);
                }
                continue;
            }
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var values = new double[fields.Length];
            for (int f = 0; f < fields.Length; f++)
                if (!double.TryParse(fields[f], NumberStyles.Float, CultureInfo.InvariantCulture, out values[f]) || !double.IsFinite(values[f]))
                    throw Error(lineNumber, $"'{fields[f]}' is not a finite number");
            int expected = columns?.Count ?? values.Length;
            if (columns is not null && values.Length != expected)
                throw Error(lineNumber, $"expected {expected} values ({string.Join(", ", columns)}), got {values.Length}");
            if (columns is null && values.Length is not (2 or 3 or 4))
                throw Error(lineNumber, $"expected 2 (i j), 3 (i j weight) or 4 (i j weight delay) values without a '# columns = [...]' header, got {values.Length}");
            for (int c = 0; c < 2; c++)
                if (values[c] < 0 || values[c] != Math.Floor(values[c]))
                    throw Error(lineNumber, $"the {(c == 0 ? "pre" : "post")} index must be a non-negative integer, got {fields[c]}");
            if (rows.Count > 0 && rows[0].Length != values.Length)
                throw Error(lineNumber, $"expected {rows[0].Length} values like the first row, got {values.Length}");
            rows.Add(values);
            lines.Add(lineNumber);
        }
        try
        {
            _list = new FromListConnector(rows, columns?.Skip(2).ToArray());
        }
        catch (InvalidParameterValueException e)
        {
            throw new InvalidParameterValueException($"FromFileConnector: '{file}': {e.Message}");
        }
        _lines = lines.ToArray();
        ColumnNames = columns is not null ? columns.ToArray() : new[] { "i", "j", "weight", "delay" }[..(rows.Count == 0 ? 2 : rows[0].Length)];
    }

    /// <summary>The file read.</summary>
    public string File { get; }
    /// <summary>The column names (from the header, or PyNN's defaults for the number of columns).</summary>
    public IReadOnlyList<string> ColumnNames { get; }
    /// <summary>The connections read, in file order.</summary>
    public IReadOnlyList<ConnectionPair> Connections => _list.Connections;

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        var connections = _list.Connections;
        for (int k = 0; k < connections.Count; k++)
        {
            var c = connections[k];
            if (c.Pre >= context.PreSize)
                throw new ConnectionException($"FromFileConnector: '{File}' line {_lines[k]}: pre index {c.Pre} is out of range for a pre size of {context.PreSize}.");
            if (c.Post >= context.PostSize)
                throw new ConnectionException($"FromFileConnector: '{File}' line {_lines[k]}: post index {c.Post} is out of range for a post size of {context.PostSize}.");
        }
        return connections;
    }

    private List<string> ParseColumns(string list, int lineNumber)
    {
        if (!(list.StartsWith('[') && list.EndsWith(']')) && !(list.StartsWith('(') && list.EndsWith(')')))
            throw Error(lineNumber, $"expected a list of column names such as [\"i\", \"j\", \"weight\", \"delay\"], got {list}");
        var names = list[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.Length >= 2 && (n[0] is '"' or '\'') && n[^1] == n[0] ? n[1..^1] : throw Error(lineNumber, $"expected a quoted column name, got {n}"))
            .ToList();
        if (names.Count < 2 || names[0] != "i" || names[1] != "j")
            throw Error(lineNumber, $"the first two columns must be \"i\" and \"j\", got [{string.Join(", ", names)}]");
        foreach (var n in names.Skip(2))
            if (n is not ("weight" or "delay"))
                throw Error(lineNumber, $"unknown column '{n}' (the columns after i and j may be: weight, delay)");
        return names;
    }

    private InvalidParameterValueException Error(int line, string message) =>
        new($"FromFileConnector: '{File}' line {line}: {message}.");

    /// <inheritdoc />
    public override string ToString() => $"FromFileConnector(file='{File}', {Connections.Count} connections)";
}
