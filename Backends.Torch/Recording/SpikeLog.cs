using Meta.Backends.Runtime;
using Meta.Backends.Torch.Sources;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Recording;

/// <summary>
/// The spikes a unit emits during one run, appended on the device into a preallocated index buffer (one copy per step
/// with spikes) and copied to the host in blocks when the buffer is full and at the end of the run, where they are
/// handed to the spike recorders of the unit's populations. With precise spike times, each spike's offset from the grid
/// (the kernel's <see cref="Programs.CellKernel.SpikeOffset"/> state) is gathered beside it.
/// </summary>
internal sealed class SpikeLog : IDisposable
{
    private readonly ISpikeUnit _unit;
    private readonly Device _device;
    private readonly List<SpikeBlockBuilder>[] _byPopulation;
    private readonly int[] _populationOf;
    private readonly List<(long Step, int Count)> _entries = [];
    private readonly Func<Tensor>? _offsetState;
    private readonly Func<long, ArraySegment<double>?>? _hostOffsets;
    private readonly List<double> _hostOffsetLog = [];
    private Tensor _buffer;
    private Tensor? _offsets;
    private long _used;

    /// <param name="unit">The unit whose spikes are logged.</param>
    /// <param name="collectors">The spike recorders of its populations.</param>
    /// <param name="device">The device.</param>
    /// <param name="offsetState">With precise spike times, the unit's spike offset state (read at each append), else null.</param>
    /// <param name="capacity">The initial number of entries.</param>
    /// <param name="hostOffsets">
    /// For a spike source with precise spike times, the offsets of the spikes of an index, on the host (read at each append,
    /// in the order of the appended cells); else null.
    /// </param>
    public SpikeLog(ISpikeUnit unit, IEnumerable<SpikeBlockBuilder> collectors, Device device, Func<Tensor>? offsetState = null, long capacity = 1 << 16,
        Func<long, ArraySegment<double>?>? hostOffsets = null)
    {
        _unit = unit;
        _device = device;
        _offsetState = offsetState;
        _hostOffsets = hostOffsets;
        var populations = unit.Populations.ToList();
        _byPopulation = populations.Select(_ => new List<SpikeBlockBuilder>()).ToArray();
        foreach (var c in collectors) _byPopulation[populations.IndexOf(c.Spec.Population)].Add(c);
        _populationOf = new int[unit.Size];
        for (int p = 0; p < populations.Count; p++)
        {
            int end = p + 1 < populations.Count ? unit.PopulationOffsets[p + 1] : unit.Size;
            for (int i = unit.PopulationOffsets[p]; i < end; i++) _populationOf[i] = p;
        }
        _buffer = TorchContext.Keep(torch.empty(capacity, ScalarType.Int64, device));
        if (offsetState is not null) _offsets = TorchContext.Keep(torch.empty(capacity, ScalarType.Float64, device));
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
            if (_offsets is not null)
            {
                _offsets.Dispose();
                _offsets = TorchContext.Keep(torch.empty(2 * m, ScalarType.Float64, _device));
            }
        }
        using (var target = _buffer.narrow(0, _used, m)) target.copy_(cells);
        if (_offsets is not null)
        {
            using var target = _offsets.narrow(0, _used, m);
            using var gathered = _offsetState!().index_select(0, cells);
            target.copy_(gathered);
        }
        if (_hostOffsets?.Invoke(s) is { } host) _hostOffsetLog.AddRange(host);
        _entries.Add((s, (int)m));
        _used += m;
    }

    /// <summary>Copies the buffered spikes to the host and hands them to the recorders.</summary>
    public void Flush()
    {
        if (_used == 0) return;
        long[] cells;
        using (var used = _buffer.narrow(0, 0, _used)) cells = TorchContext.ToHostInt64(used);
        double[]? offsets = null;
        if (_offsets is not null)
        {
            using var used = _offsets.narrow(0, 0, _used).cpu();
            offsets = used.data<double>().ToArray();
        }
        int at = 0;
        foreach (var (step, count) in _entries)
        {
            for (int j = 0; j < count; j++, at++)
            {
                int cell = (int)cells[at];
                int p = _populationOf[cell];
                int local = cell - _unit.PopulationOffsets[p];
                // A source with precise times logged one host offset per appended spike; a missing one is a bookkeeping error
                // (an index out of range), not a spike on the grid.
                double offset = offsets?[at] ?? (_hostOffsets is null ? 0 : _hostOffsetLog[at]);
                foreach (var c in _byPopulation[p]) c.Add(local, step, offset);
            }
        }
        _entries.Clear();
        _hostOffsetLog.Clear();
        _used = 0;
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _offsets?.Dispose();
    }
}

