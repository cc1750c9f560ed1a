using System.Globalization;
using System.Text;
using System.Text.Json;
using Meta.Cli.Output;
using Meta.Sweeps;

namespace Meta.Cli.Commands;

/// <summary>Writes a sweep's results: <c>sweep.csv</c> (a row per variant), <c>summary.json</c> and <c>variant-&lt;i&gt;.npz</c>.</summary>
internal sealed class SweepTable(SweepResult result, IReadOnlyList<string> measures)
{
    /// <summary>The measures a table can hold, in column order (<c>pyloric</c>: once per variant, not per population).</summary>
    public static readonly string[] MeasureNames = ["spikes", "rate", "burst-period", "spikes-per-burst", "activity", "pyloric"];

    /// <summary>The measures the command line asks for by default.</summary>
    public static readonly string[] DefaultMeasures = ["spikes", "rate", "burst-period", "spikes-per-burst", "activity"];

    private static readonly string[] PyloricColumns = ["pyloric.cycles", "pyloric.triphasic_cycles", "pyloric.pyloric_cycles", "pyloric.period_ms", "pyloric.triphasic"];

    /// <summary>The measures named on the command line (comma-separated or repeated); all when none.</summary>
    public static IReadOnlyList<string> ParseMeasures(IReadOnlyList<string> given)
    {
        var names = given.SelectMany(g => g.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        foreach (var n in names)
            if (!MeasureNames.Contains(n)) throw new CliException($"--measure: unknown measure '{n}' (measures: {string.Join(", ", MeasureNames)})");
        return names.Count == 0 ? DefaultMeasures : MeasureNames.Where(names.Contains).ToArray();
    }

    private static IEnumerable<string> ColumnsOf(string population, string measure) => measure switch
    {
        "rate" => [population + ".rate_hz"],
        "burst-period" => [population + ".burst_period_ms"],
        "spikes-per-burst" => [population + ".spikes_per_burst"],
        "activity" => [population + ".silent", population + ".tonic", population + ".bursting", population + ".irregular"],
        _ => [population + "." + measure],
    };

    private static IEnumerable<double> Values(PopulationMeasures p, string measure) => measure switch
    {
        "spikes" => [p.SpikeCount],
        "rate" => [p.MeanRate],
        "burst-period" => [p.BurstPeriod],
        "activity" => [p.Count(CellActivity.Silent), p.Count(CellActivity.Tonic), p.Count(CellActivity.Bursting), p.Count(CellActivity.Irregular)],
        _ => [p.SpikesPerBurst],
    };

    /// <summary>The targets that vary, in first-seen order.</summary>
    private string[] Targets => result.Variants.SelectMany(v => v.Parameters.Values.Keys).Distinct().ToArray();

    /// <summary>The table's columns.</summary>
    public IReadOnlyList<string> Columns =>
    [
        "variant", "seed", .. Targets, .. result.ThermaliseMs > 0 ? ["thermalised_from_cache"] : Array.Empty<string>(),
        .. result.Variants[0].Populations.SelectMany(p => measures.Where(m => m != "pyloric").SelectMany(m => ColumnsOf(p.Label, m))),
        .. measures.Contains("pyloric") ? PyloricColumns : Array.Empty<string>(),
    ];

    /// <summary>Writes every file into <paramref name="folder"/>; returns their paths.</summary>
    public IReadOnlyList<string> Write(string folder, string name, string networkFile, string backend, string version)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string> { WriteCsv(Path.Combine(folder, "sweep.csv")) };
        written.Add(WriteSummary(Path.Combine(folder, "summary.json"), name, networkFile, backend, version));
        foreach (var v in result.Variants.Where(v => v.Recording is not null)) written.Add(WriteRecording(folder, v));
        return written;
    }

    private string WriteCsv(string path)
    {
        var targets = Targets;
        var text = new StringBuilder().AppendJoin(',', Columns).Append('\n');
        foreach (var v in result.Variants)
        {
            var cells = new List<string> { v.Index.ToString(CultureInfo.InvariantCulture), v.Seed.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(targets.Select(t => v.Parameters.Values.TryGetValue(t, out double x) ? Num(x) : ""));
            if (result.ThermaliseMs > 0) cells.Add(v.ThermalisedFromCache ? "true" : "false");
            cells.AddRange(v.Populations.SelectMany(p => measures.Where(m => m != "pyloric").SelectMany(m => Values(p, m))).Select(Num));
            if (v.Pyloric is { } r)
                cells.AddRange([Num(r.Cycles), Num(r.TriphasicCycles), Num(r.PyloricCycles), Num(r.Period), r.IsTriphasic ? "true" : "false"]);
            text.AppendJoin(',', cells).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private string WriteSummary(string path, string name, string networkFile, string backend, string version)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("network_file", Path.GetFullPath(networkFile));
        w.WriteStartObject("backend");
        w.WriteString("name", backend);
        w.WriteString("version", version);
        w.WriteEndObject();
        w.WriteNumber("variants", result.Variants.Count);
        w.WriteBoolean("batched", result.Batched);
        w.WriteBoolean("measured_on_device", result.MeasuredOnDevice);
        if (result.BatchRefusal is { } why) w.WriteString("batch_refusal", why);
        w.WriteNumber("duration_ms", result.DurationMs);
        w.WriteNumber("thermalise_ms", result.ThermaliseMs);
        if (result.ThermaliseMs > 0) w.WriteNumber("cache_hits", result.CacheHits);
        w.WriteStartObject("timings_s");
        w.WriteNumber("build", result.ResolveSeconds);
        w.WriteNumber("thermalise", result.ThermaliseSeconds);
        w.WriteNumber("run", result.RunSeconds);
        w.WriteEndObject();
        w.WriteStartArray("columns");
        foreach (var c in Columns) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteString("table", "sweep.csv");
        w.WriteEndObject();
        return path;
    }

    private static string WriteRecording(string folder, VariantResult v)
    {
        string path = Path.Combine(folder, $"variant-{v.Index.ToString("D4", CultureInfo.InvariantCulture)}.npz");
        using var npz = new NpzWriter(path);
        foreach (var s in v.Recording!.Spikes)
        {
            var times = s.Times.SelectMany(t => t).ToArray();
            var cells = s.Times.SelectMany((t, k) => t.Select(_ => (double)s.Cells[k])).ToArray();
            npz.Add($"{s.Population}.spike_times", times, times.Length);
            npz.Add($"{s.Population}.spike_cells", cells, cells.Length);
        }
        foreach (var s in v.Recording.Signals)
        {
            npz.Add($"{s.Population}.{s.Variable}", s.Values, s.Times.Length, s.Cells.Length);
            npz.Add($"{s.Population}.{s.Variable}_times", s.Times, s.Times.Length);
        }
        return path;
    }

    private static string Num(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
