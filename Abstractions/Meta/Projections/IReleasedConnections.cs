namespace Meta.Projections;

/// <summary>
/// A static projection's connections while its own pre and post positions are released (<see cref="Projection.ReleaseConnections"/>):
/// their number, and the positions rebuilt on demand, equal element for element to those released.
/// </summary>
internal interface IReleasedConnections
{
    /// <summary>The number of connections.</summary>
    int Count { get; }

    /// <summary>The pre and post positions per connection in connection order, as they were when released.</summary>
    (int[] Pre, int[] Post) Rebuild();
}
