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
        Start = new int[cells + 1];
        for (int k = 0; k < n; k++) Start[cellOf[k] + 1]++;
        for (int i = 0; i < cells; i++) Start[i + 1] += Start[i];
        var fill = (int[])Start.Clone();
        PositionOf = new int[n];
        ConnectionAt = new int[n];
        for (int k = 0; k < n; k++)
        {
            int at = fill[cellOf[k]]++;
            PositionOf[k] = at;
            ConnectionAt[at] = k;
        }
    }

    /// <summary>Per cell (and one past the last), the first position of its connections.</summary>
    public int[] Start { get; }

    /// <summary>The position of each connection (connection order).</summary>
    public int[] PositionOf { get; }

    /// <summary>The connection at each position.</summary>
    public int[] ConnectionAt { get; }

    /// <summary><paramref name="values"/> (connection order) laid out by position.</summary>
    public T[] ByPosition<T>(IReadOnlyList<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new T[values.Count];
        for (int k = 0; k < result.Length; k++) result[PositionOf[k]] = values[k];
        return result;
    }
}
