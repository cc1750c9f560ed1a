using Meta.Backends;
using Meta.Backends.Programs;

namespace Meta.Distributed;

/// <summary>
/// What one rank recorded of its cells since the recordings were last gathered (the engine runs of one or more
/// consecutive <see cref="DistributedEngine.Run"/> calls, kept on the rank), and the gathering of it to rank 0 in the
/// global program's recorders and cell order: spikes of every rank merged in time order, signal columns put back in cell
/// order (ranks own contiguous blocks, so the columns of rank 0, 1, … follow each other).
/// </summary>
internal sealed class LocalRecording
{
    private readonly LocalProgram _local;
    private readonly long _firstSample;
    private readonly int[] _globalOf;
    private readonly List<long>[] _spikes;
    private readonly List<double>[] _values;
    private StateDivergence? _divergence;
    // Per local recorder of samples, the test of a diverged sample (null: not scanned); the earliest diverged sample this rank
    // recorded since the divergence was last gathered (its global cell).
    private readonly Func<double, bool>?[] _diverged;
    private StateDivergence? _sampleDivergence;
    private int _sampleRecorder;

    /// <summary>
    /// Starts the recording of runs from step <paramref name="start"/>, whose samples begin at index <paramref name="firstSample"/>;
    /// <paramref name="divergedTest"/> gives, per global recorder, the test of a diverged sample (null: samples are not scanned).
    /// </summary>
    public LocalRecording(LocalProgram local, long start, long firstSample, Func<int, Func<double, bool>>? divergedTest = null)
    {
        _local = local;
        Start = start;
        _firstSample = firstSample;
        int n = local.Program.Recorders.Count;
        _globalOf = Enumerable.Repeat(-1, n).ToArray();
        for (int r = 0; r < local.UserRecorder.Count; r++)
            if (local.UserRecorder[r] >= 0) _globalOf[local.UserRecorder[r]] = r;
        _spikes = Enumerable.Range(0, n).Select(_ => new List<long>()).ToArray();
        _values = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
        _diverged = Enumerable.Range(0, n).Select(r =>
            divergedTest is null || _globalOf[r] < 0 || local.Program.Recorders[r].IsSpikes ? null : divergedTest(_globalOf[r])).ToArray();
    }

    /// <summary>The step the first run of this recording started at.</summary>
    public long Start { get; }

    /// <summary>Adds one engine run's results.</summary>
    public void Add(RunResult result)
    {
        foreach (var block in result.Spikes)
        {
            int g = _globalOf[block.Recorder];
            if (g < 0) continue;
            int start = _local.Start(_local.Global.Recorders[g].Population);
            var list = _spikes[block.Recorder];
            for (int i = 0; i < block.Cells.Length; i++)
            {
                list.Add(start + block.Cells[i]);
                list.Add(block.Steps[i]);
            }
        }
        foreach (var block in result.Samples)
            if (_globalOf[block.Recorder] >= 0)
            {
                _values[block.Recorder].AddRange(block.Values);
                ScanSamples(block);
            }
        _divergence = result.Divergence;
    }

    /// <summary>
    /// Keeps the earliest diverged sample of <paramref name="block"/> when it is earlier than the one kept (as one process's
    /// <c>RecorderRegistry.FirstDivergedSample</c>: earliest step, then recorder, then cell).
    /// </summary>
    private void ScanSamples(SampleBlock block)
    {
        if (_diverged[block.Recorder] is not { } diverged) return;
        var spec = _local.Program.Recorders[block.Recorder];
        int width = spec.Cells.Length;
        if (width == 0) return;
        for (int row = 0; row < block.Count; row++)
        {
            long step = block.FirstStep + ((long)row * spec.IntervalSteps);
            if (_sampleDivergence is { } kept && kept.Step <= step) return;
            for (int c = 0; c < width; c++)
            {
                double v = block.Values[(row * width) + c];
                if (!diverged(v)) continue;
                _sampleDivergence = new StateDivergence(spec.Population, spec.Cells[c] + _local.Start(spec.Population), spec.Variable, v, step)
                {
                    FromSample = true,
                };
                _sampleRecorder = _globalOf[block.Recorder];
                return;
            }
        }
    }

