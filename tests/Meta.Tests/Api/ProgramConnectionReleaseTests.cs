using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>
/// Once the engine is loaded, the step program's parts of a static projection whose connector can be drawn again release their
/// pre and post arrays (<see cref="Backends.Programs.SynapseGroupProgram.ReleaseConnections"/>): reading them throws, their
/// count stays, and updates, resets and later runs behave as when they were kept.
/// </summary>
public class ProgramConnectionReleaseTests
{
    /// <summary>
    /// Two populations, one static projection with varying weights and delays, one with a connector of its own stream (with
    /// <paramref name="ownStream"/> false, of the projection's stream: both are then drawn again on demand).
    /// </summary>
    private static (Simulation Sim, Projection Replayed, Projection Kept) Network(bool ownStream = true)
    {
        var sim = NewSimulation(timestep: 0.1, minDelay: 0.1, seed: 17);
        var a = sim.CreatePopulation(20, new CellType("IF_cond_exp") { ["i_offset"] = 1.5 }, "a");
        var b = sim.CreatePopulation(15, new CellType("IF_cond_exp"), "b");
        var replayed = new Projection(a, b, new FixedProbabilityConnector(0.4),
            new StaticSynapse(new RandomDistribution("uniform", 0.002, 0.006), new RandomDistribution("uniform", 0.1, 1.0)), label: "replayed");
        var kept = new Projection(b, a, new FixedProbabilityConnector(0.3) { Rng = ownStream ? new RandomStream(99) : null }, new StaticSynapse(0.001, 0.5),
            receptorType: "inhibitory", label: "kept");
        a.Record("spikes");
        b.Record("spikes");
        return (sim, replayed, kept);
    }

    [Fact]
    public void After_load_a_replayable_projection_s_program_parts_drop_their_arrays_and_keep_their_count()
    {
        var (sim, replayed, kept) = Network();
        using var _ = sim;
        int size = replayed.Size;
        sim.Run(1.0);
        var parts = sim.LoadedSynapseParts;
        parts.Should().HaveCount(2);
        var replayedPart = parts.Single(p => p.Label.StartsWith("replayed", StringComparison.Ordinal));
        var keptPart = parts.Single(p => p.Label.StartsWith("kept", StringComparison.Ordinal));
        replayedPart.ConnectionsReleased.Should().BeTrue("its projection rebuilds its connections by drawing the connector again");
        replayedPart.Count.Should().Be(size);
        var read = () => replayedPart.PreIndices;
        read.Should().Throw<InvalidOperationException>().WithMessage("*replayed*released*");
        keptPart.ConnectionsReleased.Should().BeFalse("a connector with its own stream is rebuilt from the program's parts, which keep them");
        keptPart.PreIndices.Should().HaveCount(kept.Size);
    }

    [Fact]
    public void Weights_and_delays_set_after_the_release_reset_and_a_second_run_give_the_spikes_of_a_network_that_never_released()
    {
        // Reference: the same values set before the first run (nothing released yet), then reset and run again.
        var (reference, refReplayed, _) = Network();
        using var __ = reference;
        var weights = refReplayed.Get("weight").Select((w, k) => w * (1 + k % 3)).ToArray();
        var delays = refReplayed.Get("delay").Select((d, k) => 0.1 * (1 + k % 7)).ToArray();
        refReplayed.Set("weight", weights);
        refReplayed.Set("delay", delays);
        reference.Run(30.0);
        var first = reference.Populations.Select(p => SpikeTimes(p)).ToArray();
        reference.Reset();
        reference.Run(30.0);
        var second = reference.Populations.Select(p => SpikeTimes(p)).ToArray();

        var (sim, replayed, _) = Network();
        using var ___ = sim;
        sim.Run(0.0);
        sim.LoadedSynapseParts.Should().Contain(p => p.ConnectionsReleased);
        replayed.Set("weight", weights);
        replayed.Set("delay", delays);
        sim.Run(30.0);
        sim.LoadedSynapseParts.Should().Contain(p => p.ConnectionsReleased, "restored for the update, released again before the run");
        replayed.Get("weight").Should().Equal(refReplayed.Get("weight"));
        replayed.Get("delay").Should().Equal(refReplayed.Get("delay"));
        first.Sum(p => p.Sum(t => t.Length)).Should().BeGreaterThan(10, "population a is driven and drives b");
        sim.Populations.Select(p => SpikeTimes(p)).Should().BeEquivalentTo(first, o => o.WithStrictOrdering());
        sim.Reset();
        sim.Run(30.0);
        sim.Populations.Select(p => SpikeTimes(p)).Should().BeEquivalentTo(second, o => o.WithStrictOrdering());
        replayed.GetList("weight", "delay").Should().BeEquivalentTo(refReplayed.GetList("weight", "delay"), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Setting_one_projection_s_weights_and_delays_draws_only_that_projection_s_connections_again()
    {
        var (reference, refChanged, _) = Network(ownStream: false);
        using var __ = reference;
        var weights = refChanged.Get("weight").Select((w, k) => w * (1 + k % 3)).ToArray();
        refChanged.Set("weight", weights);
        refChanged.Set("delay", 0.7);
        reference.Run(30.0);
        var expected = reference.Populations.Select(p => SpikeTimes(p)).ToArray();

        var (sim, changed, other) = Network(ownStream: false);
        using var ___ = sim;
        sim.Run(0.0);
        sim.LoadedSynapseParts.Should().OnlyContain(p => p.ConnectionsReleased, "both projections are drawn again on demand");
        int otherRebuilds = other.ConnectionRebuilds;
        changed.Set("weight", weights);
        changed.Set("delay", 0.7);
        sim.Run(30.0);
        other.ConnectionRebuilds.Should().Be(otherRebuilds, "nothing of the other projection changed");
        changed.ConnectionRebuilds.Should().BeGreaterThan(0, "its parts were built again for the update");
        sim.LoadedSynapseParts.Should().OnlyContain(p => p.ConnectionsReleased);
        expected.Sum(p => p.Sum(t => t.Length)).Should().BeGreaterThan(10);
        sim.Populations.Select(p => SpikeTimes(p)).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        changed.Get("delay").Should().Equal(refChanged.Get("delay"), "0.7 ms rounded to the grid, as in the reference");
    }
}
