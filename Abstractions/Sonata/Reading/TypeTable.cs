using System.Globalization;

namespace Meta.Sonata.Reading;

/// <summary>
/// A SONATA type table (<c>node_types.csv</c>, <c>edge_types.csv</c>): a header row and one row per type, separated by
/// spaces (as BMTK writes them; tabs and runs of spaces too), values in double quotes may hold spaces. The first column
/// names the type id (<c>node_type_id</c> or <c>edge_type_id</c>). Values are kept as text; "NULL", "NONE" and empty
/// values count as absent.
/// </summary>
public sealed class TypeTable
{
    private readonly Dictionary<int, Dictionary<string, string>> _rows = [];

    private TypeTable(string file, IReadOnlyList<string> columns)
    {
        File = file;
        Columns = columns;
    }

    /// <summary>The file the table was read from.</summary>
    public string File { get; }

    /// <summary>The column names, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The type ids, in file order.</summary>
    public IEnumerable<int> TypeIds => _rows.Keys;

    /// <summary>Reads a table; <paramref name="idColumn"/> is the column holding the type id.</summary>
    public static TypeTable Read(string file, string idColumn)
    {
        var lines = System.IO.File.ReadAllLines(file).Where(l => l.Trim().Length > 0).ToArray();
        if (lines.Length == 0) throw new SonataException($"{file}: the type table is empty (expected a header with '{idColumn}').");
        var header = Split(lines[0]);
        int id = Array.IndexOf(header, idColumn);
        if (id < 0) throw new SonataException($"{file}: the type table has no '{idColumn}' column (columns: {string.Join(", ", header)}).");
        var table = new TypeTable(file, header);
        for (int r = 1; r < lines.Length; r++)
        {
            var values = Split(lines[r]);
            if (values.Length != header.Length)
                throw new SonataException($"{file}, line {r + 1}: {values.Length} values for {header.Length} columns ({string.Join(" ", header)}).");
            if (!int.TryParse(values[id], NumberStyles.Integer, CultureInfo.InvariantCulture, out int typeId))
                throw new SonataException($"{file}, line {r + 1}: '{idColumn}' is '{values[id]}', not an integer.");
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int c = 0; c < header.Length; c++)
                if (!IsAbsent(values[c])) row[header[c]] = values[c];
            table._rows[typeId] = row;
        }
        return table;
    }

    /// <summary>Whether the table has the type.</summary>
    public bool Contains(int typeId) => _rows.ContainsKey(typeId);

    /// <summary>The value of a column for a type, or null where the column is absent or the value is empty.</summary>
    /// <exception cref="SonataException">The type is not in the table.</exception>
    public string? Get(int typeId, string column) =>
        Row(typeId).TryGetValue(column, out var v) ? v : null;

    /// <summary>A column's value as a number, or null where absent.</summary>
    public double? GetDouble(int typeId, string column)
    {
        var text = Get(typeId, column);
        if (text is null) return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new SonataException($"{File}: type {typeId} has {column} = '{text}', not a number.");
    }

    /// <summary>The whole row of a type (absent values left out).</summary>
    public IReadOnlyDictionary<string, string> Row(int typeId) =>
        _rows.TryGetValue(typeId, out var row) ? row
        : throw new SonataException($"{File}: no type {typeId} in the table (types: {string.Join(", ", _rows.Keys)}).");

    private static bool IsAbsent(string value) =>
        value.Length == 0 || value.Equals("NULL", StringComparison.OrdinalIgnoreCase) || value.Equals("NONE", StringComparison.OrdinalIgnoreCase)
        || value.Equals("NaN", StringComparison.OrdinalIgnoreCase);

    private static string[] Split(string line)
    {
        var values = new List<string>();
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            if (i >= line.Length) break;
            if (line[i] == '"')
            {
                int end = line.IndexOf('"', i + 1);
                if (end < 0) end = line.Length;
                values.Add(line[(i + 1)..end]);
                i = end + 1;
            }
            else
            {
                int start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
                values.Add(line[start..i]);
            }
        }
        return [.. values];
    }
}
