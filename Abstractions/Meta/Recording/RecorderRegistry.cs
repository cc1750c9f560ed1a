using Meta.Backends.Programs;
using Meta.Backends;
using Meta.Network;
using Meta.Populations;

namespace Meta.Recording;

/// <summary>
/// What is recorded, and the data recorded so far, for one simulation. Data are kept per population and
/// segment; backends deliver them in blocks after each run.
/// </summary>
public sealed class RecorderRegistry
{
    private readonly Simulation _simulation;
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<Population, List<SegmentData>> _data = [];
    // PyNN's state.running: true once a run has happened since the last reset. While false, the current (empty)
    // segment opened by the reset is not part of the data.
    private bool _running;

    internal RecorderRegistry(Simulation simulation) => _simulation = simulation;

    internal bool Changed { get; set; }

    /// <summary>
    /// In a distributed run whose recordings are read per rank (PyNN's <c>gather=False</c>), whether this rank owns a cell
    /// (population, index): the data then hold the owned cells only, and every read returns only them; null when the data
    /// hold every recorded cell (one process, or gathered to rank 0).
    /// </summary>
    internal Func<Population, int, bool>? Owned { get; set; }

    /// <summary>Whether <paramref name="entry"/> records <paramref name="cell"/> and the data hold it (<see cref="Owned"/>).</summary>
    private bool Holds(Entry entry, int cell) => entry.Cells.Contains(cell) && (Owned is null || Owned(entry.Population, cell));

    private sealed class Entry(Population population, string variable, int intervalSteps)
    {
        public Population Population { get; } = population;
        public string Variable { get; } = variable;
        public SortedSet<int> Cells { get; } = [];
        public int IntervalSteps { get; set; } = intervalSteps;
    }

    private sealed class SegmentData(double tStart)
    {
        public double TStart { get; set; } = tStart;
        /// <summary>The time the last run that recorded into this segment ended.</summary>
        public double TStop { get; set; } = tStart;
        /// <summary>Whether a run has recorded into this segment since it was opened (or cleared).</summary>
        public bool Ran { get; set; }
        /// <summary>The population's recorded spikes, one flat column (<see cref="SpikeColumn"/>).</summary>
        public SpikeColumn Spikes { get; } = new();
        public Dictionary<string, AnalogBuffer> Analog { get; } = [];
    }

    private sealed class AnalogBuffer(int[] cells, int intervalSteps, long firstStep)
    {
        public int[] Cells { get; } = cells;
        public int IntervalSteps { get; } = intervalSteps;
        public long FirstStep { get; set; } = firstStep;
        /// <summary>The samples, row-major, in the blocks they arrived in (each copied once, at its size).</summary>
        public List<double[]> Blocks { get; } = [];
        public int Count { get; set; }

        /// <summary>Copies the values of <paramref name="columns"/> (positions in <see cref="Cells"/>) of every row into <paramref name="data"/>, row-major.</summary>
        public void ReadColumns(int[] columns, double[] data)
        {
            int width = Cells.Length, row = 0;
            foreach (var values in Blocks)
            {
                if (width == 0 || values.Length % width != 0)
                    throw new InvalidOperationException(
                        $"The recorded cells of a signal changed in the middle of a segment ({values.Length} values in a block of {width} columns); call Reset() before changing them.");
                int rows = Math.Min(values.Length / width, Count - row);
                for (int r = 0; r < rows; r++, row++)
                    for (int c = 0; c < columns.Length; c++)
                        data[(row * columns.Length) + c] = values[(r * width) + columns[c]];
            }
        }
    }