    /// <summary>
    /// Gathers every rank's recording of the steps from <see cref="Start"/> to <paramref name="end"/> to rank 0 (a collective:
    /// every rank calls it). Rank 0 gets the single-process result; the other ranks get empty blocks. The divergence is not
    /// gathered here (<see cref="GatherDivergence"/>, after every run). What this rank kept is released as it is sent.
    /// </summary>
    public RunResult Gather(ICommunicator communicator, long end)
    {
        bool root = communicator.Rank == 0;
        var spikes = new List<SpikeBlock>();
        var samples = new List<SampleBlock>();
        foreach (var r in _local.Global.Recorders)
        {
            int local = _local.UserRecorder[r.Index];
            if (r.IsSpikes)
            {
                var mine = local < 0 ? [] : _spikes[local].ToArray();
                if (local >= 0) _spikes[local] = [];
                var all = communicator.GatherV(mine);
                if (root) spikes.Add(MergeSpikes(r.Index, all));
            }
            else
            {
                var mine = local < 0 ? [] : _values[local].ToArray();
                if (local >= 0) _values[local] = [];
                var all = communicator.GatherV(mine);
                if (root) samples.Add(MergeSamples(r, all, end));
            }
        }
        return new RunResult { StartStep = Start, EndStep = end, Spikes = spikes, Samples = samples };
    }

