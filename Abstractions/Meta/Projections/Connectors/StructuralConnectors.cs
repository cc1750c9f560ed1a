namespace Meta.Projections.Connectors;

/// <summary>
/// Copies the connectivity of another projection (PyNN's <c>CloneConnector</c>): the same (pre, post) pairs in the same
/// order, including repeated pairs. Weights and delays come from the new projection's synapse type, not the reference.
/// The new projection's pre and post cells must be those of the reference, in the same order, else
/// <see cref="ConnectionException"/>.
/// </summary>
public sealed class CloneConnector(Projection referenceProjection) : Connector
{
    /// <summary>The projection whose connectivity is copied.</summary>
    public Projection ReferenceProjection { get; } = referenceProjection ?? throw new ArgumentNullException(nameof(referenceProjection));

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        var reference = ReferenceProjection;
        if (context.Pre is null || context.Post is null)
            throw new ConnectionException("CloneConnector needs the projection's pre and post cells, which this connection context does not give.");
        if (!context.Pre.Cells.SequenceEqual(reference.Pre.Cells))
            throw new ConnectionException(
                $"CloneConnector: the pre cells ('{context.Pre.Label}', {context.Pre.Size} cells) differ from those of the reference projection '{reference.Label}' ('{reference.Pre.Label}', {reference.Pre.Size} cells).");
        if (!context.Post.Cells.SequenceEqual(reference.Post.Cells))
            throw new ConnectionException(
                $"CloneConnector: the post cells ('{context.Post.Label}', {context.Post.Size} cells) differ from those of the reference projection '{reference.Label}' ('{reference.Post.Label}', {reference.Post.Size} cells).");
        var pre = reference.PreIndices;
        var post = reference.PostIndices;
        var result = new ConnectionPair[pre.Count];
        for (int k = 0; k < result.Length; k++) result[k] = new ConnectionPair(pre[k], post[k]);
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => $"CloneConnector(reference_projection='{ReferenceProjection.Label}')";
}

/// <summary>
/// Connects the pairs marked true in a boolean array of shape (n_pre, n_post) (PyNN's <c>ArrayConnector</c>), in PyNN's
/// order: by post cell, then pre cell.
/// </summary>
public sealed class ArrayConnector : Connector
{
    private readonly bool[,] _array;

    /// <summary>Creates the connector; the array is copied.</summary>
    public ArrayConnector(bool[,] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        _array = (bool[,])array.Clone();
    }

    /// <summary>The shape (n_pre, n_post) of the array.</summary>
    public (int Pre, int Post) Shape => (_array.GetLength(0), _array.GetLength(1));

    /// <summary>Whether pre position i connects to post position j.</summary>
    public bool this[int i, int j] => _array[i, j];

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        if (_array.GetLength(0) != context.PreSize || _array.GetLength(1) != context.PostSize)
            throw new ConnectionException(
                $"ArrayConnector: the array has shape ({_array.GetLength(0)}, {_array.GetLength(1)}) but the projection needs (n_pre, n_post) = ({context.PreSize}, {context.PostSize}).");
        var result = new List<ConnectionPair>();
        for (int j = 0; j < context.PostSize; j++)
            for (int i = 0; i < context.PreSize; i++)
                if (_array[i, j]) result.Add(new ConnectionPair(i, j));
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => $"ArrayConnector(shape=({_array.GetLength(0)}, {_array.GetLength(1)}))";
}

