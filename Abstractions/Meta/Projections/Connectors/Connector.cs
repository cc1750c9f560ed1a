using Meta.Random;

namespace Meta.Projections.Connectors;

/// <summary>
/// Decides which pre–post pairs a projection connects (PyNN's connectors). Connectors run once, on the host,
/// before any backend sees the network, so every backend gets the same connections for the same seed.
/// Pairs are positions in the projection's pre and post collections, in PyNN's order (by post cell, then pre).
/// </summary>
public abstract class Connector
{
    /// <summary>The connector's own random stream, or null to use the projection's stream from the simulation seed.</summary>
    public RandomStream? Rng { get; init; }

    /// <summary>
    /// Returns the connections to make: all of them, or, when <see cref="ConnectionContext.Targets"/> is set and
    /// <see cref="DrawsPerTarget"/> is true, only those onto the targets. The projection enumerates them once, as they
    /// come: a connector may stream its pairs and draw its random numbers while it is enumerated, so a second enumeration
    /// need not give the same pairs.
    /// </summary>
    public abstract IEnumerable<ConnectionPair> Connect(ConnectionContext context);

    /// <summary>
    /// Whether <see cref="Connect"/> honours <see cref="ConnectionContext.Targets"/>: it then returns exactly the pairs onto the
    /// targets that it returns without them, in the same order, and stores nothing else (it may still draw the random numbers
    /// of the positions before the last target, to keep its stream where the single-process run has it). A connector that
    /// does not is run whole and its pairs are cut afterwards: the whole projection is held for a moment (docs/architecture.md,
    /// "Distributed runs").
    /// </summary>
    public virtual bool DrawsPerTarget => false;

    /// <summary>A short description, e.g. <c>FixedProbabilityConnector(p_connect=0.02)</c>.</summary>
    public abstract override string ToString();
}

/// <summary>One connection to make, with optional explicit attribute values (FromListConnector).</summary>
/// <param name="Pre">The position in the pre collection.</param>
/// <param name="Post">The position in the post collection.</param>
/// <param name="Weight">An explicit weight, or null for the synapse type's.</param>
/// <param name="Delay">An explicit delay (ms), or null for the synapse type's.</param>
public readonly record struct ConnectionPair(int Pre, int Post, double? Weight = null, double? Delay = null);

/// <summary>What a connector may know about the projection it connects.</summary>
public sealed class ConnectionContext
{
    /// <summary>Creates a context.</summary>
    public ConnectionContext(int preSize, int postSize, Func<int, int, bool> isSameCell, Func<int, int, double> distance, RandomStream rng,
        Func<int, int>? samePreIndex = null, Func<int, int>? samePostIndex = null)
    {
        PreSize = preSize;
        PostSize = postSize;
        IsSameCell = isSameCell;
        Distance = distance;
        Rng = rng;
        SamePreIndex = samePreIndex ?? (j => Enumerable.Range(0, preSize).FirstOrDefault(i => isSameCell(i, j), -1));
        SamePostIndex = samePostIndex ?? (i => Enumerable.Range(0, postSize).FirstOrDefault(j => isSameCell(i, j), -1));
    }

    /// <summary>The pre position holding the same cell as post position j, or −1.</summary>
    public Func<int, int> SamePreIndex { get; }

    /// <summary>The post position holding the same cell as pre position i, or −1.</summary>
    public Func<int, int> SamePostIndex { get; }

    /// <summary>The number of pre cells.</summary>
    public int PreSize { get; }
    /// <summary>The number of post cells.</summary>
    public int PostSize { get; }
    /// <summary>Whether pre position i and post position j are the same cell (for <c>allow_self_connections</c>).</summary>
    public Func<int, int, bool> IsSameCell { get; }
    /// <summary>The distance between pre position i and post position j.</summary>
    public Func<int, int, double> Distance { get; }
    /// <summary>The random stream to draw from.</summary>
    public RandomStream Rng { get; }

    /// <summary>
    /// The displacement (dx, dy, dz) from pre position i to post position j in the projection's space (with the default
    /// space, post position − pre position). Null when the caller gives no positions.
    /// </summary>
    public Func<int, int, (double Dx, double Dy, double Dz)>? Displacement { get; init; }

    /// <summary>Where a connector reports what it did that the user may not expect (e.g. probabilities above 1 clipped); null drops the warnings.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>
    /// The post positions to connect, or null for all. Set only for connectors whose <see cref="Connector.DrawsPerTarget"/> is
    /// true (a distributed run's rank asks for the connections onto its own cells).
    /// </summary>
    public PostTargets? Targets { get; init; }

    /// <summary>Whether post position <paramref name="post"/> is wanted (always, without <see cref="Targets"/>).</summary>
    public bool IsTarget(int post) => Targets?.Contains(post) ?? true;

    /// <summary>One past the last wanted post position: <see cref="PostTargets.End"/>, or <see cref="PostSize"/> without targets.</summary>
    public int TargetEnd => Targets?.End ?? PostSize;

    /// <summary>The projection's presynaptic cells, when known (<see cref="CloneConnector"/> compares them).</summary>
    public Populations.CellCollection? Pre { get; init; }

    /// <summary>The projection's postsynaptic cells, when known.</summary>
    public Populations.CellCollection? Post { get; init; }
}
