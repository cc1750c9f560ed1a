using Meta.Backends.Cpu;
using Meta.Backends.Programs;
using Meta.Lowering;
using Meta.Lowering.Measures;

namespace Meta.Tests.Sweeps;

public sealed class SpikeMeasureLoweringTests
{
    [Theory]
    [InlineData(150, 0.025, 6000)]
    [InlineData(150, 0.1, 1500)]
    [InlineData(10, 0.3, 34)]
    [InlineData(0.01, 0.1, 1)]
    public void The_gap_is_the_fewest_steps_that_reach_the_largest_interval(double interval, double dt, int steps)
    {
        int gap = SpikeMeasureLowering.GapStepsOf(interval, dt);
        gap.Should().Be(steps);
        (gap * dt >= interval).Should().BeTrue();
        if (gap > 1) ((gap - 1) * dt < interval).Should().BeTrue();
    }

    [Fact]
    public void Bad_intervals_are_refused_with_their_value()
    {
        var act = () => SpikeMeasureLowering.GapStepsOf(0, 0.1);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*largest interval inside a burst*");
    }

    [Fact]
    public void Measures_are_zeroed_states_of_every_neuron_group_and_a_new_kernel()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1 });
        sim.CreatePopulation(2, new CellType("SpikeSourceArray"), "input");
        sim.CreatePopulation(3, new CellType("IF_cond_exp"), "cells");
        var program = new NetworkLowering(sim.Resolve()).Program;
        var before = ((NeuronGroupProgram)program.Groups[1]).Kernel.Key;

        var measured = SpikeMeasureLowering.Append(program, 150);

        measured.Groups[0].Should().BeSameAs(program.Groups[0]);
        var group = (NeuronGroupProgram)measured.Groups[1];
        group.States.Should().EndWith(SpikeMeasureLowering.States);
        foreach (var s in SpikeMeasureLowering.States)
        {
            group.Values[s].Should().Equal(0.0, 0.0, 0.0);
            group.Kernel.Buffer(s)!.Role.Should().Be(BufferRole.State);
        }
        group.Values[SpikeMeasureLowering.GapSteps].Should().Equal(1500.0);
        group.Kernel.Key.Should().NotBe(before);
        group.Kernel.Phases.Single(p => p.Phase == Phase.Store).Statements.OfType<Store>().Select(s => s.Buffer).Should().Contain(SpikeMeasureLowering.States);
        var twice = () => SpikeMeasureLowering.Append(measured, 150);
        twice.Should().Throw<InvalidOperationException>().WithMessage("*already has spike measures*");
    }
}
