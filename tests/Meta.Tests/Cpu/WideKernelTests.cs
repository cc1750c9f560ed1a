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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_kernel_refuses_cells_its_arrays_do_not_hold(bool roslyn)
    {
        // The loop reaches the arrays through references, so the lengths are checked once, before it; in the kernels emitted
        // as IL (the default) and in those compiled from C#.
        var kernel = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_cond_exp, true);
        var step = roslyn ? CpuKernelEmitter.CompileRoslyn<double>(kernel, LaneType.Of<double>(), out _) : IlKernels.Get<double>(kernel, out _);
        var run = new KernelRun<double>(kernel, seed: 3);
        int w = LaneType.Width<double>();
        var ok = () => run.Step(step, 0);
        ok.Should().NotThrow();
        var ragged = () => step(0, KernelRun<double>.Cells - 1, run.CellValues, run.Uniforms, run.Draws, run.Injected, run.Refractory, run.Spikes, run.Rings, 0, 0.1, 0);
        ragged.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*whole vectors of {w} cells*");
        var cells = run.CellValues.ToArray();
        cells[1] = new double[KernelRun<double>.Cells - w];
        var shortBuffer = () => step(0, KernelRun<double>.Cells, cells, run.Uniforms, run.Draws, run.Injected, run.Refractory, run.Spikes, run.Rings, 0, 0.1, 0);
        shortBuffer.Should().Throw<ArgumentException>().WithMessage("*buffer gsyn_exc*");
        var lateSlot = () => step(0, KernelRun<double>.Cells, run.CellValues, run.Uniforms, run.Draws, run.Injected, run.Refractory, run.Spikes, run.Rings, 3 * KernelRun<double>.Cells, 0.1, 0);
        lateSlot.Should().Throw<ArgumentException>().WithMessage("*ring 0*");
    }

    private static void Compare<T>(CellKernel kernel, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        var narrow = CpuKernelEmitter.Compile<T>(kernel, new LaneType(single, Wide: false), out _);
        var wide = CpuKernelEmitter.Compile<T>(kernel, new LaneType(single, Wide: true), out _);
        KernelRun<T>.SameBits(kernel, narrow, wide, seed, steps: 60);
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
