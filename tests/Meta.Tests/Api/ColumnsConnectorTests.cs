using Meta.Backends.Cpu;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Tests.Api;

/// <summary>A projection made with a <see cref="ColumnsConnector"/> takes the columns as its own arrays, checked and once.</summary>
public class ColumnsConnectorTests
{
    private static (Simulation Sim, Populations.Population Pre, Populations.Population Post) Network()
    {
        var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, MaxDelay = 5.0 });
        return (sim, sim.CreatePopulation(3, new CellType("IF_curr_exp"), "pre"), sim.CreatePopulation(2, new CellType("IF_curr_exp"), "post"));
    }

    [Fact]
    public void The_projection_keeps_the_given_columns_with_delays_rounded_in_place()
    {
        var (sim, pre, post) = Network();
        using var scope = sim;
        int[] i = [0, 2, 1], j = [1, 0, 1];
        double[] w = [0.5, 0.25, 1.0], d = [1.04, 2.0, 0.52];
        var projection = new Projection(pre, post, new ColumnsConnector(i, j, w, d, "test"), new StaticSynapse());
        projection.GetList("weight", "delay").Should().BeEquivalentTo(new[]
        {
            (0, 1, new[] { 0.5, 1.0 }), (1, 1, new[] { 1.0, 0.5 }), (2, 0, new[] { 0.25, 2.0 }),
        });
        d.Should().Equal([1.0, 2.0, 0.5], "the projection took the delay column as its own array and rounded it to the step");
        projection.PreIndices.Should().BeSameAs(i, "the pre column is the projection's array, not a copy");
    }

    [Fact]
    public void Without_weights_and_delays_the_synapse_types_are_used()
    {
        var (sim, pre, post) = Network();
        using var scope = sim;
        var projection = new Projection(pre, post, new ColumnsConnector([0, 1], [0, 0], null, null), new StaticSynapse(0.75, 1.5));
        projection.Get("weight").Should().Equal(0.75, 0.75);
        projection.Get("delay").Should().Equal(1.5, 1.5);
    }

    [Fact]
    public void Bad_columns_are_named()
    {
        var (sim, pre, post) = Network();
        using var scope = sim;
        FluentActions.Invoking(() => new ColumnsConnector([0, 1], [0], null, null, "edges.h5"))
            .Should().Throw<InvalidParameterValueException>().WithMessage("*edges.h5*differ in length*pre 2, post 1*");
        FluentActions.Invoking(() => new Projection(pre, post, new ColumnsConnector([0, 3], [0, 1], null, null, "edges.h5"), new StaticSynapse()))
            .Should().Throw<ConnectionException>().WithMessage("*pre index 3 (connection 1) is out of range for a pre size of 3*");
        var connector = new ColumnsConnector([0], [1], null, null, "edges.h5");
        _ = new Projection(pre, post, connector, new StaticSynapse());
        FluentActions.Invoking(() => new Projection(pre, post, connector, new StaticSynapse()))
            .Should().Throw<ConnectionException>().WithMessage("*already belong to another projection*");
    }
}