    internal void Add(Population population, string variable, int[] indices, double? samplingInterval)
    {
        var model = population.CellType.Model;
        if (!model.Recordables.Contains(variable))
            throw new RecordingException(variable, model.Name, model.Recordables);
        double dt = _simulation.Timestep;
        int interval = 1;
        if (samplingInterval is { } si && variable != "spikes")
        {
            double ratio = si / dt;
            interval = (int)Math.Round(ratio);
            if (interval < 1 || Math.Abs(ratio - interval) > 1e-9 * Math.Max(1, ratio))
                throw new InvalidParameterValueException($"sampling_interval {si} ms must be a positive multiple of the timestep {dt} ms.");
        }
        var entry = _entries.FirstOrDefault(e => e.Population == population && e.Variable == variable);
        if (entry is null)
        {
            entry = new Entry(population, variable, interval);
            _entries.Add(entry);
        }
        else if (entry.IntervalSteps != interval && samplingInterval is not null && entry.Cells.Count > 0)
            throw new InvalidParameterValueException("All neurons in a population must be recorded with the same sampling interval.");
        else if (samplingInterval is not null) entry.IntervalSteps = interval;
        var current = Current(population);
        if (variable != "spikes" && current.Analog.TryGetValue(variable, out var buffer) && buffer.Count > 0
            && indices.Any(i => !entry.Cells.Contains(i)))
            throw new InvalidOperationException(
                $"Cannot add cells to the recording of '{variable}' in '{population.Label}' in the middle of a segment; call Reset() first.");
        foreach (var i in indices) entry.Cells.Add(i);
        Changed = true;
    }

    internal void Remove(Population population, int[] indices)
    {
        foreach (var e in _entries.Where(e => e.Population == population))
            foreach (var i in indices) e.Cells.Remove(i);
        Changed = true;
    }

    internal IReadOnlyList<RecorderSpec> Specs() =>
        _entries.Select((e, i) => new RecorderSpec
        {
            Index = i,
            Population = e.Population.Index,
            Variable = e.Variable,
            Cells = e.Cells.ToArray(),
            IntervalSteps = e.IntervalSteps,
        }).ToArray();

    /// <summary>
    /// The analog samples the current recording settings will collect over the next <paramref name="durationMs"/> ms, and
    /// their size as doubles (8 bytes each: in memory while the simulation holds them, and again in .npz files). Spike
    /// trains are not counted: their size depends on the rates.
    /// </summary>
    public RecordingEstimate Estimate(double durationMs)
    {
        double dt = _simulation.Timestep;
        long first = (long)Math.Round(_simulation.Time / dt), last = first + (long)Math.Round(durationMs / dt);
        var parts = _entries.Where(e => e.Variable != "spikes" && e.Cells.Count > 0)
            .Select(e =>
            {
                var spec = new RecorderSpec { Index = 0, Population = e.Population.Index, Variable = e.Variable, Cells = [], IntervalSteps = e.IntervalSteps };
                double samples = (double)spec.SampleCount(first == 0 ? 0 : first + 1, last) * e.Cells.Count;
                return new RecordingEstimate.Part(e.Population.Label, e.Variable, e.Cells.Count, samples);
            }).ToArray();
        return new RecordingEstimate(parts);
    }

    private SegmentData Current(Population population)
    {
        if (!_data.TryGetValue(population, out var segments))
            _data[population] = segments = [new SegmentData(0)];
        return segments[^1];
    }

    /// <summary>
    /// Whether a sample of recorder <paramref name="recorder"/> (its <see cref="RecorderSpec.Index"/>) has diverged, by the
    /// same test as <see cref="FirstDivergedSample"/>: for a distributed run, whose ranks scan their own samples.
    /// </summary>
    internal Func<double, bool> DivergedSampleTest(int recorder)
    {
        var entry = _entries[recorder];
        string? unit = entry.Population.CellType.Model.FindState(entry.Variable)?.Unit;
        return v => Diagnostics.DivergenceCheck.IsDiverged(entry.Variable, unit, v);
    }

