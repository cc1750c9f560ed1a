using Meta.Backends.Cpu;
using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sonata.Nest;

namespace Meta.Tests.Sonata;

/// <summary>
/// <see cref="Projection.SetParameterColumn"/>, which the SONATA reader uses for <c>tau_minus</c> per target node: a value per
/// connection in connection order gives the same column as PyNN's per-connection list (in list order) through
/// <see cref="Projection.Set"/>, with the same domain check, and refuses a wrong count or an unknown name.
/// </summary>
public sealed class ProjectionParameterColumnTests
{
    /// <summary>Connections out of PyNN's list order (sorted by pre, then post), so the two orders differ.</summary>
    private static readonly (int Pre, int Post)[] Pairs = [(2, 0), (0, 3), (1, 1), (0, 0), (2, 2)];

    private static Projection Make(Simulation sim)
    {
        var inputs = sim.CreatePopulation(3, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.Shared(10.0)), "inputs");
        var (model, p, _) = NestCatalogue.Get("iaf_psc_delta", "test").Convert([], "test");
        var type = new CellType(model);
        foreach (var (k, x) in p) type = type.With(k, x);
        var cells = sim.CreatePopulation(4, type, "net");
        return new Projection(inputs, cells, new FromListConnector(Pairs), new ModelSynapse(NestSynapseModels.Stdp, 1.0, 1.0), "excitatory");
    }

    [Fact]
    public void A_column_in_connection_order_gives_what_the_same_values_as_a_list_in_list_order_give()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 1, Threads = 1 });
        var column = Make(sim);
        var listed = Make(sim);
        double[] tau = [.. Pairs.Select(c => 10.0 + (c.Pre * 4) + c.Post)]; // a value per connection, in connection order
        column.SetParameterColumn("tau_minus", tau);
        var order = SynapseValue.ListOrder(listed.PreIndices, listed.PostIndices);
        order.Should().NotEqual(Enumerable.Range(0, Pairs.Length), "the test needs list order to differ from connection order");
        listed.Set("tau_minus", SynapseValue.List([.. order.Select(k => tau[k])]));
        column.Get("tau_minus").Should().Equal(tau);
        listed.Get("tau_minus").Should().Equal(tau);
    }

    [Fact]
    public void A_value_outside_the_domain_a_wrong_count_or_an_unknown_name_is_an_error_naming_it()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 1, Threads = 1 });
        var projection = Make(sim);
        var before = projection.Get("tau_minus").ToArray();
        FluentActions.Invoking(() => projection.SetParameterColumn("tau_minus", [20, 20, -1, 20, 20])).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*'tau_minus'*connection 2 (pre 1 → post 1) has -1*");
        FluentActions.Invoking(() => projection.SetParameterColumn("tau_minus", [20, 20])).Should().Throw<ArgumentException>()
            .WithMessage("*2 values of 'tau_minus' for 5 connections*");
        FluentActions.Invoking(() => projection.SetParameterColumn("tau_minux", [20, 20, 20, 20, 20])).Should().Throw<NonExistentParameterException>()
            .WithMessage("tau_minux (valid parameters for stdp_synapse are: *tau_minus*");
        projection.Get("tau_minus").Should().Equal(before, "a refused column changes nothing");
    }
}
