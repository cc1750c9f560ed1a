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
        kernel.Phases.SelectMany(p => p.Statements).OfType<LetMask>().Max(m => Nodes(m.Condition))
            .Should().BeGreaterThan(IlKernelEmitter<double>.MaskRecipeLimit, "the threshold's recipe is over the limit");
        foreach (bool wide in Wides())
        {
            var roslyn = CpuKernelEmitter.CompileRoslyn<double>(kernel, LaneType.Double with { Wide = wide }, out _);
            var il = IlKernels.Get<double>(kernel, wide, out _);
            KernelRun<double>.SameBits(kernel, roslyn, il, seed: 22, Steps).Should().BePositive($"cells spike (wide: {wide})");
            var roslyn32 = CpuKernelEmitter.CompileRoslyn<float>(kernel, LaneType.Float with { Wide = wide }, out _);
            var il32 = IlKernels.Get<float>(kernel, wide, out _);
            KernelRun<float>.SameBits(kernel, roslyn32, il32, seed: 23, Steps).Should().BePositive($"cells spike (float32, wide: {wide})");
        }
    }

    /// <summary>Narrow lanes, and wide ones where the engine writes them.</summary>
    private static IEnumerable<bool> Wides() => LaneType.WideAvailable ? [false, true] : [false];

    /// <summary>The comparisons and logical operators of a condition (the nodes its recipe holds).</summary>
    private static int Nodes(Expr e) => e switch
    {
        NotExpr u => 1 + Nodes(u.Operand),
        BinaryExpr { Operator: BinaryOperator.And or BinaryOperator.Or } b => 1 + Nodes(b.Left) + Nodes(b.Right),
        BinaryExpr { Operator: >= BinaryOperator.Less } => 1,
        _ => 0,
    };
}
