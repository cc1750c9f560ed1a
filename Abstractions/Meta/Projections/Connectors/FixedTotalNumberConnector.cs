namespace Meta.Projections.Connectors;

/// <summary>
/// Makes exactly n connections in total between randomly chosen pairs (PyNN's <c>FixedTotalNumberConnector</c>).
/// Unlike PyNN, which ignores them, <c>allow_self_connections = false</c> and <c>with_replacement = false</c> are honoured.
/// </summary>
/// <remarks>
/// <para>With replacement (the default): n draws, each a pre position <c>NextInt(n_pre)</c> then a post position
/// <c>NextInt(n_post)</c>; a self-connection, when not allowed, is redrawn (both positions). The same pair may be drawn
/// more than once, which makes several synapses.</para>
/// <para>Without replacement: n distinct allowed pairs (n must not exceed their number, M = n_pre·n_post minus the
/// self pairs when they are excluded). When n ≤ M/2, pairs are drawn as above and a pair already chosen is redrawn;
/// otherwise all M allowed pairs are listed (by post, then pre) and the first n of a partial Fisher–Yates shuffle
/// (for k = 0..n−1, swap k with <c>k + NextInt(M − k)</c>) are taken.</para>
/// <para>The connections are then ordered by post position, then pre position (PyNN's column order; duplicates stay together).</para>
/// </remarks>
public sealed class FixedTotalNumberConnector : Connector
{
    /// <summary>Creates the connector.</summary>
    /// <exception cref="InvalidParameterValueException">n is negative.</exception>
    public FixedTotalNumberConnector(int n, bool allowSelfConnections = true, bool withReplacement = true)
    {
        if (n < 0) throw new InvalidParameterValueException($"FixedTotalNumberConnector: n must be ≥ 0, got {n}.");
        N = n;
        AllowSelfConnections = allowSelfConnections;
        WithReplacement = withReplacement;
    }

    /// <summary>The total number of connections.</summary>
    public int N { get; }
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; }
    /// <summary>Whether the same pair may be chosen more than once.</summary>
    public bool WithReplacement { get; }

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        var rng = Rng ?? context.Rng;
        int nPre = context.PreSize, nPost = context.PostSize;
        long selfPairs = 0;
        if (!AllowSelfConnections)
            for (int j = 0; j < nPost; j++)
                if (context.SamePreIndex(j) >= 0) selfPairs++;
        long allowed = (long)nPre * nPost - selfPairs;
        if (N > 0 && allowed == 0)
            throw new ConnectionException($"FixedTotalNumberConnector: cannot make {N} connections: there is no allowed pair (every pair is a self-connection).");
        if (!WithReplacement && N > allowed)
            throw new ConnectionException(
                $"FixedTotalNumberConnector: cannot make {N} distinct connections without replacement: only {allowed} pairs are allowed " +
                $"({nPre} × {nPost}{(AllowSelfConnections ? "" : $" minus {selfPairs} self-connections")}).");

        var pairs = new List<ConnectionPair>(N);
        if (WithReplacement || N <= allowed / 2)
        {
            var taken = WithReplacement ? null : new HashSet<long>(N);
            while (pairs.Count < N)
            {
                int i = rng.NextInt(nPre), j = rng.NextInt(nPost);
                if (!AllowSelfConnections && context.IsSameCell(i, j)) continue;
                if (taken is not null && !taken.Add((long)j * nPre + i)) continue;
                pairs.Add(new ConnectionPair(i, j));
            }
        }
        else
        {
            var all = new List<ConnectionPair>((int)allowed);
            for (int j = 0; j < nPost; j++)
                for (int i = 0; i < nPre; i++)
                    if (AllowSelfConnections || !context.IsSameCell(i, j)) all.Add(new ConnectionPair(i, j));
            for (int k = 0; k < N; k++)
            {
                int swap = k + rng.NextInt(all.Count - k);
                (all[k], all[swap]) = (all[swap], all[k]);
                pairs.Add(all[k]);
            }
        }
        return pairs.OrderBy(p => p.Post).ThenBy(p => p.Pre).ToList();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"FixedTotalNumberConnector(n={N}, allow_self_connections={AllowSelfConnections}, with_replacement={WithReplacement})";
}
