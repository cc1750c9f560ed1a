namespace Meta.Backends.Programs;

/// <summary>
/// A projection part's pre and post cell per connection (<see cref="SynapseGroupProgram.PreIndices"/>,
/// <see cref="SynapseGroupProgram.PostIndices"/>), held once for the part and the copies a <c>with</c> expression makes of it,
/// so that the host can release them for all of them once the engine is loaded, keeping only their count.
/// </summary>
internal sealed class ConnectionArrays(int[]? pre, int[]? post)
{
    private int _releasedCount;

    /// <summary>The pre cells, or null while released (or while the part is being initialised).</summary>
    public int[]? Pre { get; private set; } = pre;

    /// <summary>The post cells, or null while released (or while the part is being initialised).</summary>
    public int[]? Post { get; private set; } = post;

    /// <summary>Whether the arrays are released.</summary>
    public bool Released { get; private set; }

    /// <summary>The number of connections.</summary>
    public int Count => Released ? _releasedCount : Pre?.Length ?? 0;

    /// <summary>Drops both arrays, keeping their length.</summary>
    public void Release()
    {
        if (Released) return;
        _releasedCount = Count;
        (Pre, Post, Released) = (null, null, true);
    }

    /// <summary>Takes the arrays back (the same length as before, else an <see cref="ArgumentException"/> naming <paramref name="label"/>).</summary>
    public void Restore(int[] pre, int[] post, string label)
    {
        ArgumentNullException.ThrowIfNull(pre);
        ArgumentNullException.ThrowIfNull(post);
        if (pre.Length != Count || post.Length != Count)
            throw new ArgumentException($"Projection part '{label}' has {Count} connections; restoring it with {pre.Length} pre and {post.Length} post cells.", nameof(pre));
        (Pre, Post, Released) = (pre, post, false);
    }
}
