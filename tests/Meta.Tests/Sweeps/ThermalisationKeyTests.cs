using Meta.Backends.Programs;
using Meta.Network;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sweeps;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Sweeps;

/// <summary>
/// The thermalisation cache hashes a weight or delay stored once for every synapse (<see cref="RepeatedValue{T}"/>) without
/// expanding it, and to the same key as the expanded values, so cache files written before stay valid.
/// </summary>
public class ThermalisationKeyTests
{
    private static NetworkSpec WithProjections(NetworkSpec spec, Func<SynapseGroupProgram, SynapseGroupProgram> change) => new()
    {
        Timestep = spec.Timestep,
        Seed = spec.Seed,
        SpikePrecision = spec.SpikePrecision,
        Populations = spec.Populations,
        Projections = spec.Projections.Select(change).ToArray(),
        Couplings = spec.Couplings,
        CurrentSources = spec.CurrentSources,
        Recorders = spec.Recorders,
    };

    [Fact]
    public void A_repeated_weight_and_delay_hash_as_their_expanded_values()
    {
        var sim = NewSimulation(timestep: 0.1, seed: 5);
        using var _ = sim;
        var p = sim.CreatePopulation(200, new CellType("IF_cond_exp"));
        var prj = new Projection(p, p, new FixedProbabilityConnector(0.3), new StaticSynapse(0.004, 0.3));
        var spec = sim.Resolve();
        var part = spec.Projections.Single();
        part.Weights.Should().BeOfType<RepeatedValue<double>>();
        part.DelaySteps.Should().BeOfType<RepeatedValue<int>>();
        part.Count.Should().BeGreaterThan(4096, "more than one chunk of the repeated value is hashed").And.Be(prj.Size);

        string key = ThermalisationCache.KeyOf(spec, 100, "cpu", null);
        var expanded = WithProjections(spec, j => j with { Weights = j.Weights.ToArray(), DelaySteps = j.DelaySteps.ToArray() });
        ThermalisationCache.KeyOf(expanded, 100, "cpu", null).Should().Be(key);

        var oneDifferent = WithProjections(spec, j =>
        {
            var weights = j.Weights.ToArray();
            weights[^1] = 0.005;
            return j with { Weights = weights };
        });
        ThermalisationCache.KeyOf(oneDifferent, 100, "cpu", null).Should().NotBe(key);
        var shorter = WithProjections(spec, j => j with { DelaySteps = new RepeatedValue<int>(3, j.Count - 1) });
        ThermalisationCache.KeyOf(shorter, 100, "cpu", null).Should().NotBe(key);
    }
}