    /// <summary>
    /// The earliest sample of <paramref name="result"/> that has diverged (<see cref="Diagnostics.DivergenceCheck.IsDiverged"/>):
    /// its population, cell, variable, step and value; null when all are sound.
    /// </summary>
    internal (Population Population, int Cell, string Variable, long Step, double Value)? FirstDivergedSample(RunResult result)
    {
        (Population, int, string, long, double)? first = null;
        foreach (var block in result.Samples)
        {
            var entry = _entries[block.Recorder];
            string? unit = entry.Population.CellType.Model.FindState(entry.Variable)?.Unit;
            var cells = entry.Cells.ToArray();
            if (cells.Length == 0) continue;
            for (int row = 0; row < block.Count; row++)
            {
                long step = block.FirstStep + ((long)row * entry.IntervalSteps);
                if (first is { } f && f.Item4 <= step) break;
                for (int c = 0; c < cells.Length; c++)
                {
                    double v = block.Values[(row * cells.Length) + c];
                    if (!Diagnostics.DivergenceCheck.IsDiverged(entry.Variable, unit, v)) continue;
                    first = (entry.Population, cells[c], entry.Variable, step, v);
                    break;
                }
                if (first is { } found && found.Item4 == step) break;
            }
        }
        return first;
    }

    internal void Append(RunResult result)
    {
        double dt = _simulation.Timestep;
        foreach (var block in result.Spikes)
        {
            var entry = _entries[block.Recorder];
            Current(entry.Population).Spikes.Append(block, dt);
        }
        foreach (var block in result.Samples)
        {
            var entry = _entries[block.Recorder];
            var seg = Current(entry.Population);
            if (!seg.Analog.TryGetValue(entry.Variable, out var buffer) || buffer.Count == 0)
                seg.Analog[entry.Variable] = buffer = new AnalogBuffer(entry.Cells.Where(c => Holds(entry, c)).ToArray(), entry.IntervalSteps, block.FirstStep);
            buffer.Blocks.Add((double[])block.Values.Clone());
            buffer.Count += block.Count;
        }
        foreach (var entry in _entries)
        {
            var seg = Current(entry.Population);
            seg.Ran = true;
            seg.TStop = result.EndStep * dt;
        }
        _running = true;
    }

    /// <summary>
    /// Closes the current segment at a reset and opens a new one. A segment no run has recorded into since it was opened
    /// or cleared (a second reset in a row, or a reset after <c>GetData(clear: true)</c>) is not kept, as in PyNN.
    /// </summary>
    internal void NewSegment()
    {
        foreach (var segments in _data.Values)
        {
            if (segments[^1].Ran) segments.Add(new SegmentData(0));
            else segments[^1] = new SegmentData(0);
        }
        _running = false;
    }

    /// <summary>
    /// The segments of a population that are part of its data: after a reset, until the next run, the new empty segment is
    /// left out (PyNN returns only the stored segments then); at least one segment is always returned.
    /// </summary>
    private List<SegmentData> VisibleSegments(Population population)
    {
        if (!_data.TryGetValue(population, out var segments)) return [new SegmentData(0)];
        return !_running && segments.Count > 1 && !segments[^1].Ran ? segments.GetRange(0, segments.Count - 1) : segments;
    }

    internal void Clear(Population population)
    {
        Current(population);
        var segments = _data[population];
        segments.Clear();
        segments.Add(new SegmentData(_simulation.Time));
    }

