using Meta.Backends.Cpu;
using Meta.Cli.Commands;
using Meta.Cli.Networks;
using Meta.Distributed;
using Meta.Tests.Cli;
using Meta.Tests.Distributed;

namespace Meta.Tests.Examples;

/// <summary>
/// examples/potjans-diesmann: the Potjans &amp; Diesmann (2014) microcircuit files written by <c>microcircuit.py</c> parse,
/// hold the model's numbers, and the tiny one (N 1 %, K 10 %) gives the same spikes in one process, on 2 thread ranks and
/// on 2 MPI ranks. (The same file runs on every backend in <see cref="ExampleNetworksTests"/>.)
/// </summary>
public class MicrocircuitExampleTests
{
    private const string Tiny = "microcircuit-N0.01-K0.1.json";
    private static readonly string[] Layers = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"];
    private static readonly int[] FullSizes = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948];

    private static string File(string name) => CliTestSupport.Example(Path.Combine("potjans-diesmann", name));

    /// <summary>Spike times of every cell of the 8 layers, in order, after <paramref name="duration"/> ms.</summary>
    private static double[][] Spikes(ICommunicator? communicator, double duration)
    {
        using var built = NetworkBuilder.Build(NetworkParser.ParseFile(File(Tiny)), new CpuBackend(),
            new BuildOptions { Threads = 1, Communicator = communicator });
        built.Simulation.Run(duration);
        return Layers.SelectMany(l => built.Collections[l].GetData().Segments[^1].SpikeTrains.Select(t => t.Times.ToArray())).ToArray();
    }

    [Theory]
    [InlineData("microcircuit-N0.1-K0.1.json", 0.1, 0.1)]
    [InlineData(Tiny, 0.01, 0.1)]
    public void A_file_holds_the_model_sizes_and_synapse_numbers(string name, double nScaling, double kScaling)
    {
        var doc = NetworkParser.ParseFile(File(name));
        var sizes = Layers.Select(l => doc.Populations.Single(p => p.Label == l).Size).ToArray();
        sizes.Should().Equal(FullSizes.Select(n => (int)Math.Round(n * nScaling)));
        // K = log(1 - p) / log(1 - 1 / (N_pre N_post)) at full scale, times N_scaling K_scaling: L4E -> L2/3E, p = 0.0437.
        double prod = (double)FullSizes[0] * FullSizes[2];
        long expected = (long)Math.Round(Math.Log(1 - 0.0437) / Math.Log((prod - 1) / prod) * nScaling * kScaling);
        var json = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(File(name)));
        var l4e = json.RootElement.GetProperty("projections").EnumerateArray().Single(p => p.GetProperty("label").GetString() == "L4E_to_L23E");
        l4e.GetProperty("connector").GetProperty("n").GetInt64().Should().Be(expected);
        // L4E -> L2/3E is the doubled one: 2 x 87.81 pA / sqrt(K_scaling), in nA.
        l4e.GetProperty("synapse").GetProperty("weight").GetProperty("mu").GetDouble()
            .Should().BeApproximately(2 * 0.08781 / Math.Sqrt(kScaling), 2e-5);
        // The background: 8 Hz per external synapse, round(K_ext K_scaling) of them (L2/3E: K_ext 1600).
        double Parameter(string population, string name) => json.RootElement.GetProperty("populations").EnumerateArray()
            .Single(p => p.GetProperty("label").GetString() == population).GetProperty("parameters").GetProperty(name).GetDouble();
        Parameter("bg_L23E", "rate").Should().Be(8 * Math.Round(1600 * kScaling));
        // The DC that keeps the mean input when K is scaled (NEST's adjust_weights_and_input_to_synapse_scaling), in nA:
        // 21.48 pA for L2/3E at K_scaling 0.1, worked out by hand by the review from the model's rates and in-degrees.
        if (kScaling == 0.1)
            Parameter("L23E", "i_offset").Should().BeApproximately(0.0214835, 1e-6);
        // Inhibitory weights are negative and redrawn at or below 0 (NEST's redraw to (-inf, 0]).
        foreach (var projection in json.RootElement.GetProperty("projections").EnumerateArray()
                     .Where(p => p.GetProperty("label").GetString()!.Split("_to_")[0] is var source && Layers.Contains(source) && source.EndsWith('I')))
        {
            var weight = projection.GetProperty("synapse").GetProperty("weight");
            weight.GetProperty("mu").GetDouble().Should().BeNegative(projection.GetProperty("label").GetString());
            weight.GetProperty("high").GetDouble().Should().Be(0, projection.GetProperty("label").GetString());
        }
    }

    [Fact]
    public void The_tiny_microcircuit_spikes_alike_in_one_process_and_on_2_thread_ranks()
    {
        var single = Spikes(null, 100);
        single.Sum(t => t.Length).Should().BeGreaterThan(50, "the circuit must spike for the comparison to mean something");
        var results = new double[2][][];
        InProcessDistributionTests.OnEveryRank(2, c => results[c.Rank] = Spikes(c, 100));
        results[0].Should().HaveCount(single.Length);
        for (int i = 0; i < single.Length; i++) results[0][i].Should().Equal(single[i], $"cell {i}'s spikes");
    }

    [MpiTheory]
    [InlineData("cpu")]
    public void The_tiny_microcircuit_spikes_alike_in_one_process_and_on_2_MPI_ranks(string backend)
    {
        using var folder = new TempFolder();
        string one = Path.Combine(folder.Path, "one"), many = Path.Combine(folder.Path, "many");
        string plugins = Path.Combine(CliTestSupport.CliPluginsFolder, backend);
        var (exit, _, err) = CliTestSupport.Run(new CliApp(), "run", File(Tiny), "-b", backend, "--plugins", plugins, "-o", one,
            "--no-plots", "-q", "--duration", "100");
        exit.Should().Be(0, err);
        string cli = Path.Combine(CliTestSupport.RepoRoot, "Cli", "bin", CliTestSupport.Configuration, "net10.0", "Meta.Cli.dll");
        var (mpiExit, output) = MpiInstallation.Run(2,
            ["dotnet", cli, "run", File(Tiny), "-b", backend, "--plugins", plugins, "-o", many, "--no-plots", "-q", "--duration", "100"],
            TimeSpan.FromMinutes(3));
        mpiExit.Should().Be(0, output);
        DistributedRunTests.ShouldEqualFiles(one, many, Layers.Select(l => l + ".npz"), "on 2 MPI ranks");
    }
}
