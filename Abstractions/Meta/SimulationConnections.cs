namespace Meta;

public sealed partial class Simulation
{
    /// <summary>
    /// Once the network is loaded, lets each static projection drop its own pre and post positions (8 bytes a connection) and
    /// keep its connections as the loaded step program's parts, which the backend holds anyway
    /// (<see cref="Projections.Projection.ReleaseConnections"/>); positions rebuilt since for a read or a set are released
    /// again before each run. A projection with synapse dynamics or a coupling keeps its positions (its state is read back
    /// through its connections' positions).
    /// </summary>
    private void ReleaseProjectionConnections()
    {
        foreach (var projection in _projections)
        {
            if (projection.Coupling is not null || projection.Model is not null || projection.ConnectionsReleased) continue;
            var owner = projection;
            projection.ReleaseConnections(() => _partsOfLoad.Where(p => p.Owner == owner).Select(p => p.Spec).ToArray());
        }
    }
}
