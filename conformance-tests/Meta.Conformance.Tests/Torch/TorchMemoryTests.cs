using System.Diagnostics;
using System.Reflection;
using Meta.Backends;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Torch;

/// <summary>The memory test runs alone, so that other tests' allocations do not show in the process's working set.</summary>
[CollectionDefinition(nameof(TorchMemoryCollection), DisableParallelization = true)]
public sealed class TorchMemoryCollection;

/// <summary>
/// A long run on the torch backend must not leak: every step's temporaries live in a dispose scope, long-lived tensors
/// are preallocated, so after a warm-up run, further runs of 20,000 steps leave the number of live TorchSharp tensors
/// unchanged and the process's working set within a small bound (allocator noise, not growth with the step count).
/// </summary>
[Collection(nameof(TorchMemoryCollection))]
public sealed class TorchMemoryTests(ITestOutputHelper output)
{
    private const long WarmUpSteps = 5_000;
    private const long StepsPerRun = 20_000;
    private const long WorkingSetBound = 24L << 20;

    [Fact]
    public void Long_runs_keep_memory_flat()
    {
        using var sim = new Simulation(BackendUnderTest.Get("torch"), new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, Seed = 7 });
        var noise = sim.CreatePopulation(20, new CellType("SpikeSourcePoisson").With("rate", 50.0), "noise");
        var cells = sim.CreatePopulation(200, new CellType("IF_cond_exp").With("tau_refrac", 2.0).With("v_rest", -60.0), "cells");
        var other = sim.CreatePopulation(50, new CellType("IF_curr_alpha").With("i_offset", 0.3), "other");
        cells.Initialize("v", new RandomDistribution("uniform", -65.0, -50.0));
        _ = new Projection(noise, cells, new FixedProbabilityConnector(0.3), new StaticSynapse(0.02, 1.0), "excitatory");
        _ = new Projection(cells, cells, new FixedProbabilityConnector(0.05), new StaticSynapse(0.004, new RandomDistribution("uniform", 0.1, 2.0)), "excitatory");
        _ = new Projection(cells, other, new FixedProbabilityConnector(0.1), new StaticSynapse(0.05, 0.5), "excitatory");
        cells[0..5].Record("spikes");

        var clock = Stopwatch.StartNew();
        var samples = new List<(long WorkingSet, long LiveTensors)>();
        long done = 0;
        foreach (long steps in new[] { WarmUpSteps, StepsPerRun, StepsPerRun })
        {
            sim.Run(steps * 0.1);
            done += steps;
            samples.Add(Measure());
            output.WriteLine($"after {done} steps ({clock.Elapsed.TotalSeconds:0.0} s): " +
                             $"working set {samples[^1].WorkingSet / (1 << 20)} MiB, live TorchSharp tensors {samples[^1].LiveTensors}");
        }
        Assert.True(cells.GetSpikeCounts().Sum() > 0, "the network is active");
        // The first run warms up (allocator pools, JIT, caches); the two long runs after it must not grow.
        Assert.Equal(samples[0].LiveTensors, samples[1].LiveTensors);
        Assert.Equal(samples[1].LiveTensors, samples[2].LiveTensors);
        long growth = samples[2].WorkingSet - samples[1].WorkingSet;
        output.WriteLine($"working-set change over the last {StepsPerRun} steps: {growth / 1024} KiB (bound {WorkingSetBound >> 20} MiB)");
        Assert.InRange(growth, long.MinValue, WorkingSetBound);
    }

    private static (long WorkingSet, long LiveTensors) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (process.WorkingSet64, LiveTensors());
    }

    /// <summary>TorchSharp's own count of this thread's live tensors (the plugin's copy of TorchSharp, read by reflection).</summary>
    private static long LiveTensors()
    {
        var torchSharp = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "TorchSharp");
        var statistics = torchSharp.GetType("TorchSharp.DisposeScopeManager", throwOnError: true)!
            .GetProperty("Statistics", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return (long)statistics.GetType().GetProperty("ThreadTotalLiveCount")!.GetValue(statistics)!;
    }
}
