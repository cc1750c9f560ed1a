namespace Meta.Projections.Connectors;

/// <summary>
/// Connects each pair with probability <c>p_connect</c> (PyNN's <c>FixedProbabilityConnector</c>). For each post
/// cell in order, one uniform number is drawn per pre cell, in order; the pair connects when it is below p.
/// </summary>
public sealed class FixedProbabilityConnector : Connector
{
    /// <summary>Creates the connector; p must lie in [0, 1].</summary>
    public FixedProbabilityConnector(double pConnect, bool allowSelfConnections = true)
    {
        if (!(pConnect >= 0 && pConnect <= 1))
            throw new InvalidParameterValueException($"p_connect must lie in [0, 1], got {pConnect}.");
        PConnect = pConnect;
        AllowSelfConnections = allowSelfConnections;
    }

    /// <summary>The connection probability.</summary>
    public double PConnect { get; }
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; }

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        var rng = Rng ?? context.Rng;
        var result = new List<ConnectionPair>();
        for (int j = 0; j < context.PostSize; j++)
            for (int i = 0; i < context.PreSize; i++)
            {
                double u = rng.NextDouble();
                if (u < PConnect && (AllowSelfConnections || !context.IsSameCell(i, j)))
                    result.Add(new ConnectionPair(i, j));
            }
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => $"FixedProbabilityConnector(p_connect={PConnect}, allow_self_connections={AllowSelfConnections})";
}
