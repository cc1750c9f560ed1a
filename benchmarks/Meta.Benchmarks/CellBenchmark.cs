using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Meta;
using Meta.CurrentSources;
using Meta.Plugins;

/// <summary>
/// The update cost of one cell type: N unconnected cells under a DC current (so they fire), spikes recorded, for
/// tstop ms; reports the simulation time per cell and step.
/// </summary>
internal static class CellBenchmark
{
    public static int Run(IReadOnlyDictionary<string, string> options)
    {
        string backendName = options["backend"], cell = options["cell"];
        int n = int.Parse(options["n"], CultureInfo.InvariantCulture);
        double tstop = double.Parse(options["tstop"], CultureInfo.InvariantCulture);
        int repeat = int.Parse(options["repeat"], CultureInfo.InvariantCulture);
        int threads = int.Parse(options["threads"], CultureInfo.InvariantCulture);
        double amplitude = double.Parse(options["amplitude"], CultureInfo.InvariantCulture);
        var precision = options["precision"] == "float32" ? Meta.Backends.Precision.Float32 : Meta.Backends.Precision.Float64;
        using var plugins = PluginHost.Load();
        var backend = plugins.Get(backendName);
        var times = new List<double>();
        for (int r = 0; r < repeat; r++)
        {
            using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, Seed = 1, Threads = threads, Precision = precision });
            var cells = sim.CreatePopulation(n, new CellType(cell), "cells");
            cells.Inject(new DCSource { Amplitude = amplitude, Start = 10 });
            cells.Record("spikes");
            sim.Load();
            var clock = Stopwatch.StartNew();
            sim.Run(tstop);
            double seconds = clock.Elapsed.TotalSeconds;
            times.Add(seconds);
            double rate = cells.GetData().Segments[0].SpikeTrains.Average(t => t.Times.Length) * 1000 / tstop;
            long cellSteps = (long)n * (long)Math.Round(tstop / 0.1);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                peer = $"meta-{backendName}", bench = "cell", cell, n, tstop_ms = tstop, repetition = r + 1, precision = precision.ToString(),
                rate_hz = Math.Round(rate, 3), sim_s = Math.Round(seconds, 4), ns_per_cell_step = Math.Round(seconds * 1e9 / cellSteps, 3),
            }));
        }
        var later = times.Count > 1 ? times.Skip(1).Order().ToList() : times;
        double median = later[later.Count / 2];
        Console.WriteLine(FormattableString.Invariant(
            $"summary: {backendName} {cell} n={n}: simulation median {median:0.000} s, {median * 1e9 / (n * Math.Round(tstop / 0.1)):0.00} ns per cell-step"));
        return 0;
    }
}
