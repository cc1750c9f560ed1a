using Meta.Models;
using Meta.Projections;
using Meta.Projections.Connectors;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>Parameter values outside their model's domain are refused when given, naming the parameter, the cell and the value.</summary>
public class ParameterDomainTests
{
    [Fact]
    public void A_negative_membrane_time_constant_is_refused_with_the_cell_and_value()
    {
        using var sim = NewSimulation();
        var create = () => sim.CreatePopulation(3, new CellType("IF_curr_alpha").With("tau_m", new[] { 10.0, -10.0, 10.0 }), "cells");
        create.Should().Throw<InvalidParameterValueException>()
            .WithMessage("'tau_m' of IF_curr_alpha in 'cells' must be > 0 ms; cell 1 has -10 ms.");
    }

    [Theory]
    [InlineData("IF_cond_exp", "cm", 0.0, "> 0")]
    [InlineData("IF_curr_exp", "tau_syn_E", -1.0, "> 0")]
    [InlineData("IF_curr_exp", "tau_refrac", -0.1, "≥ 0")]
    [InlineData("HH_cond_exp", "gbar_Na", -5.0, "≥ 0")]
    [InlineData("EIF_cond_exp_isfa_ista", "delta_T", -1.0, "≥ 0")]
    [InlineData("IF_curr_exp", "v_rest", double.NaN, "a number (not NaN)")]
    public void Values_outside_the_domain_are_refused(string cellType, string parameter, double value, string domain)
    {
        using var sim = NewSimulation();
        var create = () => sim.CreatePopulation(1, new CellType(cellType).With(parameter, value), "p");
        create.Should().Throw<InvalidParameterValueException>().WithMessage($"'{parameter}' of {cellType} in 'p' must be {domain}*cell 0 has*");
    }

    [Fact]
    public void Values_on_an_inclusive_edge_are_accepted()
    {
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp").With("tau_refrac", 0.0), "cells");
        cells.Get("tau_refrac").Should().Equal(0.0, 0.0);
    }

    [Fact]
    public void Set_refuses_a_bad_value_and_keeps_the_old_ones()
    {
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(3, new CellType("IF_curr_exp"), "cells");
        var set = () => cells[2].Set("tau_m", -5.0);
        set.Should().Throw<InvalidParameterValueException>().WithMessage("'tau_m' of IF_curr_exp in 'cells' must be > 0 ms; cell 2 has -5 ms.");
        cells.Get("tau_m").Should().Equal(20.0, 20.0, 20.0);
    }

    [Fact]
    public void Array_parameter_elements_are_checked()
    {
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(1, new CellType("GIF_cond_exp"), "gif");
        var set = () => cells.Set("tau_eta__1", 0.0);
        set.Should().Throw<InvalidParameterValueException>().WithMessage("'tau_eta__1' of GIF_cond_exp in 'gif' must be > 0 ms*");
    }

    [Fact]
    public void Synapse_parameters_outside_their_domain_are_refused_on_creation_and_on_set()
    {
        using var sim = NewSimulation();
        var source = sim.CreatePopulation(2, new CellType("SpikeSourceArray"), "source");
        var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "cell");
        var create = () => new Projection(source, cell, new AllToAllConnector(), new TsodyksMarkramSynapse(0.01, 1.0, U: 1.5), "excitatory", "tm");
        create.Should().Throw<InvalidParameterValueException>()
            .WithMessage("'U' of TsodyksMarkramSynapse in projection 'tm' must be in [0, 1]; connection 0 (pre 0 → post 0) has 1.5.");

        var prj = new Projection(source, cell, new AllToAllConnector(), new TsodyksMarkramSynapse(0.01, 1.0), "excitatory", "tm");
        var set = () => prj.Set("tau_rec", -100.0);
        set.Should().Throw<InvalidParameterValueException>().WithMessage("'tau_rec' of TsodyksMarkramSynapse in projection 'tm' must be > 0 ms*");
        prj.Get("tau_rec").Should().Equal(100.0, 100.0);
    }

    [Fact]
    public void A_model_whose_default_lies_outside_its_own_domain_is_refused()
    {
        var build = () => new ModelBuilder("Bad").Parameter("tau", -1.0, "ms", "", ParameterDomain.Positive);
        build.Should().Throw<ArgumentException>().WithMessage("Parameter 'tau': its default -1 is not > 0.*");
    }

    [Fact]
    public void Domains_describe_themselves()
    {
        ParameterDomain.Positive.ToString().Should().Be("> 0");
        ParameterDomain.NonNegative.ToString().Should().Be("≥ 0");
        ParameterDomain.Probability.ToString().Should().Be("in [0, 1]");
        ParameterDomain.Probability.Contains(double.NaN).Should().BeFalse();
        ParameterDomain.Positive.Contains(double.PositiveInfinity).Should().BeTrue();
    }
}

/// <summary>Delays outside [min_delay, max_delay] are errors, as in PyNN, not rounded into range.</summary>
public class DelayRangeTests
{
    [Fact]
    public void A_delay_below_min_delay_is_refused_even_when_it_would_round_up_to_it()
    {
        using var sim = NewSimulation(timestep: 0.1, minDelay: 0.1, maxDelay: 5.0);
        var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp"), "cells");
        var create = () => new Projection(cells, cells, new AllToAllConnector(), new StaticSynapse(0.1, 0.05), "excitatory", "fast");
        create.Should().Throw<ConnectionException>().WithMessage("Projection 'fast': delay 0.05 ms is out of range [0.1, 5] ms (min_delay, max_delay).");
    }

    [Fact]
    public void Delays_at_the_limits_within_round_off_are_accepted()
    {
        using var sim = NewSimulation(timestep: 0.1, minDelay: 0.3, maxDelay: 5.0);
        var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp"), "cells");
        var prj = new Projection(cells, cells, new AllToAllConnector(), new StaticSynapse(0.1, 0.1 + 0.2), "excitatory");
        prj.Delays.Should().OnlyContain(d => Math.Abs(d - 0.3) < 1e-12);
    }
}

/// <summary>A time constant so small that its rate overflows is refused when the model is compiled, instead of hanging.</summary>
public class SubnormalTimeConstantTests
{
    [Fact]
    public void A_subnormal_synaptic_time_constant_is_refused_at_load()
    {
        using var sim = NewSimulation();
        sim.CreatePopulation(1, new CellType("IF_curr_exp").With("tau_syn_E", 5e-324), "cells");
        var run = () => sim.Run(0.1);
        run.Should().Throw<InvalidParameterValueException>().WithMessage("States *: The exact propagator*infinite or NaN*");
    }

    [Fact]
    public void A_tiny_but_normal_time_constant_runs()
    {
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(1, new CellType("IF_curr_exp").With("tau_syn_E", 1e-12), "cells");
        cells.Record("v");
        sim.Run(1);
        Signal(cells, "v").Column(0).Should().OnlyContain(v => double.IsFinite(v));
    }
}

/// <summary>A delay longer than the step program can count is refused where the projection is made, for C# users too.</summary>
public class DelayStepLimitTests
{
    [Fact]
    public void A_delay_past_int_steps_is_a_connection_error_not_an_index_error_at_load()
    {
        using var sim = NewSimulation(timestep: 0.1, minDelay: 0.1);
        var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp"), "cells");
        var create = () => new Projection(cells, cells, new AllToAllConnector(), new StaticSynapse(0.1, 1e308), "excitatory", "slow");
        create.Should().Throw<ConnectionException>().WithMessage("Projection 'slow': delay 1E+308 ms is * time steps of 0.1 ms, more than the 2,147,483,646 a delay may span*");
    }
}
