namespace Meta.Backends.Runtime;

/// <summary>
/// A projection's connections in compressed-sparse-row order by one side (the presynaptic cell for delivery, the
/// postsynaptic cell for an index of incoming synapses): cell i's connections are positions
/// <c>Start[i] .. Start[i + 1]</c>, in connection order within a cell.
/// </summary>
public sealed class ConnectionRows
{
    /// <summary>Sorts the connections by <paramref name="cellOf"/> (a cell per connection, each in [0, <paramref name="cells"/>)).</summary>
    public ConnectionRows(IReadOnlyList<int> cellOf, int cells)
    {
        ArgumentNullException.ThrowIfNull(cellOf);
        int n = cellOf.Count;
        Start = Starts(cellOf, cells);
        var fill = (int[])Start.Clone();
        PositionOf = new int[n];
        for (int k = 0; k < n; k++) PositionOf[k] = fill[cellOf[k]]++;
    }

    private int[]? _connectionAt;

    /// <summary>Per cell (and one past the last), the first position of its connections.</summary>
    public int[] Start { get; }

    /// <summary>
    /// The row starts of connections by <paramref name="cellOf"/>: per cell (and one past the last) the number of connections
    /// of the cells before it. A cell outside [0, <paramref name="cells"/>) is an error naming it.
    /// </summary>
    public static int[] Starts(IReadOnlyList<int> cellOf, int cells)
    {
        ArgumentNullException.ThrowIfNull(cellOf);
        var start = new int[cells + 1];
        for (int k = 0; k < cellOf.Count; k++)
        {
            int i = cellOf[k];
            if ((uint)i >= (uint)cells) throw new ArgumentOutOfRangeException(nameof(cellOf), i, $"Connection {k}'s cell is outside the group's {cells} cells.");
            start[i + 1]++;
        }
        for (int i = 0; i < cells; i++) start[i + 1] += start[i];
        return start;
    }

    /// <summary>
    /// The cell of each connection of connections in row order whose row starts are <paramref name="start"/> (as
    /// <see cref="Starts"/> gives them): cell i for positions <c>start[i] .. start[i + 1]</c>. Row starts that decrease, or do
    /// not begin at 0, are an error.
    /// </summary>
    public static int[] CellsOf(int[] start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (start.Length == 0) throw new ArgumentException("Row starts need at least one value (0 for no cells).", nameof(start));
        CheckStarts(start, start.Length - 1, start[^1]);
        var cells = new int[start[^1]];
        for (int i = 0; i + 1 < start.Length; i++) cells.AsSpan(start[i], start[i + 1] - start[i]).Fill(i);
        return cells;
    }

    /// <summary>
    /// Checks that <paramref name="start"/> are the row starts of <paramref name="count"/> connections over
    /// <paramref name="cells"/> cells: <paramref name="cells"/> + 1 values from 0 to <paramref name="count"/>, never decreasing.
    /// The error names the projection part <paramref name="label"/> when one is given.
    /// </summary>
    public static void CheckStarts(int[] start, int cells, int count, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        string of = label is null ? "" : $"Projection part '{label}': ";
        if (start.Length == 0 || start.Length != cells + 1 || start[0] != 0 || start[^1] != count)
            throw new ArgumentException($"{of}Row starts of {count} connections over {cells} cells must be {cells + 1} values from 0 to {count}; got {start.Length} values" +
                (start.Length == 0 ? "." : $" from {start[0]} to {start[^1]}."), nameof(start));
        for (int i = 0; i < cells; i++)
            if (start[i + 1] < start[i]) throw new ArgumentException($"{of}Row starts decrease at cell {i} ({start[i]} then {start[i + 1]}).", nameof(start));
    }

    /// <summary>
    /// <paramref name="values"/> (connection order) laid out by <paramref name="cellOf"/>'s rows, whose starts are
    /// <paramref name="start"/> (<see cref="Starts"/>): the same array as <see cref="ByPosition{T}"/> of a
    /// <see cref="ConnectionRows"/> over the same cells, made without its per-connection positions (only a cursor per cell).
    /// </summary>
    public static T[] ByRow<T>(IReadOnlyList<int> cellOf, int[] start, IReadOnlyList<T> values)
    {
        ArgumentNullException.ThrowIfNull(cellOf);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != cellOf.Count) throw new ArgumentException($"{values.Count} values for {cellOf.Count} connections.", nameof(values));
        var fill = start[..^1];
        var result = new T[values.Count];
        for (int k = 0; k < result.Length; k++) result[fill[cellOf[k]]++] = values[k];
        return result;
    }

    /// <summary>The position of each connection (connection order).</summary>
    public int[] PositionOf { get; }

    /// <summary>
    /// The connection at each position: made on first use, from <see cref="PositionOf"/>, because most tables need only the
    /// positions (4 bytes a connection fewer while a static table is built).
    /// </summary>
    public int[] ConnectionAt
    {
        get
        {
            if (_connectionAt is null)
            {
                var at = new int[PositionOf.Length];
                for (int k = 0; k < at.Length; k++) at[PositionOf[k]] = k;
                _connectionAt = at;
            }
            return _connectionAt;
        }
    }

    /// <summary><paramref name="values"/> (connection order) laid out by position.</summary>
    public T[] ByPosition<T>(IReadOnlyList<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new T[values.Count];
        for (int k = 0; k < result.Length; k++) result[PositionOf[k]] = values[k];
        return result;
    }
}
