namespace Meta;

public sealed partial class Simulation
{
    /// <summary>
    /// Once the network is loaded, lets each static projection drop its own pre and post positions (8 bytes a connection)
    /// (<see cref="Projections.Projection.ReleaseConnections"/>): kept as a fingerprint when the connector can draw them again
    /// (<see cref="Projections.ReplayedConnections"/>), else as the loaded step program's parts, which the backend holds anyway;
    /// positions rebuilt since for a read or a set are released again before each run. With the engine loaded, the program's
    /// parts of the projections kept as a fingerprint release their pre and post arrays too (<see cref="ReleaseProgramConnections"/>).
    /// A projection with synapse dynamics or a coupling keeps its positions (its state is read back through them).
    /// </summary>
    private void ReleaseProjectionConnections()
    {
        foreach (var projection in _projections)
        {
            if (KeepsPositions(projection)) continue;
            var owner = projection;
            projection.ReleaseConnections(() => _partsOfLoad.Where(p => p.Owner == owner).Select(p => p.Spec).ToArray());
        }
        ReleaseProgramConnections();
    }

    /// <summary>
    /// While the network is resolved for loading, releases <paramref name="projection"/>'s own positions as soon as its
    /// <paramref name="parts"/> are made (as <see cref="ReleaseProjectionConnections"/> does after the whole network), so that a
    /// projection's arrays and its parts' are held together only for that projection, not with every other projection's.
    /// </summary>
    private void ReleaseWhileResolving(Projections.Projection projection, IReadOnlyList<Backends.Programs.SynapseGroupProgram> parts)
    {
        PartsMadeHook?.Invoke(projection, parts);
        if (KeepsPositions(projection)) return;
        if (projection.ReleaseConnections(() => parts)) LoadMemory.AfterProjectionReleased(parts.Sum(p => (long)p.Count));
        ReleasedWhileResolvingHook?.Invoke(projection);
    }

    /// <summary>For tests: told each projection's parts as the load's resolve makes them, before anything is released.</summary>
    internal Action<Projections.Projection, IReadOnlyList<Backends.Programs.SynapseGroupProgram>>? PartsMadeHook { get; set; }

    /// <summary>For tests: told each static projection just after <see cref="ReleaseWhileResolving"/> released it, before the next projection's parts are made.</summary>
    internal Action<Projections.Projection>? ReleasedWhileResolvingHook { get; set; }

    /// <summary>
    /// Whether <paramref name="projection"/> has no positions to release: it has a coupling or synapse dynamics (whose state is
    /// read back through them), or released them already.
    /// </summary>
    private static bool KeepsPositions(Projections.Projection projection) =>
        projection.Coupling is not null || projection.Model is not null || projection.ConnectionsReleased;

    /// <summary>
    /// Once the engine has built its tables, drops the step program's pre and post arrays (8 bytes a connection) of each static
    /// part whose projection rebuilds its positions without them (<see cref="Projections.Projection.ReleasedWithoutProgramArrays"/>):
    /// every copy of the part (the resolved network's, the program's, the engine's) shares them
    /// (<see cref="Backends.Programs.SynapseGroupProgram.ReleaseConnections"/>), so the engine's table is then the only copy of
    /// the connections. <see cref="RestoreProgramConnections"/> gives them back before an update that needs them.
    /// </summary>
    private void ReleaseProgramConnections()
    {
        if (_engine is null) return;
        foreach (var (spec, owner, _) in _partsOfLoad)
            if (spec.Kernel is null && !spec.ConnectionsReleased && owner.ReleasedWithoutProgramArrays) spec.ReleaseConnections();
    }

    /// <summary>The loaded step program's projection parts (empty before the network is loaded), for tests.</summary>
    internal IReadOnlyList<Backends.Programs.SynapseGroupProgram> LoadedSynapseParts => _partsOfLoad.Select(p => p.Spec).ToArray();

    /// <summary>
    /// Before an update of weights or delays, gives the loaded parts released by <see cref="ReleaseProgramConnections"/> their
    /// arrays back from <paramref name="parts"/>, the parts just built again from the changed projections (the same connections in the
    /// same order: a backend reads them to place the new values in its table). They are released again before the next run.
    /// </summary>
    private void RestoreProgramConnections(IReadOnlyList<(Backends.Programs.SynapseGroupProgram Spec, Projections.Projection Owner, int[] Connections)> parts)
    {
        foreach (var (spec, _, _) in parts)
        {
            var loaded = _partsOfLoad[spec.Index].Spec;
            if (loaded.ConnectionsReleased) loaded.RestoreConnections(spec.PreIndices, spec.PostIndices);
        }
    }
}
