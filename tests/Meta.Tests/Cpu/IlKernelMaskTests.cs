using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Lowering.Kernels;
using Meta.Models;
using Meta.Models.Standard;

namespace Meta.Tests.Cpu;

/// <summary>
/// The IL kernels' condition locals are recipes, their comparisons emitted again at each use on operands held when the
/// condition was declared (IlKernelEmitter.Masks.cs): a use after an operand changed still sees the condition as declared,
/// and a condition too large to repeat is held in a vector local instead; either way the bits are the Roslyn kernel's.
/// </summary>
public class IlKernelMaskTests
{
    private const int Steps = 200;

    [Fact]
    public void A_condition_used_after_its_operand_changed_is_the_condition_as_declared()
    {
        // IF_curr_exp's spike condition (v >= v_thresh and not refractory) is declared, then v is reset where it holds, then
        // the refractory counter restarts and the spikes are emitted where it holds: a recipe that read v again would see the
        // reset v (below threshold), restart no counter and emit no spike.
        var kernel = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_curr_exp, false);
        var statements = kernel.Phases.SelectMany(p => p.Statements).ToList();
        var spike = statements.OfType<CountDown>().Single().Restart;
        int declared = statements.FindIndex(s => s is LetMask m && m.Name == spike);
        int reset = statements.FindIndex(s => s is Assign a && a.Where == spike);
        int restart = statements.FindIndex(s => s is CountDown);
        declared.Should().BeGreaterThanOrEqualTo(0);
        reset.Should().BeGreaterThan(declared, "v is reset after the spike condition is declared");
        restart.Should().BeGreaterThan(reset, "the counter restarts where the condition held, after the reset");
        statements.OfType<LetMask>().Single(m => m.Name == spike).Condition.Symbols().Should().Contain(((Assign)statements[reset]).Name,
            "the condition reads the variable the reset changes");

