using System.Numerics;
using System.Runtime.CompilerServices;
using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Random;

namespace Meta.Backends.Cpu;

/// <summary>A population's cells on the CPU: a neuron group or a spike source group.</summary>
internal abstract class CellGroup(CellGroupProgram program)
{
    public CellGroupProgram Program { get; } = program;
    public int Size => Program.Size;
}

/// <summary>
/// A neuron group: its buffers as arrays of <typeparamref name="T"/> (double, or float in float32) padded to the SIMD width
/// (padding lanes repeat the last cell and are never read), the runtime's own arrays (injected current, refractory counters,
/// the list of cells that spiked, this step's draws), and the compiled kernel. Values arrive in float64 and are rounded
/// once into float32 buffers: parameters, propagators and thresholds are computed in float64 on the host.
/// </summary>
internal sealed class NeuronGroup<T> : CellGroup where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly double _dt;
    private readonly ulong _seed;
    private readonly Dictionary<string, T[]> _buffers = new(StringComparer.Ordinal);
    private ulong[][] _drawStreams = [];
    private CellKernelStep<T> _step = null!;
    private T[][] _cells = [];
    private T[] _uniforms = [];
    private Action<bool> _countKernel = _ => { };
    private bool _injects;

    /// <summary>
    /// A group of <paramref name="program"/>'s cells whose kernel reads <see cref="Injected"/> where <paramref name="readsInjected"/>
    /// (some current source or coupling targets the group), else takes +0 for every cell (<see cref="ReadInjected"/>).
    /// </summary>
    public NeuronGroup(NeuronGroupProgram program, double dt, ulong seed, Action<bool> countKernel, bool readsInjected = true) : base(program)
    {
        _dt = dt;
        _seed = seed;
        _injects = readsInjected;
        int w = LaneType.Width<T>();
        PaddedSize = (Size + w - 1) / w * w;
        Refractory = new T[PaddedSize];
        Injected = new T[PaddedSize];
        SpikeList = new int[PaddedSize];
        States = program.States.ToArray();
        SetKernel(program.Kernel, program.Values, countKernel);
    }

    /// <summary>The size rounded up to the SIMD width.</summary>
    public int PaddedSize { get; }
    public CellKernel Kernel { get; private set; } = null!;
    public string[] States { get; }
    /// <summary>Remaining refractory steps per cell.</summary>
    public T[] Refractory { get; }
    /// <summary>
    /// The injected current per cell (nA); starts at +0.0 and stays +0.0 in a group that no current source or coupling targets,
    /// whose kernel does not read it (<see cref="ReadInjected"/>).
    /// </summary>
    public T[] Injected { get; }
    /// <summary>
    /// The cells that spiked at the end of the last step, as the kernel wrote them: each chunk of the update writes its
    /// cells (padding lanes included) from its first cell's position on, and their number is in <see cref="SpikeCounts"/>.
    /// </summary>
    private int[] SpikeList { get; }
    /// <summary>The delay ring of each receptor; set by the engine.</summary>
    public T[][] Rings { get; set; } = [];
    /// <summary>This step's draws per cell: the kernel's uniform draws, then its normal draws.</summary>
    public T[][] Draws { get; private set; } = [];

    /// <summary>The array of state <paramref name="name"/>.</summary>
    public T[] State(string name) => _buffers[name];

    /// <summary>Takes a (new) kernel and the values of its buffers; states keep theirs unless given.</summary>
    public void SetKernel(CellKernel kernel, IReadOnlyDictionary<string, double[]> values, Action<bool> countKernel)
    {
        Kernel = kernel;
        foreach (var b in kernel.Buffers)
        {
            if (values.TryGetValue(b.Name, out var v)) _buffers[b.Name] = b.Storage == Storage.Uniform ? [T.CreateTruncating(v[0])] : Pad(v);
            else if (!_buffers.ContainsKey(b.Name)) throw new ArgumentException($"No values for buffer '{b.Name}' of '{Program.Label}'.", nameof(values));
            else if (b.Storage == Storage.PerCell && _buffers[b.Name].Length != PaddedSize) _buffers[b.Name] = Pad(Enumerable.Repeat(double.CreateTruncating(_buffers[b.Name][0]), Size).ToArray());
        }
        _cells = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => _buffers[b.Name]).ToArray();
        _uniforms = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => _buffers[b.Name][0]).ToArray();
        int draws = kernel.UniformDraws + kernel.NormalDraws;
        if (Draws.Length != draws)
        {
            Draws = Enumerable.Range(0, draws).Select(_ => new T[PaddedSize]).ToArray();
            int first = Program.FirstGlobalIndex, last = Size - 1;
            _drawStreams = Enumerable.Range(0, draws).Select(d => Enumerable.Range(0, PaddedSize)
                .Select(i => d < kernel.UniformDraws
                    ? RandomStreams.NeuronDraw(first + Math.Min(i, last), d)
                    : RandomStreams.NeuronNoise(first + Math.Min(i, last), d - kernel.UniformDraws)).ToArray()).ToArray();
        }
        _countKernel = countKernel;
        _step = CpuKernelEmitter.Compile<T>(kernel, _injects, out bool compiled);
        countKernel(compiled);
    }

    /// <summary>
    /// Chooses whether the kernel reads <see cref="Injected"/>: the engine decides it when the network is loaded and again
    /// before each run (sources can be added or removed between runs), never per step. A group that no current source or
    /// coupling targets holds +0.0 in every cell, and the kernel that takes +0 without loading the array gives the same bits
    /// (one array less per cell and step). Compiles the other kernel only when the choice changes.
    /// </summary>
    public void ReadInjected(bool injects)
    {
        if (injects == _injects) return;
        _injects = injects;
        _step = CpuKernelEmitter.Compile<T>(Kernel, injects, out bool compiled);
        _countKernel(compiled);
    }

    /// <summary>Whether the kernel reads <see cref="Injected"/> (else it takes +0 for every cell).</summary>
    internal bool ReadsInjected => _injects;

    /// <summary>New values for some buffers (the kernel unchanged).</summary>
    public void SetValues(IReadOnlyDictionary<string, double[]> values)
    {
        foreach (var (name, v) in values)
        {
            var b = Kernel.Buffer(name)!;
            _buffers[name] = b.Storage == Storage.Uniform ? [T.CreateTruncating(v[0])] : Pad(v);
        }
        _cells = Kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => _buffers[b.Name]).ToArray();
        _uniforms = Kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => _buffers[b.Name][0]).ToArray();
    }

    /// <summary>
    /// Advances cells [begin, end) by step <paramref name="step"/>; <paramref name="slotOffset"/> locates this step's input
    /// in the rings. The step's draws are made first (docs/semantics.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Update(int begin, int end, int slotOffset, long step)
    {
        int uniformDraws = Kernel.UniformDraws;
        for (int d = 0; d < Draws.Length; d++)
        {
            var draws = Draws[d];
            var streams = _drawStreams[d];
            if (d < uniformDraws) for (int i = begin; i < end; i++) draws[i] = T.CreateTruncating(Philox.Uniform(_seed, streams[i], (ulong)step));
            else for (int i = begin; i < end; i++) draws[i] = T.CreateTruncating(Philox.Normal(_seed, streams[i], (ulong)step));
        }
        return _step(begin, end, _cells, _uniforms, Draws, Injected, Refractory, SpikeList, Rings, slotOffset, T.CreateTruncating(_dt), T.CreateTruncating(step * _dt));
    }

    /// <summary>Per chunk of the last update, its first cell and the number of spikes it wrote; set by the engine.</summary>
    public (int Begin, int Count)[] SpikeCounts { get; set; } = [];

    /// <summary>Adds the cells that spiked in the last update, in ascending order, to <paramref name="cells"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CollectSpikes(List<int> cells)
    {
        foreach (var (begin, count) in SpikeCounts)
            for (int k = begin, last = begin + count; k < last; k++)
            {
                int cell = SpikeList[k];
                if (cell < Size) cells.Add(cell); // padding lanes repeat the last cell and are not cells
            }
    }

    /// <summary>States from <paramref name="initial"/>; refractory counters and spike flags cleared.</summary>
    public void Reset(IReadOnlyDictionary<string, double[]> initial)
    {
        foreach (var s in States) Pad(initial[s]).CopyTo(_buffers[s], 0);
        Array.Clear(Refractory);
        Array.Clear(SpikeCounts);
    }

    /// <summary>A copy of per-cell values, rounded to <typeparamref name="T"/>, padded to <see cref="PaddedSize"/> by repeating the last cell.</summary>
    private T[] Pad(double[] values)
    {
        var padded = new T[PaddedSize];
        int given = Math.Min(values.Length, Size);
        for (int i = 0; i < given; i++) padded[i] = T.CreateTruncating(values[i]);
        for (int i = given; i < PaddedSize; i++) padded[i] = T.CreateTruncating(values[given - 1]);
        return padded;
    }
}

