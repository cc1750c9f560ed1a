using Meta.Projections.Connectors;

namespace Meta.Projections;

/// <summary>
/// A static projection's connections kept as nothing but their number and a fingerprint: the positions are rebuilt by drawing
/// the connector again from the projection's own counter-based random stream (<see cref="Projection.DrawConnectionsAgain"/>),
/// which gives the same pairs in the same order, and the fingerprint proves it on every rebuild. Unlike
/// <see cref="ReleasedConnections"/> it needs neither the projection's arrays nor the step program's, so the loaded program
/// can release its parts' pre and post arrays too (<see cref="Backends.Programs.SynapseGroupProgram.ReleaseConnections"/>) and
/// the engine's own table is the only copy of the connections. A rebuild costs what drawing the connections cost when the
/// projection was made; it is done only for reads and sets by position (<see cref="Projection.GetList"/>,
/// <see cref="Projection.GetArray"/>, saving, exporting, <see cref="Projection.Set"/> with more than one value).
/// </summary>
internal sealed class ReplayedConnections : IReleasedConnections
{
    private readonly Projection _projection;
    private readonly ulong _fingerprint;

    /// <summary>Keeps the number and fingerprint of <paramref name="pre"/>, <paramref name="post"/> (the positions being released).</summary>
    public ReplayedConnections(Projection projection, int[] pre, int[] post)
    {
        _projection = projection;
        Count = pre.Length;
        _fingerprint = Fingerprint(pre, post);
    }

    /// <inheritdoc />
    public int Count { get; }

    /// <summary>
    /// Whether <paramref name="projection"/>'s connections can be drawn again exactly: one process (a rank's cut is not redrawn),
    /// a connector that draws only from the projection's stream (no <see cref="Connector.Rng"/> of its own, no distribution
    /// with its own stream) and depends on nothing that can change after the projection was made (cell positions, a file, a
    /// user function, another projection). Explicit weights and delays of a <see cref="FromListConnector"/> are the
    /// projection's own values, kept apart from the pairs.
    /// </summary>
    public static bool CanReplay(Projection projection) =>
        projection.Simulation.Ranks == 1 && projection.Connector.Rng is null && projection.Connector switch
        {
            AllToAllConnector or OneToOneConnector or FixedProbabilityConnector or FixedTotalNumberConnector or FromListConnector => true,
            FixedNumberPreConnector c => c.N.Distribution is null || c.N.Distribution.Rng is null,
            FixedNumberPostConnector c => c.N.Distribution is null || c.N.Distribution.Rng is null,
            _ => false,
        };

    /// <inheritdoc />
    public (int[] Pre, int[] Post) Rebuild()
    {
        var (pre, post) = _projection.DrawConnectionsAgain();
        if (pre.Length != Count || Fingerprint(pre, post) != _fingerprint)
            throw new InvalidOperationException(
                $"Projection '{_projection.Label}': its connections, released after load, came back different when {_projection.Connector} " +
                $"was drawn again ({pre.Length} connections against {Count}); this is a bug in Meta, please report it.");
        return (pre, post);
    }

    /// <summary>A 64-bit hash of the pairs in order (SplitMix64's finaliser over each pair folded into the running value).</summary>
    private static ulong Fingerprint(int[] pre, int[] post)
    {
        ulong h = (ulong)pre.Length;
        for (int k = 0; k < pre.Length; k++)
        {
            ulong z = h + 0x9E3779B97F4A7C15UL + (((ulong)(uint)pre[k] << 32) | (uint)post[k]);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            h = z ^ (z >> 31);
        }
        return h;
    }
}
