using Meta.Backends.Programs;
using Meta.Backends.Torch.Delivery;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Sources;

/// <summary>
/// <c>SpikeSourcePoisson</c> cells. The draws are Philox4x32-10 evaluated in tensors (<see cref="TensorPhilox"/>), bit for bit
/// <see cref="Philox.Uniform"/>(seed, 2^32 + global cell index, s), for a block of time indices at once; a cell spikes at s
/// when <c>u &lt; 1 − exp(−rate·dt/1000)</c> and <c>start ≤ s·dt &lt; start + duration</c> (docs/semantics.md), as on the CPU.
/// </summary>
internal sealed class PoissonUnit : ISourceUnit
{
    private const int BlockElements = 1 << 18;
    private readonly TorchContext _ctx;
    private readonly double _dt;
    private readonly ulong _seed;
    private double[] _rate, _start, _duration;
    private Tensor? _block;
    private long _blockStart, _blockLength;
    private double _windowStart, _windowEnd;

    public PoissonUnit(SpikeSourceProgram spec, double dt, ulong seed, TorchContext ctx)
    {
        Program = spec;
        Populations = [spec.Index];
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

    public SpikeSourceProgram Program { get; }
    public int Size { get; }
    public IReadOnlyList<int> Populations { get; }
    public int[] PopulationOffsets { get; } = [0];
    public List<SynapseTable> Outgoing { get; } = [];
    private ulong[] Streams { get; }

    public void SetSequence(string name, double[][] values) => throw new NonExistentParameterException(name, Program.ModelName, Program.Parameters.Keys);

    public void Reset() { }

    public void SetParameter(string name, double[] values)
    {
        switch (name)
        {
            case "rate": _rate = (double[])values.Clone(); break;
            case "start": _start = (double[])values.Clone(); break;
            case "duration": _duration = (double[])values.Clone(); break;
            default: throw new NonExistentParameterException(name, Program.ModelName, Program.Parameters.Keys);
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

