using Meta.Random;

namespace Meta.Projections.Connectors;

/// <summary>The shared choice of n partners out of N candidates for the fixed-number connectors.</summary>
internal static class FixedNumberChoice
{
    /// <summary>
    /// Chooses <paramref name="n"/> of <paramref name="candidates"/>. With replacement: n uniform draws.
    /// Without: n / N full copies of all candidates plus the first n mod N of a random permutation (PyNN's rule).
    /// Returned sorted.
    /// </summary>
    public static int[] Choose(int n, int[] candidates, bool withReplacement, RandomStream rng, string connector)
    {
        if (n < 0) throw new InvalidParameterValueException($"{connector}: n must be ≥ 0, got {n}.");
        if (n > 0 && candidates.Length == 0)
            throw new ConnectionException($"{connector}: cannot choose {n} connections from no candidates.");
        var chosen = new int[n];
        if (withReplacement)
        {
            for (int k = 0; k < n; k++) chosen[k] = candidates[rng.NextInt(candidates.Length)];
        }
        else
        {
            int full = n / candidates.Length, rest = n % candidates.Length, at = 0;
            for (int f = 0; f < full; f++) foreach (var c in candidates) chosen[at++] = c;
            if (rest > 0)
            {
                var perm = rng.Permutation(candidates.Length);
                for (int k = 0; k < rest; k++) chosen[at++] = candidates[perm[k]];
            }
        }
        Array.Sort(chosen);
        return chosen;
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
        for (int j = 0; j < context.PostSize; j++)
        {
            int post = j;
            var candidates = Enumerable.Range(0, context.PreSize).Where(i => AllowSelfConnections || !context.IsSameCell(i, post)).ToArray();
            int n = FixedNumberChoice.Count(N, rng);
            foreach (var i in FixedNumberChoice.Choose(n, candidates, WithReplacement, rng, nameof(FixedNumberPreConnector)))
                result.Add(new ConnectionPair(i, j));
        }
        return result;
    }

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
            var candidates = Enumerable.Range(0, context.PostSize).Where(j => AllowSelfConnections || !context.IsSameCell(pre, j)).ToArray();
            int n = FixedNumberChoice.Count(N, rng);
            foreach (var j in FixedNumberChoice.Choose(n, candidates, WithReplacement, rng, nameof(FixedNumberPostConnector)))
                pairs.Add(new ConnectionPair(i, j));
        }
        // PyNN's order: by post cell, then pre cell (stable, so duplicates keep their order).
        return pairs.OrderBy(p => p.Post).ThenBy(p => p.Pre).ToList();
    }

    /// <inheritdoc />
    public override string ToString() => $"FixedNumberPostConnector(n={N}, allow_self_connections={AllowSelfConnections}, with_replacement={WithReplacement})";
}
