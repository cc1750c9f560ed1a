using Meta.Random;

namespace Meta.Projections.Connectors;

/// <summary>The shared choice of n partners out of the candidates [0, size) minus one excluded index, for the fixed-number connectors.</summary>
internal static class FixedNumberChoice
{
    /// <summary>
    /// Chooses <paramref name="n"/> of the candidates [0, <paramref name="size"/>) without <paramref name="excluded"/> (−1 for none).
    /// With replacement: n uniform draws. Without: n / M full copies of all M candidates plus n mod M distinct others
    /// (PyNN's rule), drawn by Floyd's algorithm, so the cost is O(n), not O(M). Returned sorted.
    /// </summary>
    public static int[] Choose(int n, int size, int excluded, bool withReplacement, RandomStream rng, string connector)
    {
        if (n < 0) throw new InvalidParameterValueException($"{connector}: n must be ≥ 0, got {n}.");
        int m = excluded >= 0 ? size - 1 : size;
        if (n > 0 && m <= 0)
            throw new ConnectionException($"{connector}: cannot choose {n} connections from no candidates.");
        int Map(int v) => excluded >= 0 && v >= excluded ? v + 1 : v;
        var chosen = new int[n];
        if (withReplacement)
        {
            for (int k = 0; k < n; k++) chosen[k] = Map(rng.NextInt(m));
        }
        else
        {
            int full = n / m, rest = n % m, at = 0;
            for (int f = 0; f < full; f++) for (int v = 0; v < m; v++) chosen[at++] = Map(v);
            // Floyd: for j = m − rest .. m − 1, take t uniform in [0, j]; add t, or j if t is taken.
            var taken = new HashSet<int>(rest);
            for (int j = m - rest; j < m; j++)
            {
                int t = rng.NextInt(j + 1);
                chosen[at++] = Map(taken.Add(t) ? t : AddAndReturn(taken, j));
            }
        }
        Array.Sort(chosen);
        return chosen;
    }

    private static int AddAndReturn(HashSet<int> set, int value)
    {
        set.Add(value);
        return value;
    }

    public static int Count(FixedNumber n, RandomStream rng) =>
        n.Distribution is null ? n.Value : (int)Math.Round(n.Distribution.Next(n.Distribution.Rng ?? rng));
}

/// <summary>A number of connections: a fixed integer or a distribution drawn per cell.</summary>
/// <param name="Value">The fixed number.</param>
/// <param name="Distribution">A distribution drawn once per cell, or null.</param>
public readonly record struct FixedNumber(int Value, RandomDistribution? Distribution = null)
{
    /// <summary>Implicit conversion from an integer.</summary>
    public static implicit operator FixedNumber(int value) => new(value);
    /// <summary>Implicit conversion from a distribution.</summary>
    public static implicit operator FixedNumber(RandomDistribution distribution) => new(0, distribution);
    /// <inheritdoc />
    public override string ToString() => Distribution?.ToString() ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Each post cell receives exactly n connections from randomly chosen pre cells (PyNN's <c>FixedNumberPreConnector</c>).
/// Without replacement, n larger than the number of candidates gives n / N connections from every candidate plus n mod N
/// distinct others, as in PyNN.
/// </summary>
public sealed class FixedNumberPreConnector(FixedNumber n, bool allowSelfConnections = true, bool withReplacement = false) : Connector
{
    /// <summary>The number of inputs per post cell.</summary>
    public FixedNumber N { get; } = n;
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; } = allowSelfConnections;
    /// <summary>Whether the same pre cell may be chosen more than once.</summary>
    public bool WithReplacement { get; } = withReplacement;

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        var rng = Rng ?? context.Rng;
        var result = new List<ConnectionPair>();
        // Up to the last target every post position draws (the stream stays where one process has it); targets keep theirs.
        for (int j = 0, end = context.TargetEnd; j < end; j++)
        {
            int post = j;
            int excluded = AllowSelfConnections ? -1 : context.SamePreIndex(post);
            int n = FixedNumberChoice.Count(N, rng);
            var chosen = FixedNumberChoice.Choose(n, context.PreSize, excluded, WithReplacement, rng, nameof(FixedNumberPreConnector));
            if (!context.IsTarget(j)) continue;
            foreach (var i in chosen) result.Add(new ConnectionPair(i, j));
        }
        return result;
    }

    /// <inheritdoc />
    public override bool DrawsPerTarget => true;

    /// <inheritdoc />
    public override string ToString() => $"FixedNumberPreConnector(n={N}, allow_self_connections={AllowSelfConnections}, with_replacement={WithReplacement})";
}

/// <summary>
/// Each pre cell makes exactly n connections onto randomly chosen post cells (PyNN's <c>FixedNumberPostConnector</c>).
/// Without replacement, n larger than the number of candidates gives n / N connections to every candidate plus n mod N
/// distinct others, as in PyNN.
/// </summary>
public sealed class FixedNumberPostConnector(FixedNumber n, bool allowSelfConnections = true, bool withReplacement = false) : Connector
{
    /// <summary>The number of targets per pre cell.</summary>
    public FixedNumber N { get; } = n;
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; } = allowSelfConnections;
    /// <summary>Whether the same post cell may be chosen more than once.</summary>
    public bool WithReplacement { get; } = withReplacement;

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        var rng = Rng ?? context.Rng;
        var pairs = new List<ConnectionPair>();
        for (int i = 0; i < context.PreSize; i++)
        {
            int pre = i;
            int excluded = AllowSelfConnections ? -1 : context.SamePostIndex(pre);
            int n = FixedNumberChoice.Count(N, rng);
            // Every pre cell draws (its targets may be anywhere); only the pairs onto targets are kept.
            foreach (var j in FixedNumberChoice.Choose(n, context.PostSize, excluded, WithReplacement, rng, nameof(FixedNumberPostConnector)))
                if (context.IsTarget(j)) pairs.Add(new ConnectionPair(i, j));
        }
        // PyNN's order: by post cell, then pre cell (stable, so duplicates keep their order).
        return pairs.OrderBy(p => p.Post).ThenBy(p => p.Pre).ToList();
    }

    /// <inheritdoc />
    public override bool DrawsPerTarget => true;

    /// <inheritdoc />
    public override string ToString() => $"FixedNumberPostConnector(n={N}, allow_self_connections={AllowSelfConnections}, with_replacement={WithReplacement})";
}
