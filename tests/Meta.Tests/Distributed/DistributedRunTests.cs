using System.IO.Compression;
using System.Text.Json;
using Meta.Cli.Commands;
using Meta.Distributed;
using Meta.Tests.Cli;

namespace Meta.Tests.Distributed;

/// <summary>
/// <c>mpirun -np N meta run</c> gives exactly the spikes and membrane traces of the single-process run (docs/architecture.md,
/// "Distributed runs"): a random network with random delays and Poisson input, run on 1, 2 and 3 ranks and compared file by
/// file with <c>meta run</c> in one process; fixed delays of 1 and 10 steps set the exchange interval to 1 and 10 steps.
/// </summary>
public class DistributedRunTests
{
    /// <summary>Delays drawn in connection order: every rank draws its projections whole and keeps its share.</summary>
    private const string RandomDelay = """{"distribution": "uniform", "low": 0.2, "high": 1.5}""";

    /// <summary>
    /// 120 conductance-based cells, 10% random connectivity, 20 Poisson inputs, delays <paramref name="delay"/> (uniform in
    /// [0.2, 1.5] ms by default; a fixed delay lets every rank draw only the connections onto its own cells).
    /// </summary>
    private static string Network(int seed, string delay = RandomDelay) => $$$$"""
        {
          "name": "distributed",
          "simulation": {"timestep": 0.1, "min_delay": 0.1, "max_delay": 2.0, "seed": {{{{seed}}}}, "duration": 60.0},
          "populations": [
            {"label": "exc", "size": 96, "cell_type": "IF_cond_exp",
             "parameters": {"cm": 0.2, "tau_m": 20.0, "tau_refrac": 5.0, "v_thresh": -50.0, "v_reset": -60.0, "v_rest": -60.0,
                            "tau_syn_E": 5.0, "tau_syn_I": 10.0, "e_rev_E": 0.0, "e_rev_I": -80.0},
             "initial_values": {"v": {"distribution": "uniform", "low": -60.0, "high": -50.0}}},
            {"label": "inh", "size": 24, "cell_type": "IF_cond_exp",
             "parameters": {"cm": 0.2, "tau_m": 20.0, "tau_refrac": 5.0, "v_thresh": -50.0, "v_reset": -60.0, "v_rest": -60.0,
                            "tau_syn_E": 5.0, "tau_syn_I": 10.0, "e_rev_E": 0.0, "e_rev_I": -80.0},
             "initial_values": {"v": {"distribution": "uniform", "low": -60.0, "high": -50.0}}},
            {"label": "ext", "size": 20, "cell_type": "SpikeSourcePoisson", "parameters": {"rate": 60.0, "start": 0.0, "duration": 1000.0}}
          ],
          "views": [{"label": "probe", "population": "exc", "indices": [3, 50, 95]}],
          "assemblies": [{"label": "all", "members": ["exc", "inh"]}],
          "projections": [
            {"label": "exc_to_all", "pre": "exc", "post": "all",
             "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.1},
             "synapse": {"type": "StaticSynapse", "weight": 0.004, "delay": {{{{delay}}}} },
             "receptor_type": "excitatory"},
            {"label": "inh_to_all", "pre": "inh", "post": "all",
             "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.1},
             "synapse": {"type": "StaticSynapse", "weight": 0.051, "delay": {{{{delay}}}} },
             "receptor_type": "inhibitory"},
            {"label": "ext_to_all", "pre": "ext", "post": "all",
             "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.2},
             "synapse": {"type": "StaticSynapse", "weight": 0.1, "delay": {{{{delay}}}} },
             "receptor_type": "excitatory"}
          ],
          "record": [{"cells": "all", "variables": ["spikes"]}, {"cells": "probe", "variables": ["v"]}]
        }
        """;

    private static string CliAssembly => Path.Combine(CliTestSupport.RepoRoot, "Cli", "bin", CliTestSupport.Configuration, "net10.0", "Meta.Cli.dll");

