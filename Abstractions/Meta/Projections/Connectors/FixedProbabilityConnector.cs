namespace Meta.Projections.Connectors;

/// <summary>
/// Connects each pair independently with probability <c>p_connect</c> (PyNN's <c>FixedProbabilityConnector</c>).
/// For each post cell in order, the pre cells are visited in order by geometric skips: the gap to the next connected
/// pre cell is <c>floor(log(1 − u) / log(1 − p))</c> for a uniform u, which gives exactly the Bernoulli(p) pattern
/// with about p·N draws per post cell instead of N (a 32 000-cell network needs 2·10⁷ draws, not 10⁹).
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
        // The pairs are streamed, not collected: a list of them held 40 bytes a connection (most of a large network's peak
        // memory while it was built). The projection enumerates them once, so the draws happen in the same order.
        var rng = Rng ?? context.Rng;
        // With targets (a distributed run's rank), the gaps of the positions before the last target are drawn, to keep the
        // stream where one process has it, but only the targets' pairs are given.
        if (PConnect <= 0) yield break;
        // ln(1 − p): −∞ for p = 1 (every gap is 0). Below about 1e-16, 1 − p rounds to 1 and ln gives 0, which made every
        // gap −∞ and the cast to long overflowed into negative cell indices; ln(1 − p) ≈ −p there.
        double logMiss = 1 - PConnect < 1 ? Math.Log(1 - PConnect) : -PConnect;
        for (int j = 0, end = context.TargetEnd; j < end; j++)
        {
            bool keep = context.IsTarget(j);
            for (long i = -1; ;)
            {
                double gap = Math.Floor(Math.Log(1 - rng.NextDouble()) / logMiss);
                i += 1 + (double.IsNaN(gap) ? 0 : (long)Math.Min(gap, context.PreSize));
                if (i >= context.PreSize) break;
                if (keep && (AllowSelfConnections || !context.IsSameCell((int)i, j))) yield return new ConnectionPair((int)i, j);
            }
        }
    }

    /// <inheritdoc />
    public override bool DrawsPerTarget => true;

    /// <inheritdoc />
    public override string ToString() => $"FixedProbabilityConnector(p_connect={PConnect}, allow_self_connections={AllowSelfConnections})";
}
