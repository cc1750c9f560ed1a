using System.Numerics;
using System.Runtime.Intrinsics;
using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Lowering.Kernels;
using Meta.Models;
using Meta.Models.Standard;

namespace Meta.Tests.Cpu;

/// <summary>
/// The CPU kernels over <c>Vector512</c> (<see cref="LaneType.Wide"/>) compute what the <c>Vector&lt;T&gt;</c> kernels compute,
/// bit for bit: every standard neuron model and a model calling every function, with uniform and with per-cell values, in
/// float64 and float32, run side by side on the same random states, inputs and draws.
/// </summary>
public class WideKernelTests
{
    private const int Cells = 96; // whole vectors at every width (4, 8, 16 lanes)

    public static TheoryData<string, bool> Kernels()
    {
        var data = new TheoryData<string, bool>();
        foreach (var m in Models())
        {
            data.Add(m.Name, true);
            data.Add(m.Name, false);
        }
        return data;
    }

    private static IEnumerable<ModelDefinition> Models() =>
        StandardModels.All.Where(m => m.Kind == ModelKind.Neuron).Append(new ModelBuilder("wide_functions")
            .Parameter("tau", 10.0, "ms")
            .State("x", 0.5, "1")
            .Ode("x", "-x/tau + sin(x) + cos(x) + tan(x) + tanh(x) + exp(-x) + log(2 + x*x) + sqrt(1 + x*x) + pow(1 + x*x, 0.3) + abs(x) + floor(x) + ceil(x) + min(x, 1) + max(x, 0) + x**5")
            .Threshold("x > 3").Reset("x = 0")
            .Integrate(IntegrationScheme.RungeKutta4)
            .Build());

    [Vector512Theory]
    [MemberData(nameof(Kernels))]
    public void A_wide_kernel_gives_the_bits_of_the_narrow_one(string model, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(Models().Single(m => m.Name == model), uniform);
        Compare<double>(kernel, seed: 1);
        Compare<float>(kernel, seed: 2);
    }

