using System.IO.Compression;
using System.Text.Json;
using Meta.Backends.Cpu;
using Meta.Cli.Commands;
using Meta.Cli.Networks;
using Meta.Distributed;
using Meta.Tests.Cli;

namespace Meta.Tests.Distributed;

/// <summary>
/// Recordings read per rank (PyNN's <c>gather=False</c>): each rank gets exactly its own cells' single-process data and
/// nothing of the others'; <c>meta run --gather false</c> writes one file per recording and rank, and <c>meta join</c> makes
/// the files one process writes, byte for byte (in one process here, and under real mpirun in <see cref="DistributedRunTests"/>).
/// </summary>
public class PerRankRecordingTests
{
    private static (Dictionary<int, double[]> Spikes, int[] Channels, double[] V, int Rows) Read(Simulation sim, bool gather)
    {
        var segment = sim.Populations[0].GetData(gather: gather).Segments[^1];
        var v = segment.Signal("v");
        return (segment.SpikeTrains.ToDictionary(t => t.SourceIndex, t => t.Times.ToArray()), v.ChannelIndex, v.Data, v.SampleCount);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Each_rank_reads_exactly_its_own_cells_of_the_single_process_run(int ranks)
    {
        using var single = NetworkBuilder.Build(NetworkParser.Parse(InProcessDistributionTests.Network), new CpuBackend(), new BuildOptions { Threads = 1 });
        single.Simulation.Run(60);
        var expected = Read(single.Simulation, gather: true);
        expected.Spikes.Values.Sum(t => t.Length).Should().BeGreaterThan(20, "the network must spike for the comparison to mean something");
        int size = single.Simulation.Populations[0].Size;

        var results = new (Dictionary<int, double[]> Spikes, int[] Channels, double[] V, int Rows)[ranks];
        var gathers = new long[ranks];
        InProcessDistributionTests.OnEveryRank(ranks, c =>
        {
            using var built = NetworkBuilder.Build(NetworkParser.Parse(InProcessDistributionTests.Network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = c });
            built.Simulation.Run(30);
            built.Simulation.Run(30);
            results[c.Rank] = Read(built.Simulation, gather: false);
            gathers[c.Rank] = built.Simulation.Distribution!.Gathers;
        });

        gathers.Should().AllSatisfy(g => g.Should().Be(0, "nothing is gathered"));
        for (int r = 0; r < ranks; r++)
        {
            var own = Enumerable.Range(0, size).Where(i => Placement.Owns(size, i, r, ranks)).ToArray();
            results[r].Spikes.Keys.Should().Equal(own, $"rank {r} holds the trains of its own cells only");
            foreach (int i in own) results[r].Spikes[i].Should().Equal(expected.Spikes[i], $"cell {i}'s spikes on rank {r}");
            results[r].Channels.Should().Equal(own, $"rank {r}'s v columns");
            results[r].Rows.Should().Be(expected.Rows);
            for (int row = 0; row < expected.Rows; row++)
                for (int j = 0; j < own.Length; j++)
                    results[r].V[(row * own.Length) + j].Should().Be(expected.V[(row * size) + own[j]]);
        }
    }

    [Fact]
    public void A_reset_keeps_each_ranks_segments_per_rank()
    {
        using var single = NetworkBuilder.Build(NetworkParser.Parse(InProcessDistributionTests.Network), new CpuBackend(), new BuildOptions { Threads = 1 });
        single.Simulation.Run(30);
        var expected = Read(single.Simulation, gather: true).Spikes;
        var segments = new List<Dictionary<int, double[]>>[2];
        InProcessDistributionTests.OnEveryRank(2, c =>
        {
            using var built = NetworkBuilder.Build(NetworkParser.Parse(InProcessDistributionTests.Network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = c });
            var sim = built.Simulation;
            sim.Run(30);
            sim.Populations[0].GetSpikeCounts(gather: false);
            sim.Reset(); // collects per rank, as decided by the first read
            sim.Run(30);
            segments[c.Rank] = sim.Populations[0].GetData(gather: false).Segments
                .Select(seg => seg.SpikeTrains.ToDictionary(t => t.SourceIndex, t => t.Times.ToArray())).ToList();
        });
        for (int r = 0; r < 2; r++)
        {
            segments[r].Should().HaveCount(2, $"rank {r}: one segment per run between resets");
            foreach (var segment in segments[r])
                foreach (var (cell, times) in segment)
                {
                    Placement.Owns(40, cell, r, 2).Should().BeTrue($"rank {r} holds its own cells only");
                    times.Should().Equal(expected[cell], $"cell {cell} on rank {r}, each segment the single-process run of 30 ms");
                }
        }
        segments.Sum(s => s[1].Count).Should().Be(expected.Count, "together the ranks hold every cell");
    }

    [Fact]
    public void Reading_gathered_after_reading_per_rank_is_refused_on_every_rank()
    {
        var errors = new Exception?[2];
        InProcessDistributionTests.OnEveryRank(2, c =>
        {
            using var built = NetworkBuilder.Build(NetworkParser.Parse(InProcessDistributionTests.Network), new CpuBackend(), new BuildOptions { Threads = 1, Communicator = c });
            built.Simulation.Run(10);
            built.Simulation.Populations[0].GetSpikeCounts(gather: false);
            built.Simulation.Run(10);
            errors[c.Rank] = Record.Exception(() => built.Simulation.Populations[0].GetData());
        });
        errors.Should().AllSatisfy(e => e.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("gather=False"));
    }

    [Fact]
    public void One_process_with_gather_false_writes_rank_files_that_join_into_the_usual_files()
    {
        using var folder = new TempFolder();
        string network = folder.File("net.json", InProcessDistributionTests.Network.Replace(
            "\"record\": [{\"cells\": \"exc\", \"variables\": [\"spikes\", \"v\"]}]",
            "\"assemblies\": [{\"label\": \"all\", \"members\": [\"exc\", \"ext\"]}], \"views\": [{\"label\": \"probe\", \"population\": \"exc\", \"indices\": [30, 2, 17]}], " +
            "\"record\": [{\"cells\": \"all\", \"variables\": [\"spikes\"]}, {\"cells\": \"probe\", \"variables\": [\"v\"]}]", StringComparison.Ordinal));
        string one = Path.Combine(folder.Path, "one"), parts = Path.Combine(folder.Path, "parts");
        string plugins = Path.Combine(CliTestSupport.CliPluginsFolder, "cpu");
        var (exit, _, err) = CliTestSupport.Run(new CliApp(), "run", network, "--plugins", plugins, "-o", one, "--no-plots", "-q");
        exit.Should().Be(0, err);
        (exit, _, err) = CliTestSupport.Run(new CliApp(), "run", network, "--plugins", plugins, "-o", parts, "--no-plots", "-q", "--gather", "false");
        exit.Should().Be(0, err);
        Directory.GetFiles(parts).Select(Path.GetFileName).Should().BeEquivalentTo(["all.rank0.npz", "probe.rank0.npz", "summary.json"]);

        (exit, _, err) = CliTestSupport.Run(new CliApp(), "join", parts);
        exit.Should().Be(0, err);
        DistributedRunTests.ShouldEqualFiles(one, parts, ["all.npz", "probe.npz"], "one rank's files joined");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(parts, "summary.json")));
        summary.RootElement.GetProperty("gather").GetBoolean().Should().BeFalse();
        summary.RootElement.GetProperty("recordings")[0].GetProperty("rank_files").EnumerateArray().Select(f => f.GetString()).Should().Equal("all.rank0.npz");
    }

    [Fact]
    public void Join_refuses_a_folder_of_a_gathered_run()
    {
        using var folder = new TempFolder();
        folder.File("summary.json", """{"gather": true, "recordings": []}""");
        var (exit, _, err) = CliTestSupport.Run(new CliApp(), "join", folder.Path);
        exit.Should().NotBe(0);
        err.Should().Contain("--gather false");
    }

    /// <summary>
    /// Rank files that do not name a signal alike (one rank held no cell of a population of a recording whose populations'
    /// signals stay apart, and named its single signal <c>v</c> with a position among all the recording's cells) are refused
    /// with the file named, instead of an index out of range.
    /// </summary>
    [Fact]
    public void Join_refuses_a_signal_whose_positions_lie_outside_the_joined_columns()
    {
        using var folder = new TempFolder();
        string rank0 = Path.Combine(folder.Path, "rec.rank0.npz"), rank1 = Path.Combine(folder.Path, "rec.rank1.npz");
        static void Signal(Meta.Cli.Output.NpzWriter npz, string name, int position)
        {
            npz.Add(name, new double[] { 1, 2 }, 2, 1);
            npz.Add(name + "_times", new double[] { 0, 0.1 });
            npz.Add(name + "_channels", new[] { 0 });
            npz.Add(name + RankFiles.PositionSuffix, new[] { position });
        }
        using (var npz = new Meta.Cli.Output.NpzWriter(rank0))
        {
            Signal(npz, "v", 0);
            Signal(npz, "v_inh", 0);
        }
        using (var npz = new Meta.Cli.Output.NpzWriter(rank1)) Signal(npz, "v", 2);
        var join = () => RankFileJoin.Join([rank0, rank1], Path.Combine(folder.Path, "rec.npz"));
        join.Should().Throw<CliException>().Which.Message.Should().Contain("rec.rank1.npz").And.Contain("'v'");
    }
}
