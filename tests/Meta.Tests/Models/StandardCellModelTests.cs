using Meta.Models;
using Meta.Expressions;
using Meta.Lowering;
using Meta.Models.Standard;

namespace Meta.Tests.Models;

/// <summary>The model-language features the issue-6 cell types need, and how the planner treats those cells.</summary>
public class StandardCellModelTests
{
    [Fact]
    public void Every_PyNN_neuron_type_is_in_the_catalogue()
    {
        foreach (var name in new[] { "HH_cond_exp", "EIF_cond_alpha_isfa_ista", "EIF_cond_exp_isfa_ista", "IF_cond_exp_gsfa_grr",
                     "Izhikevich", "GIF_cond_exp", "IF_facets_hardware1" })
            StandardModels.TryGet(name, out _).Should().BeTrue(name);
    }

    [Fact]
    public void Hodgkin_Huxley_gates_use_the_exponential_midpoint_scheme_and_a_crossing_threshold()
    {
        var plan = IntegrationPlan.For(HodgkinHuxley.HH_cond_exp);
        plan.Scheme.Should().Be(IntegrationScheme.ExponentialMidpoint);
        plan.Nonlinear.Select(n => n.Name).Should().Equal("v", "m", "h", "n");
        HodgkinHuxley.HH_cond_exp.ThresholdCrossing.Should().BeTrue();
        HodgkinHuxley.HH_cond_exp.Reset.Should().BeEmpty();
    }

    [Fact]
    public void A_single_nonlinear_state_keeps_plain_exponential_Euler()
    {
        IntegrationPlan.For(IntegrateAndFire.IF_cond_exp_gsfa_grr).Scheme.Should().Be(IntegrationScheme.ExponentialEuler);
        IntegrationPlan.For(GeneralizedIntegrateAndFire.GIF_cond_exp).Scheme.Should().Be(IntegrationScheme.ExponentialEuler);
    }

    [Fact]
    public void Exponential_terms_in_v_use_RK4()
    {
        IntegrationPlan.For(AdaptiveExponential.EIF_cond_exp_isfa_ista).Scheme.Should().Be(IntegrationScheme.RungeKutta4);
        IntegrationPlan.For(IzhikevichModels.Izhikevich).Scheme.Should().Be(IntegrationScheme.RungeKutta4);
    }

    [Fact]
    public void GIF_array_elements_are_kernel_parameters_and_its_adaptation_terms_are_exact()
    {
        var gif = GeneralizedIntegrateAndFire.GIF_cond_exp;
        gif.FindParameter("tau_eta")!.Shape.Should().Be(ParameterShape.Array);
        gif.FindParameter("tau_eta")!.Length.Should().Be(3);
        gif.KernelParameters.Should().Contain(["tau_eta__0", "tau_eta__1", "tau_eta__2", "a_gamma__2"]).And.NotContain("tau_eta");
        var linear = IntegrationPlan.For(gif).Linear.SelectMany(c => c.States).ToHashSet();
        linear.Should().Contain(["eta0", "gamma2", "i_eta", "v_t"], "they are linear with parameter coefficients");
        gif.RandomDraws.Should().Be(1);
        gif.Threshold!.Symbols().Should().Contain(ModelDefinition.RandomDrawSymbol(0));
    }

    [Fact]
    public void Each_uniform_call_becomes_its_own_draw()
    {
        var model = new ModelBuilder("Noisy").Parameter("p", 0.5, "")
            .State("v", 0.0, "mV").Ode("v", "-v + uniform()")
            .Threshold("uniform() < p").Reset("v = uniform()").Build();
        model.RandomDraws.Should().Be(3);
        model.Odes[0].RightHandSide.Symbols().Should().Contain("__uniform0");
        model.Threshold!.Symbols().Should().Contain("__uniform1");
        model.Reset[0].Value.Symbols().Should().Contain("__uniform2");
    }

    [Fact]
    public void A_refractory_period_may_be_a_constant_expression()
    {
        var facets = IntegrateAndFire.IF_facets_hardware1;
        facets.Refractory!.Period.Evaluate(_ => double.NaN).Should().Be(1.0);
        facets.FindParameter("cm").Should().BeNull("cm is fixed at 0.2 nF");
        var bad = () => new ModelBuilder("Bad").State("v", 0.0, "mV").Ode("v", "-v").Threshold("v > 1").Refractory("nope", "v = 0").Build();
        bad.Should().Throw<InvalidModelException>().WithMessage("*refractory period uses 'nope'*");
    }

    [Fact]
    public void Array_parameters_are_set_whole_or_per_element()
    {
        var cellType = new CellType("GIF_cond_exp").WithArray("tau_eta", 2.0, 20.0, 200.0);
        cellType["tau_eta__1"].ScalarValue.Should().Be(20.0);
        var wrongLength = () => cellType.WithArray("tau_eta", 1.0, 2.0);
        wrongLength.Should().Throw<InvalidParameterValueException>().WithMessage("*exactly 3 values*");
        var asScalar = () => cellType["tau_eta"] = 3.0;
        asScalar.Should().Throw<InvalidParameterValueException>().WithMessage("*array parameter*");
    }

    [Fact]
    public void PointNeuron_namespaces_receptor_parameters_and_refuses_mixed_responses()
    {
        var model = PointNeuron.Create(NeuronCore.LIF,
            ("NMDA", PostSynapticResponse.Create("BetaPSR")), ("AMPA", PostSynapticResponse.Create("ExpPSR").With("tau_syn", 2.0)));
        model.Receptors.Select(r => r.Name).Should().Equal("AMPA", "NMDA");
        model.FindParameter("AMPA.tau_syn")!.Default.Should().Be(2.0);
        model.FindParameter("NMDA.tau_rise")!.Default.Should().Be(0.2);
        model.Recordables.Should().Contain(["AMPA.gsyn", "NMDA.gsyn", "v", "spikes"]);
        model.ConductanceBased.Should().BeTrue();

        var mixed = () => PointNeuron.Create(NeuronCore.AdExp,
            ("a", PostSynapticResponse.Create("CurrExpPostSynapticResponse")), ("b", PostSynapticResponse.Create("AlphaPSR")));
        mixed.Should().Throw<InvalidModelException>().WithMessage("*cannot be mixed*");
        var unknown = () => PostSynapticResponse.Create("GammaPSR");
        unknown.Should().Throw<InvalidModelException>().WithMessage("*CondBetaPostSynapticResponse*");
        var badParameter = () => PostSynapticResponse.Create("AlphaPSR").With("tau_rise", 1.0);
        badParameter.Should().Throw<NonExistentParameterException>();
    }
}
