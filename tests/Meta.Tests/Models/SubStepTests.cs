using Meta.Lowering;
using Meta.Lowering.Kernels;
using Meta.Models;
using Meta.Models.Standard;

namespace Meta.Tests.Models;

/// <summary>Sub-steps (<see cref="ModelDefinition.MaxSubstep"/>): counted from dt, unrolled into the kernel, and exactly the finer step.</summary>
public class SubStepTests
{
    [Fact]
    public void The_sub_step_count_is_dt_over_the_longest_sub_step_rounded_up()
    {
        var plan = IntegrationPlan.For(HodgkinHuxley.HH_cond_exp);
        plan.SubSteps(0.1).Should().Be(4);
        plan.SubSteps(0.05).Should().Be(2);
        plan.SubSteps(0.06).Should().Be(3);
        plan.SubSteps(0.025).Should().Be(1);
        plan.SubSteps(0.01).Should().Be(1);
        IntegrationPlan.For(IntegrateAndFire.IF_cond_exp).SubSteps(0.1).Should().Be(1, "a model without MaxSubstep takes one step");
        NeuronGroupLowering.KernelOf(HodgkinHuxley.HH_cond_exp, true, 0.1).Summary.Should().Contain("in 4 sub-steps");
        NeuronGroupLowering.KernelOf(HodgkinHuxley.HH_cond_exp, true, 0.01).Summary.Should().NotContain("sub-steps");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_longest_sub_step_that_is_not_a_positive_time_is_refused(double maxStep) =>
        FluentActions.Invoking(() => Oscillator(IntegrationScheme.ExponentialMidpoint, maxStep))
            .Should().Throw<InvalidModelException>().WithMessage("*MaxSubstep*positive*");

    [Fact]
    public void A_stochastic_model_cannot_have_sub_steps() =>
        FluentActions.Invoking(() => new ModelBuilder("noisy").Parameter("s", 1, "mV").State("v", 0, "mV").Ode("v", "-v + s*xi").MaxSubstep(0.01).Build())
            .Should().Throw<InvalidModelException>().WithMessage("*MaxSubstep*deterministic*");

    /// <summary>
    /// With no exactly integrated states and a constant drive, n sub-steps of dt/n are n steps of dt/n: the trace at dt with
    /// sub-steps equals the trace at dt/n without, sample for sample, for each deterministic scheme.
    /// </summary>
    [Theory]
    [InlineData(IntegrationScheme.ExponentialMidpoint)]
    [InlineData(IntegrationScheme.ExponentialEuler)]
    [InlineData(IntegrationScheme.RungeKutta4)]
    public void Sub_steps_give_the_trace_of_the_finer_step(IntegrationScheme scheme)
    {
        var coarse = Run(Oscillator(scheme, 0.025), 0.1);
        var fine = Run(Oscillator(scheme, null), 0.025);
        var single = Run(Oscillator(scheme, null), 0.1);
        coarse.Should().HaveCount(201);
        fine.Should().HaveCount(801);
        double largestSingleStepError = 0;
        for (int i = 0; i < coarse.Length; i++)
        {
            coarse[i].Should().BeApproximately(fine[4 * i], 1e-9, $"sample {i}");
            largestSingleStepError = Math.Max(largestSingleStepError, Math.Abs(single[i] - fine[4 * i]));
        }
        largestSingleStepError.Should().BeGreaterThan(1e-8, "without sub-steps dt = 0.1 is a different (coarser) trace");
    }

    /// <summary>Sub-stepped HH is closer to its own fine-step solution at dt = 0.1 than one step was (docs/accuracy.md).</summary>
    [Fact]
    public void Sub_stepped_HH_at_dt_0_1_is_near_the_converged_spikes()
    {
        var hh = new CellType("HH_cond_exp");
        var coarse = Spikes(hh, 0.1);
        var converged = Spikes(hh, 0.005);
        coarse.Should().HaveCount(converged.Length).And.HaveCountGreaterThan(3);
        for (int i = 0; i < coarse.Length; i++) coarse[i].Should().BeApproximately(converged[i], 0.25, $"spike {i}");
    }

    /// <summary>Two states, each linear in itself and reading the other (the midpoint's case), driven by a function of t.</summary>
    private static ModelDefinition Oscillator(IntegrationScheme scheme, double? maxStep)
    {
        var b = new ModelBuilder("oscillator").Parameter("drive", 0.5, "mV/ms")
            .State("v", -1.0, "mV").State("w", 0.0, "mV")
            .Ode("v", "-v*(1 + w*w) + drive*sin(0.5*t) + 1").Ode("w", "0.08*(v + 0.7 - 0.8*w)")
            .Integrate(scheme);
        if (maxStep is { } h) b.MaxSubstep(h);
        return b.Build();
    }

    private static double[] Run(ModelDefinition model, double dt)
    {
        using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = dt, MinDelay = 0.1 });
        var cell = sim.CreatePopulation(1, new CellType(model));
        cell.Record("v");
        sim.Run(20);
        return cell.GetData().Segments[0].Signal("v").Column(0);
    }

    private static double[] Spikes(CellType cellType, double dt)
    {
        using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = dt, MinDelay = 0.1 });
        var cell = sim.CreatePopulation(1, cellType.With("i_offset", 0.3));
        cell.Record("spikes");
        sim.Run(100);
        return cell.GetData().Segments[0].SpikeTrains[0].Times;
    }
}
