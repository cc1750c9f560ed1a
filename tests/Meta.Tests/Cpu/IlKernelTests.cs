using System.Numerics;
using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Lowering.Kernels;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Nestml;
using Meta.Network;
using Meta.Tests.Nestml;

namespace Meta.Tests.Cpu;

/// <summary>
/// The CPU kernels emitted as IL (<see cref="IlKernelEmitter{T}"/>, the default) compute what the kernels compiled from the
/// generated C# with Roslyn compute, bit for bit: every standard neuron model, a model calling every function, a model
/// with noise, NESTML fixtures and the off-grid (precise spike time) kernels, with uniform and with per-cell values, in
/// float64 and float32, run side by side for 200 steps on the same random states, inputs and draws.
/// </summary>
public class IlKernelTests
{
    private const int Steps = 200;

    private static readonly string[] NestmlFiles =
    [
        "neurons/aeif_cond_alpha_neuron.nestml",
        "neurons/izhikevich_psc_alpha_neuron.nestml",
        "neurons/iaf_psc_delta_neuron.nestml",
        "neurons/iaf_cond_beta_neuron.nestml",
        "neurons/hh_cond_exp_destexhe_neuron.nestml",
        "neurons/mat2_psc_exp_neuron.nestml",
    ];

    private static IEnumerable<ModelDefinition> Models() =>
        StandardModels.All.Where(m => m.Kind == ModelKind.Neuron)
            .Append(new ModelBuilder("il_functions")
                .Parameter("tau", 10.0, "ms")
                .State("x", 0.5, "1")
                .Ode("x", "-x/tau + sin(x) + cos(x) + tan(x) + tanh(x) + exp(-x) + log(2 + x*x) + sqrt(1 + x*x) + pow(1 + x*x, 0.3) + abs(x) + floor(x) + ceil(x) + min(x, 1) + max(x, 0) + x**5 + (1 if x > 0.2 else -1) * (0.5 if x != 0.3 and not (x <= -0.4) or x == 2 else 0.25)")
                .Threshold("x > 3 or x >= 4 and x < 9").Reset("x = 0")
                .Integrate(IntegrationScheme.RungeKutta4)
                .Build())
            .Append(new ModelBuilder("il_noise")
                .Parameter("tau", 10.0, "ms").Parameter("sigma", 0.5, "mV").Parameter("v_th", 1.0, "mV")
                .State("v", 0.0, "mV")
                .Ode("v", "-v/tau", "sigma")
                .Threshold("v > v_th").Reset("v = 0").Refractory("2", "v = 0")
                .Build());

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

    public static TheoryData<string, bool> OffGridKernels()
    {
        var data = new TheoryData<string, bool>();
        foreach (var m in Models().Where(PreciseSpikeTimes.AppliesTo))
        {
            data.Add(m.Name, true);
            data.Add(m.Name, false);
        }
        return data;
    }

