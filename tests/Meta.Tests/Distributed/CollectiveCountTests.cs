using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Distributed;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Tests.Distributed;

/// <summary>
/// How often the ranks of a distributed run meet (docs/architecture.md, "What is exchanged, and when"): one collective per
/// exchange interval (a fixed-size slot; a second round only when some rank's spikes overflow it), and the recordings kept
/// on their rank until they are read, then gathered once, with rank 0's data still exactly the single-process run's.
/// </summary>
public class CollectiveCountTests
{
    /// <summary>Counts the collectives of a <see cref="ThreadCommunicator"/> rank.</summary>
    private sealed class Counting(ICommunicator inner) : ICommunicator
    {
        public int Blocks, Gathers, Rest, Divergences, Others;
        public int Rank => inner.Rank;
        public int Size => inner.Size;
        public int[] AllGather(int value) { Others++; return inner.AllGather(value); }
        public int[] AllGatherV(int[] values) { Others++; return inner.AllGatherV(values); }
        public int AllGatherV(int[] values, int count, ref int[] received) { Rest++; return inner.AllGatherV(values, count, ref received); }
        public void AllGatherBlocks(int[] values, int blockLength, int[] received) { Blocks++; inner.AllGatherBlocks(values, blockLength, received); }
        public double[] AllGatherV(double[] values) { Divergences++; return inner.AllGatherV(values); }
        public long[] GatherV(long[] values) { Gathers++; return inner.GatherV(values); }
        public double[] GatherV(double[] values) { Gathers++; return inner.GatherV(values); }
        public void Barrier() { Others++; inner.Barrier(); }
        public void Dispose() => inner.Dispose();
    }

    private sealed record Outcome(double[][] Spikes, double[] V, long Exchanges, long Overflows, int Blocks, int Rest,
        int GathersDuringRuns, int DivergencesDuringRuns, bool KeptBeforeRead, long RecordingGathers);

