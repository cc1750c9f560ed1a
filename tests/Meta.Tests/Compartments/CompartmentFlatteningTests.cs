using Meta.Expressions;
using Meta.Lowering;
using Meta.Models;
using Meta.Models.Compartments;
using Meta.Models.Library;

namespace Meta.Tests.Compartments;

/// <summary>How a <see cref="CompartmentalModelBuilder"/> cell flattens into a <see cref="ModelDefinition"/>, and its errors.</summary>
public class CompartmentFlatteningTests
{
    private static readonly MechanismDefinition Leak = new MechanismBuilder("Leak")
        .Parameter("g", 0.1, "mS/cm2").Parameter("e", -65, "mV").Current("i", "g*(v - e)").Build();

    private static readonly MechanismDefinition CaPump = new MechanismBuilder("CaChannel")
        .Parameter("g", 1, "mS/cm2").State("m", 0.1).Ode("m", "(1/(1 + exp(-(v + 20)/5)) - m)/2")
        .Current("ica", "g*m*(v - eca)", ion: "ca").Build();

    private static CompartmentalModelBuilder TwoCompartments() => new CompartmentalModelBuilder("Two")
        .Mechanism(Leak)
        .Compartment("soma", c => c.Insert("Leak"))
        .Compartment("dend", c => c.Insert("Leak", ("g", 0.2)));

    [Fact]
    public void Members_are_namespaced_by_compartment_and_mechanism_with_their_units()
    {
        var model = TwoCompartments().AxialDensity("soma", "dend", "0.5", "0.25").Build();
        model.States.Select(s => s.Name).Should().Equal("soma.v", "dend.v");
        model.UnitOf("soma.v").Should().Be("mV");
        model.FindParameter("dend.Leak.g")!.Default.Should().Be(0.2, "the compartment's override");
        model.FindParameter("soma.Leak.g")!.Default.Should().Be(0.1, "the mechanism's default");
        model.UnitOf("soma.Leak.g").Should().Be("mS/cm2");
        model.UnitOf("soma.area").Should().Be("cm2");
        model.UnitOf("soma.cm").Should().Be("uF/cm2");
        model.Recordables.Should().Contain(["spikes", "soma.v", "dend.v"]);
        model.Threshold!.ToString().Should().Contain("soma.v");
        model.Odes.Single(o => o.State == "soma.v").RightHandSide.Symbols().Should().Contain(["i_inj", "i_offset", "dend.v"]);
        model.Odes.Single(o => o.State == "dend.v").RightHandSide.Symbols().Should().NotContain("i_inj", "current sources inject into the soma only");
    }

    [Fact]
    public void Ion_currents_drive_a_concentration_and_receptors_are_named_by_compartment()
    {
        var model = new CompartmentalModelBuilder("Ca")
            .Compartment("soma", c => c.Ion("ca", 120).Concentration("ca", 0.05, "-0.1*ica - cai/tau", "uM").Parameter("tau", 80, "ms")
                .Insert(CaPump).Insert(Leak).Receptor("excitatory", ReceptorKind.Conductance))
            .Build();
        model.FindState("soma.cai")!.Unit.Should().Be("uM");
        model.Odes.Single(o => o.State == "soma.cai").RightHandSide.Symbols().Should().Contain(["soma.ica", "soma.tau", "soma.cai"]);
        model.Aliases.Single(a => a.Name == "soma.ica").Value.ToString().Should().Be("soma.CaChannel.ica");
        model.FindParameter("soma.eca")!.Default.Should().Be(120);
        model.Receptors.Single().Name.Should().Be("soma.excitatory");
        model.Receptors.Single().Target.Should().Be("soma.excitatory.g");
        model.ConductanceBased.Should().BeTrue();
    }

    [Fact]
    public void The_inferior_olive_cell_is_a_library_model_with_three_compartments()
    {
        ModelLibrary.TryGet("DeGruijl2012", out var model).Should().BeTrue();
        model.States.Where(s => s.Name.EndsWith(".v", StringComparison.Ordinal)).Select(s => s.Name).Should().Equal("soma.v", "dend.v", "axon.v");
        model.FindParameter("axon.Na.g")!.Default.Should().Be(240);
        model.FindParameter("soma.Na.g")!.Default.Should().Be(150);
        model.FindState("axon.Na.h")!.Initial.ToString().Should().Be("0.9");
        model.Recordables.Should().Contain(["dend.cai", "dend.CaH.r", "soma.CaL.k"]);
        new CellType("DeGruijl2012")["soma.CaL.g"].ScalarValue.Should().Be(0.68);
        DeGruijl2012.KCa.Ions(["ca", "k", "na"]).Should().Equal(["k", "ca"], "KCa writes ik and reads cai");
    }

