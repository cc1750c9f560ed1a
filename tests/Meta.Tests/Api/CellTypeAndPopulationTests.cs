using Meta.Models;
using Meta.Parameters;
using Meta.Populations;
using Meta.Random;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>Cell types, populations, views and assemblies (spec §1.0–1.2, §5.1–5.3, §5.8).</summary>
public class CellTypeAndPopulationTests
{
    // ------------------------------------------------------------------ defaults (spec §1.1, §1.2)

    public static TheoryData<string, Dictionary<string, double>> ParameterDefaults() => new()
    {
        {
            "IF_curr_alpha", new()
            {
                ["v_rest"] = -65, ["cm"] = 1.0, ["tau_m"] = 20, ["tau_refrac"] = 0.1, ["tau_syn_E"] = 0.5, ["tau_syn_I"] = 0.5,
                ["i_offset"] = 0, ["v_reset"] = -65, ["v_thresh"] = -50,
            }
        },
        {
            "IF_curr_exp", new()
            {
                ["v_rest"] = -65, ["cm"] = 1.0, ["tau_m"] = 20, ["tau_refrac"] = 0.1, ["tau_syn_E"] = 5.0, ["tau_syn_I"] = 5.0,
                ["i_offset"] = 0, ["v_reset"] = -65, ["v_thresh"] = -50,
            }
        },
        {
            "IF_curr_delta", new()
            {
                ["v_rest"] = -65, ["cm"] = 1.0, ["tau_m"] = 20, ["tau_refrac"] = 0.1, ["i_offset"] = 0, ["v_reset"] = -65, ["v_thresh"] = -50,
            }
        },
        {
            "IF_cond_alpha", new()
            {
                ["v_rest"] = -65, ["cm"] = 1.0, ["tau_m"] = 20, ["tau_refrac"] = 0.1, ["tau_syn_E"] = 0.3, ["tau_syn_I"] = 0.5,
                ["e_rev_E"] = 0, ["e_rev_I"] = -70, ["v_thresh"] = -50, ["v_reset"] = -65, ["i_offset"] = 0,
            }
        },
        {
            "IF_cond_exp", new()
            {
                ["v_rest"] = -65, ["cm"] = 1.0, ["tau_m"] = 20, ["tau_refrac"] = 0.1, ["tau_syn_E"] = 5.0, ["tau_syn_I"] = 5.0,
                ["e_rev_E"] = 0, ["e_rev_I"] = -70, ["v_thresh"] = -50, ["v_reset"] = -65, ["i_offset"] = 0,
            }
        },
        { "SpikeSourcePoisson", new() { ["rate"] = 1.0, ["start"] = 0, ["duration"] = 1e10 } },
    };

    [Theory]
    [MemberData(nameof(ParameterDefaults))]
    public void Scalar_parameter_defaults_are_PyNNs(string model, Dictionary<string, double> expected)
    {
        var cellType = new CellType(model);
        cellType.Model.Parameters.Where(p => p.Shape == ParameterShape.Scalar).Select(p => p.Name)
            .Should().BeEquivalentTo(expected.Keys, "the parameter set of {0} is PyNN's", model);
        foreach (var (name, value) in expected)
            cellType[name].ScalarValue.Should().Be(value, "{0}.{1}", model, name);

        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(3, cellType);
        foreach (var (name, value) in expected)
            pop.Get(name).Should().Equal([value, value, value], "Population.get({0}) of {1}", name, model);
    }

    public static TheoryData<string, Dictionary<string, double>> InitialValueDefaults() => new()
    {
        { "IF_curr_alpha", new() { ["v"] = -65, ["isyn_exc"] = 0, ["isyn_inh"] = 0 } },
        { "IF_curr_exp", new() { ["v"] = -65, ["isyn_exc"] = 0, ["isyn_inh"] = 0 } },
        { "IF_curr_delta", new() { ["v"] = -65 } },
        { "IF_cond_alpha", new() { ["v"] = -65, ["gsyn_exc"] = 0, ["gsyn_inh"] = 0 } },
        { "IF_cond_exp", new() { ["v"] = -65, ["gsyn_exc"] = 0, ["gsyn_inh"] = 0 } },
    };

