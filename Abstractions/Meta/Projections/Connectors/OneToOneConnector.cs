namespace Meta.Projections.Connectors;

/// <summary>Connects pre cell i to post cell i (PyNN's <c>OneToOneConnector</c>); both sides must have the same size.</summary>
public sealed class OneToOneConnector : Connector
{
    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        if (context.PreSize != context.PostSize)
            throw new ConnectionException($"OneToOneConnector needs pre and post of equal size, got {context.PreSize} and {context.PostSize}.");
        return Enumerable.Range(0, context.PreSize).Where(context.IsTarget).Select(i => new ConnectionPair(i, i));
    }

    /// <inheritdoc />
    public override bool DrawsPerTarget => true;

    /// <inheritdoc />
    public override string ToString() => "OneToOneConnector()";
}