/// <summary>
/// Spike sources: Poisson (counter-based draws per time index), or a host-scheduled source (arrays, gamma, Poisson with dead
/// time, inhomogeneous gamma) produced by the backend-neutral <see cref="HostSpikeSchedule"/>.
/// </summary>
internal sealed class SourceGroup : CellGroup
{
    private readonly double _dt;
    private readonly ulong _seed;
    private double[] _rate, _start, _duration;
    /// <summary>Per cell, the probability of a spike in one step, 1 − e^(−rate·dt); 0 where the rate is not positive.</summary>
    private double[] _probability = [];
    private readonly HostSpikeSchedule? _schedule;

    public SourceGroup(SpikeSourceProgram program, double dt, ulong seed) : base(program)
    {
        _dt = dt;
        _seed = seed;
        _rate = program.Parameters.GetValueOrDefault("rate") ?? [];
        _start = program.Parameters.GetValueOrDefault("start") ?? [];
        _duration = program.Parameters.GetValueOrDefault("duration") ?? [];
        if (HostSpikeSchedule.Handles(program.Kind)) _schedule = new HostSpikeSchedule(program, dt, seed);
        else if (program.Kind != SpikeSourceKinds.Poisson) throw new NotSupportedByBackendException(CpuBackend.BackendName, $"Spike source {program.ModelName}");
        Probabilities();
    }

