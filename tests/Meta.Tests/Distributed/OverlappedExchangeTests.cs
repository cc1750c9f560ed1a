using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Distributed;

namespace Meta.Tests.Distributed;

/// <summary>
/// Overlapped exchanges (docs/architecture.md, "Overlapped exchanges"): with Lag L ≥ 2 the ranks run intervals of ⌊L/2⌋
/// steps, start each interval's all-gather without waiting and complete it after the next interval. Thread ranks
/// (<see cref="ThreadCommunicator"/>, whose non-blocking all-gather runs only when it is waited for, so a buffer touched
/// while pending gives wrong data) must still record exactly the single-process run: for L = 1 (blocking), 2, 3, 5 and 10,
/// runs split into several calls at steps that are not multiples of the interval, a reset between runs, and the second
/// round of an overflowing slot.
/// </summary>
public class OverlappedExchangeTests
{
    private sealed record Outcome(double[][][] Spikes, double[][] V, long Exchanges, long Overflows, bool Overlapped, int Interval);

    /// <summary>
    /// Runs <paramref name="network"/> in runs of <paramref name="parts"/> ms (a reset before the part after each −1), with
    /// overlapped exchanges when <paramref name="overlap"/>, and a first slot of <paramref name="slot"/> triples when given;
    /// returns every segment's spikes and rank 0's traces.
    /// </summary>
    private static Outcome Run(ICommunicator? communicator, string network, bool overlap, double[] parts, int? slot = null)
    {
        using var built = NetworkBuilder.Build(NetworkParser.Parse(network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = communicator });
        var sim = built.Simulation;
        sim.Load();
        sim.Distribution?.OverlapExchanges(overlap);
        if (slot is { } triples) sim.Distribution!.StartSlotsAt(triples);
        foreach (double part in parts)
        {
            if (part < 0) sim.Reset();
            else sim.Run(part);
        }
        var segments = sim.Populations[0].GetData().Segments;
        return new Outcome(segments.Select(s => s.SpikeTrains.Select(t => t.Times.ToArray()).ToArray()).ToArray(),
            sim.Rank == 0 ? segments.Select(s => s.Signal("v").Data.ToArray()).ToArray() : [],
            sim.Distribution?.Exchanges ?? 0, sim.Distribution?.ExchangeOverflows ?? 0,
            sim.Distribution?.Overlapped ?? false, sim.Distribution?.Interval ?? 0);
    }

    private static Outcome[] OnRanks(int ranks, string network, bool overlap, double[] parts, int? slot = null)
    {
        var results = new Outcome[ranks];
        InProcessDistributionTests.OnEveryRank(ranks, c => results[c.Rank] = Run(c, network, overlap, parts, slot));
        return results;
    }

    private static void ShouldEqual(Outcome actual, Outcome expected, string how)
    {
        actual.Spikes.Should().HaveCount(expected.Spikes.Length, how);
        for (int s = 0; s < expected.Spikes.Length; s++)
        {
            expected.Spikes[s].Sum(t => t.Length).Should().BeGreaterThan(10, "the network must spike for the comparison to mean something");
            for (int i = 0; i < expected.Spikes[s].Length; i++)
                actual.Spikes[s][i].Should().Equal(expected.Spikes[s][i], $"segment {s}, cell {i}'s spikes {how}");
            actual.V[s].Should().Equal(expected.V[s], $"segment {s}'s traces {how}");
        }
    }

    /// <summary>Runs of 17.3, 25.1 and 17.6 ms: 173, 251 and 176 steps, multiples of none of the intervals above 1.</summary>
    private static readonly double[] Split = [17.3, 25.1, 17.6];

