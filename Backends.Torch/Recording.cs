using Meta.Backends.Runtime;
using Meta.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch;

/// <summary>
/// The spikes a unit emits during one run, appended on the device into a preallocated index buffer (one copy per step
/// with spikes) and copied to the host in blocks when the buffer is full and at the end of the run, where they are
/// handed to the spike recorders of the unit's populations.
/// </summary>
internal sealed class SpikeLog : IDisposable
{
    private readonly ISpikeUnit _unit;
    private readonly Device _device;
    private readonly List<SpikeBlockBuilder>[] _byPopulation;
    private readonly int[] _populationOf;
    private readonly List<(long Step, int Count)> _entries = [];
    private Tensor _buffer;
    private long _used;

    public SpikeLog(ISpikeUnit unit, IEnumerable<SpikeBlockBuilder> collectors, Device device, long capacity = 1 << 16)
    {
        _unit = unit;
        _device = device;
        var populations = unit.Populations.Select(p => p.Index).ToList();
        _byPopulation = populations.Select(_ => new List<SpikeBlockBuilder>()).ToArray();
        foreach (var c in collectors) _byPopulation[populations.IndexOf(c.Spec.Population)].Add(c);
        _populationOf = new int[unit.Size];
        for (int p = 0; p < populations.Count; p++)
            for (int i = 0; i < unit.Populations[p].Size; i++) _populationOf[unit.PopulationOffsets[p] + i] = p;
        _buffer = TorchContext.Keep(torch.empty(capacity, ScalarType.Int64, device));
    }

    /// <summary>Appends the unit cells that spiked at time index <paramref name="s"/>.</summary>
    public void Append(Tensor cells, long s)
    {
        long m = cells.shape[0];
        if (_used + m > _buffer.shape[0]) Flush();
        if (m > _buffer.shape[0])
        {
            _buffer.Dispose();
            _buffer = TorchContext.Keep(torch.empty(2 * m, ScalarType.Int64, _device));
        }
        using (var target = _buffer.narrow(0, _used, m)) target.copy_(cells);
        _entries.Add((s, (int)m));
        _used += m;
    }

    /// <summary>Copies the buffered spikes to the host and hands them to the recorders.</summary>
    public void Flush()
    {
        if (_used == 0) return;
        long[] cells;
        using (var used = _buffer.narrow(0, 0, _used)) cells = TorchContext.ToHostInt64(used);
        int at = 0;
        foreach (var (step, count) in _entries)
        {
            for (int j = 0; j < count; j++, at++)
            {
                int cell = (int)cells[at];
                int p = _populationOf[cell];
                int local = cell - _unit.PopulationOffsets[p];
                foreach (var c in _byPopulation[p]) c.Add(local, step);
            }
        }
        _entries.Clear();
        _used = 0;
    }

    public void Dispose() => _buffer.Dispose();
}

/// <summary>
/// The samples of one analog recorder during one run: rows taken on the device into a preallocated [rows, cells] block,
/// copied to the host when the block is full and at the end of the run.
/// </summary>
internal sealed class SampleCollector : IDisposable
{
    private const long BlockElements = 1 << 20;
    private readonly double[] _values;
    private readonly int _cells;
    private readonly Tensor? _source;
    private readonly Tensor? _index;
    private readonly Tensor? _block;
    private readonly long _blockRows;
    private readonly bool _ownsSource;
    private long _buffered, _flushedRows, _rows;
    private long _first = -1;

    public SampleCollector(RecorderSpec spec, long count, NeuronGroup group, int offset, TorchContext ctx)
    {
        Spec = spec;
        _cells = spec.Cells.Length;
        _values = new double[checked(count * _cells)];
        if (_cells == 0 || count == 0) return;
        var state = group.State(spec.Variable)!;
        var cells = spec.Cells;
        bool contiguous = cells.Select((c, i) => c - i).All(d => d == cells[0]);
        if (contiguous) _source = TorchContext.Keep(state.narrow(0, offset + cells[0], _cells));
        else
        {
            _source = state;
            _index = ctx.Indices(cells.Select(c => (long)(offset + c)).ToArray());
        }
        _blockRows = Math.Clamp(BlockElements / _cells, 1, count);
        _block = TorchContext.Keep(torch.empty(_blockRows, _cells, ctx.DType, ctx.Device));
        _ownsSource = contiguous;
    }

    public RecorderSpec Spec { get; }

    /// <summary>Takes the sample of time index <paramref name="s"/> if it falls on the recorder's interval.</summary>
    public void Take(long s)
    {
        if (s % Spec.IntervalSteps != 0) return;
        if (_first < 0) _first = s;
        _rows++;
        if (_block is null) return;
        if (_buffered == _blockRows) FlushBlock();
        using var row = _block.select(0, _buffered);
        if (_index is null) row.copy_(_source!);
        else
        {
            using var selected = _source!.index_select(0, _index);
            row.copy_(selected);
        }
        _buffered++;
    }

    private void FlushBlock()
    {
        if (_buffered == 0) return;
        double[] host;
        using (var rows = _block!.narrow(0, 0, _buffered)) host = TorchContext.ToHost(rows);
        Array.Copy(host, 0, _values, _flushedRows * _cells, host.Length);
        _flushedRows += _buffered;
        _buffered = 0;
    }

    public SampleBlock ToBlock()
    {
        FlushBlock();
        long n = _rows * _cells;
        return new SampleBlock
        {
            Recorder = Spec.Index,
            FirstStep = _first < 0 ? 0 : _first,
            Count = (int)_rows,
            Values = n == _values.Length ? _values : _values[..(int)n],
        };
    }

    public void Dispose()
    {
        _block?.Dispose();
        _index?.Dispose();
        if (_ownsSource) _source?.Dispose();
    }
}
