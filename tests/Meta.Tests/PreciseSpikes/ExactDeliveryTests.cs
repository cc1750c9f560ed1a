using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Lowering.Kernels;
using Meta.Models.Standard;
using Meta.Network;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Tests.PreciseSpikes;

/// <summary>
/// Exact delivery of off-grid spikes (docs/semantics.md, "Exact delivery"): which receptors qualify (decided from the
/// model's equations, not its name), what the kernel reads, and the warnings. What the cells then compute is checked on
/// every backend by the conformance scenarios <c>dynamics/off-grid-delivery/*</c>.
/// </summary>
public class ExactDeliveryTests
{
    [Fact]
    public void Exponential_current_and_conductance_receptors_qualify_with_their_decay_rate_and_the_membrane_slope()
    {
        var curr = ExactDelivery.For(IntegrateAndFire.IF_curr_exp);
        curr.Select(p => p.Receptor).Should().Equal(0, 1);
        curr[0].Rate.Evaluate(n => n == "tau_syn_E" ? 4.0 : double.NaN).Should().BeApproximately(0.25, 1e-15);
        curr[0].Slopes.Should().ContainSingle().Which.State.Should().Be("v");
        curr[0].Slopes[0].Slope.Evaluate(n => n == "cm" ? 2.0 : double.NaN).Should().BeApproximately(0.5, 1e-15);

        var cond = ExactDelivery.For(IntegrateAndFire.IF_cond_exp);
        cond.Should().HaveCount(2);
        // ∂f_v/∂g_exc = (e_rev_E − v)/cm: the charge moves v by the driving force at the step's start.
        cond[0].Slopes.Single().Slope.Evaluate(n => n switch { "e_rev_E" => 0.0, "v" => -65.0, "cm" => 1.0, _ => double.NaN })
            .Should().BeApproximately(65.0, 1e-12);
    }

    [Fact]
    public void Voltage_jumps_do_not_qualify_and_alpha_synapses_qualify_with_a_stated_limit()
    {
        ExactDelivery.For(IntegrateAndFire.IF_curr_delta).Should().BeEmpty();
        ExactDelivery.Limits(IntegrateAndFire.IF_curr_delta).Should().ContainSingle().Which.Should().Contain("'excitatory', 'inhibitory'");
        var alpha = ExactDelivery.For(IntegrateAndFire.IF_curr_alpha);
        alpha.Should().HaveCount(2);
        alpha[0].Slopes.Single().State.Should().Be("isyn_exc", "the charge of ysyn reaches the current, not the membrane");
        ExactDelivery.Limits(IntegrateAndFire.IF_curr_alpha).Should().HaveCount(2).And.AllSatisfy(l => l.Should().Contain("first order"));
        ExactDelivery.Limits(IntegrateAndFire.IF_curr_exp).Should().BeEmpty();
    }

    [Fact]
    public void The_off_grid_kernel_reads_a_second_ring_per_qualifying_receptor()
    {
        var kernel = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_cond_exp, true, 0.1, SpikePrecision.OffGrid);
        kernel.Receptors.Should().Be(4, kernel.ToText());
        var receive = kernel.Phases.Single(p => p.Phase == Phase.ReceiveEvents).Statements;
        receive.OfType<ReceiveInput>().Select(r => r.Receptor).Should().BeEquivalentTo([0, 1, 2, 3]);
        var grid = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_cond_exp, true, 0.1);
        grid.Receptors.Should().Be(2);
        grid.Phases.Single(p => p.Phase == Phase.ReceiveEvents).Statements.OfType<ReceiveInput>().Should().HaveCount(2);
    }

    [Fact]
    public void Off_grid_delivery_part_is_the_charge_fraction_and_zero_on_the_grid()
    {
        OffGridDelivery.Part(2.0, 0, 0.2).Should().Be(0);
        OffGridDelivery.Part(2.0, -0.05, 0.2).Should().BeApproximately(2.0 * (1 - Math.Exp(-0.01)), 1e-15);
    }

    [Fact]
    public void Off_grid_names_receptors_on_the_grid_and_alpha_limits_and_refuses_a_new_decay_rate_after_loading()
    {
        using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1, SpikePrecision = SpikePrecision.OffGrid });
        var input = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new double[][] { [1.03] }), "input");
        var exp = sim.CreatePopulation(1, new CellType("IF_curr_exp"), "exp");
        var alpha = sim.CreatePopulation(1, new CellType("IF_curr_alpha"), "alpha");
        var delta = sim.CreatePopulation(1, new CellType("IF_curr_delta"), "delta");
        foreach (var target in new[] { exp, alpha, delta }) _ = new Projection(input, target, new AllToAllConnector(), new StaticSynapse(0.5, 1.0));
        sim.Run(5);
        sim.Warnings.Should().Contain(w => w.Contains("population 'alpha'") && w.Contains("first order"));
        sim.Warnings.Should().Contain(w => w.Contains("population 'delta'") && w.Contains("'excitatory'") && w.Contains("on the grid"));
        sim.Warnings.Should().NotContain(w => w.Contains("population 'exp'"));
        exp.Set("tau_syn_E", 3.0);
        FluentActions.Invoking(() => sim.Run(1)).Should().Throw<InvalidParameterValueException>().WithMessage("*'exp'*excitatory*before the first run*");
    }

    [Fact]
    public void Off_grid_names_a_projection_with_synapse_dynamics_whose_source_carries_offsets_and_not_one_from_a_grid_source()
    {
        using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1, SpikePrecision = SpikePrecision.OffGrid });
        var precise = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new double[][] { [1.03] }), "precise");
        var poisson = sim.CreatePopulation(1, new CellType("SpikeSourcePoisson").With("rate", 10.0), "poisson");
        var target = sim.CreatePopulation(1, new CellType("IF_curr_exp"), "target");
        _ = new Projection(precise, target, new AllToAllConnector(), new TsodyksMarkramSynapse(0.5, 1.0, U: 0.5, tau_rec: 800), "excitatory", "depressing");
        _ = new Projection(poisson, target, new AllToAllConnector(), new TsodyksMarkramSynapse(0.5, 1.0, U: 0.5, tau_rec: 800), "excitatory", "from-grid");
        _ = new Projection(precise, target, new AllToAllConnector(), new StaticSynapse(0.5, 1.0), "excitatory", "static");
        sim.Run(5);
        sim.Warnings.Should().Contain(w => w.Contains("projection 'depressing'") && w.Contains("grid point after their arrival"));
        sim.Warnings.Should().NotContain(w => w.Contains("projection 'from-grid'") || w.Contains("projection 'static'"));
    }
}
