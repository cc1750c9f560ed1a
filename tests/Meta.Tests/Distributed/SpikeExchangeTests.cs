using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Distributed;

namespace Meta.Tests.Distributed;

/// <summary>
/// The exchange of one interval (<see cref="SpikeExchange"/>): the spikes of the rank's exchange recorders reach the relays'
/// feeds Lag steps late, and once its buffers have grown an exchange allocates nothing (docs/architecture.md, "What is
/// exchanged, and when").
/// </summary>
public class SpikeExchangeTests
{
    /// <summary>One rank that gathers without allocating, so that only the exchange's own allocations are counted.</summary>
    private sealed class OneRank : ICommunicator
    {
        public int Rank => 0;
        public int Size => 1;
        public int[] AllGather(int value) => [value];
        public int[] AllGatherV(int[] values) => (int[])values.Clone();
        public int AllGatherV(int[] values, int count, ref int[] received)
        {
            if (received.Length < count) received = new int[count];
            Array.Copy(values, received, count);
            return count;
        }
        public void AllGatherBlocks(int[] values, int blockLength, int[] received) => Array.Copy(values, received, blockLength);
        public long[] GatherV(long[] values) => values;
        public double[] GatherV(double[] values) => values;
        public void Barrier() { }
        public void Dispose() { }
    }

    [Fact]
    public void Spikes_reach_the_relays_one_interval_late_and_a_warm_exchange_allocates_nothing()
    {
        var communicator = new OneRank();
        // 40 cells exciting each other and 10 Poisson sources exciting them, every delay 0.3 ms.
        string network = InProcessDistributionTests.WithDelay(0.3);
        using var built = NetworkBuilder.Build(NetworkParser.Parse(network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = communicator });
        built.Simulation.Run(1.0);
        var local = built.Simulation.Distribution!.Local;
        local.Lag.Should().Be(3, "the smallest delay is 0.3 ms = 3 steps");

        const long before = 30;
        var result = new RunResult
        {
            StartStep = before,
            EndStep = before + local.Lag,
            Spikes =
            [
                new SpikeBlock { Recorder = local.ExchangeRecorder[0], Cells = [5, 0, 7], Steps = [before + 1, before + 2, before + 3] },
                new SpikeBlock { Recorder = local.ExchangeRecorder[1], Cells = [9], Steps = [before + 2] },
            ],
            Samples = [],
        };
        var exchange = new SpikeExchange(local);
        long allocated = 0;
        for (int round = 0; round < 50; round++)
        {
            foreach (var feed in local.Feeds) feed!.Clear();
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            exchange.Exchange(communicator, result, before);
            if (round >= 10) allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
        }

        local.Feeds[0]!.Pending.Should().Be(3);
        local.Feeds[1]!.Pending.Should().Be(1);
        local.Feeds[0]!.CompleteBefore.Should().Be(before + 2 * local.Lag + 1, "every spike up to the interval's end, Lag steps late, is in");
        allocated.Should().Be(0, "the send, receive and sort buffers are kept between intervals");
    }
}
