namespace Meta.Projections.Connectors;

/// <summary>
/// Connects the listed pairs (PyNN's <c>FromListConnector</c>): rows of (pre, post) or (pre, post, weight, delay).
/// Duplicate rows make multiple synapses. An index out of range raises <see cref="ConnectionException"/>.
/// </summary>
public sealed class FromListConnector : Connector
{
    /// <summary>Creates the connector from rows with 2 columns (pre, post) or 4 (pre, post, weight, delay).</summary>
    public FromListConnector(IEnumerable<double[]> rows) : this(rows, null) { }

    /// <summary>
    /// Creates the connector from rows (pre, post, values...) whose value columns are named by <paramref name="columnNames"/>
    /// (PyNN's <c>column_names</c>: the names of the columns after the two indices, each <c>weight</c> or <c>delay</c>).
    /// Null names mean PyNN's defaults: none for 2 columns, (weight) for 3, (weight, delay) for 4.
    /// </summary>
    /// <exception cref="InvalidParameterValueException">A name is unknown or repeated, or a row has the wrong number of values.</exception>
    /// <exception cref="ConnectionException">An index is not an integer.</exception>
    public FromListConnector(IEnumerable<double[]> rows, IReadOnlyList<string>? columnNames)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int weightColumn = -1, delayColumn = -1;
        if (columnNames is not null)
        {
            for (int c = 0; c < columnNames.Count; c++)
            {
                switch (columnNames[c])
                {
                    case "weight" when weightColumn < 0: weightColumn = c + 2; break;
                    case "delay" when delayColumn < 0: delayColumn = c + 2; break;
                    case "weight" or "delay":
                        throw new InvalidParameterValueException($"FromListConnector: the column '{columnNames[c]}' is named twice.");
                    default:
                        throw new InvalidParameterValueException(
                            $"FromListConnector: unknown column '{columnNames[c]}' (the columns after i and j may be: weight, delay).");
                }
            }
            ColumnNames = columnNames.ToArray();
        }
        var list = new List<ConnectionPair>();
        int rowIndex = 0;
        foreach (var r in rows)
        {
            if (columnNames is null)
            {
                if (r.Length is not (2 or 3 or 4))
                    throw new InvalidParameterValueException($"FromListConnector rows need 2 (i, j), 3 (i, j, weight) or 4 (i, j, weight, delay) values, got {r.Length}.");
                list.Add(Pair(r, r.Length > 2 ? 2 : -1, r.Length > 3 ? 3 : -1));
            }
            else
            {
                if (r.Length != columnNames.Count + 2)
                    throw new InvalidParameterValueException(
                        $"FromListConnector: row {rowIndex} has {r.Length} values, but the columns are i, j{string.Concat(columnNames.Select(n => ", " + n))}.");
                list.Add(Pair(r, weightColumn, delayColumn));
            }
            rowIndex++;
        }
        Connections = list;
    }

    private static ConnectionPair Pair(double[] r, int weightColumn, int delayColumn)
    {
        if (r[0] != Math.Floor(r[0]) || r[1] != Math.Floor(r[1]))
            throw new ConnectionException($"FromListConnector: indices must be integers, got ({r[0]}, {r[1]}).");
        return new ConnectionPair((int)r[0], (int)r[1], weightColumn >= 0 ? r[weightColumn] : null, delayColumn >= 0 ? r[delayColumn] : null);
    }

    /// <summary>The names of the value columns when given explicitly, else null.</summary>
    public IReadOnlyList<string>? ColumnNames { get; }

    /// <summary>Creates the connector from (pre, post) pairs.</summary>
    public FromListConnector(IEnumerable<(int Pre, int Post)> pairs) : this(pairs.Select(p => new double[] { p.Pre, p.Post })) { }

    /// <summary>The listed connections.</summary>
    public IReadOnlyList<ConnectionPair> Connections { get; }

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        foreach (var c in Connections)
        {
            if (c.Pre < 0 || c.Pre >= context.PreSize)
                throw new ConnectionException($"FromListConnector: pre index {c.Pre} is out of range for a pre size of {context.PreSize}.");
            if (c.Post < 0 || c.Post >= context.PostSize)
                throw new ConnectionException($"FromListConnector: post index {c.Post} is out of range for a post size of {context.PostSize}.");
        }
        return Connections;
    }

    /// <inheritdoc />
    public override string ToString() => $"FromListConnector({Connections.Count} connections)";
}
