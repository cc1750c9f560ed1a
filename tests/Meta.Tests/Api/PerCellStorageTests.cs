using Meta.Lowering.Kernels;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>
/// How a population's per-cell values are held on the way to the engine: the lowering's values of a neuron group one element
/// where every cell shares it (<see cref="NeuronValues"/>), initial values of cells left unset from the model's expression of
/// each cell's own parameters, and a parameter set after the load reaching the engine as before.
/// </summary>
public class PerCellStorageTests
{
    private static Dictionary<string, double[]> Parameters(global::Meta.Models.ModelDefinition model, int size, Func<string, int, double>? at = null) =>
        model.KernelParameters.ToDictionary(n => n, n => Enumerable.Range(0, size).Select(i => at?.Invoke(n, i) ?? model.KernelParameterDefaults[n]).ToArray());

    [Fact]
    public void Values_shared_by_every_cell_are_one_element_and_per_cell_ones_are_the_lowerings_own()
    {
        var model = new CellType("IF_cond_exp").Model;
        const int size = 5;
        var parameters = Parameters(model, size, (n, i) => n == "v_thresh" ? -50.0 - i : model.KernelParameterDefaults[n]);
        var values = NeuronValues.Compute(model, "p", size, parameters, 0.1);

        values["v_thresh"].Should().Equal(-50.0, -51.0, -52.0, -53.0, -54.0);
        values["v_thresh"].Should().NotBeSameAs(parameters["v_thresh"], "the step program must not hold the population's own array");
        values["tau_m"].Should().Equal(model.KernelParameterDefaults["tau_m"]);
        var derived = values.Keys.Except(model.KernelParameters).ToArray();
        derived.Should().NotBeEmpty();
        foreach (var name in derived) values[name].Should().HaveCount(1, $"{name} is computed from parameters every cell shares");
    }

    [Fact]
    public void A_population_of_one_parameter_set_gets_the_values_each_cell_gets_alone()
    {
        var model = new CellType("IF_cond_exp").Model;
        var uniform = NeuronValues.Compute(model, "p", 4, Parameters(model, 4, (n, _) => n == "tau_m" ? 17.0 : model.KernelParameterDefaults[n]), 0.1);
        // Cell 2 differs in tau_m, so the group is computed cell by cell; the other cells' values must be the uniform group's.
        var mixed = NeuronValues.Compute(model, "p", 4, Parameters(model, 4, (n, i) => n == "tau_m" ? (i == 2 ? 11.0 : 17.0) : model.KernelParameterDefaults[n]), 0.1);
        var alone = NeuronValues.Compute(model, "p", 1, Parameters(model, 1, (n, _) => n == "tau_m" ? 11.0 : model.KernelParameterDefaults[n]), 0.1);

        uniform.Keys.Should().BeEquivalentTo(mixed.Keys);
        bool anyPerCell = false;
        foreach (var (name, column) in mixed)
        {
            double At(double[] c, int i) => c.Length == 1 ? c[0] : c[i];
            anyPerCell |= column.Length == 4;
            foreach (int i in new[] { 0, 1, 3 })
                BitConverter.DoubleToInt64Bits(At(column, i)).Should().Be(BitConverter.DoubleToInt64Bits(uniform[name][0]), name);
            BitConverter.DoubleToInt64Bits(At(column, 2)).Should().Be(BitConverter.DoubleToInt64Bits(alone[name][0]), name);
        }
        anyPerCell.Should().BeTrue("tau_m differs, so it and the propagators made from it are per cell");
    }

    [Fact]
    public void Initial_values_of_cells_left_unset_follow_each_cells_parameters()
    {
        using var sim = NewSimulation();
        // GIF_cond_exp's moving threshold starts at each cell's v_t_star.
        var pop = sim.CreatePopulation(4, new CellType("GIF_cond_exp"));
        pop.Set("v_t_star", new[] { -50.0, -51.0, -52.0, -53.0 });
        pop[1, 3].Initialize("v_t", -40.0);

        pop.GetInitialValues("v_t").Should().Equal(-50.0, -40.0, -52.0, -40.0);
        pop.GetInitialValues("v").Should().Equal([-65.0, -65.0, -65.0, -65.0], "no cell's v was set: GIF_cond_exp's v starts at -65 mV");
        pop.Invoking(p => p.GetInitialValues("no_such_state")).Should().Throw<NonExistentParameterException>();
    }

    [Fact]
    public void An_empty_population_of_a_model_without_parameters_gets_no_values()
    {
        var model = new global::Meta.Models.ModelBuilder("leak").State("v", 0.0, "mV").Ode("v", "-v/10").Build();
        model.KernelParameters.Should().BeEmpty();
        var values = NeuronValues.Compute(model, "p", 0, new Dictionary<string, double[]>(), 0.1);

        values.Should().NotBeEmpty("the integration plan has coefficients");
        foreach (var (name, column) in values) column.Should().BeEmpty($"{name}: the population has no cells");
    }

    [Fact]
    public void A_parameter_set_after_the_load_is_run_as_if_set_before()
    {
        double[] perCell = [0.0, 0.9, 1.2];
        double[][] Run(bool changeAfterLoad)
        {
            using var sim = NewSimulation();
            var pop = sim.CreatePopulation(3, new CellType("IF_cond_exp") { ["i_offset"] = 0.0 });
            pop.Record(["spikes"]);
            if (changeAfterLoad)
            {
                sim.Run(20);
                pop.Set("i_offset", perCell);
                sim.Reset();
            }
            else pop.Set("i_offset", perCell);
            sim.Run(100);
            if (changeAfterLoad)
            {
                // The public resolve after the load copies: the spec must not hold the population's own arrays.
                var resolved = sim.Resolve().Populations[0].Parameters;
                foreach (var (name, own) in pop.ParameterArrays)
                {
                    resolved[name].Should().Equal(own, name);
                    resolved[name].Should().NotBeSameAs(own, name);
                }
            }
            return SpikeTimes(pop);
        }

        var set = Run(changeAfterLoad: true);
        set[0].Should().BeEmpty("cell 0 has no drive");
        set[1].Should().NotBeEmpty();
        set[2].Length.Should().BeGreaterThan(set[1].Length, "cell 2's drive is the largest");
        set.Should().BeEquivalentTo(Run(changeAfterLoad: false), o => o.WithStrictOrdering());
    }
}