/// <summary>
/// A spatial Watts–Strogatz small-world network (PyNN declares <c>SmallWorldConnector</c> but never implements it; this is
/// Meta's definition). Distances are measured in the projection's <see cref="Spatial.Space"/>.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Local connections: every pair (i, j) with distance ≤ <see cref="Degree"/> (self-connections only when allowed),
/// listed by post cell, then pre cell.</item>
/// <item>With <see cref="NConnections"/> = n (PyNN's "number of efferent connections per neuron"): each pre cell keeps exactly
/// n of its local targets, chosen uniformly (pre cells in order; for each, a partial Fisher–Yates over its local targets in
/// post order: for k = 0..n−1 swap k with <c>k + NextInt(count − k)</c>). A pre cell with fewer than n local targets is a
/// <see cref="ConnectionException"/> (increase the degree).</item>
/// <item>Rewiring: each connection in order (by post, then pre) draws u = <c>NextDouble()</c>; when u &lt; <see cref="Rewiring"/> its
/// target is replaced by a post cell drawn uniformly (<c>NextInt(n_post)</c>, redrawn while it is the pre cell itself when
/// self-connections are not allowed, or already a target of this pre cell). A pre cell that already reaches every allowed post
/// cell keeps the connection. Rewiring keeps the pre cell, so every pre cell keeps its number of connections and no pair is
/// connected twice.</item>
/// <item>The result is ordered by post cell, then pre cell.</item>
/// </list>
/// </remarks>
public sealed class SmallWorldConnector : Connector
{
    /// <summary>Creates the connector.</summary>
    /// <param name="degree">The distance within which cells are connected locally (≥ 0).</param>
    /// <param name="rewiring">The probability of rewiring each connection, in [0, 1].</param>
    /// <param name="allowSelfConnections">Whether a cell may connect to itself.</param>
    /// <param name="nConnections">If given, the number of connections each pre cell makes (≥ 0).</param>
    public SmallWorldConnector(double degree, double rewiring, bool allowSelfConnections = true, int? nConnections = null)
    {
        if (!(degree >= 0))
            throw new InvalidParameterValueException($"SmallWorldConnector: degree must be a distance ≥ 0, got {degree}.");
        if (!(rewiring >= 0 && rewiring <= 1))
            throw new InvalidParameterValueException($"SmallWorldConnector: rewiring must be a probability in [0, 1], got {rewiring}.");
        if (nConnections is < 0)
            throw new InvalidParameterValueException($"SmallWorldConnector: n_connections must be ≥ 0, got {nConnections}.");
        Degree = degree;
        Rewiring = rewiring;
        AllowSelfConnections = allowSelfConnections;
        NConnections = nConnections;
    }

    /// <summary>The local connection radius.</summary>
    public double Degree { get; }
    /// <summary>The rewiring probability.</summary>
    public double Rewiring { get; }
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; }
    /// <summary>The number of connections per pre cell, or null for all local ones.</summary>
    public int? NConnections { get; }

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        var rng = Rng ?? context.Rng;
        int nPre = context.PreSize, nPost = context.PostSize;
        var targets = new List<int>[nPre];
        for (int i = 0; i < nPre; i++) targets[i] = [];
        for (int j = 0; j < nPost; j++)
            for (int i = 0; i < nPre; i++)
                if ((AllowSelfConnections || !context.IsSameCell(i, j)) && context.Distance(i, j) <= Degree)
                    targets[i].Add(j);

        if (NConnections is { } n)
        {
            for (int i = 0; i < nPre; i++)
            {
                var t = targets[i];
                if (t.Count < n)
                    throw new ConnectionException(
                        $"SmallWorldConnector: pre cell {i} has only {t.Count} post cells within degree {Degree}, fewer than n_connections = {n}; increase the degree.");
                for (int k = 0; k < n; k++)
                {
                    int swap = k + rng.NextInt(t.Count - k);
                    (t[k], t[swap]) = (t[swap], t[k]);
                }
                t.RemoveRange(n, t.Count - n);
                t.Sort();
            }
        }

        var pairs = new List<ConnectionPair>();
        for (int i = 0; i < nPre; i++) foreach (var j in targets[i]) pairs.Add(new ConnectionPair(i, j));
        pairs.Sort((a, b) => a.Post != b.Post ? a.Post.CompareTo(b.Post) : a.Pre.CompareTo(b.Pre));

        if (Rewiring > 0)
        {
            var sets = targets.Select(t => t.ToHashSet()).ToArray();
            for (int k = 0; k < pairs.Count; k++)
            {
                if (!(rng.NextDouble() < Rewiring)) continue;
                int i = pairs[k].Pre;
                int self = AllowSelfConnections ? -1 : context.SamePostIndex(i);
                int free = nPost - sets[i].Count - (self >= 0 ? 1 : 0);
                if (free <= 0) continue;
                int j;
                do j = rng.NextInt(nPost);
                while (j == self || sets[i].Contains(j));
                sets[i].Remove(pairs[k].Post);
                sets[i].Add(j);
                pairs[k] = new ConnectionPair(i, j);
            }
            pairs.Sort((a, b) => a.Post != b.Post ? a.Post.CompareTo(b.Post) : a.Pre.CompareTo(b.Pre));
        }
        return pairs;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"SmallWorldConnector(degree={Degree}, rewiring={Rewiring}, allow_self_connections={AllowSelfConnections}, n_connections={(NConnections?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None")})";
}
