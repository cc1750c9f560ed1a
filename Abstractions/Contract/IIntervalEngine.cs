namespace Meta.Backends;

/// <summary>
/// An engine that runs a stretch of steps as consecutive intervals in one call, handing the host what each interval recorded
/// before it starts the next (contract version 12). A distributed run exchanges spikes once per minimum-delay interval
/// (often every other step); through this it calls the engine once per <c>Simulation.Run</c> chunk instead of once per
/// interval, so a run's fixed costs (its scope, the current sources' seek, the host's bookkeeping) are paid once.
/// <see cref="Runtime.StepEngine"/> implements it for every backend built on the shared step loop. A host calls
/// <see cref="ISimulationEngine.RunIntervals"/>, whose default runs one <see cref="ISimulationEngine.Run"/> per interval for
/// an engine that does not implement it; this interface declares that the engine's own does it in one call.
/// </summary>
public interface IIntervalEngine
{
    /// <summary>
    /// Advances <paramref name="steps"/> steps as consecutive intervals of <paramref name="interval"/> steps (the last one
    /// shorter when <paramref name="steps"/> is not a multiple), and after each calls <paramref name="atInterval"/> with the
    /// <see cref="RunResult"/> that a separate <see cref="ISimulationEngine.Run"/> of those steps would have returned (its
    /// spikes and samples; the divergence scan of the states, when the engine does one, in the last interval's result only).
    /// The callback runs between two intervals, before the next one emits anything: it may append the spikes the next
    /// interval needs to relays' feeds (<see cref="Runtime.SpikeFeed"/>); spike sources produce no index beyond the interval
    /// being run. With <paramref name="steps"/> = 0 the callback gets one empty interval, as <c>Run(0)</c> returns one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative or <paramref name="interval"/> below 1.</exception>
    void RunIntervals(long steps, int interval, Action<RunResult> atInterval);
}
