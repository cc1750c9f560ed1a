using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.Expressions;
using Meta.Models;

namespace Meta.Tests.Models;

/// <summary>
/// The model language's update blocks (<see cref="ModelDefinition.BeforeIntegration"/>, <see cref="ModelDefinition.AfterIntegration"/>):
/// validation, and their meaning in a step (docs/semantics.md, "Update blocks"), on the CPU backend; the conformance
/// scenario <c>nestml/update-block-vs-reference</c> checks every backend against it.
/// </summary>
public class UpdateBlockTests
{
    private static Expr E(string text) => Expr.Parse(text);

    /// <summary>A cell without equations that counts steps and emits a spike every <c>period</c> steps from its update block.</summary>
    private static ModelDefinition Clock() => new ModelBuilder("clock")
        .Parameter("period", 10, "")
        .State("n", 0.0, "")
        .Receptor("excitatory", "n", ReceptorKind.Current, "0")
        .AfterIntegration(
            new UpdateAssignment("n", E("n + 1")),
            new UpdateIf([new UpdateBranch(E("n >= period"), [new UpdateAssignment("n", E("0")), new UpdateEmitSpike()])]))
        .Build();

    private static (double[] Spikes, double[] Trace) Run(ModelDefinition model, string variable, double duration, Action<Populations.Population>? set = null)
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, MaxDelay = 1.0, Seed = 3, Precision = Precision.Float64 });
        var cells = sim.CreatePopulation(1, new CellType(model), "cells");
        set?.Invoke(cells);
        cells.Record(["spikes", variable]);
        sim.Run(duration);
        var segment = cells.GetData().Segments[0];
        return (segment.SpikeTrains[0].Times.ToArray(), segment.Signal(variable).Column(0));
    }

    [Fact]
    public void Emit_spike_in_the_update_block_fires_every_period_steps()
    {
        var (spikes, n) = Run(Clock(), "n", 5.0);
        spikes.Length.Should().BeGreaterThanOrEqualTo(4);
        spikes.Take(4).Select(x => Math.Round(x, 9)).Should().Equal([1.0, 2.0, 3.0, 4.0], "step k ends at (k+1)·dt; n reaches 10 in step 9, so the first spike is stamped at 1.0 ms");
        n.Take(12).Should().Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    }

    [Fact]
    public void A_previous_step_value_assigned_before_the_integration_lags_the_state_by_one_step()
    {
        var model = new ModelBuilder("leaky")
            .Parameter("tau", 10, "ms").Parameter("drive", 1, "mV")
            .State("v", 0.0, "mV").State("v_old", 0.0, "mV")
            .Ode("v", "(drive - v)/tau")
            .Receptor("excitatory", "v", ReceptorKind.VoltageJump)
            .BeforeIntegration(new UpdateAssignment("v_old", E("v")))
            .Build();
        var (_, v) = Run(model, "v", 2.0);
        var (_, old) = Run(model, "v_old", 2.0);
        for (int k = 1; k < v.Length; k++) old[k].Should().Be(v[k - 1], $"sample {k}");
        v[1].Should().BeApproximately(1 - Math.Exp(-0.01), 1e-12, "the integration itself is unchanged (exact propagator)");
    }

    [Fact]
    public void Locals_and_elif_branches_run_in_order_and_only_the_first_true_branch_runs()
    {
        // x counts 0..; the if/elif/else writes y = 1, 2, 3 by the first branch whose condition holds.
        var model = new ModelBuilder("branches")
            .State("x", 0.0, "").State("y", 0.0, "")
            .Receptor("excitatory", "x", ReceptorKind.Current, "0")
            .AfterIntegration(
                new UpdateAssignment("x", E("x + 1")),
                new UpdateLocal("half", E("x/2")),
                new UpdateIf([
                    new UpdateBranch(E("half <= 1"), [new UpdateAssignment("y", E("1"))]),
                    new UpdateBranch(E("half <= 2"), [new UpdateAssignment("y", E("2")), new UpdateAssignment("x", E("x"))]),
                    new UpdateBranch(null, [new UpdateAssignment("y", E("3"))])]))
            .Build();
        var (_, y) = Run(model, "y", 0.6);
        y.Should().Equal([0, 1, 1, 2, 2, 3, 3]);
    }

    [Fact]
    public void Update_blocks_are_validated_with_clear_messages()
    {
        var bad = () => new ModelBuilder("bad").State("v", 0.0, "mV").Ode("v", "-v")
            .BeforeIntegration(new UpdateEmitSpike()).Build();
        bad.Should().Throw<InvalidModelException>().WithMessage("*emit_spike() is allowed only after the integration*");
        var unknown = () => new ModelBuilder("bad").State("v", 0.0, "mV").Ode("v", "-v")
            .AfterIntegration(new UpdateAssignment("v", E("w"))).Build();
        unknown.Should().Throw<InvalidModelException>().WithMessage("*uses unknown name 'w'*");
        var refractory = () => new ModelBuilder("bad").State("v", 0.0, "mV").Ode("v", "-v")
            .AfterIntegration(new UpdateIf([new UpdateBranch(E("is_refractory"), [new UpdateAssignment("v", E("0"))])])).Build();
        refractory.Should().Throw<InvalidModelException>().WithMessage("*reads 'is_refractory', but the model has no refractory period*");
        var target = () => new ModelBuilder("bad").Parameter("a", 1, "").State("v", 0.0, "mV").Ode("v", "-v")
            .AfterIntegration(new UpdateAssignment("a", E("2"))).Build();
        target.Should().Throw<InvalidModelException>().WithMessage("*assigns 'a', which is neither a state variable nor a local declared before*");
    }
}
