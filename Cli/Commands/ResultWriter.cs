using System.Globalization;
using System.Text;
using System.Text.Json;
using Meta.Cli.Networks;
using Meta.Cli.Output;
using Meta.Recording;

namespace Meta.Cli.Commands;

/// <summary>Writes the results of a run: one <c>.npz</c> per recording label, plots, and <c>summary.json</c>.</summary>
internal sealed class ResultWriter(string folder)
{
    private readonly List<string> _written = [];
    private readonly List<string> _warnings = [];

    /// <summary>What the plots had to report (e.g. NaN in a trace), one line each; filled by <see cref="WriteAll"/>.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Writes everything; returns the paths written, in order.</summary>
    public IReadOnlyList<string> WriteAll(RunOutcome outcome, bool plots)
    {
        Directory.CreateDirectory(folder);
        var populationIndex = outcome.Network.Populations.ToDictionary(p => p.Label, p => p.Index, StringComparer.Ordinal);
        foreach (var target in outcome.Network.Recordings) WriteNpz(target, populationIndex);
        var currents = outcome.Network.RecordedCurrentSources.Select(c => (Label: c.Label!, Signal: c.GetData().Segments[^1].Signal("i"))).ToList();
        foreach (var (label, signal) in currents) WriteCurrentNpz(label, signal);
        var plastic = LearnedWeights(outcome);
        foreach (var w in plastic) WriteWeightsNpz(w);
        if (plots)
        {
            var blocks = outcome.Network.Recordings
                .Select(t => (Target: t, Segment: t.Cells.GetData(t.Variables).Segments[^1]))
                .ToList();
            var drawn = new RunPlots(folder, outcome);
            drawn.WriteAll(blocks, currents, plastic);
            _written.AddRange(drawn.Written);
            _warnings.AddRange(drawn.Warnings);
        }
        WriteSummary(outcome, plastic);
        return _written;
    }

    /// <summary>The initial and learned weights of one projection with a plastic weight, in PyNN's list order.</summary>
    internal sealed record PlasticWeights(Meta.Projections.Projection Projection, int[] Pre, int[] Post, double[] Initial, double[] Final)
    {
        public string FileName => $"weights_{SafeName(Projection.Label)}.npz";
    }

    /// <summary>Every projection whose synapse type learns its weight, with its weights before and after the run.</summary>
    private static IReadOnlyList<PlasticWeights> LearnedWeights(RunOutcome outcome) =>
        outcome.Simulation.Projections.Where(p => p.Model?.PlasticWeight == true).Select(p =>
        {
            var order = Meta.Projections.SynapseValue.ListOrder(p.PreIndices, p.PostIndices);
            var final = p.Get("weight");
            return new PlasticWeights(p, order.Select(k => p.PreIndices[k]).ToArray(), order.Select(k => p.PostIndices[k]).ToArray(),
                order.Select(k => p.Weights[k]).ToArray(), order.Select(k => final[k]).ToArray());
        }).ToArray();

    /// <summary><c>weights_LABEL.npz</c>: <c>pre</c>, <c>post</c>, <c>weight_initial</c>, <c>weight_final</c> (PyNN's list order).</summary>
    private void WriteWeightsNpz(PlasticWeights w)
    {
        string path = PathOf(w.FileName);
        using (var npz = new NpzWriter(path))
        {
            npz.Add("pre", w.Pre);
            npz.Add("post", w.Post);
            npz.Add("weight_initial", w.Initial);
            npz.Add("weight_final", w.Final);
        }
        _written.Add(path);
    }

    /// <summary>A file name made of the label's letters, digits, '-', '_' and '.', other characters replaced by '_'.</summary>
    public static string SafeName(string label)
    {
        var sb = new StringBuilder(label.Length);
        foreach (char c in label) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        var s = sb.ToString().Trim('.');
        return s.Length == 0 ? "_" : s;
    }

    private string PathOf(string fileName) => Path.Combine(folder, fileName);

    /// <summary>
    /// <c>LABEL.npz</c>: the spikes as flat arrays in time order, read from the recording's columns without per-cell trains
    /// (<see cref="Meta.Populations.CellCollection.GetSpikeEvents"/>), and the analog signals.
    /// </summary>
    private void WriteNpz(RecordingTarget target, IReadOnlyDictionary<string, int> populationIndex)
    {
        string path = PathOf(SafeName(target.Label) + ".npz");
        using (var npz = new NpzWriter(path))
        {
            if (target.Variables.Contains("spikes"))
            {
                var events = target.Cells.GetSpikeEvents();
                npz.Add("spike_times", events.Times);
                npz.Add("spike_cells", events.Cells);
                npz.Add("recorded_cells", events.RecordedCells);
                if (events.Populations is { } populations)
                {
                    var index = events.PopulationLabels.Select(l => populationIndex[l]).ToArray();
                    for (int i = 0; i < populations.Length; i++) populations[i] = index[populations[i]];
                    npz.Add("spike_population", populations);
                    npz.Add("recorded_population", events.RecordedPopulations.Select(p => index[p]).ToArray());
                }
            }
            var signals = target.Variables.Where(v => v != "spikes").ToList();
            if (signals.Count > 0)
                foreach (var (name, signal) in NamedSignals(target.Cells.GetData(signals).Segments[^1]))
                {
                    npz.Add(name, signal.Data, signal.SampleCount, signal.ChannelCount);
                    npz.Add(name + "_times", signal.Times());
                    npz.Add(name + "_channels", signal.ChannelIndex);
                }
        }
        _written.Add(path);
    }