    [Fact]
    public void A_kernel_refuses_cells_its_arrays_do_not_hold()
    {
        // The loop reaches the arrays through references, so the lengths are checked once, before it.
        var kernel = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_cond_exp, true);
        var step = CpuKernelEmitter.Compile<double>(kernel, out _);
        var run = new Run<double>(kernel, seed: 3);
        int w = LaneType.Width<double>();
        var ok = () => run.Step(step, 0);
        ok.Should().NotThrow();
        var ragged = () => step(0, WideKernelTests.Cells - 1, run.Cells, run.Uniforms, run.Draws, run.Injected, run.Refractory, run.Spikes, run.Rings, 0, 0.1, 0);
        ragged.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*whole vectors of {w} cells*");
        var cells = run.Cells.ToArray();
        cells[1] = new double[WideKernelTests.Cells - w];
        var shortBuffer = () => step(0, WideKernelTests.Cells, cells, run.Uniforms, run.Draws, run.Injected, run.Refractory, run.Spikes, run.Rings, 0, 0.1, 0);
        shortBuffer.Should().Throw<ArgumentException>().WithMessage("*buffer gsyn_exc*");
        var lateSlot = () => step(0, WideKernelTests.Cells, run.Cells, run.Uniforms, run.Draws, run.Injected, run.Refractory, run.Spikes, run.Rings, 3 * WideKernelTests.Cells, 0.1, 0);
        lateSlot.Should().Throw<ArgumentException>().WithMessage("*ring 0*");
    }

    private static void Compare<T>(CellKernel kernel, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        var narrow = CpuKernelEmitter.Compile<T>(kernel, new LaneType(single, Wide: false), out _);
        var wide = CpuKernelEmitter.Compile<T>(kernel, new LaneType(single, Wide: true), out _);
        var a = new Run<T>(kernel, seed);
        var b = new Run<T>(kernel, seed);
        for (int step = 0; step < 60; step++)
        {
            a.Input(step);
            b.Input(step);
            int na = a.Step(narrow, step), nb = b.Step(wide, step);
            nb.Should().Be(na, $"{kernel.Model} ({typeof(T).Name}) step {step}: spikes");
            b.Spikes.AsSpan(0, nb).ToArray().Should().Equal(a.Spikes.AsSpan(0, na).ToArray(), $"{kernel.Model} ({typeof(T).Name}) step {step}: spiking cells");
            for (int k = 0; k < a.Cells.Length; k++)
                Bits(b.Cells[k]).Should().Equal(Bits(a.Cells[k]), $"{kernel.Model} ({typeof(T).Name}) step {step}: buffer {k} bit for bit");
            Bits(b.Refractory).Should().Equal(Bits(a.Refractory), $"{kernel.Model} step {step}: refractory counters");
        }
    }

    private static long[] Bits<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        values.Select(v => typeof(T) == typeof(double) ? BitConverter.DoubleToInt64Bits(double.CreateTruncating(v)) : BitConverter.SingleToInt32Bits(float.CreateTruncating(v))).ToArray();

    /// <summary>One kernel's arrays, filled from a seeded stream (so two runs start alike).</summary>
    private sealed class Run<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly System.Random _random;
        private const int Slots = 3;

        public Run(CellKernel kernel, int seed)
        {
            _random = new System.Random(seed);
            Cells = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(_ => Fill(WideKernelTests.Cells, -1, 1)).ToArray();
            Uniforms = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(_ => Value(-1, 1)).ToArray();
            Draws = Enumerable.Range(0, kernel.UniformDraws + kernel.NormalDraws).Select(_ => Fill(WideKernelTests.Cells, 0, 1)).ToArray();
            Rings = Enumerable.Range(0, kernel.Receptors).Select(_ => new T[WideKernelTests.Cells * Slots]).ToArray();
            Injected = Fill(WideKernelTests.Cells, -1, 1);
            Refractory = Enumerable.Range(0, WideKernelTests.Cells).Select(_ => T.CreateTruncating(_random.Next(0, 3))).ToArray();
        }

        public T[][] Cells { get; }
        public T[] Uniforms { get; }
        public T[][] Draws { get; }
        public T[][] Rings { get; }
        public T[] Injected { get; }
        public T[] Refractory { get; }
        public int[] Spikes { get; } = new int[WideKernelTests.Cells];

        private T Value(double low, double high) => T.CreateTruncating(low + (high - low) * _random.NextDouble());

        private T[] Fill(int count, double low, double high) => Enumerable.Range(0, count).Select(_ => Value(low, high)).ToArray();

        /// <summary>Input for this step: some cells get a conductance or current of up to 50 (so exp(b·dt) leaves the Taylor range).</summary>
        public void Input(int step)
        {
            int slot = step % Slots * WideKernelTests.Cells;
            foreach (var ring in Rings)
                for (int i = 0; i < WideKernelTests.Cells; i++)
                    if (_random.Next(4) == 0) ring[slot + i] += Value(0, 50);
            foreach (var draws in Draws)
                for (int i = 0; i < draws.Length; i++) draws[i] = Value(0, 1);
        }

        public int Step(CellKernelStep<T> kernel, int step) =>
            kernel(0, WideKernelTests.Cells, Cells, Uniforms, Draws, Injected, Refractory, Spikes, Rings, step % Slots * WideKernelTests.Cells, T.CreateTruncating(0.1), T.CreateTruncating(step * 0.1));
    }
}

/// <summary>A theory that needs the wide kernels (AVX-512 with 256-bit <c>Vector&lt;T&gt;</c>); skipped with the reason elsewhere, never passed.</summary>
public sealed class Vector512TheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> where the engine never writes wide kernels.</summary>
    public Vector512TheoryAttribute()
    {
        if (!Vector512.IsHardwareAccelerated || Vector<byte>.Count != 32)
            Skip = "Vector512 is not accelerated here (or Vector<T> is not 256 bits): the cpu engine writes no wide kernels on this machine.";
    }
}
