using Meta.Backends.Runtime;
using Meta.Models;
using Meta.Network;
using Meta.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch;

/// <summary>Cells that emit spikes as one block of indices: a neuron group, or one spike source population.</summary>
internal interface ISpikeUnit : IDisposable
{
    /// <summary>The number of cells.</summary>
    int Size { get; }
    /// <summary>The populations in the unit, in order.</summary>
    IReadOnlyList<PopulationSpec> Populations { get; }
    /// <summary>The first unit cell of each population.</summary>
    int[] PopulationOffsets { get; }
    /// <summary>The tables of synapses leaving the unit, in the order they are delivered.</summary>
    List<SynapseTable> Outgoing { get; }
    /// <summary>The unit cells emitting at time index <paramref name="s"/> (int64, ascending, a cell repeated per spike), or null for none.</summary>
    Tensor? Emit(long s);
}

/// <summary>
/// <c>SpikeSourcePoisson</c> cells. The draws are Philox4x32-10 evaluated in tensors (<see cref="TensorPhilox"/>), bit for bit
/// <see cref="Philox.Uniform"/>(seed, 2^32 + global cell index, s), for a block of time indices at once; a cell spikes at s
/// when <c>u &lt; 1 − exp(−rate·dt/1000)</c> and <c>start ≤ s·dt &lt; start + duration</c> (docs/semantics.md), as on the CPU.
/// </summary>
internal sealed class PoissonUnit : ISpikeUnit
{
    private const int BlockElements = 1 << 18;
    private readonly TorchContext _ctx;
    private readonly double _dt;
    private readonly ulong _seed;
    private double[] _rate, _start, _duration;
    private Tensor? _block;
    private long _blockStart, _blockLength;
    private double _windowStart, _windowEnd;

    public PoissonUnit(PopulationSpec spec, double dt, ulong seed, TorchContext ctx)
    {
        Populations = [spec];
        Size = spec.Size;
        _ctx = ctx;
        _dt = dt;
        _seed = seed;
        _rate = (double[])spec.Parameters["rate"].Clone();
        _start = (double[])spec.Parameters["start"].Clone();
        _duration = (double[])spec.Parameters["duration"].Clone();
        Streams = Enumerable.Range(0, Size).Select(i => RandomStreams.PoissonCell(spec.FirstGlobalIndex + i)).ToArray();
        Parametrize();
    }

    public int Size { get; }
    public IReadOnlyList<PopulationSpec> Populations { get; }
    public int[] PopulationOffsets { get; } = [0];
    public List<SynapseTable> Outgoing { get; } = [];
    private ulong[] Streams { get; }

    public void SetParameter(string name, double[] values)
    {
        switch (name)
        {
            case "rate": _rate = (double[])values.Clone(); break;
            case "start": _start = (double[])values.Clone(); break;
            case "duration": _duration = (double[])values.Clone(); break;
            default: throw new NonExistentParameterException(name, Populations[0].Model.Name, Populations[0].Model.Parameters.Select(p => p.Name));
        }
        Parametrize();
    }

    /// <summary>Drops the cached block and recomputes the window in which any cell may fire.</summary>
    private void Parametrize()
    {
        _block?.Dispose();
        _block = null;
        _windowStart = double.PositiveInfinity;
        _windowEnd = double.NegativeInfinity;
        for (int i = 0; i < Size; i++)
        {
            if (!(_rate[i] > 0)) continue;
            _windowStart = Math.Min(_windowStart, _start[i]);
            _windowEnd = Math.Max(_windowEnd, _start[i] + _duration[i]);
        }
    }

    public Tensor? Emit(long s)
    {
        double t = s * _dt;
        if (t < _windowStart || t >= _windowEnd) return null; // no cell can fire: skip the draws
        if (_block is null || s < _blockStart || s >= _blockStart + _blockLength) ComputeBlock(s);
        using var row = _block!.select(0, s - _blockStart);
        var cells = row.nonzero().view(-1);
        if (cells.shape[0] > 0) return cells;
        cells.Dispose();
        return null;
    }

    /// <summary>The spikes of every cell for time indices s .. s + B − 1, as a bool [B, cells] tensor.</summary>
    private void ComputeBlock(long s)
    {
        _block?.Dispose();
        long length = Math.Clamp(BlockElements / Math.Max(1, Size), 8, 1024);
        var times = new double[length];
        for (long j = 0; j < length; j++) times[j] = (s + j) * _dt;
        var p = new double[Size];
        var end = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            // Cells with rate <= 0 never fire: a probability below every draw.
            p[i] = _rate[i] > 0 ? 1.0 - Math.Exp(-_rate[i] * _dt / 1000.0) : -1.0;
            end[i] = _start[i] + _duration[i];
        }
        using var scope = torch.NewDisposeScope();
        var u = TensorPhilox.Uniform(_seed, s, length, Streams, _ctx.Device);
        var tColumn = torch.tensor(times, ScalarType.Float64, _ctx.Device).view(length, 1);
        var pRow = torch.tensor(p, ScalarType.Float64, _ctx.Device).view(1, Size);
        var startRow = torch.tensor(_start, ScalarType.Float64, _ctx.Device).view(1, Size);
        var endRow = torch.tensor(end, ScalarType.Float64, _ctx.Device).view(1, Size);
        var spikes = u.lt(pRow).logical_and_(tColumn.ge(startRow)).logical_and_(tColumn.lt(endRow));
        _block = TorchContext.Keep(spikes);
        _blockStart = s;
        _blockLength = length;
    }

    public void Dispose()
    {
        _block?.Dispose();
        _block = null;
    }
}