    /// <summary>A recorded current source: <c>i</c> (samples × 1, nA) and <c>i_times</c> (ms).</summary>
    private void WriteCurrentNpz(string label, AnalogSignal signal)
    {
        string path = PathOf(SafeName(label) + ".npz");
        using (var npz = new NpzWriter(path))
        {
            npz.Add("i", signal.Data, signal.SampleCount, signal.ChannelCount);
            npz.Add("i_times", signal.Times());
        }
        _written.Add(path);
    }

    /// <summary>The analog signals with their array names: the variable, or variable_population when a variable has several signals.</summary>
    internal static IEnumerable<(string Name, AnalogSignal Signal)> NamedSignals(Segment segment) =>
        segment.AnalogSignals.GroupBy(s => s.Name).SelectMany(g => g.Count() == 1
            ? g.Select(s => (g.Key, s))
            : g.Select(s => ($"{g.Key}_{SafeName(s.SourcePopulation)}", s)));

    private void WriteSummary(RunOutcome outcome, IReadOnlyList<PlasticWeights> plastic)
    {
        string path = PathOf("summary.json");
        var sim = outcome.Simulation;
        using (var stream = File.Create(path))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", outcome.Name);
            if (outcome.Network.Document.Description is { } description) w.WriteString("description", description);
            w.WriteString("network_file", Path.GetFullPath(outcome.NetworkFile));
            w.WriteStartObject("backend");
            w.WriteString("name", outcome.BackendName);
            w.WriteString("version", outcome.BackendVersion);
            w.WriteEndObject();
            w.WriteNumber("dt_ms", sim.Timestep);
            w.WriteNumber("duration_ms", outcome.DurationMs);
            w.WriteBoolean("completed", outcome.Interruption is null);
            if (outcome.Interruption is { } why)
            {
                w.WriteNumber("requested_duration_ms", outcome.RequestedDurationMs);
                w.WriteString("interrupted", why);
            }
            w.WriteNumber("seed", sim.Options.Seed);
            w.WriteNumber("cells", outcome.Network.Populations.Sum(p => (long)p.Size));
            w.WriteNumber("connections", outcome.Network.ConnectionCount);
            w.WriteNumber("ranks", outcome.Ranks);
            if (outcome.Exchanges is { } exchanges) w.WriteNumber("exchanges", exchanges);
            if (outcome.ExchangeOverflows is { } overflows) w.WriteNumber("exchange_overflows", overflows);
            if (outcome.Gathers is { } gathers) w.WriteNumber("recording_gathers", gathers);
            w.WriteStartObject("timings_s");
            w.WriteNumber("build", Round(outcome.Timings.Build));
            w.WriteNumber("load", Round(outcome.Timings.Load));
            w.WriteNumber("simulate", Round(outcome.Timings.Simulate));
            w.WriteNumber("total", Round(outcome.Timings.Total));
            if (outcome.ExchangeSeconds is { } exchange) w.WriteNumber("exchange", Round(exchange));
            if (outcome.RankEngineSeconds is { } engine) w.WriteNumber("rank_engine", Round(engine));
            if (outcome.RankEngineCpuSeconds is { } engineCpu) w.WriteNumber("rank_engine_cpu", Round(engineCpu));
            if (outcome.RankRecordSeconds is { } record) w.WriteNumber("rank_record", Round(record));
            if (outcome.GatherSeconds is { } gather) w.WriteNumber("gather", Round(gather));
            w.WriteEndObject();
            w.WriteStartArray("populations");
            foreach (var p in outcome.Populations)
            {
                w.WriteStartObject();
                w.WriteString("label", p.Population.Label);
                w.WriteString("cell_type", p.Population.CellType.Name);
                w.WriteNumber("size", p.Population.Size);
                w.WriteNumber("recorded_cells", p.RecordedCells);
                if (p.RecordsSpikes)
                {
                    w.WriteNumber("spikes", p.Spikes);
                    w.WriteNumber("mean_rate_hz", p.MeanRateHz);
                }
                else
                {
                    w.WriteNull("spikes");
                    w.WriteNull("mean_rate_hz");
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("projections");
            foreach (var prj in sim.Projections)
            {
                w.WriteStartObject();
                w.WriteString("label", prj.Label);
                w.WriteString("connector", prj.Connector.ToString());
                w.WriteString("receptor_type", prj.ReceptorType);
                w.WriteString("synapse_type", prj.Synapse.Name);
                w.WriteNumber("connections", prj.TotalSize);
                if (plastic.FirstOrDefault(x => x.Projection == prj) is { } learned)
                {
                    w.WriteString("weights_file", learned.FileName);
                    w.WriteNumber("mean_weight_initial", learned.Initial.DefaultIfEmpty().Average());
                    w.WriteNumber("mean_weight_final", learned.Final.DefaultIfEmpty().Average());
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("recordings");
            foreach (var r in outcome.Network.Recordings)
            {
                w.WriteStartObject();
                w.WriteString("label", r.Label);
                w.WriteString("file", SafeName(r.Label) + ".npz");
                w.WriteNumber("cells", r.Cells.Size);
                w.WriteStartArray("variables");
                foreach (var v in r.Variables) w.WriteStringValue(v);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("recorded_currents");
            foreach (var c in outcome.Network.RecordedCurrentSources)
            {
                w.WriteStartObject();
                w.WriteString("label", c.Label);
                w.WriteString("type", c.Kind);
                w.WriteString("file", SafeName(c.Label!) + ".npz");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("files");
            foreach (var f in _written) w.WriteStringValue(Path.GetFileName(f));
            w.WriteStringValue("summary.json");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        _written.Add(path);
    }

    private static double Round(double seconds) => Math.Round(seconds, 4);

    /// <summary>A time in seconds for messages.</summary>
    public static string Seconds(double s) => s.ToString(s < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " s";
}
