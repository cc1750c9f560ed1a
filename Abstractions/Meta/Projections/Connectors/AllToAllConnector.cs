namespace Meta.Projections.Connectors;

/// <summary>Connects every pre cell to every post cell (PyNN's <c>AllToAllConnector</c>).</summary>
public sealed class AllToAllConnector(bool allowSelfConnections = true) : Connector
{
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; } = allowSelfConnections;

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        for (int j = 0; j < context.PostSize; j++)
            if (context.IsTarget(j))
                for (int i = 0; i < context.PreSize; i++)
                    if (AllowSelfConnections || !context.IsSameCell(i, j))
                        yield return new ConnectionPair(i, j);
    }

    /// <inheritdoc />
    public override bool DrawsPerTarget => true;

    /// <inheritdoc />
    public override string ToString() => $"AllToAllConnector(allow_self_connections={AllowSelfConnections})";
}
