using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Distributed;

namespace Meta.Tests.Distributed;

/// <summary>
/// Distributed runs without MPI: ranks are threads exchanging through <see cref="ThreadCommunicator"/>, each running its
/// share of the network on the CPU backend, and rank 0's recordings must equal the single-process run exactly.
/// </summary>
public class InProcessDistributionTests
{
    internal const string Network = """
        {
          "name": "threads",
          "simulation": {"timestep": 0.1, "min_delay": 0.2, "max_delay": 2.0, "seed": 99, "duration": 60.0},
          "populations": [
            {"label": "exc", "size": 40, "cell_type": "IF_cond_exp",
             "parameters": {"cm": 0.2, "tau_m": 20.0, "tau_refrac": 5.0, "v_thresh": -50.0, "v_reset": -60.0, "v_rest": -60.0},
             "initial_values": {"v": {"distribution": "uniform", "low": -60.0, "high": -50.0}}},
            {"label": "ext", "size": 10, "cell_type": "SpikeSourcePoisson", "parameters": {"rate": 80.0, "start": 0.0, "duration": 1000.0}}
          ],
          "projections": [
            {"label": "rec", "pre": "exc", "post": "exc", "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.2},
             "synapse": {"type": "StaticSynapse", "weight": 0.01, "delay": {"distribution": "uniform", "low": 0.2, "high": 1.5}},
             "receptor_type": "excitatory"},
            {"label": "in", "pre": "ext", "post": "exc", "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.3},
             "synapse": {"type": "StaticSynapse", "weight": 0.1, "delay": {"distribution": "uniform", "low": 0.3, "high": 1.0}},
             "receptor_type": "excitatory"}
          ],
          "record": [{"cells": "exc", "variables": ["spikes", "v"]}]
        }
        """;

    /// <summary>The network with every delay of both projections set to <paramref name="delay"/> ms (and min_delay with it).</summary>
    internal static string WithDelay(double delay)
    {
        string d = delay.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Network.Replace("\"min_delay\": 0.2", $"\"min_delay\": {d}", StringComparison.Ordinal)
            .Replace("""{"distribution": "uniform", "low": 0.2, "high": 1.5}""", d, StringComparison.Ordinal)
            .Replace("""{"distribution": "uniform", "low": 0.3, "high": 1.0}""", d, StringComparison.Ordinal);
    }

    private static (double[][] Spikes, double[] V) Run(ICommunicator? communicator, double duration, string network = Network) =>
        Run(communicator, duration, network, out _);