    public static TheoryData<string, bool> NestmlKernels()
    {
        var data = new TheoryData<string, bool>();
        foreach (var f in NestmlFiles)
        {
            data.Add(f, true);
            data.Add(f, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void An_il_kernel_gives_the_bits_of_the_roslyn_one(string model, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(Models().Single(m => m.Name == model), uniform);
        Compare<double>(kernel, seed: 1);
        Compare<float>(kernel, seed: 2);
    }

    [Theory]
    [MemberData(nameof(OffGridKernels))]
    public void An_off_grid_il_kernel_gives_the_bits_of_the_roslyn_one(string model, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(Models().Single(m => m.Name == model), uniform, spikePrecision: SpikePrecision.OffGrid);
        kernel.SpikeOffset.Should().NotBeNull("the kernel is lowered with precise spike times");
        Compare<double>(kernel, seed: 3);
        Compare<float>(kernel, seed: 4);
    }

    [NestmlTheory]
    [MemberData(nameof(NestmlKernels))]
    public void A_nestml_il_kernel_gives_the_bits_of_the_roslyn_one(string file, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(NestmlModel.Load(NestmlFixtures.File(file)), uniform);
        Compare<double>(kernel, seed: 5);
        Compare<float>(kernel, seed: 6);
    }

    [Vector512Theory]
    [MemberData(nameof(Kernels))]
    public void A_wide_il_kernel_gives_the_bits_of_the_wide_roslyn_one_and_of_the_narrow_il_one(string model, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(Models().Single(m => m.Name == model), uniform);
        CompareWide<double>(kernel, seed: 7);
        CompareWide<float>(kernel, seed: 8);
    }

    [Vector512Theory]
    [MemberData(nameof(OffGridKernels))]
    public void An_off_grid_wide_il_kernel_gives_the_bits_of_the_wide_roslyn_one(string model, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(Models().Single(m => m.Name == model), uniform, spikePrecision: SpikePrecision.OffGrid);
        CompareWide<double>(kernel, seed: 9);
        CompareWide<float>(kernel, seed: 10);
    }

    [NestmlVector512Theory]
    [MemberData(nameof(NestmlKernels))]
    public void A_nestml_wide_il_kernel_gives_the_bits_of_the_wide_roslyn_one(string file, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(NestmlModel.Load(NestmlFixtures.File(file)), uniform);
        CompareWide<double>(kernel, seed: 11);
        CompareWide<float>(kernel, seed: 12);
    }

    [Fact]
    public void The_comparisons_cover_noise_draws_refractoriness_and_every_function()
    {
        // Guards the coverage the theories above claim: the noise model has normal draws and a refractory counter, and the
        // function model's kernel calls every function of the list both emitters translate (KernelFunctions), phi through
        // IF_cond_exp's exponential Euler step. A function added to the list but not to the model fails here; added to the
        // model, the theories above run it through both emitters and compare the bits.
        var noise = NeuronGroupLowering.KernelOf(Models().Single(m => m.Name == "il_noise"), false);
        noise.NormalDraws.Should().BeGreaterThan(0);
        noise.Refractory.Should().BeTrue();
        var functions = NeuronGroupLowering.KernelOf(Models().Single(m => m.Name == "il_functions"), false);
        string text = functions.ToText() + NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_cond_exp, false).ToText();
        KernelFunctions.All.Should().HaveCountGreaterThan(10);
        foreach (var f in KernelFunctions.All)
            text.Should().Contain(f.Name + "(", $"a kernel of the comparisons calls '{f.Name}'");
    }

    [Fact]
    public void A_kernel_emitted_again_comes_from_the_process_cache()
    {
        var kernel = NeuronGroupLowering.KernelOf(new ModelBuilder("il_cache_probe").Parameter("tau", 7.0, "ms").State("v", 0.0, "mV")
            .Ode("v", "-v/tau + 0.25").Threshold("v > 1").Reset("v = 0").Build(), true);
        var first = IlKernels.Get<double>(kernel, out bool emitted);
        emitted.Should().BeTrue();
        IlKernels.Get<double>(kernel with { }, out bool again).Should().BeSameAs(first, "a kernel of the same structure is reused");
        again.Should().BeFalse();
        IlKernels.Get<float>(kernel, out bool single).Should().NotBeNull();
        single.Should().BeTrue("float32 lanes are another kernel");
    }

    [Fact]
    public void A_kernel_asked_for_often_stays_cached_while_more_kernels_than_the_capacity_are_emitted()
    {
        // The cache forgets the least recently asked for kernel (as KernelCompiler's does), not every kernel at once: a kernel
        // asked for after each new one is never emitted again, however many others (more than the capacity) come and go.
        static CellKernel Probe(int k) => NeuronGroupLowering.KernelOf(new ModelBuilder($"il_lru_probe_{k + 1}").Parameter("tau", 7.0, "ms")
            .State("v", 0.0, "mV").Ode("v", "-v/tau + 0.25").Threshold("v > 1").Reset("v = 0").Build(), true);
        var kept = Probe(-1);
        Probe(0).Key.Should().NotBe(Probe(1).Key, "each probe is a kernel of its own");
        var first = IlKernels.Get<float>(kept, wide: false, out _);
        for (int k = 0; k < IlKernels.Capacity + 20; k++)
        {
            IlKernels.Get<float>(Probe(k), wide: false, out bool fresh).Should().NotBeNull();
            fresh.Should().BeTrue($"probe {k} was not asked for before");
            IlKernels.Get<float>(kept, wide: false, out bool again).Should().BeSameAs(first, $"the kept kernel is the most recent but one after probe {k}");
            again.Should().BeFalse();
        }
        IlKernels.Get<float>(Probe(0), wide: false, out bool forgotten);
        forgotten.Should().BeTrue("the least recently asked for kernels were forgotten");
    }

    [Fact]
    public void A_kernel_the_il_emitter_cannot_express_goes_to_roslyn_and_is_never_run_half_translated()
    {
        var good = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_curr_exp, true);
        var phases = good.Phases.ToList();
        int at = phases.FindIndex(p => p.Phase == Phase.Integrate);
        phases[at] = phases[at] with { Statements = [.. phases[at].Statements, new Let(KernelSymbols.Local("odd"), new CallExpr("erf", [new NumberExpr(0.5)]))] };
        var odd = good with { Model = "il_unknown_function", Phases = phases };

        var il = () => IlKernels.Get<double>(odd, out _);
        il.Should().Throw<IlNotSupportedException>().WithMessage("*'erf'*know exp, log, sqrt*phi*");
        // The fallback is Roslyn, whose C# dialect does not know erf either (both read one list): the error names the
        // function and the ones there are, from the C# side.
        var compile = () => CpuKernelEmitter.Compile<double>(odd, LaneType.Double, out _);
        compile.Should().Throw<NotSupportedException>().WithMessage("*'erf' in a CPU kernel*know exp, log, sqrt*phi*");
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("il", true)]
    [InlineData(" IL ", true)]
    [InlineData("roslyn", false)]
    public void The_environment_chooses_the_emitter(string? value, bool il) => IlKernels.Enabled(value).Should().Be(il);

    [Fact]
    public void An_unknown_emitter_is_refused_naming_the_valid_ones()
    {
        var bad = () => IlKernels.Enabled("llvm");
        bad.Should().Throw<ArgumentException>().WithMessage("*META_CPU_KERNEL_EMITTER='llvm'*il (the default), roslyn*");
    }

    [Theory]
    [InlineData("IF_curr_exp")]
    [InlineData("IF_cond_exp")]
    [InlineData("IF_curr_alpha")]
    public void The_bit_comparisons_see_spikes(string model)
    {
        // The comparisons above assert the same spiking cells after every step; this shows that those lists are not empty.
        var kernel = NeuronGroupLowering.KernelOf(StandardModels.All.Single(m => m.Name == model), false);
        var roslyn = CpuKernelEmitter.CompileRoslyn<double>(kernel, LaneType.Double, out _);
        var il = IlKernels.Get<double>(kernel, wide: false, out _);
        KernelRun<double>.SameBits(kernel, roslyn, il, seed: 1, Steps).Should().BePositive($"{model} spikes in {Steps} steps from the random states");
    }

    private static void Compare<T>(CellKernel kernel, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var roslyn = CpuKernelEmitter.CompileRoslyn<T>(kernel, new LaneType(typeof(T) == typeof(float)), out _);
        var il = IlKernels.Get<T>(kernel, wide: false, out _);
        KernelRun<T>.SameBits(kernel, roslyn, il, seed, Steps);

        // The comparison is not vacuous: one step changes the states.
        var before = new KernelRun<T>(kernel, seed);
        var after = new KernelRun<T>(kernel, seed);
        after.Input(0);
        after.Step(il, 0);
        Enumerable.Range(0, before.CellValues.Length).Any(k => !KernelRun<T>.Bits(before.CellValues[k]).SequenceEqual(KernelRun<T>.Bits(after.CellValues[k])))
            .Should().BeTrue($"{kernel.Model}: a step changes some state");
    }

    /// <summary>The wide IL kernel against the wide Roslyn one and against the narrow IL one; the run leaves phi's series range.</summary>
    private static void CompareWide<T>(CellKernel kernel, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var roslyn = CpuKernelEmitter.CompileRoslyn<T>(kernel, new LaneType(typeof(T) == typeof(float), Wide: true), out _);
        var wide = IlKernels.Get<T>(kernel, wide: true, out _);
        var narrow = IlKernels.Get<T>(kernel, wide: false, out _);
        KernelRun<T>.SameBits(kernel, roslyn, wide, seed, Steps);
        KernelRun<T>.SameBits(kernel, narrow, wide, seed, Steps);
    }
}

/// <summary>A theory that needs the NESTML fixtures and the wide kernels; skipped with the reason where either is missing, never passed.</summary>
public sealed class NestmlVector512TheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> where the fixtures are missing or Vector512 is not accelerated.</summary>
    public NestmlVector512TheoryAttribute() => Skip = NestmlFixtures.Missing ?? new Vector512TheoryAttribute().Skip;
}