        foreach (bool wide in Wides())
        {
            var roslyn = CpuKernelEmitter.CompileRoslyn<double>(kernel, LaneType.Double with { Wide = wide }, out _);
            var il = IlKernels.Get<double>(kernel, wide, out _);
            KernelRun<double>.SameBits(kernel, roslyn, il, seed: 21, Steps).Should().BePositive($"cells spike (wide: {wide})");
        }
    }

    [Fact]
    public void A_condition_too_large_to_repeat_is_held_once_and_gives_the_same_bits()
    {
        var model = new ModelBuilder("il_large_condition")
            .Parameter("tau", 10.0, "ms")
            .State("v", 0.0, "mV")
            .Ode("v", "-v/tau + 0.4")
            .Threshold(string.Join(" or ", Enumerable.Range(0, IlKernelEmitter<double>.MaskRecipeLimit).Select(k => $"v > {1.5 + 0.01 * k}")))
            .Reset("v = 0").Refractory("2", "v = 0")
            .Build();
        var kernel = NeuronGroupLowering.KernelOf(model, false);
        kernel.Phases.SelectMany(p => p.Statements).OfType<LetMask>().Max(m => IlKernelEmitter<double>.RecipeSize(m.Condition, _ => null))
            .Should().BeGreaterThan(IlKernelEmitter<double>.MaskRecipeLimit, "the threshold's recipe is over the limit");
        foreach (bool wide in Wides())
        {
            IlKernelEmitter<double>.Emit(kernel, wide, out int held);
            held.Should().Be(1, $"the threshold alone is held in a vector local (wide: {wide})");
            var roslyn = CpuKernelEmitter.CompileRoslyn<double>(kernel, LaneType.Double with { Wide = wide }, out _);
            var il = IlKernels.Get<double>(kernel, wide, out _);
            KernelRun<double>.SameBits(kernel, roslyn, il, seed: 22, Steps).Should().BePositive($"cells spike (wide: {wide})");
            var roslyn32 = CpuKernelEmitter.CompileRoslyn<float>(kernel, LaneType.Float with { Wide = wide }, out _);
            var il32 = IlKernels.Get<float>(kernel, wide, out _);
            KernelRun<float>.SameBits(kernel, roslyn32, il32, seed: 23, Steps).Should().BePositive($"cells spike (float32, wide: {wide})");
        }
    }

    [Fact]
    public void A_condition_of_exactly_the_limit_is_repeated_and_gives_the_same_bits()
    {
        // not (v > c0 or ... or v > c11): 12 comparisons, 11 ors and a not, 24 nodes.
        var big = E("not (" + string.Join(" or ", Enumerable.Range(0, 12).Select(k => $"L_x > {-0.6 + 0.1 * k}")) + ")");
        IlKernelEmitter<double>.RecipeSize(big, _ => null).Should().Be(IlKernelEmitter<double>.MaskRecipeLimit);
        var kernel = Kernel("il_limit_condition",
            new Let(L("x"), E("v")),
            new LetMask(L("big"), big),
            new Assign(L("x"), E("L_x + 0.5")),
            new Assign(L("x"), E("0 - L_x"), L("big")),
            new Store("v", E("L_x * 0.9")),
            new Store("w", Symbol("big")),
            new EmitSpikes(L("big")));
        foreach (bool wide in Wides())
        {
            IlKernelEmitter<double>.Emit(kernel, wide, out int held);
            held.Should().Be(0, $"a recipe of exactly the limit is emitted at each use (wide: {wide})");
            SameBitsBoth(kernel, wide, seed: 24).Should().BePositive();
        }
    }

    [Fact]
    public void A_condition_reading_a_condition_whose_operand_changed_between_them_is_each_as_declared()
    {
        var kernel = Kernel("il_condition_of_condition",
            new Let(L("x"), E("v")),
            new ReceiveInput(L("in"), 0),
            new LetMask(L("a"), E("L_x > th")),
            new Assign(L("x"), E("L_x + L_in * 0.05 + 0.25")),
            new LetMask(L("b"), E("L_a and L_x < 1.2")),
            new Assign(L("x"), E("L_x - 2"), L("b")),
            new Store("v", E("L_x")),
            new Store("w", E("w * 0.5 + L_a")),
            new EmitSpikes(L("b")));
        foreach (bool wide in Wides()) SameBitsBoth(kernel, wide, seed: 25).Should().BePositive($"cells spike (wide: {wide})");
    }

    [Fact]
    public void Not_equal_not_and_a_plain_number_condition_used_after_their_operands_changed_are_as_declared()
    {
        foreach (bool wide in Wides()) SameBitsBoth(OperandsChange(), wide, seed: 26).Should().BePositive($"cells spike (wide: {wide})");
    }

    [Fact]
    public void A_condition_whose_operand_calls_phi_is_the_same_in_the_fast_and_exact_loops()
    {
        // Inputs of up to 50 put b·dt outside phi's series range in some vectors, so the Fast loop stops and Exact takes over.
        var phi = new CallExpr(KernelSymbols.Phi, [Symbol("b"), new SymbolExpr(KernelSymbols.Timestep)]);
        var kernel = Kernel("il_phi_condition",
            new ReceiveInput(L("g"), 0),
            new Let(L("b"), E("0 - w - L_g")),
            new LetMask(L("c"), E("PHI < 0.9").Substitute("PHI", phi)),
            new Let(L("x"), E("v + dt * PHI").Substitute("PHI", phi)),
            new Assign(L("b"), E("0")),
            new Assign(L("x"), E("L_x * 0.5"), L("c")),
            new Store("v", E("L_x")),
            new Store("w", E("w * 0.9 + L_c")),
            new EmitSpikes(L("c")));
        foreach (bool wide in Wides()) SameBitsBoth(kernel, wide, seed: 27).Should().BePositive($"cells spike (wide: {wide})");
    }

    [Fact]
    public void Conditions_on_NaN_lanes_are_the_roslyn_kernels()
    {
        // Every third cell's v is NaN: every comparison with it is false but !=, which is true.
        static void NaNs<T>(KernelRun<T> run) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            for (int i = 0; i < KernelRun<T>.Cells; i += 3) run.CellValues[0][i] = T.NaN;
        }
        var kernel = OperandsChange();
        var ifCurr = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_curr_exp, false);
        ifCurr.Buffers[0].Name.Should().Be("v", "the NaNs go into v");
        foreach (bool wide in Wides())
        {
            SameBitsBoth(kernel, wide, seed: 28, NaNs<double>, NaNs<float>).Should().BePositive($"cells spike (wide: {wide})");
            SameBitsBoth(ifCurr, wide, seed: 29, NaNs<double>, NaNs<float>).Should().BePositive($"IF_curr_exp cells spike (wide: {wide})");
        }
    }

    [Fact]
    public void A_number_local_or_an_undeclared_name_used_as_a_condition_is_refused_for_roslyn_to_take()
    {
        var number = Kernel("il_number_as_condition",
            new Let(L("x"), E("v")),
            new LetMask(L("c"), E("L_x > 0")),
            new Assign(L("x"), E("0"), L("x")),
            new Store("v", E("L_x")));
        FluentActions.Invoking(() => IlKernelEmitter<double>.Emit(number, false)).Should().Throw<IlNotSupportedException>()
            .WithMessage("*'~x'*number local, not a condition local*");
        var undeclared = Kernel("il_undeclared_condition",
            new Let(L("x"), E("v")),
            new LetMask(L("c"), E("L_x > 0")),
            new Assign(L("x"), E("0"), L("d")),
            new Store("v", E("L_x")));
        FluentActions.Invoking(() => IlKernelEmitter<double>.Emit(undeclared, false)).Should().Throw<IlNotSupportedException>()
            .WithMessage("*'~d'*before it is declared*declared so far: ~c)*");
    }

    /// <summary>A kernel whose <c>!=</c>, <c>not</c>, plain-number and constant conditions are used after their operands changed.</summary>
    private static CellKernel OperandsChange() => Kernel("il_operands_change",
        new Let(L("x"), E("v")),
        new Let(L("y"), E("w")),
        new Let(L("k"), E("v > 0")),
        new Let(L("z"), E("L_x * (L_y > 0)")),
        new LetMask(L("ne"), E("L_x != th")),
        new LetMask(L("nk"), E("L_k != 0")),
        new LetMask(L("n"), E("not (L_y > 0.25)")),
        new LetMask(L("p"), E("L_z")),
        new LetMask(L("one"), E("1")),
        new Assign(L("x"), E("th")),
        new Assign(L("y"), E("0 - L_y")),
        new Assign(L("k"), E("0")),
        new Assign(L("z"), E("0")),
        new LetMask(L("s"), E("L_p and L_nk and not L_n and L_one")),
        new Store("v", E("L_x + L_y * 0.5 if L_ne and L_nk else L_y - 0.25")),
        new Store("w", E("0 - L_y * 0.75 if L_n or L_p else L_x * 0.5")),
        new EmitSpikes(L("s")));

    /// <summary>A kernel of one phase over per-cell v and w, uniform th and one receptor.</summary>
    private static CellKernel Kernel(string model, params Statement[] statements) => new()
    {
        Model = model,
        Buffers = [new("v", BufferRole.State, Storage.PerCell), new("w", BufferRole.State, Storage.PerCell), new("th", BufferRole.Parameter, Storage.Uniform)],
        Receptors = 1,
        Phases = [new KernelPhase(Phase.Integrate, statements)],
    };

    /// <summary>The kernel's local <paramref name="name"/>.</summary>
    private static string L(string name) => KernelSymbols.Local(name);

    private static Expr Symbol(string name) => new SymbolExpr(L(name));

    /// <summary>An expression in which <c>L_name</c> is the kernel's local <c>name</c>.</summary>
    private static Expr E(string text) =>
        Expr.Parse(text).Substitute(n => n.StartsWith("L_", StringComparison.Ordinal) ? new SymbolExpr(L(n[2..])) : null);

    /// <summary>IL against Roslyn, bit for bit, in float64 and float32; the spikes of both.</summary>
    private static int SameBitsBoth(CellKernel kernel, bool wide, int seed, Action<KernelRun<double>>? setup64 = null, Action<KernelRun<float>>? setup32 = null)
    {
        var roslyn = CpuKernelEmitter.CompileRoslyn<double>(kernel, LaneType.Double with { Wide = wide }, out _);
        var il = IlKernels.Get<double>(kernel, wide, out _);
        int spikes = KernelRun<double>.SameBits(kernel, roslyn, il, seed, Steps, setup64);
        var roslyn32 = CpuKernelEmitter.CompileRoslyn<float>(kernel, LaneType.Float with { Wide = wide }, out _);
        var il32 = IlKernels.Get<float>(kernel, wide, out _);
        return spikes + KernelRun<float>.SameBits(kernel, roslyn32, il32, seed + 100, Steps, setup32);
    }

    /// <summary>Narrow lanes, and wide ones where the engine writes them.</summary>
    private static IEnumerable<bool> Wides() => LaneType.WideAvailable ? [false, true] : [false];
}