    [MpiTheory]
    [InlineData("cpu", 2, RandomDelay)]
    [InlineData("cpu", 2, "0.3")]
    [InlineData("cpu", 2, "0.1")]
    [InlineData("cpu", 2, "1.0")]
    [InlineData("cpu", 3, RandomDelay)]
    [InlineData("cpu", 1, RandomDelay)]
    [InlineData("ilgpu", 2, RandomDelay)]
    [InlineData("torch", 2, RandomDelay)]
    [InlineData("ilgpu", 2, "1.0")]
    [InlineData("torch", 2, "1.0")]
    [InlineData("cpu", 2, "1.0", 1)]
    [InlineData("cpu", 3, RandomDelay, 1)]
    // Overlapped exchanges (META_EXCHANGE_OVERLAP=1): intervals of ⌊L/2⌋ steps, each all-gather completed after the next.
    [InlineData("cpu", 2, RandomDelay, null, true)]
    [InlineData("cpu", 2, "0.3", null, true)]
    [InlineData("cpu", 2, "0.2", null, true)]
    [InlineData("cpu", 2, "0.1", null, true)]
    [InlineData("cpu", 2, "1.0", null, true)]
    [InlineData("cpu", 3, RandomDelay, null, true)]
    [InlineData("cpu", 1, RandomDelay, null, true)]
    [InlineData("cpu", 3, RandomDelay, 1, true)]
    [InlineData("cpu", 2, "0.3", 1, true)]
    [InlineData("ilgpu", 2, RandomDelay, null, true)]
    [InlineData("torch", 2, RandomDelay, null, true)]
    public void Spikes_and_traces_on_N_ranks_equal_the_single_process_run(string backend, int ranks, string delay, int? firstSlot = null, bool overlap = false)
    {
        using var folder = new TempFolder();
        string network = folder.File("net.json", Network(1234, delay));
        string one = Path.Combine(folder.Path, "one"), many = Path.Combine(folder.Path, "many");
        string plugins = Path.Combine(CliTestSupport.CliPluginsFolder, backend);

        var (exit, _, err) = CliTestSupport.Run(new CliApp(), "run", network, "-b", backend, "--plugins", plugins, "-o", one, "--no-plots", "-q");
        exit.Should().Be(0, err);
        // A first slot of one spike per rank makes the exchange's second round (spikes beyond the slot) happen.
        string[] slot = firstSlot is { } s ? ["-x", $"{DistributedEngine.FirstSlotVariable}={s}"] : [];
        string[] mode = ["-x", $"{DistributedEngine.OverlapVariable}={(overlap ? 1 : 0)}"];
        var (mpiExit, output) = MpiInstallation.Run(ranks,
            [.. slot, .. mode, "dotnet", CliAssembly, "run", network, "-b", backend, "--plugins", plugins, "-o", many, "--no-plots", "-q"], TimeSpan.FromMinutes(3));
        mpiExit.Should().Be(0, output);

        var single = Entries(Path.Combine(one, "all.npz"));
        single["spike_times.npy"].Length.Should().BeGreaterThan(128 + 8 * 100, "the network must spike for the comparison to mean something");
        ShouldEqualFiles(one, many, ["all.npz", "probe.npz"], $"on {ranks} ranks");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(many, "summary.json")));
        summary.RootElement.GetProperty("ranks").GetInt32().Should().Be(ranks);
        // One exchange per interval of L = smallest delay steps (0.2 ms: the random delays' lower bound), plus index 0's.
        int lag = delay == RandomDelay ? 2 : (int)Math.Round(double.Parse(delay, System.Globalization.CultureInfo.InvariantCulture) / 0.1);
        int interval = overlap && lag >= 2 ? lag / 2 : lag; // overlapped: ⌊L/2⌋ steps (L = 1 stays blocking)
        summary.RootElement.GetProperty("exchanges").GetInt64().Should().BeGreaterThanOrEqualTo(1 + (600 + interval - 1) / interval)
            .And.BeLessThanOrEqualTo(1 + 600 / interval + 60, "the command line cuts the run into about 50 parts, each ending an interval early");
        summary.RootElement.GetProperty("recording_gathers").GetInt64().Should().Be(1, "the recordings stay on their rank and are gathered once, when read");
        summary.RootElement.GetProperty("exchange_overlapped").GetBoolean().Should().Be(overlap && lag >= 2, "overlapped when chosen and L ≥ 2");
        // mpirun's children inherit this process's environment: Meta sets mpi_yield_when_idle unless it is set here.
        var yield = summary.RootElement.GetProperty("mpi_yield_when_idle");
        string? given = Environment.GetEnvironmentVariable(Meta.Cli.Commands.MpiDefaults.YieldVariable);
        yield.GetProperty("set_by").GetString().Should().Be(string.IsNullOrEmpty(given) ? "meta" : "user");
        yield.GetProperty("value").GetString().Should().Be(string.IsNullOrEmpty(given) ? "1" : given);
        long overflows = summary.RootElement.GetProperty("exchange_overflows").GetInt64();
        if (firstSlot is not null) overflows.Should().BeGreaterThan(0, "a slot of one spike overflows whenever a rank fires two in an interval");
        else overflows.Should().Be(0, "64 spikes per rank and interval are more than this network fires");
        using var singleSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(one, "summary.json")));
        summary.RootElement.GetProperty("connections").GetInt64()
            .Should().Be(singleSummary.RootElement.GetProperty("connections").GetInt64(), "every rank holds its share, and the count is summed");
        Directory.GetFiles(many).Select(Path.GetFileName).Should().BeEquivalentTo(["all.npz", "probe.npz", "summary.json"], "only rank 0 writes");
    }

    /// <summary>
    /// Ranks given different exchange modes would run different collectives and hang: every rank refuses at load, naming
    /// the variable and each rank's choice (<c>mpirun</c>'s MPMD form gives the two ranks different environments).
    /// </summary>
    [MpiTheory]
    [InlineData("cpu")]
    public void Ranks_given_different_exchange_modes_refuse_to_run_naming_the_variable(string backend)
    {
        using var folder = new TempFolder();
        string network = folder.File("net.json", Network(1234, "0.2"));
        string plugins = Path.Combine(CliTestSupport.CliPluginsFolder, backend);
        string[] command = ["dotnet", CliAssembly, "run", network, "-b", backend, "--plugins", plugins, "-o", Path.Combine(folder.Path, "out"), "--no-plots", "-q"];
        var (exit, output) = MpiInstallation.Run(1,
            ["-x", $"{DistributedEngine.OverlapVariable}=0", .. command, ":", "-np", "1", "-x", $"{DistributedEngine.OverlapVariable}=1", .. command], TimeSpan.FromMinutes(3));
        exit.Should().NotBe(0, output);
        output.Should().Contain($"{DistributedEngine.OverlapVariable} differs between the ranks (rank 0: off, rank 1: on)");
    }

    /// <summary>
    /// <c>mpirun -np N meta run --gather false</c>: every rank writes its own cells' files and nothing is gathered; the rank
    /// files hold every cell once, and <c>meta join</c> makes exactly the single-process files from them.
    /// </summary>
    [MpiTheory]
    [InlineData("cpu", 2)]
    [InlineData("cpu", 3)]
    [InlineData("ilgpu", 2)]
    [InlineData("torch", 2)]
    public void Per_rank_files_join_into_the_single_process_files(string backend, int ranks)
    {
        using var folder = new TempFolder();
        string network = folder.File("net.json", Network(1234));
        string one = Path.Combine(folder.Path, "one"), many = Path.Combine(folder.Path, "many");
        string plugins = Path.Combine(CliTestSupport.CliPluginsFolder, backend);
        var (exit, _, err) = CliTestSupport.Run(new CliApp(), "run", network, "-b", backend, "--plugins", plugins, "-o", one, "--no-plots", "-q");
        exit.Should().Be(0, err);
        var (mpiExit, output) = MpiInstallation.Run(ranks,
            ["dotnet", CliAssembly, "run", network, "-b", backend, "--plugins", plugins, "-o", many, "--no-plots", "-q", "--gather", "false"], TimeSpan.FromMinutes(3));
        mpiExit.Should().Be(0, output);

        var rankFiles = Enumerable.Range(0, ranks).SelectMany(r => new[] { $"all.rank{r}.npz", $"probe.rank{r}.npz" }).ToArray();
        Directory.GetFiles(many).Select(Path.GetFileName).Should().BeEquivalentTo([.. rankFiles, "summary.json"], "every rank writes its own files");
        var cellsPerRank = Enumerable.Range(0, ranks).Select(r =>
            Entries(Path.Combine(many, $"all.rank{r}.npz"))["recorded_cells.npy"].Length).ToArray();
        cellsPerRank.Should().AllSatisfy(n => n.Should().BeLessThan(Entries(Path.Combine(one, "all.npz"))["recorded_cells.npy"].Length, "a rank file holds a share of the cells"));
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(many, "summary.json"))))
        using (var singleSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(one, "summary.json"))))
        {
            summary.RootElement.GetProperty("recording_gathers").GetInt64().Should().Be(0, "nothing is gathered");
            var spikes = summary.RootElement.GetProperty("populations").EnumerateArray().Select(p => p.GetProperty("spikes").ToString()).ToArray();
            spikes.Should().Equal(singleSummary.RootElement.GetProperty("populations").EnumerateArray().Select(p => p.GetProperty("spikes").ToString()),
                "rank 0 sums every rank's counts");
        }

        (exit, _, err) = CliTestSupport.Run(new CliApp(), "join", many);
        exit.Should().Be(0, err);
        Entries(Path.Combine(one, "all.npz"))["spike_times.npy"].Length.Should().BeGreaterThan(128 + 8 * 100, "the network must spike for the comparison to mean something");
        ShouldEqualFiles(one, many, ["all.npz", "probe.npz"], $"joined from {ranks} ranks' files");
    }

    /// <summary>Every array of each of <paramref name="files"/> in <paramref name="actual"/> has the bytes it has in <paramref name="expected"/>.</summary>
    internal static void ShouldEqualFiles(string expected, string actual, IEnumerable<string> files, string how)
    {
        foreach (var file in files)
        {
            var want = Entries(Path.Combine(expected, file));
            var got = Entries(Path.Combine(actual, file));
            got.Keys.Should().BeEquivalentTo(want.Keys, $"{file} {how}");
            foreach (var (name, bytes) in want) got[name].Should().Equal(bytes, $"{file}/{name} {how} must equal the single-process run");
        }
    }

    private static Dictionary<string, byte[]> Entries(string npz)
    {
        using var zip = ZipFile.OpenRead(npz);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        });
    }
}
