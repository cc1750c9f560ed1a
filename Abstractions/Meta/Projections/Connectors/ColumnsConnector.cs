namespace Meta.Projections.Connectors;

/// <summary>
/// Connects connections given as columns: pre and post positions, and optionally a weight and a delay (ms) per connection
/// (the form SONATA edge files hold). The projection made with it takes the arrays as its own, without copying them, so
/// one connector serves one projection; its delays are rounded to the time step in place. An index out of range raises
/// <see cref="ConnectionException"/>.
/// </summary>
public sealed class ColumnsConnector : Connector
{
    private readonly string _source;
    private bool _taken;

    /// <summary>Creates the connector; <paramref name="source"/> names where the columns came from (for messages).</summary>
    /// <exception cref="InvalidParameterValueException">The columns differ in length.</exception>
    public ColumnsConnector(int[] pre, int[] post, double[]? weights, double[]? delays, string source = "columns")
    {
        ArgumentNullException.ThrowIfNull(pre);
        ArgumentNullException.ThrowIfNull(post);
        if (post.Length != pre.Length || (weights is not null && weights.Length != pre.Length) || (delays is not null && delays.Length != pre.Length))
            throw new InvalidParameterValueException(
                $"ColumnsConnector ({source}): the columns differ in length (pre {pre.Length}, post {post.Length}, weights {weights?.Length}, delays {delays?.Length}).");
        Pre = pre;
        Post = post;
        Weights = weights;
        Delays = delays;
        _source = source;
    }

    /// <summary>The pre position of each connection.</summary>
    public int[] Pre { get; }
    /// <summary>The post position of each connection.</summary>
    public int[] Post { get; }
    /// <summary>The weight of each connection, or null for the synapse type's.</summary>
    public double[]? Weights { get; }
    /// <summary>The delay (ms) of each connection, or null for the synapse type's.</summary>
    public double[]? Delays { get; }

    /// <summary>
    /// Checks the positions against the projection's sizes and hands the columns over, once: the projection keeps them as its
    /// own arrays.
    /// </summary>
    internal void Take(ConnectionContext context)
    {
        if (_taken) throw new ConnectionException($"ColumnsConnector ({_source}): its columns already belong to another projection; make one connector per projection.");
        CheckRange(Pre, context.PreSize, "pre");
        CheckRange(Post, context.PostSize, "post");
        _taken = true;
    }

    private void CheckRange(int[] positions, int size, string side)
    {
        for (int k = 0; k < positions.Length; k++)
            if ((uint)positions[k] >= (uint)size)
                throw new ConnectionException($"ColumnsConnector ({_source}): {side} index {positions[k]} (connection {k}) is out of range for a {side} size of {size}.");
    }

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        CheckRange(Pre, context.PreSize, "pre");
        CheckRange(Post, context.PostSize, "post");
        for (int k = 0; k < Pre.Length; k++)
            yield return new ConnectionPair(Pre[k], Post[k], Weights?[k], Delays?[k]);
    }

    /// <inheritdoc />
    public override string ToString() => $"ColumnsConnector({Pre.Length} connections from {_source})";
}
