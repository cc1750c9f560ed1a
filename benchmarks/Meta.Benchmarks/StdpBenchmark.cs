using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Meta;
using Meta.Examples;
using Meta.Plugins;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

/// <summary>
/// Plastic-synapse benchmarks, the same networks as benchmarks/peers/stdp_brian2.py:
/// <list type="bullet">
/// <item><c>--bench stdp</c>: Song, Miller &amp; Abbott (2000) as in Brian2's STDP example: N Poisson inputs at 15 Hz onto one
/// integrate-and-fire cell through additive STDP (examples/song-abbott-stdp.json).</item>
/// <item><c>--bench coba-stdp</c>: the Vogels–Abbott COBA network of N cells with additive STDP on every E→E synapse.</item>
/// </list>
/// Prints one JSON line per repetition: build, load and simulation seconds, output rate, mean learned weight and the
/// managed heap the backend's load added per synapse (all projections; the resolved network's copies included).
/// </summary>
internal static class StdpBenchmark
{
    public static int Run(IReadOnlyDictionary<string, string> options)
    {
        string backendName = options["backend"];
        bool recurrent = options["bench"].Equals("coba-stdp", StringComparison.OrdinalIgnoreCase);
        int n = int.Parse(options["n"], CultureInfo.InvariantCulture);
        double tstop = double.Parse(options["tstop"], CultureInfo.InvariantCulture);
        int repeat = int.Parse(options["repeat"], CultureInfo.InvariantCulture);
        int threads = int.Parse(options["threads"], CultureInfo.InvariantCulture);
        var precision = options["precision"] == "float32" ? Meta.Backends.Precision.Float32 : Meta.Backends.Precision.Float64;
        using var plugins = PluginHost.Load();
        var backend = plugins.Get(backendName);
        var sims = new List<double>();
        for (int r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            using var sim = new Simulation(backend, (recurrent ? VogelsAbbott.Options(threads) : new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, Seed = 2000, Threads = threads })
                with { Precision = precision });
            var (plastic, output) = recurrent ? Recurrent(sim, n) : SongAbbott(sim, n);
            output.Record("spikes");
            double build = clock.Elapsed.TotalSeconds;
            long before = GC.GetTotalMemory(forceFullCollection: true);
            sim.Load();
            long loaded = GC.GetTotalMemory(forceFullCollection: true) - before;
            double load = sim.LoadSeconds;
            clock.Restart();
            sim.Run(tstop);
            double simulate = clock.Elapsed.TotalSeconds;
            sims.Add(simulate);
            double rate = output.GetData().Segments[0].SpikeTrains.Sum(t => t.Times.Length) / (double)output.Size / (tstop / 1000);
            var weights = plastic.Get("weight");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                peer = $"meta-{backendName}", precision = precision.ToString(), bench = recurrent ? "coba-stdp" : "stdp", n, tstop_ms = tstop, repetition = r + 1,
                rate_hz = Math.Round(rate, 3), mean_weight = weights.Average(), plastic_synapses = plastic.Size,
                synapses = sim.Projections.Sum(p => p.Size), load_heap_bytes_per_synapse = Math.Round(loaded / (double)sim.Projections.Sum(p => p.Size), 1),
                build_s = Math.Round(build, 4), load_s = Math.Round(load, 4), sim_s = Math.Round(simulate, 4),
            }));
        }
        var sorted = sims.Order().ToArray();
        Console.WriteLine(FormattableString.Invariant($"summary: {backendName} {options["bench"]} n={n}: simulation min {sorted[0]:0.000} s, median {sorted[sorted.Length / 2]:0.000} s"));
        return 0;
    }

    /// <summary>Song, Miller &amp; Abbott (2000) with Brian2's example's parameters (g in units of g_leak = 0.1 µS).</summary>
    private static (Projection Plastic, Meta.Populations.Population Output) SongAbbott(Simulation sim, int n)
    {
        const double gLeak = 0.1, gMax = 0.01 * gLeak;
        var inputs = sim.CreatePopulation(n, new CellType("SpikeSourcePoisson").With("rate", 15.0), "inputs");
        var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp").With("cm", 1.0).With("tau_m", 10.0).With("v_rest", -74.0)
            .With("v_thresh", -54.0).With("v_reset", -60.0).With("tau_refrac", 0.0).With("e_rev_E", 0.0).With("tau_syn_E", 5.0), "neuron");
        cell.Initialize("v", -74.0);
        var plastic = new Projection(inputs, cell, new AllToAllConnector(),
            new STDPMechanism(new SpikePairRule(20, 20, 0.01, 0.0105), new AdditiveWeightDependence(0, gMax),
                new RandomDistribution("uniform", 0.0, gMax), 0.1), "excitatory");
        return (plastic, cell);
    }

    /// <summary>The COBA network of <paramref name="n"/> cells with additive STDP on E→E (w_max twice the static weight).</summary>
    private static (Projection Plastic, Meta.Populations.Population Output) Recurrent(Simulation sim, int n)
    {
        var net = VogelsAbbott.Build(sim, coba: true, n, plasticExcitatory: new STDPMechanism(new SpikePairRule(20, 20, 0.01, 0.0105),
            new AdditiveWeightDependence(0, 0.008), 0.004, 0.2));
        return (sim.Projections.Single(p => p.Label == "exc→exc"), net.Exc);
    }
}
