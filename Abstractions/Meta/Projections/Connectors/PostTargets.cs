namespace Meta.Projections.Connectors;

/// <summary>
/// The post positions whose connections a connector is asked for: in a distributed run, the positions of the cells that this
/// rank owns (docs/architecture.md, "Distributed runs"). A connector that honours it (<see cref="Connector.DrawsPerTarget"/>)
/// returns exactly the pairs onto these positions that it returns in one process, in the same order.
/// </summary>
public sealed class PostTargets
{
    private readonly bool[] _wanted;

    /// <summary>The targets <paramref name="wanted"/>[j] (one flag per post position).</summary>
    public PostTargets(bool[] wanted)
    {
        _wanted = wanted ?? throw new ArgumentNullException(nameof(wanted));
        End = Array.LastIndexOf(wanted, true) + 1;
        Count = wanted.Count(w => w);
    }

    /// <summary>Whether post position <paramref name="post"/> is a target.</summary>
    public bool Contains(int post) => _wanted[post];

    /// <summary>One past the last target position (0 when there is none): a connector drawing post by post may stop here.</summary>
    public int End { get; }

    /// <summary>The number of target positions.</summary>
    public int Count { get; }

    /// <summary>The number of post positions (targets or not).</summary>
    public int PostSize => _wanted.Length;
}