    [Theory]
    [MemberData(nameof(InitialValueDefaults))]
    public void Initial_value_defaults_are_PyNNs(string model, Dictionary<string, double> expected)
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(2, new CellType(model));
        foreach (var (name, value) in expected)
            pop.GetInitialValues(name).Should().Equal([value, value], "{0} initial {1}", model, name);
    }

    [Theory]
    [InlineData("IF_curr_alpha", false, new[] { "spikes", "v" })]
    [InlineData("IF_curr_exp", false, new[] { "spikes", "v" })]
    [InlineData("IF_curr_delta", false, new[] { "spikes", "v" })]
    [InlineData("IF_cond_alpha", true, new[] { "spikes", "v", "gsyn_exc", "gsyn_inh" })]
    [InlineData("IF_cond_exp", true, new[] { "spikes", "v", "gsyn_exc", "gsyn_inh" })]
    public void Neuron_models_have_PyNNs_recordables_receptors_and_flags(string model, bool conductanceBased, string[] recordables)
    {
        var m = new CellType(model).Model;
        m.Recordables.Should().BeEquivalentTo(recordables);
        m.Receptors.Select(r => r.Name).Should().Equal("excitatory", "inhibitory");
        m.ConductanceBased.Should().Be(conductanceBased);
        m.Injectable.Should().BeTrue();
        m.Kind.Should().Be(ModelKind.Neuron);
    }

    [Theory]
    [InlineData("SpikeSourcePoisson")]
    [InlineData("SpikeSourceArray")]
    public void Spike_sources_record_only_spikes_and_have_no_receptors(string model)
    {
        var m = new CellType(model).Model;
        m.Recordables.Should().Equal("spikes");
        m.Receptors.Should().BeEmpty();
        m.Injectable.Should().BeFalse();
        m.Kind.Should().Be(ModelKind.SpikeSource);
    }

    [Fact]
    public void SpikeSourceArray_has_only_spike_times_and_it_defaults_to_empty()
    {
        var m = new CellType("SpikeSourceArray").Model;
        m.Parameters.Select(p => (p.Name, p.Shape)).Should().Equal(("spike_times", ParameterShape.Sequence));
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(3, new CellType("SpikeSourceArray"));
        pop.GetSequence("spike_times").Should().HaveCount(3).And.OnlyContain(s => s.Length == 0);
    }

    // ------------------------------------------------------------------ unknown names (spec §5.8)

    [Fact]
    public void Unknown_parameter_on_a_cell_type_lists_the_valid_names()
    {
        var cellType = new CellType("IF_cond_exp");
        var act = () => cellType["tau_x"] = 3.0;
        var ex = act.Should().Throw<NonExistentParameterException>().Which;
        ex.ParameterName.Should().Be("tau_x");
        ex.Message.Should().StartWith("tau_x (valid parameters for IF_cond_exp are: ");
        foreach (var p in cellType.Model.Parameters) ex.Message.Should().Contain(p.Name);
    }

    [Fact]
    public void Unknown_parameter_on_a_population_set_get_and_initialize_raises()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(4, new CellType("IF_curr_exp"));
        pop.Invoking(p => p.Set("e_rev_E", 0.0)).Should().Throw<NonExistentParameterException>()
            .WithMessage("e_rev_E (valid parameters for IF_curr_exp are: *tau_m*v_thresh*)");
        pop.Invoking(p => p.Get("nonsense")).Should().Throw<NonExistentParameterException>()
            .WithMessage("nonsense (valid parameters for IF_curr_exp are: *)");
        pop.Invoking(p => p.Initialize("gsyn_exc", 0.0)).Should().Throw<NonExistentParameterException>()
            .Which.Message.Should().Contain("v");
        pop[1, 2].Invoking(v => v.Set("bogus", 1.0)).Should().Throw<NonExistentParameterException>();
    }

    // ------------------------------------------------------------------ set (spec §5.1)

    [Fact]
    public void Set_accepts_scalar_array_distribution_and_function()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(5, new CellType("IF_cond_exp"));

        pop.Set("tau_m", 12.5);
        pop.Get("tau_m").Should().Equal(12.5, 12.5, 12.5, 12.5, 12.5);

        pop.Set("cm", new[] { 0.1, 0.2, 0.3, 0.4, 0.5 });
        pop.Get("cm").Should().Equal(0.1, 0.2, 0.3, 0.4, 0.5);

        pop.Set("v_thresh", new RandomDistribution("uniform", -55.0, -45.0));
        var thresholds = pop.Get("v_thresh");
        thresholds.Should().OnlyContain(x => x >= -55 && x < -45);
        thresholds.Distinct().Should().HaveCount(5, "independent draws from a continuous distribution differ");

        pop.Set("i_offset", (Func<int, double>)(i => 0.1 * i));
        pop.Get("i_offset").Should().Equal(0.0, 0.1, 0.2, 0.1 * 3, 0.4);

        // Untouched parameters keep their defaults.
        pop.Get("tau_refrac").Should().OnlyContain(x => x == 0.1);
    }

    [Fact]
    public void Random_parameter_values_are_reproducible_from_the_seed()
    {
        double[] Draw(ulong seed)
        {
            using var sim = NewSimulation(seed: seed);
            var pop = sim.CreatePopulation(20, new CellType("IF_curr_exp"));
            pop.Set("tau_m", new RandomDistribution("normal", 20.0, 2.0));
            return pop.Get("tau_m");
        }

        Draw(5).Should().Equal(Draw(5));
        Draw(5).Should().NotEqual(Draw(6));
    }

    [Fact]
    public void Cell_type_values_apply_to_every_cell_and_accept_distributions()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(4, new CellType("IF_curr_exp") { ["tau_m"] = 10.0, ["v_rest"] = new RandomDistribution("uniform", -70.0, -60.0) });
        pop.Get("tau_m").Should().Equal(10.0, 10.0, 10.0, 10.0);
        pop.Get("v_rest").Should().OnlyContain(x => x >= -70 && x < -60).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Wrong_array_length_raises_InvalidDimensions()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(5, new CellType("IF_cond_exp"));
        pop.Invoking(p => p.Set("tau_m", new[] { 1.0, 2.0, 3.0 })).Should().Throw<InvalidDimensionsException>();
        pop.Invoking(p => p.Initialize("v", new[] { -60.0, -61.0 })).Should().Throw<InvalidDimensionsException>();
        pop[0..2].Invoking(v => v.Set("tau_m", new[] { 1.0, 2.0, 3.0 })).Should().Throw<InvalidDimensionsException>();
        pop.Get("tau_m").Should().OnlyContain(x => x == 20.0, "a failed set changes nothing");
        var sources = sim.CreatePopulation(3, new CellType("SpikeSourceArray"));
        sources.Invoking(s => s.SetSequence("spike_times", new[] { new[] { 1.0 }, new[] { 2.0 } }))
            .Should().Throw<InvalidDimensionsException>();
    }

    // ------------------------------------------------------------------ views (spec §5.2)

    [Fact]
    public void Slice_view_sets_and_gets_through_the_parent()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(10, new CellType("IF_curr_exp"));
        var view = pop[2..5];
        view.Size.Should().Be(3);
        view.Should().BeOfType<PopulationView>().Which.Parent.Should().BeSameAs(pop);
        view.Set("tau_m", new[] { 11.0, 12.0, 13.0 });
        pop.Get("tau_m").Should().Equal(20, 20, 11, 12, 13, 20, 20, 20, 20, 20);
        view.Get("tau_m").Should().Equal(11, 12, 13);
    }

    [Fact]
    public void Index_array_view_is_sorted_and_deduplicated()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(10, new CellType("IF_curr_exp"));
        var view = pop[7, 1, 4, 1];
        view.Indices.Should().Equal(1, 4, 7);
        view.Set("v_thresh", new[] { -51.0, -54.0, -57.0 });
        pop.Get("v_thresh").Should().Equal(-50, -51, -50, -50, -54, -50, -50, -57, -50, -50);
        pop.Invoking(p => p[3, 10]).Should().Throw<IndexOutOfRangeException>();
    }

    [Fact]
    public void Mask_view_selects_the_true_cells()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(6, new CellType("IF_cond_exp"));
        var view = pop.Select([true, false, false, true, true, false]);
        view.Size.Should().Be(3);
        ((PopulationView)view).Indices.Should().Equal(0, 3, 4);
        view.Set("e_rev_I", -80.0);
        pop.Get("e_rev_I").Should().Equal(-80, -70, -70, -80, -80, -70);
        pop.Invoking(p => p.Select(new bool[5])).Should().Throw<InvalidDimensionsException>();
    }

    [Fact]
    public void View_of_a_view_resolves_to_the_root_population()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(10, new CellType("IF_curr_exp"));
        var outer = pop[2..9];          // cells 2..8
        var inner = outer.Select([1, 3, 5]); // cells 3, 5, 7
        var view = inner.Should().BeOfType<PopulationView>().Subject;
        view.Parent.Should().BeSameAs(pop);
        view.Indices.Should().Equal(3, 5, 7);
        inner.Set("i_offset", 0.5);
        pop.Get("i_offset").Should().Equal(0, 0, 0, 0.5, 0, 0.5, 0, 0.5, 0, 0);
        outer.Get("i_offset").Should().Equal(0, 0.5, 0, 0.5, 0, 0.5, 0);
        inner[1..].Get("i_offset").Should().Equal(0.5, 0.5);
        ((PopulationView)inner[1..]).Indices.Should().Equal(5, 7);
    }

    [Fact]
    public void Initialize_through_a_view_sets_only_those_cells()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(5, new CellType("IF_curr_exp"));
        pop[1..3].Initialize("v", new[] { -70.0, -71.0 });
        pop.GetInitialValues("v").Should().Equal(-65, -70, -71, -65, -65);
        pop.Initialize("isyn_exc", (Func<int, double>)(i => i * 0.25));
        pop.GetInitialValues("isyn_exc").Should().Equal(0, 0.25, 0.5, 0.75, 1.0);
    }

    [Fact]
    public void Initial_values_are_the_first_recorded_sample()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(3, new CellType("IF_curr_exp"));
        pop.Initialize("v", new[] { -70.0, -60.0, -55.5 });
        pop.Record("v");
        sim.Run(1.0);
        var v = Signal(pop, "v");
        new[] { v[0, 0], v[0, 1], v[0, 2] }.Should().Equal(-70.0, -60.0, -55.5);
        v[1, 0].Should().BeGreaterThan(-70.0, "the cell relaxes toward v_rest = -65");
        v[1, 2].Should().BeLessThan(-55.5);
    }

    // ------------------------------------------------------------------ assemblies (spec §5.3)

    [Fact]
    public void Assembly_get_concatenates_and_set_distributes()
    {
        using var sim = NewSimulation();
        var p1 = sim.CreatePopulation(3, new CellType("IF_curr_exp") { ["tau_m"] = 10.0 }, "p1");
        var p2 = sim.CreatePopulation(2, new CellType("IF_cond_exp") { ["tau_m"] = 30.0 }, "p2");
        var a = p1 + p2;
        a.Size.Should().Be(5);
        a.Members.Should().Equal(p1, p2);
        a.Get("tau_m").Should().Equal(10, 10, 10, 30, 30);

        a.Set("v_thresh", new[] { -51.0, -52.0, -53.0, -54.0, -55.0 });
        p1.Get("v_thresh").Should().Equal(-51, -52, -53);
        p2.Get("v_thresh").Should().Equal(-54, -55);

        a.Initialize("v", (Func<int, double>)(i => -60.0 - i));
        p1.GetInitialValues("v").Should().Equal(-60, -61, -62);
        p2.GetInitialValues("v").Should().Equal(-63, -64);
        a.GetInitialValues("v").Should().Equal(-60, -61, -62, -63, -64);

        a.GetPopulation("p2").Should().BeSameAs(p2);
        a.Invoking(x => x.GetPopulation("nope")).Should().Throw<KeyNotFoundException>();
        a.Invoking(x => x.Get("e_rev_E")).Should().Throw<NonExistentParameterException>("p1 (current based) has no e_rev_E");
        a.ConductanceBased.Should().BeFalse();
        a.ReceptorTypes.Should().Equal("excitatory", "inhibitory");
    }

    [Fact]
    public void Assembly_plus_population_flattens_and_views_can_be_members()
    {
        using var sim = NewSimulation();
        var p1 = sim.CreatePopulation(4, new CellType("IF_curr_exp"));
        var p2 = sim.CreatePopulation(3, new CellType("IF_curr_exp"));
        var p3 = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        var a = p1[1..3] + p2 + p3;
        a.Members.Should().HaveCount(3);
        a.Size.Should().Be(2 + 3 + 2);
        a.Set("i_offset", new[] { 1.0, 2, 3, 4, 5, 6, 7 });
        p1.Get("i_offset").Should().Equal(0, 1, 2, 0);
        p2.Get("i_offset").Should().Equal(3, 4, 5);
        p3.Get("i_offset").Should().Equal(6, 7);
        // A slice of an assembly is an assembly of views.
        var slice = a[1..5];
        slice.Size.Should().Be(4);
        slice.Get("i_offset").Should().Equal(2, 3, 4, 5);
        // A duplicate member is ignored.
        (p2 + p2).Size.Should().Be(3);
    }

    // ------------------------------------------------------------------ SpikeSourceArray times (issue511)

    [Fact]
    public void Unsorted_spike_times_raise_when_the_population_is_created()
    {
        using var sim = NewSimulation();
        var cellType = new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 5.0, 3.0, 7.0 });
        sim.Invoking(s => s.CreatePopulation(2, cellType)).Should().Throw<InvalidParameterValueException>();
        sim.Populations.Should().BeEmpty();
    }

    [Fact]
    public void Unsorted_spike_times_raise_when_set()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 1.0, 2.0 }));
        pop.Invoking(p => p.SetSequence("spike_times", new[] { 4.0, 3.0 })).Should().Throw<InvalidParameterValueException>();
        pop.GetSequence("spike_times").Should().AllSatisfy(s => s.Should().Equal(1.0, 2.0));
        pop.SetSequence("spike_times", new[] { new[] { 1.0, 1.0, 9.0 }, new double[0] });
        pop.GetSequence("spike_times")[0].Should().Equal(1.0, 1.0, 9.0);
        pop.GetSequence("spike_times")[1].Should().BeEmpty();
    }

    [Fact]
    public void Scalar_and_sequence_parameters_are_not_interchangeable()
    {
        var cellType = new CellType("SpikeSourceArray");
        cellType.Invoking(c => c["spike_times"] = 1.0).Should().Throw<InvalidParameterValueException>();
        new CellType("IF_curr_exp").Invoking(c => c.WithSequence("tau_m", new[] { 1.0 })).Should().Throw<InvalidParameterValueException>();
        new CellType("IF_curr_exp").Invoking(c => c.WithSequence("spike_times", new[] { 1.0 })).Should().Throw<NonExistentParameterException>();
    }

    [Fact]
    public void Population_defaults_label_and_rejects_empty_size()
    {
        using var sim = NewSimulation();
        var p0 = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        var p1 = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        p0.Label.Should().Be("population0");
        p1.Label.Should().Be("population1");
        sim.Invoking(s => s.CreatePopulation(0, new CellType("IF_curr_exp"))).Should().Throw<InvalidParameterValueException>();
        // Default positions: PyNN's Line (x = index).
        var pos = p1.Positions;
        (pos[0, 0], pos[0, 1], pos[1, 1], pos[2, 1]).Should().Be((0.0, 1.0, 0.0, 0.0));
    }
}