    internal Block GetData(CellCollection cells, ISet<string>? variables)
    {
        double dt = _simulation.Timestep;
        var visible = cells.Parts.Select(p => p.Population).Distinct().ToDictionary(p => p, VisibleSegments);
        int segmentCount = visible.Values.Max(s => s.Count);
        var segments = new List<Segment>();
        for (int s = 0; s < segmentCount; s++)
        {
            bool last = s == segmentCount - 1;
            var trains = new List<SpikeTrain>();
            var signals = new List<AnalogSignal>();
            foreach (var part in cells.Parts)
            {
                var pop = part.Population;
                var segs = visible[pop];
                var seg = s < segs.Count ? segs[s] : new SegmentData(0);
                double tStop = last && _running ? _simulation.Time : seg.TStop;
                var spikeEntry = _entries.FirstOrDefault(e => e.Population == pop && e.Variable == "spikes");
                if (spikeEntry is not null && (variables is null || variables.Contains("spikes")))
                {
                    var recorded = part.Indices.Where(i => Holds(spikeEntry, i)).ToArray();
                    var times = seg.Spikes.TrainsOf(recorded, pop.Size);
                    for (int j = 0; j < recorded.Length; j++)
                        trains.Add(new SpikeTrain(times[j], seg.TStart, tStop, pop.Label, recorded[j]));
                }
                foreach (var (name, buffer) in seg.Analog)
                {
                    if (variables is not null && !variables.Contains(name)) continue;
                    var columns = part.Indices.Select(i => Array.BinarySearch(buffer.Cells, i)).Where(c => c >= 0).ToArray();
                    if (columns.Length == 0) continue;
                    var data = new double[buffer.Count * columns.Length];
                    buffer.ReadColumns(columns, data);
                    signals.Add(new AnalogSignal
                    {
                        Name = name,
                        Units = pop.CellType.Model.UnitOf(name),
                        SamplingPeriod = buffer.IntervalSteps * dt,
                        TStart = buffer.FirstStep * dt,
                        SampleCount = buffer.Count,
                        ChannelIndex = columns.Select(c => buffer.Cells[c]).ToArray(),
                        SourcePopulation = pop.Label,
                        Data = data,
                    });
                }
            }
            segments.Add(new Segment($"segment{s:000}", trains, MergeSignals(signals)));
        }
        return new Block(cells.Label, segments);
    }

    /// <summary>
    /// For each part of <paramref name="cells"/>, the population's segment that is the last one of
    /// <see cref="GetData"/>'s block (an empty segment where the population has fewer), and its spike recorder (or null).
    /// </summary>
    private List<(PopulationPart Part, SegmentData Segment, Entry? Spikes)> LatestSegments(CellCollection cells)
    {
        var visible = cells.Parts.Select(p => p.Population).Distinct().ToDictionary(p => p, VisibleSegments);
        int last = visible.Values.Max(s => s.Count) - 1;
        return cells.Parts.Select(part =>
        {
            var segs = visible[part.Population];
            var seg = last < segs.Count ? segs[last] : new SegmentData(0);
            return (part, seg, _entries.FirstOrDefault(e => e.Population == part.Population && e.Variable == "spikes"));
        }).ToList();
    }

    /// <summary>
    /// The number of spikes of each spike-recorded cell of <paramref name="cells"/> in the latest segment, in the order of
    /// <see cref="Segment.SpikeTrains"/>, without building the trains.
    /// </summary>
    internal int[] SpikeCounts(CellCollection cells)
    {
        var counts = new List<int>();
        foreach (var (part, seg, entry) in LatestSegments(cells))
        {
            if (entry is null) continue;
            var perCell = seg.Spikes.CountsPerCell(part.Population.Size);
            counts.AddRange(part.Indices.Where(i => Holds(entry, i)).Select(i => perCell[i]));
        }
        return counts.ToArray();
    }

