using Meta.Backends.Torch.Sources;
using Meta.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Groups;

/// <summary>
/// The random draws of a kernel for a range of cells, step by step: uniform draw d of the cell with global index g in step k
/// is <c>Philox.Uniform(seed, RandomStreams.NeuronDraw(g, d), k)</c>, normal draw d is
/// <c>Philox.Normal(seed, RandomStreams.NeuronNoise(g, d), k)</c>, as on the CPU. The draws of a block of steps are made at
/// once and kept: uniform ones by <see cref="TensorPhilox"/> (some 100 tensor operations per call, whatever its size;
/// measured with GIF_cond_exp, 100 cells 0.45 ms per step in blocks against 0.8–2 ms drawing every step), normal ones on the
/// host with <see cref="Philox.Normal"/> itself, so that their logarithm and cosine are the CPU backend's bit for bit.
/// float32 rounds each draw once to float.
/// </summary>
internal sealed class NeuronDraws : IDisposable
{
    private const int BlockElements = 1 << 18;
    private readonly TorchContext _ctx;
    private readonly ulong _seed;
    private readonly int _cells;
    private readonly ulong[] _uniformStreams, _normalStreams;
    private Tensor? _uniform, _normal;
    private long _start = -1, _length;

    public NeuronDraws(int firstGlobalIndex, int cells, int uniformDraws, int normalDraws, ulong seed, TorchContext ctx)
    {
        _ctx = ctx;
        _seed = seed;
        _cells = cells;
        // Draw-major: draw d of the range is columns [d·cells, (d + 1)·cells) of a block.
        _uniformStreams = Streams(uniformDraws, (g, d) => RandomStreams.NeuronDraw(g, d));
        _normalStreams = Streams(normalDraws, (g, d) => RandomStreams.NeuronNoise(g, d));
        UniformDraws = uniformDraws;
        NormalDraws = normalDraws;

        ulong[] Streams(int draws, Func<int, int, ulong> stream) =>
            Enumerable.Range(0, draws).SelectMany(d => Enumerable.Range(0, cells).Select(i => stream(firstGlobalIndex + i, d))).ToArray();
    }

    public int UniformDraws { get; }
    public int NormalDraws { get; }

    /// <summary>Uniform draw <paramref name="d"/> of step <paramref name="k"/>, a view in the caller's dispose scope.</summary>
    public Tensor Uniform(long k, int d) => Row(k, normal: false, d);

    /// <summary>Normal draw <paramref name="d"/> of step <paramref name="k"/>, a view in the caller's dispose scope.</summary>
    public Tensor Normal(long k, int d) => Row(k, normal: true, d);

    private Tensor Row(long k, bool normal, int d)
    {
        if (k < _start || k >= _start + _length) Fill(k);
        return (normal ? _normal : _uniform)!.select(0, k - _start).narrow(0, (long)d * _cells, _cells);
    }

    private void Fill(long k)
    {
        _uniform?.Dispose();
        _normal?.Dispose();
        _uniform = _normal = null;
        long length = Math.Clamp(BlockElements / Math.Max(1, _uniformStreams.Length + _normalStreams.Length), 8, 1024);
        using (var scope = torch.NewDisposeScope())
        {
            if (_uniformStreams.Length > 0) _uniform = Keep(TensorPhilox.Uniform(_seed, k, length, _uniformStreams, _ctx.Device));
            if (_normalStreams.Length > 0)
            {
                int n = _normalStreams.Length;
                var host = new double[length * n];
                for (long j = 0; j < length; j++)
                    for (int i = 0; i < n; i++) host[j * n + i] = Philox.Normal(_seed, _normalStreams[i], (ulong)(k + j));
                _normal = Keep(torch.tensor(host, ScalarType.Float64, _ctx.Device).view(length, n));
            }
        }
        _start = k;
        _length = length;
    }

    private Tensor Keep(Tensor draws) => TorchContext.Keep(_ctx.DType == ScalarType.Float64 ? draws : draws.to_type(_ctx.DType));

    public void Dispose()
    {
        _uniform?.Dispose();
        _normal?.Dispose();
    }
}
