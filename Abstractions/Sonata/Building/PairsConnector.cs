using Meta.Projections.Connectors;

namespace Meta.Sonata.Building;

/// <summary>Connects prepared (pre, post, weight, delay) pairs, as read from a SONATA edge population.</summary>
internal sealed class PairsConnector(ConnectionPair[] pairs, string source) : Connector
{
    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context) => pairs;

    /// <inheritdoc />
    public override string ToString() => $"SONATA edges ({pairs.Length} from {source})";
}
