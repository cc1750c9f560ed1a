using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Meta.Backends;
using Meta.Conformance.References;
using Meta.Plugins;

/// <summary>
/// Runs the single-cell reference scenarios (files in the layout of shared/reference, one per scenario) on a Meta
/// backend at several time steps and writes each run's spikes and v (sampled every <c>max(dt, --sample)</c> ms) as
/// one JSON file per scenario and step: <c>OUT/dtX/SCENARIO.meta-BACKEND.json</c>, in the same layout, so that
/// benchmarks/accuracy/accuracy.py can compare Meta, NEURON and Brian2 against the converged solution.
/// Options: <c>--refs DIR</c> (the scenario files, *.neuron.json), <c>--dts 0.1,0.01,...</c>, <c>--out DIR</c>,
/// <c>--sample 0.01</c>, <c>--backend</c>, <c>--precision</c>, <c>--filter TEXT</c>, <c>--spike-precision on_grid|off_grid</c> (an
/// off_grid run is written as <c>SCENARIO.meta-BACKEND-off_grid.json</c>).
/// </summary>
internal static class AccuracyBenchmark
{
    public static int Run(IReadOnlyDictionary<string, string> options)
    {
        string refs = options["refs"], outDir = options["out"], filter = options["filter"];
        if (!Directory.Exists(refs)) { Console.Error.WriteLine($"--refs: no directory '{refs}'"); return 2; }
        var dts = options["dts"].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        double sample = double.Parse(options["sample"], CultureInfo.InvariantCulture);
        var precision = options["precision"] == "float32" ? Precision.Float32 : Precision.Float64;
        var spikePrecision = Meta.Network.SpikePrecisionNames.Parse(options["spike-precision"]);
        string suffix = spikePrecision == Meta.Network.SpikePrecision.OnGrid ? "" : "-" + Meta.Network.SpikePrecisionNames.Name(spikePrecision);
        using var plugins = PluginHost.Load();
        var backend = plugins.Get(options["backend"]);
        var files = Directory.GetFiles(refs, "*.neuron.json").Where(f => Path.GetFileName(f).Contains(filter, StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length == 0) { Console.Error.WriteLine($"no *.neuron.json scenario files in '{refs}' matching '{filter}'"); return 2; }
        foreach (var file in files)
        {
            var scenario = ReferenceTrace.Load(file);
            foreach (double dt in dts)
            {
                var clock = Stopwatch.StartNew();
                var segment = ReferenceScenario.Run(backend, scenario, dt, precision, spikePrecision);
                // Keep every k-th sample so that fine runs are stored on the grid of `sample` ms.
                int every = Math.Max(1, (int)Math.Round(sample / dt));
                var result = new Dictionary<string, object>
                {
                    ["simulator"] = $"meta-{backend.Descriptor.Name}{suffix}", ["scenario"] = scenario.Scenario, ["cell_type"] = scenario.CellType,
                    ["dt"] = dt, ["sample_dt"] = every * dt, ["t_stop"] = scenario.TStop, ["precision"] = precision.ToString(),
                    ["spikes"] = segment.SpikeTrains[0].Times,
                };
                foreach (var signal in segment.AnalogSignals)
                    result[signal.Name] = signal.Column(0).Where((_, i) => i % every == 0).ToArray();
                string dir = Path.Combine(outDir, "dt" + dt.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, $"{scenario.Scenario}.meta-{backend.Descriptor.Name}{suffix}.json"), JsonSerializer.Serialize(result));
                Console.WriteLine(FormattableString.Invariant(
                    $"{scenario.Scenario} dt={dt} spikes={segment.SpikeTrains[0].Times.Length} {clock.Elapsed.TotalSeconds:F1}s"));
            }
        }
        return 0;
    }
}
