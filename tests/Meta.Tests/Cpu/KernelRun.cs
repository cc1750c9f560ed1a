using System.Numerics;
using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;

namespace Meta.Tests.Cpu;

/// <summary>
/// One CPU kernel's arrays, filled from a seeded stream (so two runs start alike), and the comparison of two compiled forms
/// of a kernel run side by side on them, bit for bit (Vector512 against <c>Vector&lt;T&gt;</c>, IL against Roslyn).
/// </summary>
internal sealed class KernelRun<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of cells: whole vectors at every width (4, 8, 16 lanes).</summary>
    public const int Cells = 96;

    private const int Slots = 3;
    private readonly System.Random _random;

    public KernelRun(CellKernel kernel, int seed)
    {
        _random = new System.Random(seed);
        CellValues = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(_ => Fill(Cells, -1, 1)).ToArray();
        Uniforms = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(_ => Value(-1, 1)).ToArray();
        Draws = Enumerable.Range(0, kernel.UniformDraws + kernel.NormalDraws).Select(_ => Fill(Cells, 0, 1)).ToArray();
        Rings = Enumerable.Range(0, kernel.Receptors).Select(_ => new T[Cells * Slots]).ToArray();
        Injected = Fill(Cells, -1, 1);
        Refractory = Enumerable.Range(0, Cells).Select(_ => T.CreateTruncating(_random.Next(0, 3))).ToArray();
    }

    /// <summary>The per-cell buffers, in declaration order.</summary>
    public T[][] CellValues { get; }
    public T[] Uniforms { get; }
    public T[][] Draws { get; }
    public T[][] Rings { get; }
    public T[] Injected { get; }
    public T[] Refractory { get; }
    public int[] Spikes { get; } = new int[Cells];

    private T Value(double low, double high) => T.CreateTruncating(low + (high - low) * _random.NextDouble());

    private T[] Fill(int count, double low, double high) => Enumerable.Range(0, count).Select(_ => Value(low, high)).ToArray();

    /// <summary>Input for this step: some cells get a conductance or current of up to 50 (so exp(b·dt) leaves the Taylor range).</summary>
    public void Input(int step)
    {
        int slot = step % Slots * Cells;
        foreach (var ring in Rings)
            for (int i = 0; i < Cells; i++)
                if (_random.Next(4) == 0) ring[slot + i] += Value(0, 50);
        foreach (var draws in Draws)
            for (int i = 0; i < draws.Length; i++) draws[i] = Value(0, 1);
    }

    public int Step(CellKernelStep<T> kernel, int step) =>
        kernel(0, Cells, CellValues, Uniforms, Draws, Injected, Refractory, Spikes, Rings, step % Slots * Cells, T.CreateTruncating(0.1), T.CreateTruncating(step * 0.1));

    /// <summary>
    /// Runs <paramref name="first"/> and <paramref name="second"/> for <paramref name="steps"/> steps on two copies of the same
    /// random states, inputs and draws, and asserts after every step the same spiking cells and the same bits in every
    /// per-cell buffer, refractory counter and ring; returns the number of spikes seen (so a caller can tell a comparison
    /// in which nothing happened). <paramref name="setup"/>, where given, changes both copies alike before the first step
    /// (NaN states, say).
    /// </summary>
    public static int SameBits(CellKernel kernel, CellKernelStep<T> first, CellKernelStep<T> second, int seed, int steps, Action<KernelRun<T>>? setup = null)
    {
        var a = new KernelRun<T>(kernel, seed);
        var b = new KernelRun<T>(kernel, seed);
        setup?.Invoke(a);
        setup?.Invoke(b);
        string what = $"{kernel.Model} ({typeof(T).Name})";
        int spikes = 0;
        for (int step = 0; step < steps; step++)
        {
            a.Input(step);
            b.Input(step);
            int na = a.Step(first, step), nb = b.Step(second, step);
            nb.Should().Be(na, $"{what} step {step}: spikes");
            b.Spikes.AsSpan(0, nb).ToArray().Should().Equal(a.Spikes.AsSpan(0, na).ToArray(), $"{what} step {step}: spiking cells");
            for (int k = 0; k < a.CellValues.Length; k++)
                Bits(b.CellValues[k]).Should().Equal(Bits(a.CellValues[k]), $"{what} step {step}: buffer {k} bit for bit");
            Bits(b.Refractory).Should().Equal(Bits(a.Refractory), $"{what} step {step}: refractory counters");
            for (int r = 0; r < a.Rings.Length; r++)
                Bits(b.Rings[r]).Should().Equal(Bits(a.Rings[r]), $"{what} step {step}: ring {r}");
            spikes += na;
        }
        return spikes;
    }

    /// <summary>The bit patterns of <paramref name="values"/>.</summary>
    public static long[] Bits(T[] values) =>
        values.Select(v => typeof(T) == typeof(double) ? BitConverter.DoubleToInt64Bits(double.CreateTruncating(v)) : BitConverter.SingleToInt32Bits(float.CreateTruncating(v))).ToArray();
}
