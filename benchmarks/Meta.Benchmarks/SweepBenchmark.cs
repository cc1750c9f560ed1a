using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Meta;
using Meta.Models.Library;
using Meta.Plugins;
using Meta.Sweeps;

/// <summary>
/// A sweep of N single-cell Prinz (2004) variants (docs/sweeps.md): the 16 model neurons of the database, each conductance
/// scaled by a variant-specific factor near 1, run for tstop ms at dt ms as one batch, or one by one (--mode). Reports
/// the sweep's phases (load: the backend's compilation, sim: the rest of the run), cell-steps per second of sim and the
/// process's peak working set. --measures host records every spike and measures on the host instead of on the backend.
/// </summary>
internal static class SweepBenchmark
{
    public static int Run(IReadOnlyDictionary<string, string> options)
    {
        string backendName = options["backend"], mode = options["mode"];
        int n = int.Parse(options["n"], CultureInfo.InvariantCulture);
        double tstop = double.Parse(options["tstop"], CultureInfo.InvariantCulture);
        double dt = double.Parse(options["dt"], CultureInfo.InvariantCulture);
        int threads = int.Parse(options["threads"], CultureInfo.InvariantCulture);
        var precision = options["precision"] == "float32" ? Meta.Backends.Precision.Float32 : Meta.Backends.Precision.Float64;
        using var plugins = PluginHost.Load();
        var backend = plugins.Get(backendName);
        var types = Prinz2004.NeuronTypes.Keys.ToArray();
        var sets = Enumerable.Range(0, n).Select(k =>
        {
            double scale = 1 + 0.2 * (k / types.Length) / Math.Max(1, n / types.Length);
            return new ParameterSet(Prinz2004.Parameters(types[k % types.Length]).ToDictionary(kv => "cell." + kv.Key, kv => kv.Value * scale));
        }).ToArray();
        var sweep = new Sweep(backend, sim => sim.CreatePopulation(1, new CellType(Prinz2004.Name), "cell"),
            new SimulationOptions { Timestep = dt, Seed = 1, Threads = threads, Precision = precision });
        var clock = Stopwatch.StartNew();
        var result = sweep.Run(sets, tstop, new SweepOptions { OneByOne = mode == "one-by-one", MeasuresOnDevice = options["measures"] != "host" });
        double total = clock.Elapsed.TotalSeconds;
        long cellSteps = n * (long)Math.Round(tstop / dt);
        var spikes = result.Variants.Select(v => v["cell"].SpikeCount).ToArray();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "sweep-prinz2004", backend = backendName, precision = precision.ToString(), mode, batched = result.Batched, n, tstop_ms = tstop, dt_ms = dt,
            resolve_s = Math.Round(result.ResolveSeconds, 3), load_s = Math.Round(result.LoadSeconds, 3), sim_s = Math.Round(result.RunSeconds - result.LoadSeconds, 3), total_s = Math.Round(total, 3),
            cell_steps_per_s = Math.Round(cellSteps / (result.RunSeconds - result.LoadSeconds)), silent = spikes.Count(s => s == 0), mean_rate_hz = Math.Round(result.Variants.Average(v => v["cell"].MeanRate), 3),
            bursting = result.Variants.Count(v => !double.IsNaN(v["cell"].BurstPeriod)),
            classes = Enum.GetValues<CellActivity>().ToDictionary(a => a.ToString().ToLowerInvariant(), a => result.Variants.Count(v => v["cell"].Activity[0] == a)),
            measured_on_device = result.MeasuredOnDevice,
            peak_mb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0),
        }));
        return 0;
    }
}
