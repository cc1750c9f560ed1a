using Meta.Backends.Cpu;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Tests.Cpu;

public class CpuEngineTests
{
    private static (Simulation Sim, Populations.Population Cells) Network(int threads, int size = 500, bool forceWorkers = false)
    {
        var sim = new Simulation(new CpuBackend { ForceWorkers = forceWorkers }, new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, MaxDelay = 2.0, Seed = 5, Threads = threads });
        var cells = sim.CreatePopulation(size, new CellType("IF_cond_exp").With("i_offset", new RandomDistribution("uniform", 0.5, 1.2)).With("tau_refrac", 2.0));
        cells.Initialize("v", new RandomDistribution("uniform", -65.0, -50.0));
        _ = new Projection(cells, cells, new FixedNumberPreConnector(20), new StaticSynapse(new RandomDistribution("uniform", 0.0, 0.01), 1.0), "excitatory");
        return (sim, cells);
    }

    [Fact]
    public void The_step_loop_does_not_allocate()
    {
        var (sim, cells) = Network(threads: 1);
        using var _ = sim;
        sim.Run(100); // compile and warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        sim.Run(100);
        long shortRun = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        sim.Run(2000);
        long longRun = GC.GetAllocatedBytesForCurrentThread() - before;
        cells.Get("i_offset").Should().OnlyContain(x => x >= 0.5 && x < 1.2);
        // With one thread the engine runs on this thread, so this thread's allocations are the engine's (other tests run in
        // parallel). 19 000 more steps: one allocation of even 24 B per step would add 456 kB.
        (longRun - shortRun).Should().BeLessThan(64 * 1024, $"a 100 ms run allocated {shortRun} B and a 2000 ms run {longRun} B");
    }

    [Fact]
    public void Results_do_not_depend_on_the_number_of_threads()
    {
        // Above CpuEngine<double>.ParallelThreshold cells, so the two-thread runs really split the work: one with the
        // threading choice deciding (it measures, alternating one thread and the workers, unless the machine is busy),
        // one with every step on the workers.
        (double[][] Spikes, double[] V) Run(int threads, bool force = false)
        {
            var (sim, cells) = Network(threads, CpuEngine<double>.ParallelThreshold + 1001, force);
            using var _ = sim;
            cells.Record("spikes");
            cells[^50..].Record("v"); // in the last chunk: the worker's, when a worker takes it
            sim.Run(200);
            var segment = cells.GetData().Segments[0];
            return (segment.SpikeTrains.Select(t => t.Times).ToArray(), segment.Signal("v").Data);
        }
        var one = Run(1);
        one.Spikes.Sum(t => t.Length).Should().BeGreaterThan(100);
        foreach (var two in new[] { Run(2), Run(2, force: true) })
        {
            two.Spikes.Should().BeEquivalentTo(one.Spikes, o => o.WithStrictOrdering());
            two.V.Should().BeEquivalentTo(one.V, o => o.WithStrictOrdering());
        }
    }
}
