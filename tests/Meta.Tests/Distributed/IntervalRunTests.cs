using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.Backends.Programs;
using Meta.Cli.Networks;
using Meta.Distributed;
using Meta.Lowering;

namespace Meta.Tests.Distributed;

/// <summary>
/// A run cut into intervals in one engine call (<see cref="ISimulationEngine.RunIntervals"/>, docs/architecture.md, "What is exchanged, and
/// when"): the distributed engine calls the backend once per <c>Simulation.Run</c> and exchanges between the intervals, and
/// the ranks still record exactly the single-process run; an engine without its own RunIntervals gets one run per interval, with
/// the same result.
/// </summary>
public class IntervalRunTests
{
    /// <summary>Counts the calls of a backend's engine; with <paramref name="intervals"/> it forwards <see cref="ISimulationEngine.RunIntervals"/>.</summary>
    private sealed class CountingBackend(IBackend inner, bool intervals) : IBackend
    {
        public readonly List<Counting> Engines = [];
        public BackendDescriptor Descriptor => inner.Descriptor;
        public IReadOnlyList<string> Devices => inner.Devices;

        public ISimulationEngine CreateEngine(EngineOptions options)
        {
            var engine = inner.CreateEngine(options);
            Counting counting = intervals ? new WithIntervals(engine) : new Counting(engine);
            lock (Engines) Engines.Add(counting);
            return counting;
        }
    }