    /// <summary>Two runs of 30 ms, then the data read; a first slot of <paramref name="slot"/> triples when given.</summary>
    private static Outcome Run(ICommunicator? communicator, int? slot = null)
    {
        var counting = communicator is null ? null : new Counting(communicator);
        using var built = NetworkBuilder.Build(NetworkParser.Parse(InProcessDistributionTests.Network), new CpuBackend(),
            new BuildOptions { Threads = 1, Communicator = counting });
        var sim = built.Simulation;
        sim.Load();
        if (slot is { } triples) sim.Distribution!.StartSlotsAt(triples);
        int gathersBefore = counting?.Gathers ?? 0, divergencesBefore = counting?.Divergences ?? 0;
        sim.Run(30);
        sim.Run(30);
        int gathersDuringRuns = (counting?.Gathers ?? 0) - gathersBefore, divergencesDuringRuns = (counting?.Divergences ?? 0) - divergencesBefore;
        bool kept = sim.Distribution?.HasKeptRecordings ?? false;
        var segment = sim.Populations[0].GetData().Segments[^1];
        sim.Populations[0].GetData(); // a second read gathers nothing more
        return new Outcome(segment.SpikeTrains.Select(t => t.Times.ToArray()).ToArray(), sim.Rank == 0 ? segment.Signal("v").Data.ToArray() : [],
            sim.Distribution?.Exchanges ?? 0, sim.Distribution?.ExchangeOverflows ?? 0, counting?.Blocks ?? 0, counting?.Rest ?? 0,
            gathersDuringRuns, divergencesDuringRuns, kept, sim.Distribution?.Gathers ?? 0);
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(3, null)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    public void One_collective_per_interval_and_one_gather_when_read_give_the_single_process_data(int ranks, int? slot)
    {
        var single = Run(null);
        single.Spikes.Sum(t => t.Length).Should().BeGreaterThan(20, "the network must spike for the comparison to mean something");

        var results = new Outcome[ranks];
        InProcessDistributionTests.OnEveryRank(ranks, c => results[c.Rank] = Run(c, slot));

        var root = results[0];
        root.Spikes.Should().HaveCount(single.Spikes.Length);
        for (int i = 0; i < single.Spikes.Length; i++) root.Spikes[i].Should().Equal(single.Spikes[i], $"cell {i}'s spikes");
        root.V.Should().Equal(single.V);
        foreach (var r in results)
        {
            r.Exchanges.Should().Be(1 + 2 * 150, "L = 2 steps: index 0, then 2 runs of 300 steps");
            r.Blocks.Should().Be((int)r.Exchanges, "one fixed-slot all-gather per exchange");
            r.Rest.Should().Be((int)r.Overflows, "a second round only for an exchange whose spikes overflowed the slot");
            r.KeptBeforeRead.Should().BeTrue("the recordings stay on their rank until they are read");
            r.GathersDuringRuns.Should().Be(0, "nothing is gathered to rank 0 during the runs");
            r.DivergencesDuringRuns.Should().Be(2, "each run's divergence is all-gathered, once per run");
            r.RecordingGathers.Should().Be(1, "the two runs' recordings are gathered once, at the first read");
        }
        if (slot is null)
            root.Overflows.Should().Be(0, "a 40-cell network never fires 64 spikes on one rank in one 0.2 ms interval");
        else
        {
            root.Overflows.Should().BeGreaterThan(0, "a slot of one spike overflows as soon as a rank fires two in an interval");
            root.Overflows.Should().BeLessThan(5, "the slot grows to the largest count seen, so overflows stop");
        }
    }

    [Fact]
    public void The_first_slot_variable_takes_a_positive_integer_and_names_itself_otherwise()
    {
        DistributedEngine.FirstSlotFrom(null).Should().Be(SpikeExchange.FirstSlotTriples);
        DistributedEngine.FirstSlotFrom(" 3 ").Should().Be(3);
        foreach (var bad in new[] { "0", "-2", "many", "1.5" })
            FluentActions.Invoking(() => DistributedEngine.FirstSlotFrom(bad)).Should().Throw<FormatException>()
                .WithMessage($"*{DistributedEngine.FirstSlotVariable} is '{bad}'*positive integer*");
    }

    /// <summary>
    /// A cell of rank 0 that diverges stops the run on every rank with the same error, so that the ranks still meet at the
    /// same collectives (before, only the rank that found it and rank 0 stopped; rank 1 went on into the next exchange).
    /// </summary>
    [Fact]
    public void A_divergence_on_one_rank_stops_every_rank_naming_the_cell()
    {
        var errors = new SimulationDivergedException?[2];
        var recorded = new int[2];
        InProcessDistributionTests.OnEveryRank(2, c =>
        {
            using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 7, Communicator = c });
            var quiet = sim.CreatePopulation(4, new CellType("IF_cond_exp"), "quiet");
            var wild = sim.CreatePopulation(2, new CellType("HH_cond_exp").With("i_offset", new[] { 1e6, 0.0 }), "wild");
            _ = new Projection(quiet, quiet, new AllToAllConnector(), new StaticSynapse(0.001, 0.2));
            quiet.Record("spikes");
            try
            {
                sim.Run(50);
            }
            catch (SimulationDivergedException e)
            {
                errors[c.Rank] = e;
            }
            recorded[c.Rank] = quiet.GetData().Segments[^1].SpikeTrains.Count; // a collective: both ranks must reach it
        });
        errors.Should().AllSatisfy(e => e.Should().NotBeNull("every rank stops"));
        errors.Select(e => (e!.Population, e.Cell)).Should().AllBeEquivalentTo(("wild", 0), "rank 0's cell 0 diverged");
        recorded[0].Should().Be(4, "rank 0 then holds every rank's recording");
    }

    /// <summary>The wild network of the test above with the wild cells' v recorded; the divergence's message, or null.</summary>
    private static string? DivergenceRecordingV(ICommunicator? communicator)
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 7, Communicator = communicator });
        var quiet = sim.CreatePopulation(4, new CellType("IF_cond_exp"), "quiet");
        var wild = sim.CreatePopulation(2, new CellType("HH_cond_exp").With("i_offset", new[] { 1e6, 0.0 }), "wild");
        _ = new Projection(quiet, quiet, new AllToAllConnector(), new StaticSynapse(0.001, 0.2));
        wild.Record("v");
        string? message = null;
        try
        {
            sim.Run(50);
        }
        catch (SimulationDivergedException e)
        {
            message = e.Message;
        }
        _ = wild.GetData(); // a collective: every rank must reach it
        return message;
    }

    /// <summary>
    /// With v of the diverging cell recorded, every rank scans its own samples, so a distributed run names the sample's time
    /// (when the runaway began) with the same text as one process, not only the end of the run call.
    /// </summary>
    [Fact]
    public void A_diverged_recorded_sample_gives_the_single_process_error_on_every_rank()
    {
        var single = DivergenceRecordingV(null);
        single.Should().NotBeNull().And.Contain("'v' of cell 0 in 'wild'").And.Contain("from t = ").And.NotContain("when the run call ended");
        var errors = new string?[2];
        InProcessDistributionTests.OnEveryRank(2, c => errors[c.Rank] = DivergenceRecordingV(c));
        errors.Should().AllBe(single);
    }

    /// <summary>
    /// After an overflow the slot grows to the largest count's power of two of triples, but at most
    /// <see cref="SpikeExchange.MaxSlotTriples"/> and never so that the ranks' slots overflow an array; after
    /// <see cref="SpikeExchange.ShrinkAfter"/> quiet exchanges in a row (largest count under a quarter) it halves, down to the first slot.
    /// </summary>
    [Fact]
    public void The_slot_grows_to_a_cap_and_shrinks_back_after_quiet_exchanges()
    {
        int first = 1 + 3 * SpikeExchange.FirstSlotTriples, quiet = 0;
        int slot = SpikeExchange.NextSlot(first, 3 * 100, 4, first, ref quiet);
        slot.Should().Be(1 + 3 * 128, "100 triples round up to 128");
        SpikeExchange.NextSlot(slot, 3 * 1_000_000, 4, first, ref quiet).Should().Be(1 + 3 * SpikeExchange.MaxSlotTriples, "a burst is capped");
        int wide = SpikeExchange.NextSlot(first, 3 * 1_000_000, 1_000_000, first, ref quiet);
        ((long)wide * 1_000_000).Should().BeLessThanOrEqualTo(Array.MaxLength, "a million ranks' slots still fit one array");
        wide.Should().BeGreaterThanOrEqualTo(first, "the slot never falls below the one every rank started with");

        // Quiet exchanges: 10 triples use under a quarter of 128.
        quiet = 0;
        for (int k = 1; k < SpikeExchange.ShrinkAfter; k++)
            SpikeExchange.NextSlot(slot, 3 * 10, 4, first, ref quiet).Should().Be(slot, $"exchange {k} of {SpikeExchange.ShrinkAfter} is not yet enough");
        SpikeExchange.NextSlot(slot, 3 * 10, 4, first, ref quiet).Should().Be(1 + 3 * 64, "halved after the quiet exchanges");
        quiet.Should().Be(0);
        // A busier exchange in between restarts the count.
        for (int k = 1; k < SpikeExchange.ShrinkAfter; k++) SpikeExchange.NextSlot(slot, 3 * 10, 4, first, ref quiet);
        SpikeExchange.NextSlot(slot, 3 * 40, 4, first, ref quiet).Should().Be(slot, "40 of 128 triples is not quiet");
        quiet.Should().Be(0);
        // Never below the first slot.
        quiet = SpikeExchange.ShrinkAfter;
        SpikeExchange.NextSlot(first, 0, 4, first, ref quiet).Should().Be(first);
    }
}
