namespace Meta.Projections.Connectors;

/// <summary>
/// Connects the listed pairs (PyNN's <c>FromListConnector</c>): rows of (pre, post) or (pre, post, weight, delay).
/// Duplicate rows make multiple synapses. An index out of range raises <see cref="ConnectionException"/>.
/// </summary>
public sealed class FromListConnector : Connector
{
    /// <summary>Creates the connector from rows with 2 columns (pre, post) or 4 (pre, post, weight, delay).</summary>
    public FromListConnector(IEnumerable<double[]> rows)
    {
        var list = new List<ConnectionPair>();
        foreach (var r in rows)
        {
            if (r.Length is not (2 or 3 or 4))
                throw new InvalidParameterValueException($"FromListConnector rows need 2 (i, j), 3 (i, j, weight) or 4 (i, j, weight, delay) values, got {r.Length}.");
            if (r[0] != Math.Floor(r[0]) || r[1] != Math.Floor(r[1]))
                throw new ConnectionException($"FromListConnector: indices must be integers, got ({r[0]}, {r[1]}).");
            list.Add(new ConnectionPair((int)r[0], (int)r[1], r.Length > 2 ? r[2] : null, r.Length > 3 ? r[3] : null));
        }
        Connections = list;
    }

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