/// <summary>
/// Host-scheduled spike sources (arrays, gamma, Poisson with dead time, inhomogeneous gamma): the spikes of each time index
/// come from the backend-neutral <see cref="HostSpikeSchedule"/>, a window of indices at a time, never beyond the current
/// run's last index (<see cref="LastIndex"/>), so that changes between runs apply from the next index on (docs/semantics.md).
/// </summary>
internal sealed class HostScheduleUnit : ISpikeUnit
{
    private readonly TorchContext _ctx;
    private readonly HostSpikeSchedule _schedule;

    public HostScheduleUnit(PopulationSpec spec, double dt, ulong seed, TorchContext ctx)
    {
        Populations = [spec];
        Size = spec.Size;
        _ctx = ctx;
        _schedule = new HostSpikeSchedule(spec, dt, seed);
    }

    public int Size { get; }
    public IReadOnlyList<PopulationSpec> Populations { get; }
    public int[] PopulationOffsets { get; } = [0];
    public List<SynapseTable> Outgoing { get; } = [];

    /// <summary>The last index of the current run; the engine sets it before emitting.</summary>
    public long LastIndex { get; set; }

    public void SetParameter(string name, double[] values) => _schedule.SetParameter(name, values);

    public void SetSequence(string name, double[][] values) => _schedule.SetSequence(name, values);

    public void Reset() => _schedule.Reset();

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

    private SpikeWindow? _window;
    private Tensor? _windowCells;

    public void Dispose()
    {
        _windowCells?.Dispose();
        _windowCells = null;
    }
}

/// <summary>
/// Philox4x32-10 in int64 tensors, the same function as <see cref="Philox.Generate"/>: each 32-bit word is held in an
/// int64; the 32×32-bit products are int64 products (exact modulo 2^64, so their high and low words are those of the
/// unsigned product), split by an arithmetic shift and masks. Many counters at once: rows are time indices, columns
/// cells (streams).
/// </summary>
internal static class TensorPhilox
{
    private const long Mask32 = 0xFFFFFFFFL;

    /// <summary>
    /// <c>Philox.Uniform(seed, streams[j], first + i)</c> for i &lt; <paramref name="count"/> and every j, as a float64
    /// [count, streams] tensor (in the current dispose scope).
    /// </summary>
    public static Tensor Uniform(ulong seed, long first, long count, ulong[] streams, Device device)
    {
        var indexLo = new long[count];
        var indexHi = new long[count];
        for (long i = 0; i < count; i++)
        {
            ulong index = (ulong)(first + i);
            indexLo[i] = (long)(index & Mask32);
            indexHi[i] = (long)(index >> 32);
        }
        var streamLo = streams.Select(x => (long)(x & Mask32)).ToArray();
        var streamHi = streams.Select(x => (long)(x >> 32)).ToArray();
        int n = streams.Length;

        var x0 = torch.tensor(indexLo, ScalarType.Int64, device).view(count, 1);
        var x1 = torch.tensor(indexHi, ScalarType.Int64, device).view(count, 1);
        var x2 = torch.tensor(streamLo, ScalarType.Int64, device).view(1, n);
        var x3 = torch.tensor(streamHi, ScalarType.Int64, device).view(1, n);
        var mask = torch.tensor(Mask32, ScalarType.Int64, device);
        var shift32 = torch.tensor(32L, ScalarType.Int64, device);
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        using Scalar m0 = (long)Philox.Multiplier0, m1 = (long)Philox.Multiplier1;
        for (int round = 0; round < Philox.Rounds; round++)
        {
            if (round > 0)
            {
                unchecked
                {
                    k0 += Philox.Weyl0;
                    k1 += Philox.Weyl1;
                }
            }
            var p0 = x0.mul(m0);
            var p1 = x2.mul(m1);
            var hi0 = p0.bitwise_right_shift(shift32).bitwise_and_(mask);
            var lo0 = p0.bitwise_and_(mask);
            var hi1 = p1.bitwise_right_shift(shift32).bitwise_and_(mask);
            var lo1 = p1.bitwise_and_(mask);
            var key0 = torch.tensor((long)k0, ScalarType.Int64, device);
            var key1 = torch.tensor((long)k1, ScalarType.Int64, device);
            var y0 = hi1.bitwise_xor(x1).bitwise_xor_(key0);
            var y2 = hi0.bitwise_xor(x3).bitwise_xor_(key1);
            (x0, x1, x2, x3) = (y0, lo1, y2, lo0);
        }
        // The top 53 bits of r0:r1 times 2^-53 (exact).
        var high = x0.bitwise_left_shift(torch.tensor(21L, ScalarType.Int64, device));
        var low = x1.bitwise_right_shift(torch.tensor(11L, ScalarType.Int64, device));
        using Scalar epsilon = Philox.UnitDoubleEpsilon;
        return high.bitwise_or_(low).to_type(ScalarType.Float64).mul_(epsilon);
    }
}
