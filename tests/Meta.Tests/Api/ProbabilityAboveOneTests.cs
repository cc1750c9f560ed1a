using Meta.Projections;
using Meta.Projections.Connectors;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>A probability expression that exceeds 1 is clipped to 1, as documented, and the simulation says so once.</summary>
public class ProbabilityAboveOneTests
{
    [Fact]
    public void Probabilities_above_one_connect_always_and_are_reported()
    {
        using var sim = NewSimulation();
        var pre = sim.CreatePopulation(10, new CellType("IF_curr_exp"), "pre");
        var post = sim.CreatePopulation(10, new CellType("IF_curr_exp"), "post");
        // x = index, so d = |i - j|: p = 2 - d/4 exceeds 1 for d < 4 (and is ≥ 0 everywhere through max).
        var prj = new Projection(pre, post, new DistanceDependentProbabilityConnector("max(2 - d/4, 0)"), new StaticSynapse(0.1, 1.0), "excitatory", "near");
        var pairs = prj.GetList("weight").Select(c => (c.Pre, c.Post)).ToHashSet();
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
                if (Math.Abs(i - j) < 4) pairs.Should().Contain((i, j), "p > 1 counts as 1");
        sim.Warnings.Should().ContainSingle().Which.Should()
            .Contain("projection 'near'").And.Contain("exceeds 1 for 58 of 100 pairs (up to 2)");
    }

    [Fact]
    public void Probabilities_within_range_raise_no_warning()
    {
        using var sim = NewSimulation();
        var pre = sim.CreatePopulation(10, new CellType("IF_curr_exp"), "pre");
        _ = new Projection(pre, pre, new DistanceDependentProbabilityConnector("exp(-d)"), new StaticSynapse(0.1, 1.0), "excitatory");
        sim.Warnings.Should().BeEmpty();
    }
}
