using Meta.Expressions;
using Meta.Lowering;
using Meta.Models;

namespace Meta.Tests.Models;

/// <summary>The model language's white-noise terms: what is accepted, how the plan integrates them, what is refused.</summary>
public class NoiseTermTests
{
    private static ModelBuilder Ou() => new ModelBuilder("OU")
        .Parameter("mu", -60, "mV").Parameter("sigma", 4, "mV").Parameter("tau", 10, "ms").Parameter("tau_s", 5, "ms")
        .State("v", -70, "mV").State("g", 0, "nS");

    [Fact]
    public void Noise_terms_are_numbered_in_order_of_first_use_and_the_same_name_is_the_same_process()
    {
        var model = Ou().Ode("v", "(mu - v)/tau + sigma*xi_b + xi").Ode("g", "-g/tau_s + 0.1*xi_b").Build();
        model.NoiseTerms.Should().Equal("xi_b", "xi");
    }

    [Fact]
    public void Automatic_picks_Euler_Maruyama_and_keeps_noise_free_linear_states_exact()
    {
        var model = Ou().Ode("v", "(mu - v)/tau + g + sigma*sqrt(2/tau)*xi").Ode("g", "-g/tau_s").Build();
        var plan = IntegrationPlan.For(model);
        plan.Scheme.Should().Be(IntegrationScheme.EulerMaruyama);
        plan.Linear.SelectMany(c => c.States).Should().Equal("g");
        var v = plan.Nonlinear.Should().ContainSingle().Subject;
        v.Name.Should().Be("v");
        v.RightHandSide.Symbols().Should().NotContain("xi", "the right-hand side of a stochastic state is its drift");
        v.Noise.Should().ContainSingle().Which.Draw.Should().Be(0);
        v.Noise[0].Coefficient.Evaluate(n => n switch { "sigma" => 4, "tau" => 8, _ => double.NaN }).Should().BeApproximately(2, 1e-12);
        plan.MidStepNeeded.Should().BeEmpty("Euler–Maruyama reads every state at the start of the step");
    }

    [Fact]
    public void Milstein_keeps_the_derivative_of_a_multiplicative_coefficient()
    {
        var model = new ModelBuilder("GBM").Parameter("m", 0.02, "1/ms").Parameter("s", 0.2, "").State("x", 1, "")
            .Ode("x", "m*x", noise: "s*x").Integrate(IntegrationScheme.Milstein).Build();
        model.NoiseTerms.Should().Equal("xi_x");
        var term = IntegrationPlan.For(model).Nonlinear.Single().Noise.Single();
        term.SelfDerivative!.Evaluate(n => n == "s" ? 0.2 : 3.0).Should().BeApproximately(0.2, 1e-12);
    }

    [Fact]
    public void Noise_outside_ODEs_nonlinear_noise_and_deterministic_schemes_are_refused_by_name()
    {
        FluentActions.Invoking(() => Ou().Ode("v", "-v/tau").Threshold("v + xi > 0").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*threshold uses the noise term 'xi'*");
        FluentActions.Invoking(() => Ou().Ode("v", "-v/tau + xi*xi").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*not linear in the noise term 'xi'*");
        FluentActions.Invoking(() => Ou().Ode("v", "-v/tau + xi").Integrate(IntegrationScheme.RungeKutta4).Build())
            .Should().Throw<InvalidModelException>().WithMessage("*need a stochastic scheme (EulerMaruyama or Milstein), not RungeKutta4*");
        FluentActions.Invoking(() => new ModelBuilder("bad").Parameter("xi_1", 1, "").State("v", 0, "mV").Ode("v", "-v").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*'xi_1' is reserved for noise terms*");
    }

    [Fact]
    public void Milstein_refuses_noise_that_is_not_diagonal()
    {
        var shared = Ou().Ode("v", "-v/tau + xi").Ode("g", "-g/tau_s + xi").Integrate(IntegrationScheme.Milstein).Build();
        FluentActions.Invoking(() => IntegrationPlan.For(shared))
            .Should().Throw<InvalidModelException>().WithMessage("*Milstein needs diagonal noise, but 'xi' drives v and g*");
        var crossed = Ou().Ode("v", "-v/tau + g*xi_v").Ode("g", "-g/tau_s + xi_g").Integrate(IntegrationScheme.Milstein).Build();
        FluentActions.Invoking(() => IntegrationPlan.For(crossed))
            .Should().Throw<InvalidModelException>().WithMessage("*depends on the noisy state 'g'*");
    }

    [Fact]
    public void A_changed_copy_of_a_model_derives_its_own_members()
    {
        var model = Ou().Ode("v", "(mu - v)/tau").Ode("g", "-g/tau_s").Build();
        model.KernelParameters.Should().Contain("tau_s");
        model.NoiseTerms.Should().BeEmpty();
        var copy = model with
        {
            Parameters = model.Parameters.Where(p => p.Name != "tau_s").Append(new ParameterDefinition("tau_g", 3, "ms")).ToArray(),
            Odes = [new OdeDefinition("v", Expr.Parse("(mu - v)/tau + xi")), new OdeDefinition("g", Expr.Parse("-g/tau_g"))],
        };
        copy.KernelParameters.Should().Contain("tau_g").And.NotContain("tau_s");
        copy.KernelParameterDefaults["tau_g"].Should().Be(3);
        copy.NoiseTerms.Should().Equal("xi");
        model.KernelParameters.Should().Contain("tau_s", "the original is unchanged");
    }
}