    private void Probabilities() =>
        _probability = _rate.Select(r => r > 0 ? 1.0 - Math.Exp(-r * _dt / 1000.0) : 0.0).ToArray();

    /// <summary>
    /// Adds the cells that emit at time index s (a cell once per spike); <paramref name="lastIndex"/> is the run's last index.
    /// With precise spike times (<see cref="SpikeSourceProgram.PreciseTimes"/>), each spike's offset from the grid is added to
    /// <paramref name="offsets"/> in the same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Emit(long s, long lastIndex, List<int> cells, List<double> offsets)
    {
        if (_schedule is not null)
        {
            var window = _schedule.WindowAt(s, lastIndex);
            foreach (int i in window.CellsAt(s)) cells.Add(i);
            if (window.SpikeOffsetsAt(s) is { } precise) offsets.AddRange(precise);
            return;
        }
        double t = s * _dt;
        var probability = _probability;
        for (int i = 0; i < Size; i++)
        {
            double p = probability[i];
            if (p <= 0 || t < _start[i] || t >= _start[i] + _duration[i]) continue;
            double u = Philox.Uniform(_seed, RandomStreams.PoissonCell(Program.FirstGlobalIndex + i), (ulong)s);
            if (u < p) cells.Add(i);
        }
    }

    public void SetParameter(string name, double[] values)
    {
        if (_schedule is not null)
        {
            _schedule.SetParameter(name, values);
            return;
        }
        switch (name)
        {
            case "rate": _rate = (double[])values.Clone(); Probabilities(); break;
            case "start": _start = (double[])values.Clone(); break;
            case "duration": _duration = (double[])values.Clone(); break;
            default: throw new NonExistentParameterException(name, Program.ModelName, ["rate", "start", "duration"]);
        }
    }

    public void SetSequence(string name, double[][] values)
    {
        if (_schedule is null) throw new NonExistentParameterException(name, Program.ModelName, ["rate", "start", "duration"]);
        _schedule.SetSequence(name, values);
    }

    public void Reset() => _schedule?.Reset();
}
