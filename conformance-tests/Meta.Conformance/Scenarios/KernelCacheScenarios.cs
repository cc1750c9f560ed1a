using Meta.Populations;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Compiled kernels are keyed by a model's structure, never by its parameter values (docs/architecture.md, "Values live in
/// buffers"): changing values between runs, or a second network that differs from the first only in values, compiles
/// nothing; the engine's <see cref="Backends.EngineStatistics"/> says what it compiled and what it reused.
/// </summary>
public static class KernelCacheScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [ValuesDoNotRecompile()];

    private static Population Build(Simulation sim, double tauM, double[] offsets)
    {
        var cells = sim.CreatePopulation(offsets.Length, new CellType("IF_cond_exp").With("tau_m", tauM).With("v_thresh", -52.0), "cells");
        cells.Set("i_offset", offsets);
        cells.Record("spikes");
        return cells;
    }

    /// <summary>A value change between runs and a second network with other values compile no kernel.</summary>
    public static Scenario ValuesDoNotRecompile() => new CheckScenario(
        "kernels/values-do-not-recompile",
        "exact: no kernel compiled after the first run when uniform and per-cell parameter values change between runs, and none for a second network that differs only in its values; the changed values take effect",
        ["IF_cond_exp"],
        ctx =>
        {
            using var first = new Simulation(ctx.Backend, ctx.Options());
            var cells = Build(first, 20.0, [0.6, 0.7, 0.8, 0.9]);
            first.Run(100);
            var afterFirst = first.EngineStatistics;
            int spikesBefore = cells.GetData().Segments[0].SpikeTrains.Sum(t => t.Times.Length);
            cells.Set("tau_m", 12.0);
            cells.Set("i_offset", new[] { 1.0, 1.1, 1.2, 1.3 });
            first.Run(100);
            var afterChange = first.EngineStatistics;
            int spikesAfter = cells.GetData().Segments[0].SpikeTrains.Sum(t => t.Times.Length) - spikesBefore;

            using var second = new Simulation(ctx.Backend, ctx.Options(seed: 777));
            Build(second, 31.0, [0.5, 0.9, 1.4, 2.0]);
            second.Run(50);
            var secondStats = second.EngineStatistics;
            return ($"first network: {afterFirst.KernelsCompiled} compiled, {afterFirst.KernelsReused} reused; after the value change: " +
                    $"{afterChange.KernelsCompiled} compiled; second network: {secondStats.KernelsCompiled} compiled, {secondStats.KernelsReused} reused; " +
                    $"spikes in 100 ms before/after the change {spikesBefore}/{spikesAfter}",
            [
                (afterFirst.KernelsCompiled + afterFirst.KernelsReused > 0, "the engine reports no kernel at all (EngineStatistics not kept)"),
                (afterChange.KernelsCompiled == afterFirst.KernelsCompiled, $"changing values between runs compiled {afterChange.KernelsCompiled - afterFirst.KernelsCompiled} kernel(s)"),
                (secondStats.KernelsCompiled == 0, $"a network differing only in values compiled {secondStats.KernelsCompiled} kernel(s)"),
                (secondStats.KernelsReused > 0, "the second network reused no kernel"),
                (spikesAfter > spikesBefore, $"the larger currents and shorter tau_m did not take effect ({spikesBefore} spikes before, {spikesAfter} after)"),
            ]);
        });
}
