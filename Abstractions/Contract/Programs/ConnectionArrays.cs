using Meta.Backends.Runtime;

namespace Meta.Backends.Programs;

/// <summary>
/// A projection part's pre and post cell per connection (<see cref="SynapseGroupProgram.PreIndices"/>,
/// <see cref="SynapseGroupProgram.PostIndices"/>), and its row starts when the connections are in row order
/// (<see cref="SynapseGroupProgram.RowStarts"/>), held once for the part and the copies a <c>with</c> expression makes of it,
/// so that the host can release them for all of them once the engine is loaded, keeping only their count. A part given row
/// starts and no pre cells makes its pre cells from the row starts when they are first read (4 bytes a connection that a
/// backend reading only the row starts never allocates).
/// </summary>
internal sealed class ConnectionArrays(int[]? pre, int[]? post, int[]? rowStarts)
{
    private int _releasedCount;
    private int[]? _pre = pre;

    /// <summary>The pre cells as given (null when none were, or while released), without making them from the row starts.</summary>
    public int[]? GivenPre => _pre;

    /// <summary>
    /// The pre cells (made from <see cref="RowStarts"/> at the first read when none were given), or null while released. Row
    /// starts that do not begin at 0, decrease or do not end at the number of post cells are an error naming the part
    /// <paramref name="label"/>.
    /// </summary>
    public int[]? PreOf(string label)
    {
        if (_pre is not null || RowStarts is not { } starts || Post is null) return _pre;
        ConnectionRows.CheckStarts(starts, starts.Length - 1, Post.Length, label);
        PreMade = true;
        return _pre = ConnectionRows.CellsOf(starts);
    }

    /// <summary>Whether the pre cells were ever made from the row starts (kept through <see cref="Release"/>; for tests).</summary>
    public bool PreMade { get; private set; }

    /// <summary>The post cells, or null while released (or while the part is being initialised).</summary>
    public int[]? Post { get; private set; } = post;

    /// <summary>The row starts of connections in row order, or null (not in row order, not known, or released).</summary>
    public int[]? RowStarts { get; private set; } = rowStarts;

    /// <summary>Whether the arrays are released.</summary>
    public bool Released { get; private set; }

    /// <summary>The number of connections.</summary>
    public int Count => Released ? _releasedCount : Post?.Length ?? _pre?.Length ?? 0;

    /// <summary>Drops every array, keeping their length.</summary>
    public void Release()
    {
        if (Released) return;
        _releasedCount = Count;
        (_pre, Post, RowStarts, Released) = (null, null, null, true);
    }

    /// <summary>Takes the arrays back (the same length as before, else an <see cref="ArgumentException"/> naming <paramref name="label"/>).</summary>
    public void Restore(int[] pre, int[] post, string label)
    {
        ArgumentNullException.ThrowIfNull(pre);
        ArgumentNullException.ThrowIfNull(post);
        if (pre.Length != Count || post.Length != Count)
            throw new ArgumentException($"Projection part '{label}' has {Count} connections; restoring it with {pre.Length} pre and {post.Length} post cells.", nameof(pre));
        (_pre, Post, RowStarts, Released) = (pre, post, null, false);
    }
}
