using System.Globalization;
using System.Text;
using System.Text.Json;
using Meta.Cli.Networks;
using Meta.Cli.Output;
using Meta.Recording;

namespace Meta.Cli.Commands;

/// <summary>
/// Writes the results of a run: one <c>.npz</c> per recording label, plots, and <c>summary.json</c>; with
/// <see cref="RunOutcome.Gather"/> false, one <c>.npz</c> per recording label and rank instead (<see cref="RankFiles"/>), each
/// rank writing its own, and no plots.
/// </summary>
internal sealed class ResultWriter(string folder)
{
    private readonly List<string> _written = [];
    private readonly List<string> _warnings = [];

    /// <summary>What the plots had to report (e.g. NaN in a trace), one line each; filled by <see cref="WriteAll"/>.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Writes everything (rank 0's share of it with <see cref="RunOutcome.Gather"/> false); returns the paths written, in order.</summary>
    public IReadOnlyList<string> WriteAll(RunOutcome outcome, bool plots)
    {
        Directory.CreateDirectory(folder);
        plots &= outcome.Gather;
        var populationIndex = PopulationIndex(outcome);
        // The signals are read once: written to the .npz, then drawn from the same segment.
        var traces = new List<(RecordingTarget Target, Segment Segment)>();
        if (!outcome.Gather) WriteRankFiles(outcome);
        else
            foreach (var target in outcome.Network.Recordings)
                if (WriteNpz(target, populationIndex) is { } segment && plots) traces.Add((target, segment));
        var currents = outcome.Network.RecordedCurrentSources.Select(c => (Label: c.Label!, Signal: c.GetData().Segments[^1].Signal("i"))).ToList();
        foreach (var (label, signal) in currents) WriteCurrentNpz(label, signal);
        var plastic = LearnedWeights(outcome);
        foreach (var w in plastic) WriteWeightsNpz(w);
        if (plots)
        {
            var drawn = new RunPlots(folder, outcome);
            drawn.WriteAll(traces, currents, plastic);
            _written.AddRange(drawn.Written);
            _warnings.AddRange(drawn.Warnings);
        }
        WriteSummary(outcome, plastic);
        return _written;
    }

    /// <summary>
    /// Writes this rank's file of every recording (<see cref="RankFiles"/>: its own cells, read without gathering); returns
    /// the paths written. Every rank calls it; rank 0 through <see cref="WriteAll"/>.
    /// </summary>
    public IReadOnlyList<string> WriteRankFiles(RunOutcome outcome)
    {
        Directory.CreateDirectory(folder);
        var populationIndex = PopulationIndex(outcome);
        var sim = outcome.Simulation;
        foreach (var target in outcome.Network.Recordings)
        {
            string path = PathOf(RankFiles.FileName(target.Label, sim.Rank));
            RankFiles.Write(path, target, populationIndex, sim.Rank, sim.Ranks);
            _written.Add(path);
        }
        return _written;
    }

    private static Dictionary<string, int> PopulationIndex(RunOutcome outcome) =>
        outcome.Network.Populations.ToDictionary(p => p.Label, p => p.Index, StringComparer.Ordinal);

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
    /// (<see cref="Meta.Populations.CellCollection.GetSpikeEvents"/>), and the analog signals. Returns the segment the signals
    /// were read from (null when none is recorded), for the plots.
    /// </summary>
    private Segment? WriteNpz(RecordingTarget target, IReadOnlyDictionary<string, int> populationIndex)
    {
        Segment? segment = null;
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
                foreach (var (name, signal) in NamedSignals(segment = target.Cells.GetData(signals).Segments[^1]))
                {
                    npz.Add(name, signal.Data, signal.SampleCount, signal.ChannelCount);
                    npz.Add(name + "_times", signal.Times());
                    npz.Add(name + "_channels", signal.ChannelIndex);
                }
        }
        _written.Add(path);
        return segment;
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
            w.WriteBoolean("gather", outcome.Gather);
            if (outcome.Exchanges is { } exchanges) w.WriteNumber("exchanges", exchanges);
            if (outcome.ExchangeOverflows is { } overflows) w.WriteNumber("exchange_overflows", overflows);
            if (outcome.ExchangeOverlapped is { } overlapped) w.WriteBoolean("exchange_overlapped", overlapped);
            if (outcome.Gathers is { } gathers) w.WriteNumber("recording_gathers", gathers);
            if (outcome.MpiYieldWhenIdle is { } yield)
            {
                w.WriteStartObject("mpi_yield_when_idle");
                if (yield.Value is { } value) w.WriteString("value", value);
                else w.WriteNull("value");
                w.WriteString("set_by", yield.SetBy);
                w.WriteEndObject();
            }
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
                if (!outcome.Gather)
                {
                    // The per-rank parts that 'meta join' puts together into "file".
                    w.WriteStartArray("rank_files");
                    for (int rank = 0; rank < outcome.Ranks; rank++) w.WriteStringValue(RankFiles.FileName(r.Label, rank));
                    w.WriteEndArray();
                }
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
            if (!outcome.Gather)
                for (int rank = 1; rank < outcome.Ranks; rank++)
                    foreach (var r in outcome.Network.Recordings) w.WriteStringValue(RankFiles.FileName(r.Label, rank));
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
