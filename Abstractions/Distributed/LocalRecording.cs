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

    /// <summary>Starts the recording of runs from step <paramref name="start"/>, whose samples begin at index <paramref name="firstSample"/>.</summary>
    public LocalRecording(LocalProgram local, long start, long firstSample)
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
            if (_globalOf[block.Recorder] >= 0) _values[block.Recorder].AddRange(block.Values);
        _divergence = result.Divergence;
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

    private static SpikeBlock MergeSpikes(int recorder, long[] pairs)
    {
        // Each rank's spikes are in time order; a stable sort by step keeps rank (hence cell) order within a step.
        var order = Enumerable.Range(0, pairs.Length / 2).OrderBy(k => pairs[2 * k + 1]).ToArray();
        return new SpikeBlock
        {
            Recorder = recorder,
            Cells = order.Select(k => (int)pairs[2 * k]).ToArray(),
            Steps = order.Select(k => pairs[2 * k + 1]).ToArray(),
        };
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
    /// The first divergence of the last engine run added, over all ranks, on every rank (so that every rank stops at the same
    /// run and they meet at the same collectives afterwards): an all-gather of six numbers per rank, called after every
    /// <see cref="DistributedEngine.Run"/>.
    /// </summary>
    public StateDivergence? GatherDivergence(ICommunicator communicator)
    {
        var mine = Mapped(_divergence);
        double[] row = mine is null ? [0, 0, 0, 0, 0, 0]
            : [1, mine.Group, StateIndex(mine), mine.Cell, mine.Value, mine.Step];
        var all = communicator.AllGatherV(row);
        StateDivergence? first = null;
        (double, double, double) best = (double.MaxValue, 0, 0);
        for (int k = 0; k + 5 < all.Length; k += 6)
        {
            if (all[k] == 0) continue;
            var key = (all[k + 1], all[k + 2], all[k + 3]);
            if (first is not null && key.CompareTo(best) >= 0) continue;
            best = key;
            var group = (NeuronGroupProgram)_local.Global.Groups[(int)all[k + 1]];
            first = new StateDivergence((int)all[k + 1], (int)all[k + 3], group.States[(int)all[k + 2]], all[k + 4], (long)all[k + 5]);
        }
        return first;
    }

    private StateDivergence? Mapped(StateDivergence? d) =>
        d is null || d.Group >= _local.Global.Groups.Count ? null : d with { Cell = d.Cell + _local.Start(d.Group) };

    private int StateIndex(StateDivergence d) =>
        _local.Global.Groups[d.Group] is NeuronGroupProgram n ? Math.Max(0, n.States.ToList().IndexOf(d.State)) : 0;
}