    [Fact]
    public void An_unknown_mechanism_names_the_compartment_and_the_known_mechanisms()
    {
        FluentActions.Invoking(() => TwoCompartments().Compartment("axon", c => c.Insert("Nax")).Build())
            .Should().Throw<InvalidModelException>().WithMessage("*compartment 'axon'*unknown mechanism 'Nax'*known: Leak*");
    }

    [Fact]
    public void An_unknown_compartment_lists_the_compartments()
    {
        FluentActions.Invoking(() => TwoCompartments().AxialDensity("soma", "axon", "1", "1").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*axial coupling soma–axon*'axon'*compartments: soma, dend*");
        FluentActions.Invoking(() => TwoCompartments().Axial("apical", "soma", "0.01").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*'apical'*compartments: soma, dend*");
        FluentActions.Invoking(() => TwoCompartments().SpikeDetector("axon").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*spike detector*'axon'*compartments: soma, dend*");
    }

    [Fact]
    public void Duplicates_are_refused_with_their_names()
    {
        FluentActions.Invoking(() => TwoCompartments().Compartment("soma", c => c.Insert("Leak")))
            .Should().Throw<InvalidModelException>().WithMessage("*compartment 'soma' is declared twice*");
        FluentActions.Invoking(() => new CompartmentalModelBuilder("X").Compartment("soma", c => c.Insert(Leak).Insert(Leak)).Build())
            .Should().Throw<InvalidModelException>().WithMessage("*mechanism 'Leak' is inserted twice into compartment 'soma'*");
        FluentActions.Invoking(() => TwoCompartments().AxialDensity("soma", "dend", "1", "1").AxialDensity("dend", "soma", "1", "1").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*coupled twice*");
        FluentActions.Invoking(() => new MechanismBuilder("M").Parameter("g", 1, "mS/cm2").State("g", 0).Ode("g", "0").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*Mechanism 'M'*'g' is declared twice*");
        FluentActions.Invoking(() => TwoCompartments().Mechanism(Leak))
            .Should().Throw<InvalidModelException>().WithMessage("*mechanism named 'Leak' is already known*");
    }

    [Fact]
    public void Bad_parameters_and_ions_name_the_mechanism_and_the_valid_options()
    {
        FluentActions.Invoking(() => new CompartmentalModelBuilder("X").Compartment("soma", c => c.Insert(Leak, ("gbar", 1))).Build())
            .Should().Throw<InvalidModelException>().WithMessage("*compartment 'soma' sets 'gbar' of mechanism 'Leak'*parameters: g, e*");
        FluentActions.Invoking(() => new CompartmentalModelBuilder("X").Compartment("soma", c => c.Insert(CaPump)).Build())
            .Should().Throw<InvalidModelException>().WithMessage("*mechanism 'CaChannel' in compartment 'soma' reads 'eca'*Ion(\"ca\"*");
        FluentActions.Invoking(() => new CompartmentalModelBuilder("X").Compartment("soma", c => c.Concentration("ca", 1, "-cai")).Build())
            .Should().Throw<InvalidModelException>().WithMessage("*concentration of 'ca', an ion it does not declare*");
        FluentActions.Invoking(() => new CompartmentalModelBuilder("X").Compartment("soma.a", c => c.Insert(Leak)))
            .Should().Throw<InvalidModelException>().WithMessage("*compartment name 'soma.a' must be an identifier*");
    }

    [Fact]
    public void The_integration_plan_treats_each_compartment_by_the_model_scheme()
    {
        // Passive: each v is linear in itself (its leak and its own axial conductance inside the exponential factor) and reads
        // the other compartment's v, so the exponential midpoint scheme is chosen.
        var passive = IntegrationPlan.For(Meta.Conformance.Scenarios.PassiveTwoCompartmentCell.Create(0.005));
        passive.Scheme.Should().Be(IntegrationScheme.ExponentialMidpoint);
        passive.Nonlinear.Select(n => n.Name).Should().Equal("soma.v", "dend.v");
        // The inferior-olive cell's sodium activation is instantaneous (m_inf(v)³), so v is not linear in itself: RK4, with
        // the synaptic conductances exact.
        var olive = IntegrationPlan.For(DeGruijl2012.Neuron);
        olive.Scheme.Should().Be(IntegrationScheme.RungeKutta4);
        olive.Linear.SelectMany(c => c.States).Should().BeEquivalentTo(["soma.excitatory.g", "soma.inhibitory.g", "dend.excitatory.g", "dend.inhibitory.g"]);
    }
}