    /// <summary>
    /// This rank's own recording of the steps from <see cref="Start"/> to <paramref name="end"/>, in the global program's
    /// recorders, with nothing exchanged (PyNN's <c>gather=False</c>): spikes with their global cell indices in time order,
    /// samples with this rank's columns only (its recorded cells, in cell order). What this rank kept is released as it is
    /// returned.
    /// </summary>
    public RunResult Own(long end)
    {
        var spikes = new List<SpikeBlock>();
        var samples = new List<SampleBlock>();
        foreach (var r in _local.Global.Recorders)
        {
            int local = _local.UserRecorder[r.Index];
            if (local < 0) continue;
            if (r.IsSpikes)
            {
                var pairs = _spikes[local];
                _spikes[local] = [];
                spikes.Add(Block(r.Index, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs)));
            }
            else
            {
                var values = _values[local].ToArray();
                _values[local] = [];
                long count = r.SampleCount(_firstSample, end);
                int m = r.IntervalSteps;
                samples.Add(new SampleBlock { Recorder = r.Index, FirstStep = (_firstSample + m - 1) / m * m, Count = (int)count, Values = values });
            }
        }
        return new RunResult { StartStep = Start, EndStep = end, Spikes = spikes, Samples = samples };
    }

    /// <summary>
    /// The spikes of every rank, <paramref name="pairs"/> (cell, step) in rank order, each rank's in time order, as one block
    /// in time order, rank (hence cell) order kept within a step: what a stable sort by step gives, by <see cref="MergeByStep"/>.
    /// </summary>
    internal static SpikeBlock MergeSpikes(int recorder, long[] pairs) => Block(recorder, MergeByStep(pairs));

    /// <summary>A spike block of recorder <paramref name="recorder"/> from (cell, step) <paramref name="pairs"/>, in their order.</summary>
    private static SpikeBlock Block(int recorder, ReadOnlySpan<long> pairs)
    {
        var cells = new int[pairs.Length / 2];
        var steps = new long[cells.Length];
        for (int k = 0; k < cells.Length; k++)
        {
            cells[k] = (int)pairs[2 * k];
            steps[k] = pairs[(2 * k) + 1];
        }
        return new SpikeBlock { Recorder = recorder, Cells = cells, Steps = steps };
    }

    /// <summary>
    /// (cell, step) pairs stably sorted by step, when they are made of runs already in step order (one per rank): a natural
    /// merge sort, which merges neighbouring runs, the left one first on equal steps, until one run is left. Linear for
    /// one run, n·log₂(runs) in general (LINQ's sort of the whole, before, took 0.12 s of CPU in a 2 s COBA 40k run on one rank).
    /// </summary>
    internal static long[] MergeByStep(long[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Length % 2 != 0) throw new ArgumentException($"Spike pairs come as (cell, step): {pairs.Length} values.", nameof(pairs));
        int n = pairs.Length / 2;
        var bounds = new List<int> { 0 }; // the first pair of every run, then n
        for (int k = 1; k < n; k++)
            if (pairs[(2 * k) + 1] < pairs[(2 * k) - 1]) bounds.Add(k);
        bounds.Add(n);
        if (bounds.Count <= 2) return pairs;
        long[] from = pairs, to = new long[pairs.Length];
        while (bounds.Count > 2)
        {
            var next = new List<int> { 0 };
            for (int r = 0; r + 1 < bounds.Count; r += 2)
            {
                int a = bounds[r], mid = bounds[r + 1], end = r + 2 < bounds.Count ? bounds[r + 2] : mid;
                Merge(from, to, a, mid, end);
                next.Add(end);
            }
            bounds = next;
            (from, to) = (to, from);
        }
        return from;
    }

    /// <summary>Merges pairs [a, mid) and [mid, end) of <paramref name="from"/>, each in step order, into the same pairs of <paramref name="to"/>; the left first on equal steps.</summary>
    private static void Merge(long[] from, long[] to, int a, int mid, int end)
    {
        int i = a, j = mid, k = a;
        while (i < mid && j < end)
        {
            int take = from[(2 * j) + 1] < from[(2 * i) + 1] ? j++ : i++;
            to[2 * k] = from[2 * take];
            to[(2 * k++) + 1] = from[(2 * take) + 1];
        }
        Array.Copy(from, 2 * i, to, 2 * k, 2 * (mid - i));
        k += mid - i;
        Array.Copy(from, 2 * j, to, 2 * k, 2 * (end - j));
    }

    private SampleBlock MergeSamples(RecorderSpec r, double[] all, long end)
    {
        long count = r.SampleCount(_firstSample, end);
        int m = r.IntervalSteps;
        var widths = Enumerable.Range(0, _local.Placement.Ranks).Select(q =>
        {
            int a = _local.Placement.Start(r.Population, q), c = _local.Placement.Count(r.Population, q);
            return r.Cells.Count(i => i >= a && i < a + c);
        }).ToArray();
        int width = r.Cells.Length;
        var values = new double[count * width];
        int offset = 0, column = 0;
        foreach (int w in widths)
        {
            for (long t = 0; t < count; t++)
                Array.Copy(all, offset + t * w, values, t * width + column, w);
            offset += (int)(count * w);
            column += w;
        }
        return new SampleBlock { Recorder = r.Index, FirstStep = (_firstSample + m - 1) / m * m, Count = (int)count, Values = values };
    }

    /// <summary>
    /// The first divergence since the last gather, over all ranks, on every rank (so that every rank stops at the same run and
    /// they meet at the same collectives afterwards): an all-gather of six numbers per rank, called after every
    /// <see cref="DistributedEngine.Run"/>. A diverged recorded sample (the earliest step, then the lowest global recorder
    /// and cell) comes before a state found diverged when the last engine run ended (lowest group, state, cell), as in
    /// one process.
    /// </summary>
    public StateDivergence? GatherDivergence(ICommunicator communicator)
    {
        // Row: kind (0 none, 1 a sample, 2 the end-of-run scan), group, global recorder or state index, global cell, value, step.
        double[] row = _sampleDivergence is { } s
            ? [1, s.Group, _sampleRecorder, s.Cell, s.Value, s.Step]
            : Mapped(_divergence) is { } mine ? [2, mine.Group, StateIndex(mine), mine.Cell, mine.Value, mine.Step] : [0, 0, 0, 0, 0, 0];
        _sampleDivergence = null;
        var all = communicator.AllGatherV(row);
        StateDivergence? first = null;
        (double, double, double, double, double) best = default;
        for (int k = 0; k + 5 < all.Length; k += 6)
        {
            if (all[k] == 0) continue;
            var key = all[k] == 1 ? (1.0, all[k + 5], all[k + 2], all[k + 3], 0.0) : (all[k], all[k + 5], all[k + 1], all[k + 2], all[k + 3]);
            if (first is not null && key.CompareTo(best) >= 0) continue;
            best = key;
            int g = (int)all[k + 1], at = (int)all[k + 2];
            first = all[k] == 1
                ? new StateDivergence(g, (int)all[k + 3], _local.Global.Recorders[at].Variable, all[k + 4], (long)all[k + 5]) { FromSample = true }
                : new StateDivergence(g, (int)all[k + 3], ((NeuronGroupProgram)_local.Global.Groups[g]).States[at], all[k + 4], (long)all[k + 5]);
        }
        return first;
    }

    private StateDivergence? Mapped(StateDivergence? d) =>
        d is null || d.Group >= _local.Global.Groups.Count ? null : d with { Cell = d.Cell + _local.Start(d.Group) };

    private int StateIndex(StateDivergence d) =>
        _local.Global.Groups[d.Group] is NeuronGroupProgram n ? Math.Max(0, n.States.ToList().IndexOf(d.State)) : 0;
}
