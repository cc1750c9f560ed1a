using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Expressions;
using Meta.Lowering.Couplings;
using Meta.Models;
using Meta.Projections;
using Meta.Projections.Connectors;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>Continuous coupling (gap junctions, graded synapses): the model language, the user API, errors, the summation layout.</summary>
public class CouplingTests
{
    private static CellType Passive(double iOffset = 0) =>
        new CellType("IF_curr_exp").With("cm", 1.0).With("tau_m", 20.0).With("v_thresh", 1e6).With("i_offset", iOffset);

    [Fact]
    public void The_builder_names_unknown_symbols_reserved_names_and_a_missing_current()
    {
        var unknown = () => new CouplingModelBuilder("Bad").Current("weight*(v_pre - u)").Build();
        unknown.Should().Throw<InvalidModelException>().WithMessage("*unknown name 'u'*");
        var reserved = () => new CouplingModelBuilder("Bad").Parameter("g_pre", 1, "uS").Current("weight*v_pre").Build();
        reserved.Should().Throw<InvalidModelException>().WithMessage("*'g_pre' is a reserved name*");
        var none = () => new CouplingModelBuilder("Bad").Build();
        none.Should().Throw<InvalidModelException>().WithMessage("*has no current*");
    }

    [Fact]
    public void Standard_types_read_the_cell_states_they_name_and_the_gap_junction_is_symmetric()
    {
        CouplingTypes.ElectricalSynapse.PreStates.Should().Equal("v");
        CouplingTypes.ElectricalSynapse.PostStates.Should().Equal("v");
        CouplingTypes.GradedSynapse.PreStates.Should().Equal("v");
        CouplingTypes.GradedSynapse.PostStates.Should().Equal("v");
        var kernel = CouplingKernelBuilder.Build(CouplingTypes.ElectricalSynapse);
        kernel.PreCurrent.Should().NotBeNull();
        double Eval(Expr e) => e.Evaluate(n => n switch { "weight" => 0.01, "v_pre" => -50, "v_post" => -70, _ => double.NaN });
        Eval(kernel.PostCurrent).Should().BeApproximately(0.2, 1e-12);
        Eval(kernel.PreCurrent!).Should().BeApproximately(-0.2, 1e-12);
        var graded = CouplingKernelBuilder.Build(CouplingTypes.GradedSynapse);
        graded.PreCurrent.Should().BeNull();
        graded.States.Should().Equal("s");
        new GradedSynapse(variable: "dend_v").Coupling.PreStates.Should().Equal("dend_v");
    }

    [Fact]
    public void A_gap_junction_pulls_the_second_cell_and_its_weight_can_be_read_and_set_between_runs()
    {
        using var sim = NewSimulation();
        var a = sim.CreatePopulation(1, Passive(0.5), "a");
        var b = sim.CreatePopulation(1, Passive(), "b");
        var gap = new Projection(a, b, new OneToOneConnector(), new ElectricalSynapse(0.0));
        gap.ReceptorType.Should().Be(Projection.CouplingTarget);
        b.Record("v");
        sim.Run(50);
        Signal(b, "v").Column(0)[^1].Should().Be(-65.0, "a junction of weight 0 passes no current");
        gap.Set("weight", 0.02);
        gap.Get("weight").Should().Equal([0.02]);
        sim.Run(50);
        Signal(b, "v").Column(0)[^1].Should().BeGreaterThan(-64.0, "cell a, depolarised by its offset, pulls cell b through the junction");
        var delay = () => gap.Set("delay", 1.0);
        delay.Should().Throw<InvalidParameterValueException>().WithMessage("*no delay*");
    }

    [Fact]
    public void Graded_synapse_state_is_read_back_and_returns_to_its_initial_value_on_reset()
    {
        using var sim = NewSimulation();
        var pre = sim.CreatePopulation(1, Passive().With("v_rest", -20.0), "pre");
        pre.Initialize("v", -20.0);
        var post = sim.CreatePopulation(2, Passive(), "post");
        var prj = new Projection(pre, post, new AllToAllConnector(), GradedSynapse.Cholinergic(0.01));
        prj.Get("E_s").Should().Equal([-80.0, -80.0]);
        prj.Get("k_minus").Should().Equal([0.01, 0.01]);
        sim.Run(20);
        prj.Get("s").Should().OnlyContain(s => s > 0.1 && s < 1);
        sim.Reset();
        prj.Get("s").Should().Equal([0.0, 0.0]);
    }

