using Meta.Backends.Cpu;
using Meta.Populations;
using Meta.Recording;

namespace Meta.Tests.Api;

/// <summary>Shared helpers for the API tests: simulations on the CPU backend and data access.</summary>
internal static class ApiTestSupport
{
    /// <summary>A simulation on the CPU backend (one worker thread: the test networks are small).</summary>
    public static Simulation NewSimulation(double timestep = 0.1, double? minDelay = null, double? maxDelay = null, ulong? seed = null) =>
        new(new CpuBackend(), new SimulationOptions
        {
            Timestep = timestep,
            MinDelay = minDelay,
            MaxDelay = maxDelay,
            Seed = seed ?? 151985012,
            Threads = 1,
        });

    /// <summary>The signal of <paramref name="variable"/> in the last segment of the collection's data.</summary>
    public static AnalogSignal Signal(CellCollection cells, string variable, int segment = -1)
    {
        var block = cells.GetData([variable]);
        var seg = segment < 0 ? block.Segments[^1] : block.Segments[segment];
        return seg.Signal(variable);
    }

    /// <summary>The spike times of every recorded cell in the last segment.</summary>
    public static double[][] SpikeTimes(CellCollection cells) =>
        cells.GetData(["spikes"]).Segments[^1].SpikeTrains.Select(t => t.Times).ToArray();

    /// <summary>Whether <paramref name="actual"/> is within a relative tolerance of <paramref name="expected"/>.</summary>
    public static bool Close(double actual, double expected, double rtol = 1e-9, double atol = 0) =>
        Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected);
}
