using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Backends.Torch.Delivery;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Sources;

/// <summary>
/// Host-scheduled spike sources (arrays, gamma, Poisson with dead time, inhomogeneous gamma): the spikes of each time index
/// come from the backend-neutral <see cref="HostSpikeSchedule"/>, a window of indices at a time, never beyond the current
/// run's last index, so that changes between runs apply from the next index on (docs/semantics.md).
/// </summary>
internal sealed class HostScheduleUnit : ISourceUnit
{
    private readonly TorchContext _ctx;
    private readonly HostSpikeSchedule _schedule;

    public HostScheduleUnit(SpikeSourceProgram spec, double dt, ulong seed, TorchContext ctx)
    {
        Populations = [spec.Index];
        Size = spec.Size;
        _ctx = ctx;
        _schedule = new HostSpikeSchedule(spec, dt, seed);
    }

    public int Size { get; }
    public IReadOnlyList<int> Populations { get; }
    public int[] PopulationOffsets { get; } = [0];
    public List<SynapseTable> Outgoing { get; } = [];

    public void SetParameter(string name, double[] values) => _schedule.SetParameter(name, values);

    public void SetSequence(string name, double[][] values) => _schedule.SetSequence(name, values);

    public void Reset() => _schedule.Reset();

    /// <summary>The last index of the current run (no window reaches beyond it); the engine sets it before a run.</summary>
    public long LastIndex { get; set; }

    /// <summary>
    /// The cells spiking at index s: a view of the current window's cells, which are uploaded once per window (up to
    /// thousands of steps), not once per step.
    /// </summary>
    public Tensor? Emit(long s)
    {
        var window = _schedule.WindowAt(s, Math.Max(s, LastIndex));
        if (!ReferenceEquals(window, _window))
        {
            _windowCells?.Dispose();
            _windowCells = window.Count == 0 ? null : TorchContext.Keep(torch.tensor(window.Cells.Select(c => (long)c).ToArray(), ScalarType.Int64, _ctx.Device));
            _window = window;
        }
        var (offset, count) = window.Slice(s);
        return count == 0 ? null : _windowCells!.narrow(0, offset, count);
    }

    /// <summary>
    /// With precise spike times, the offsets from the grid of the spikes of index <paramref name="s"/> (in the order of
    /// <see cref="Emit"/>'s cells, which must have been called for s); null on the grid.
    /// </summary>
    public ArraySegment<double>? OffsetsAt(long s) => _window is { } w && w.Contains(s) ? w.SpikeOffsetsAt(s) : null;

    private SpikeWindow? _window;
    private Tensor? _windowCells;

    public void Dispose()
    {
        _windowCells?.Dispose();
        _windowCells = null;
    }
}