    [Fact]
    public void Bad_couplings_fail_with_clear_messages()
    {
        using var sim = NewSimulation();
        var source = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 1.0 }), "source");
        var cells = sim.CreatePopulation(2, Passive(), "cells");
        var fromSource = () => new Projection(source, cells, new AllToAllConnector(), new ElectricalSynapse(0.01));
        fromSource.Should().Throw<ConnectionException>().WithMessage("*spike sources*ElectricalSynapse*");
        var toSource = () => new Projection(cells, source, new AllToAllConnector(), new ElectricalSynapse(0.01));
        toSource.Should().Throw<ConnectionException>().WithMessage("*spike sources*");
        var negative = () => new Projection(cells, cells, new OneToOneConnector(), new ElectricalSynapse(-0.01));
        negative.Should().Throw<ConnectionException>().WithMessage("*≥ 0*");
        var unknown = () => new Projection(cells, cells, new OneToOneConnector(),
            new CouplingSynapse(CouplingTypes.GradedSynapse, 0.01, new Dictionary<string, SynapseValue> { ["tau"] = 3.0 }));
        unknown.Should().Throw<NonExistentParameterException>().WithMessage("*tau*E_s*");
    }

    [Fact]
    public void A_coupling_of_a_state_the_cells_lack_is_refused()
    {
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(2, Passive(), "cells");
        var create = () => new Projection(cells, cells, new FromListConnector([(0, 1)]), new ElectricalSynapse(0.01, variable: "dend_v"));
        create.Should().Throw<ConnectionException>().WithMessage("*'dend_v' is not a state of*states: v*");
    }

    [Fact]
    public void A_coupling_of_a_compartment_that_i_inj_does_not_drive_is_refused()
    {
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(2, new CellType("DeGruijl2012"), "io");
        var dendrites = () => new Projection(cells, cells, new FromListConnector([(0, 1)]), new ElectricalSynapse(0.0001, variable: "dend.v"));
        dendrites.Should().Throw<ConnectionException>().WithMessage("*'dend.v'*where i_inj goes (soma.v)*couple 'soma.v' instead*");
        var somata = () => new Projection(cells, cells, new FromListConnector([(0, 1)]), new ElectricalSynapse(0.0001, variable: "soma.v"));
        somata.Should().NotThrow();
    }

    [Fact]
    public void The_layout_sums_each_cells_terms_by_coupling_then_connection_then_side()
    {
        var kernel = CouplingKernelBuilder.Build(CouplingTypes.ElectricalSynapse);
        CouplingProgram Coupling(int index, int[] pre, int[] post) => new()
        {
            Index = index, Label = $"c{index}", Type = "ElectricalSynapse", PreGroup = 0, PostGroup = 0, PreIndices = pre, PostIndices = post,
            Kernel = kernel, Values = new Dictionary<string, double[]> { ["weight"] = new double[pre.Length] },
        };
        var group = new SpikeSourceProgram
        {
            Index = 0, Label = "g", Size = 3, FirstGlobalIndex = 0, ModelName = "x", Kind = "array",
            Parameters = new Dictionary<string, double[]>(), Sequences = new Dictionary<string, double[][]>(),
        };
        var program = new StepProgram
        {
            Timestep = 0.1, Seed = 1, Groups = [group], Projections = [], CurrentSources = [], Recorders = [],
            Couplings = [Coupling(0, [1, 0], [2, 2]), Coupling(1, [2], [0])],
        };
        var layout = new CouplingLayout(program);
        layout.Starts(0).Should().Equal(0, 2, 3, 6);
        layout.Entries(0).Should().Equal(
            new CouplingLayout.Term(0, 1, true), new CouplingLayout.Term(1, 0, false),
            new CouplingLayout.Term(0, 0, true),
            new CouplingLayout.Term(0, 0, false), new CouplingLayout.Term(0, 1, false), new CouplingLayout.Term(1, 0, true));
        // The flat array of terms: coupling 0's post currents (2), its mirror currents (2), coupling 1's post current, its mirror.
        layout.TermCount.Should().Be(6);
        (layout.PostTerm(0), layout.PreTerm(0), layout.PostTerm(1), layout.PreTerm(1)).Should().Be((0, 2, 4, 5));
        layout.TermIndices(0).Should().Equal(3, 4, 2, 0, 1, 5);
        layout.MostTerms(0).Should().Be(3);
        layout.IsTarget(0).Should().BeTrue();
    }
}
