using Meta.Models;
using Meta.Lowering;
using Meta.Models.Standard;

namespace Meta.Tests.Models;

public class IntegrationPlanTests
{
    [Fact]
    public void Synaptic_states_are_exact_and_v_uses_exponential_Euler()
    {
        var plan = IntegrationPlan.For(IntegrateAndFire.IF_cond_exp);
        plan.Linear.SelectMany(c => c.States).Should().BeEquivalentTo(["gsyn_exc", "gsyn_inh"]);
        plan.Linear.Should().HaveCount(2, "the two conductances are independent components");
        plan.Nonlinear.Select(n => n.Name).Should().Equal("v");
        plan.Scheme.Should().Be(IntegrationScheme.ExponentialEuler);
        plan.MidStepNeeded.Should().BeEquivalentTo(["gsyn_exc", "gsyn_inh"]);
    }

    [Fact]
    public void Alpha_kernels_form_one_component_per_receptor()
    {
        var plan = IntegrationPlan.For(IntegrateAndFire.IF_curr_alpha);
        plan.Linear.Select(c => c.States.ToArray()).Should().BeEquivalentTo(new[] { new[] { "isyn_exc", "ysyn_exc" }, new[] { "isyn_inh", "ysyn_inh" } });
    }

    [Fact]
    public void Alpha_propagator_reproduces_the_alpha_function_exactly()
    {
        // y(0) = w, i(0) = 0 gives i(t) = w·(t/τ)·exp(1 − t/τ): peak w at t = τ.
        var plan = IntegrationPlan.For(IntegrateAndFire.IF_curr_alpha);
        var model = IntegrateAndFire.IF_curr_alpha;
        double tau = 0.5, dt = 0.1;
        var c = plan.ComputeCoefficients(n => n == "tau_syn_E" || n == "tau_syn_I" ? tau : model.FindParameter(n)!.Default, dt);
        var names = plan.Coefficients.Select(x => x.Name).ToList();
        double P(string row, string col) => c[names.IndexOf(LinearComponent.CoefficientName(row, col, ""))];
        double i = 0, y = 1;
        for (int k = 1; k <= 30; k++)
        {
            (i, y) = (P("isyn_exc", "isyn_exc") * i + P("isyn_exc", "ysyn_exc") * y, P("ysyn_exc", "ysyn_exc") * y);
            double t = k * dt;
            i.Should().BeApproximately(t / tau * Math.Exp(1 - t / tau), 1e-13);
        }
    }

    [Fact]
    public void Current_based_membrane_has_a_precomputed_factor()
    {
        var plan = IntegrationPlan.For(IntegrateAndFire.IF_curr_exp);
        plan.Nonlinear.Single().Factor.Should().BeOfType<Meta.Expressions.SymbolExpr>("B = −1/tau_m depends on parameters only");
    }

    [Fact]
    public void Nonlinear_self_dependence_selects_RK4()
    {
        var model = new ModelBuilder("quadratic")
            .Parameter("a", 0.04, "1/mV/ms").State("v", -70, "mV")
            .Ode("v", "a*v*v + 5*v + 140 + i_inj").Threshold("v >= 30").Reset("v = -65").Build();
        IntegrationPlan.For(model).Scheme.Should().Be(IntegrationScheme.RungeKutta4);
    }

    [Fact]
    public void Matrix_exponential_matches_the_scalar_exponential_and_a_known_2x2_case()
    {
        MatrixExponential.Compute(new double[,] { { -0.2 } }, 3)[0, 0].Should().BeApproximately(Math.Exp(-0.6), 1e-15);
        // exp([[0, 1], [-1, 0]]·t) is a rotation.
        var r = MatrixExponential.Compute(new double[,] { { 0, 1 }, { -1, 0 } }, 2.5);
        r[0, 0].Should().BeApproximately(Math.Cos(2.5), 1e-13);
        r[0, 1].Should().BeApproximately(Math.Sin(2.5), 1e-13);
        r[1, 0].Should().BeApproximately(-Math.Sin(2.5), 1e-13);
    }
}
