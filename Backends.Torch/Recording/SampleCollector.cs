using Meta.Backends.Programs;
using Meta.Backends.Torch.Groups;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Recording;

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
        var state = group.State(spec.Variable);
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