    private static (double[][] Spikes, double[] V) Run(ICommunicator? communicator, double duration, string network, out long exchanges)
    {
        using var built = NetworkBuilder.Build(NetworkParser.Parse(network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = communicator });
        var sim = built.Simulation;
        sim.Run(duration / 2);
        sim.Run(duration / 2);
        exchanges = sim.Distribution?.Exchanges ?? 0;
        var segment = sim.Populations[0].GetData().Segments[^1];
        return (segment.SpikeTrains.Select(t => t.Times.ToArray()).ToArray(), sim.Rank == 0 ? segment.Signal("v").Data.ToArray() : []);
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="ranks"/> thread ranks at once; no rank may throw.</summary>
    internal static void OnEveryRank(int ranks, Action<ICommunicator> body)
    {
        var errors = new Exception?[ranks];
        var threads = new ThreadCommunicator.Group(ranks).Ranks().Select(c => new Thread(() =>
        {
            try
            {
                body(c);
            }
            catch (Exception e)
            {
                errors[c.Rank] = e;
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        errors.Should().AllSatisfy(e => e.Should().BeNull());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Rank_zero_records_exactly_the_single_process_run(int ranks)
    {
        var (spikes, v) = Run(null, 60);
        spikes.Sum(t => t.Length).Should().BeGreaterThan(20, "the network must spike for the comparison to mean something");

        var results = new (double[][] Spikes, double[] V)[ranks];
        OnEveryRank(ranks, c => results[c.Rank] = Run(c, 60));

        results[0].Spikes.Should().HaveCount(spikes.Length);
        for (int i = 0; i < spikes.Length; i++) results[0].Spikes[i].Should().Equal(spikes[i], $"cell {i}'s spikes");
        results[0].V.Should().Equal(v);
        results[1].Spikes.Sum(t => t.Length).Should().Be(0, "only rank 0 holds the recordings");
    }

    /// <summary>
    /// The ranks exchange once per minimum-delay interval of L = smallest delay steps (NEST's and NEURON's interval), plus
    /// once for index 0 of the first run: 2 runs of 300 steps make 1 + 2·⌈300 / L⌉ exchanges. With one-step delays (L = 1)
    /// a relayed spike arrives in the very step it is emitted into (a delay of 0 steps), which every backend takes.
    /// </summary>
    [Theory]
    [InlineData(0.1, 1)]
    [InlineData(0.2, 2)]
    [InlineData(0.7, 7)]
    [InlineData(1.0, 10)]
    public void Ranks_exchange_once_per_smallest_delay_and_equal_the_single_process_run(double delay, int interval)
    {
        string network = WithDelay(delay);
        var (spikes, v) = Run(null, 60, network);
        spikes.Sum(t => t.Length).Should().BeGreaterThan(20, "the network must spike for the comparison to mean something");

        var results = new (double[][] Spikes, double[] V)[2];
        var exchanges = new long[2];
        OnEveryRank(2, c => results[c.Rank] = Run(c, 60, network, out exchanges[c.Rank]));

        exchanges.Should().AllSatisfy(e => e.Should().Be(1 + 2 * ((300 + interval - 1) / interval)));
        for (int i = 0; i < spikes.Length; i++) results[0].Spikes[i].Should().Equal(spikes[i], $"cell {i}'s spikes with {delay} ms delays");
        results[0].V.Should().Equal(v);
    }

    [Fact]
    public void A_reset_repeats_the_run_on_every_rank()
    {
        var segments = new double[2][][][];
        OnEveryRank(2, c =>
        {
            using var built = NetworkBuilder.Build(NetworkParser.Parse(Network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = c });
            var sim = built.Simulation;
            sim.Run(30);
            sim.Reset();
            sim.Run(30);
            segments[c.Rank] = sim.Populations[0].GetData().Segments.Select(seg => seg.SpikeTrains.Select(t => t.Times.ToArray()).ToArray()).ToArray();
        });

        var (single, _) = Run(null, 30);
        segments[0].Should().HaveCount(2);
        segments[0][0].Sum(t => t.Length).Should().BeGreaterThan(5);
        for (int i = 0; i < single.Length; i++)
        {
            segments[0][1][i].Should().Equal(segments[0][0][i], $"cell {i} after the reset");
            segments[0][0][i].Should().Equal(single[i], $"cell {i} against one process");
        }
    }

    [Fact]
    public void Blocks_cover_every_population_in_rank_order()
    {
        var placement = new Placement([10, 3, 7], 3);
        for (int p = 0; p < 3; p++)
        {
            Enumerable.Range(0, 3).Sum(r => placement.Count(p, r)).Should().Be(placement.Sizes[p]);
            for (int r = 0; r < 3; r++)
            {
                placement.Count(p, r).Should().BeInRange(placement.Sizes[p] / 3, placement.Sizes[p] / 3 + 1);
                for (int c = placement.Start(p, r); c < placement.Start(p, r) + placement.Count(p, r); c++) placement.Owner(p, c).Should().Be(r);
            }
        }
    }

    [Fact]
    public void Unsupported_networks_are_refused_with_the_reason()
    {
        // Every rank takes part in building the network (each projection agrees on its size), so all 41 run; each refuses.
        var refusals = new Exception?[41];
        var threads = new ThreadCommunicator.Group(41).Ranks().Select(c => new Thread(() =>
        {
            try
            {
                using var small = NetworkBuilder.Build(NetworkParser.Parse(Network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = c });
                small.Simulation.Run(1);
            }
            catch (Exception e) { refusals[c.Rank] = e; }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        refusals.Should().AllSatisfy(e => e.Should().BeOfType<NotSupportedException>().Which.Message.Should().Contain("'exc' has 40 cells, fewer than the 41 ranks"));
    }
}