    private class Counting(ISimulationEngine inner) : ISimulationEngine
    {
        protected ISimulationEngine Inner => inner;
        public int Runs, IntervalCalls, Intervals;
        public long CurrentStep => inner.CurrentStep;
        public EngineStatistics Statistics => inner.Statistics;
        public void Load(StepProgram program) => inner.Load(program);
        public RunResult Run(long steps, Action<double>? progress = null) { Runs++; return inner.Run(steps, progress); }
        public void Update(ProgramUpdate update) => inner.Update(update);
        public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues) => inner.Reset(initialValues);
        public double[] ReadSynapses(int projection, string name) => inner.ReadSynapses(projection, name);
        public double[] ReadCoupling(int coupling, string name) => inner.ReadCoupling(coupling, name);
        public void Dispose() => inner.Dispose();
    }

    private sealed class WithIntervals(ISimulationEngine inner) : Counting(inner), ISimulationEngine // re-listed: its RunIntervals replaces the default
    {
        public void RunIntervals(long steps, int interval, Action<RunResult> atInterval)
        {
            IntervalCalls++;
            Inner.RunIntervals(steps, interval, r => { Intervals++; atInterval(r); });
        }
    }

    private static (double[][] Spikes, double[] V) Run(IBackend backend, ICommunicator? communicator, string network) =>
        Run(backend, communicator, network, out _, out _);

    private static (double[][] Spikes, double[] V) Run(IBackend backend, ICommunicator? communicator, string network, out double engine, out double engineCpu)
    {
        using var built = NetworkBuilder.Build(NetworkParser.Parse(network), backend, new BuildOptions { Threads = 1, Communicator = communicator });
        var sim = built.Simulation;
        sim.Run(30);
        sim.Run(30);
        engine = sim.Distribution?.EngineSeconds ?? 0;
        engineCpu = sim.Distribution?.EngineCpuSeconds ?? 0;
        var segment = sim.Populations[0].GetData().Segments[^1];
        return (segment.SpikeTrains.Select(t => t.Times.ToArray()).ToArray(), sim.Rank == 0 ? segment.Signal("v").Data.ToArray() : []);
    }

    /// <summary>
    /// With L-step intervals, two runs of 300 steps: the engine is called once for index 0 and once per run (its callback
    /// seeing ⌈300 / L⌉ intervals each), or, without its own <see cref="ISimulationEngine.RunIntervals"/>, once per interval; both record the
    /// single-process spikes and traces.
    /// </summary>
    [Theory]
    [InlineData(0.2, 2, true)]
    [InlineData(0.2, 2, false)]
    [InlineData(0.7, 7, true)]
    [InlineData(0.1, 1, true)]
    public void One_engine_call_per_run_records_the_single_process_run(double delay, int interval, bool intervals)
    {
        string network = InProcessDistributionTests.WithDelay(delay);
        var (spikes, v) = Run(new CpuBackend(), null, network);
        spikes.Sum(t => t.Length).Should().BeGreaterThan(20, "the network must spike for the comparison to mean something");

        var backend = new CountingBackend(new CpuBackend(), intervals);
        var results = new (double[][] Spikes, double[] V)[2];
        var engine = new double[2];
        var engineCpu = new double[2];
        InProcessDistributionTests.OnEveryRank(2, c => results[c.Rank] = Run(backend, c, network, out engine[c.Rank], out engineCpu[c.Rank]));

        int perRun = (300 + interval - 1) / interval;
        backend.Engines.Should().HaveCount(2);
        foreach (var counted in backend.Engines)
        {
            if (intervals)
            {
                counted.Runs.Should().Be(1, "index 0 is run alone, so that its spikes are exchanged before the relays emit them");
                counted.IntervalCalls.Should().Be(2, "one engine call per Simulation.Run");
                counted.Intervals.Should().Be(2 * perRun);
            }
            else counted.Runs.Should().Be(1 + 2 * perRun, "without its own RunIntervals, ISimulationEngine's default runs once per interval");
        }
        results[0].Spikes.Should().HaveCount(spikes.Length, "one train per recorded cell");
        for (int i = 0; i < spikes.Length; i++) results[0].Spikes[i].Should().Equal(spikes[i], $"cell {i}'s spikes with {delay} ms delays");
        results[0].V.Should().Equal(v);
        if (OperatingSystem.IsLinux()) // with or without the engine's own RunIntervals: both run through the one path
            for (int r = 0; r < 2; r++)
            {
                // A thread's CPU time cannot exceed the wall time it spent (the clocks' granularity aside).
                engineCpu[r].Should().BeGreaterThan(0, "the thread CPU clock is read on Linux");
                engineCpu[r].Should().BeLessThanOrEqualTo(engine[r] + 0.01);
            }
    }

    /// <summary>
    /// <see cref="ISimulationEngine.RunIntervals"/> on one engine hands over, interval by interval, exactly what separate runs
    /// of those intervals return, and together what one run of all the steps returns.
    /// </summary>
    [Fact]
    public void Intervals_return_what_separate_runs_return()
    {
        StepProgram program;
        using (var built = NetworkBuilder.Build(NetworkParser.Parse(InProcessDistributionTests.Network), new CpuBackend(), new BuildOptions { Threads = 1 }))
            program = new NetworkLowering(built.Simulation.Resolve()).Program;
        using var one = (WithIntervals)new CountingBackend(new CpuBackend(), true).CreateEngine(new EngineOptions { Threads = 1 });
        using var separate = new CpuBackend().CreateEngine(new EngineOptions { Threads = 1 });
        using var single = new CpuBackend().CreateEngine(new EngineOptions { Threads = 1 });
        one.Load(program);
        separate.Load(program);
        single.Load(program);

        var byIntervals = new List<RunResult>();
        one.RunIntervals(203, 7, byIntervals.Add);
        byIntervals.Select(r => (r.StartStep, r.EndStep)).Should().Equal(
            Enumerable.Range(0, 29).Select(k => ((long)7 * k, Math.Min(203L, 7L * k + 7))), "29 intervals of 7 steps");
        one.CurrentStep.Should().Be(203);
        foreach (var r in byIntervals)
        {
            var expected = separate.Run(r.EndStep - r.StartStep);
            Same(r, expected);
        }
        var all = single.Run(203);
        for (int b = 0; b < all.Spikes.Count; b++)
        {
            byIntervals.SelectMany(r => r.Spikes[b].Cells).Should().Equal(all.Spikes[b].Cells);
            byIntervals.SelectMany(r => r.Spikes[b].Steps).Should().Equal(all.Spikes[b].Steps);
        }
        byIntervals.SelectMany(r => r.Samples.SelectMany(b => b.Values)).Should().Equal(all.Samples.SelectMany(b => b.Values));
        byIntervals.Sum(r => r.Spikes.Sum(b => b.Cells.Length)).Should().BeGreaterThan(10, "the network must spike for the comparison to mean something");

        var empty = new List<RunResult>();
        one.RunIntervals(0, 7, empty.Add);
        empty.Should().ContainSingle().Which.EndStep.Should().Be(203);
        var act = () => one.RunIntervals(10, 0, _ => { });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*interval*at least one step*");
    }

    private static void Same(RunResult actual, RunResult expected)
    {
        actual.StartStep.Should().Be(expected.StartStep);
        actual.EndStep.Should().Be(expected.EndStep);
        actual.Spikes.Should().HaveCount(expected.Spikes.Count);
        for (int b = 0; b < expected.Spikes.Count; b++)
        {
            actual.Spikes[b].Cells.Should().Equal(expected.Spikes[b].Cells);
            actual.Spikes[b].Steps.Should().Equal(expected.Spikes[b].Steps);
        }
        actual.Samples.Should().HaveCount(expected.Samples.Count);
        for (int b = 0; b < expected.Samples.Count; b++)
        {
            actual.Samples[b].FirstStep.Should().Be(expected.Samples[b].FirstStep);
            actual.Samples[b].Values.Should().Equal(expected.Samples[b].Values);
        }
    }
}