    [Theory]
    [InlineData(0.1, 2, 1, false)] // L = 1: blocking even when overlap is chosen
    [InlineData(0.2, 2, 1, true)]  // L = 2: intervals of one step
    [InlineData(0.3, 2, 1, true)]  // L = 3, odd: ⌊3/2⌋ = 1
    [InlineData(0.5, 3, 2, true)]  // L = 5, odd, on 3 ranks
    [InlineData(1.0, 2, 5, true)]  // L = 10
    public void Overlapped_exchanges_record_exactly_the_single_process_run(double delay, int ranks, int interval, bool overlapped)
    {
        string network = InProcessDistributionTests.WithDelay(delay);
        var single = Run(null, network, overlap: true, Split);
        var blocking = OnRanks(ranks, network, overlap: false, Split);
        var results = OnRanks(ranks, network, overlap: true, Split);

        ShouldEqual(results[0], single, $"with {delay} ms delays on {ranks} ranks, overlapped");
        ShouldEqual(blocking[0], single, $"with {delay} ms delays on {ranks} ranks, blocking");
        int lag = (int)Math.Round(delay / 0.1);
        foreach (var r in results)
        {
            r.Overlapped.Should().Be(overlapped);
            r.Interval.Should().Be(interval);
            long intervals = Split.Sum(ms => ((long)Math.Round(ms / 0.1) + interval - 1) / interval);
            r.Exchanges.Should().Be(1 + intervals, $"index 0, then one exchange per interval of {interval} steps in each run");
        }
        foreach (var r in blocking)
        {
            r.Overlapped.Should().BeFalse();
            r.Interval.Should().Be(lag);
        }
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.3)]
    public void A_reset_between_overlapped_runs_repeats_the_run(double delay)
    {
        string network = InProcessDistributionTests.WithDelay(delay);
        double[] parts = [12.5, 17.5, -1, 30];
        var single = Run(null, network, overlap: true, parts);
        var results = OnRanks(2, network, overlap: true, parts);

        results[0].Overlapped.Should().BeTrue();
        ShouldEqual(results[0], single, "with a reset between overlapped runs");
        results[0].Spikes.Should().HaveCount(2);
        for (int i = 0; i < single.Spikes[0].Length; i++)
            results[0].Spikes[1][i].Should().Equal(results[0].Spikes[0][i], $"cell {i} after the reset");
    }

    /// <summary>
    /// A run that throws (here its progress callback, on every rank at the same interval) leaves the last started
    /// exchange pending; the reset completes it before it clears the feeds, so the run after it records exactly the
    /// single-process run (without that, its first exchange would complete the old one into the cleared feeds).
    /// </summary>
    [Theory]
    [InlineData(0.2, 2)]
    [InlineData(0.5, 3)]
    public void A_reset_after_a_run_that_threw_with_an_exchange_pending_repeats_the_single_process_run(double delay, int ranks)
    {
        string network = InProcessDistributionTests.WithDelay(delay);
        var single = Run(null, network, overlap: true, [30]);
        var results = new Outcome[ranks];
        var threw = new bool[ranks];
        InProcessDistributionTests.OnEveryRank(ranks, c => results[c.Rank] = ThrowResetRun(c, network, 30, threw));

        threw.Should().AllBeEquivalentTo(true, "every rank's progress callback throws half-way");
        results[0].Overlapped.Should().BeTrue();
        ShouldEqual(results[0], single, $"after a run that threw half-way and a reset, with {delay} ms delays on {ranks} ranks");
    }

    /// <summary>
    /// Runs <paramref name="ms"/> with overlapped exchanges and a progress callback that throws half-way, resets, runs
    /// <paramref name="ms"/> again; returns the last segment (<paramref name="threw"/>: whether the first run threw).
    /// </summary>
    private static Outcome ThrowResetRun(ICommunicator communicator, string network, double ms, bool[] threw)
    {
        using var built = NetworkBuilder.Build(NetworkParser.Parse(network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = communicator });
        var sim = built.Simulation;
        sim.Load();
        sim.Distribution!.OverlapExchanges(true);
        try
        {
            sim.Run(ms, done => { if (done >= 0.5) throw new OperationCanceledException("stopped half-way"); });
        }
        catch (OperationCanceledException)
        {
            threw[communicator.Rank] = true;
        }
        sim.Reset();
        sim.Run(ms);
        var last = sim.Populations[0].GetData().Segments[^1];
        return new Outcome([last.SpikeTrains.Select(t => t.Times.ToArray()).ToArray()],
            sim.Rank == 0 ? [last.Signal("v").Data.ToArray()] : [],
            sim.Distribution.Exchanges, sim.Distribution.ExchangeOverflows, sim.Distribution.Overlapped, sim.Distribution.Interval);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void An_overflowing_slot_takes_the_second_round_when_the_exchange_completes(int ranks)
    {
        string network = InProcessDistributionTests.WithDelay(0.2);
        var single = Run(null, network, overlap: true, Split);
        var results = OnRanks(ranks, network, overlap: true, Split, slot: 1);

        ShouldEqual(results[0], single, $"with a slot of one spike on {ranks} ranks, overlapped");
        foreach (var r in results)
        {
            r.Overlapped.Should().BeTrue();
            r.Overflows.Should().BeGreaterThan(0, "a slot of one spike overflows as soon as a rank fires two in an interval");
            r.Overflows.Should().Be(results[0].Overflows, "every rank sees the same counts, so takes the same second rounds");
        }
    }

    [Fact]
    public void A_second_exchange_cannot_start_while_one_is_pending()
    {
        using var built = NetworkBuilder.Build(NetworkParser.Parse(InProcessDistributionTests.Network), new CpuBackend(),
            new BuildOptions { Threads = 1, Communicator = new SingleProcess() });
        var sim = built.Simulation;
        sim.Load();
        var exchange = new SpikeExchange(sim.Distribution!.Local);
        var nothing = new Meta.Backends.RunResult { StartStep = 0, EndStep = 2, Spikes = [], Samples = [] };
        var communicator = new SingleProcess();
        exchange.Start(communicator, nothing, 0);
        exchange.Pending.Should().BeTrue();
        FluentActions.Invoking(() => exchange.Start(communicator, nothing, 2)).Should().Throw<InvalidOperationException>().WithMessage("*still pending*");
        exchange.Complete(communicator);
        exchange.Pending.Should().BeFalse();
        exchange.Start(communicator, nothing, 2);
        exchange.Complete(communicator);
    }

    [Fact]
    public void The_overlap_variable_takes_on_or_off_and_names_itself_otherwise()
    {
        DistributedEngine.OverlapFrom(null).Should().Be(DistributedEngine.OverlapByDefault);
        DistributedEngine.OverlapFrom(" ").Should().Be(DistributedEngine.OverlapByDefault);
        foreach (var on in new[] { "1", "true", "ON" }) DistributedEngine.OverlapFrom(on).Should().BeTrue(on);
        foreach (var off in new[] { "0", "False", "off" }) DistributedEngine.OverlapFrom(off).Should().BeFalse(off);
        foreach (var bad in new[] { "2", "yes please", "-1" })
            FluentActions.Invoking(() => DistributedEngine.OverlapFrom(bad)).Should().Throw<FormatException>()
                .WithMessage($"*{DistributedEngine.OverlapVariable} is '{bad}'*expected 1, true or on*0, false or off*");
    }
}