    /// <summary>
    /// The spikes of <paramref name="cells"/> in the latest segment as flat columns (<see cref="SpikeEvents"/>), read
    /// straight from the recorded columns: no per-cell trains are built unless a cell appears twice in
    /// <paramref name="cells"/>.
    /// </summary>
    internal SpikeEvents SpikeEventsOf(CellCollection cells)
    {
        var parts = LatestSegments(cells).Where(p => p.Spikes is not null).ToList();
        var labels = new List<string>();
        var recordedCells = new List<int>();
        var recordedPopulations = new List<int>();
        // Train order of each part's recorded cells (the key that orders spikes at the same time), -1 elsewhere.
        var keys = new Dictionary<Population, int[]>();
        bool repeated = false;
        var partKeys = new List<int[]>();
        foreach (var (part, _, entry) in parts)
        {
            var pop = part.Population;
            if (!keys.TryGetValue(pop, out var key))
            {
                keys[pop] = key = new int[pop.Size];
                Array.Fill(key, -1);
            }
            var recorded = part.Indices.Where(i => Holds(entry!, i)).ToArray();
            if (recorded.Length > 0 && !labels.Contains(pop.Label)) labels.Add(pop.Label);
            // A part's own key array: the cells of this part only (a population may appear in several parts).
            var own = new int[pop.Size];
            Array.Fill(own, -1);
            foreach (int c in recorded)
            {
                if (key[c] >= 0) repeated = true;
                key[c] = own[c] = recordedCells.Count;
                recordedCells.Add(c);
                recordedPopulations.Add(labels.IndexOf(pop.Label));
            }
            partKeys.Add(own);
        }
        if (repeated) return SpikeEventsOfTrains(cells);

        long total = 0;
        for (int p = 0; p < parts.Count; p++)
            foreach (var (chunkCells, _, n) in parts[p].Segment.Spikes.Chunks())
                for (int k = 0; k < n; k++)
                    if (partKeys[p][chunkCells[k]] >= 0) total++;
        var times = new double[total];
        var order = new int[total];
        long at = 0;
        for (int p = 0; p < parts.Count; p++)
            foreach (var (chunkCells, chunkTimes, n) in parts[p].Segment.Spikes.Chunks())
                for (int k = 0; k < n; k++)
                    if (partKeys[p][chunkCells[k]] is var key and >= 0)
                    {
                        times[at] = chunkTimes[k];
                        order[at++] = key;
                    }
        SpikeEvents.SortByTimeThenTrain(times, order);
        int[]? populations = null;
        if (labels.Count > 1)
        {
            populations = new int[total];
            for (long i = 0; i < total; i++) populations[i] = recordedPopulations[order[i]];
        }
        for (long i = 0; i < total; i++) order[i] = recordedCells[order[i]];
        return new SpikeEvents(times, order, populations, recordedCells.ToArray(), recordedPopulations.ToArray(), labels);
    }

    /// <summary><see cref="SpikeEventsOf"/> from the per-cell trains, for collections that name a cell twice.</summary>
    private SpikeEvents SpikeEventsOfTrains(CellCollection cells)
    {
        var trains = GetData(cells, new HashSet<string> { "spikes" }).Segments[^1].SpikeTrains;
        var labels = trains.Select(t => t.SourcePopulation).Distinct().ToList();
        var times = trains.SelectMany(t => t.Times).ToArray();
        var order = trains.SelectMany((t, k) => t.Times.Select(_ => k)).ToArray();
        SpikeEvents.SortByTimeThenTrain(times, order);
        var recordedPopulations = trains.Select(t => labels.IndexOf(t.SourcePopulation)).ToArray();
        return new SpikeEvents(times, order.Select(k => trains[k].SourceIndex).ToArray(),
            labels.Count > 1 ? order.Select(k => recordedPopulations[k]).ToArray() : null,
            trains.Select(t => t.SourceIndex).ToArray(), recordedPopulations, labels);
    }

    /// <summary>Signals of the same variable and shape from several parts are merged column-wise (assemblies).</summary>
    private static List<AnalogSignal> MergeSignals(List<AnalogSignal> signals)
    {
        var merged = new List<AnalogSignal>();
        foreach (var group in signals.GroupBy(s => (s.Name, s.SampleCount, s.SamplingPeriod, s.TStart)))
        {
            var parts = group.ToList();
            if (parts.Count == 1) { merged.Add(parts[0]); continue; }
            int width = parts.Sum(p => p.ChannelCount);
            int rows = group.Key.SampleCount;
            var data = new double[rows * width];
            int offset = 0;
            foreach (var p in parts)
            {
                for (int r = 0; r < rows; r++)
                    Array.Copy(p.Data, r * p.ChannelCount, data, r * width + offset, p.ChannelCount);
                offset += p.ChannelCount;
            }
            merged.Add(parts[0] with
            {
                ChannelIndex = parts.SelectMany(p => p.ChannelIndex).ToArray(),
                SourcePopulation = string.Join("+", parts.Select(p => p.SourcePopulation).Distinct()),
                Data = data,
            });
        }
        return merged;
    }
}
