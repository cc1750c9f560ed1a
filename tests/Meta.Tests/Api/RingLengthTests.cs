using Meta.Projections;
using Meta.Projections.Connectors;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>
/// The delay rings are as long as the loaded program's delays need (<see cref="Backends.Programs.StepProgram.RingSlots"/>:
/// the largest delay in steps plus one), not max_delay/dt + 1; a ring's length does not change results; a delay set after the
/// first run beyond the ring is refused with an error naming the limit, and one set before the first run sizes the ring.
/// </summary>
public class RingLengthTests
{
    /// <summary>
    /// A network with the Vogels-Abbott settings (dt 0.1 ms, min_delay 0.2, max_delay 1.0) and every delay 0.2 ms, plus
    /// optionally a projection with delay <paramref name="otherDelay"/> between two cells the test does not read.
    /// </summary>
    private static (Simulation Sim, Populations.Population Cell, Projection Input) Network(double delay, double? otherDelay = null)
    {
        var sim = NewSimulation(timestep: 0.1, minDelay: 0.2, maxDelay: 1.0);
        var source = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 1.0, 2.3, 2.4, 6.0 }), "source");
        var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "cell");
        var input = new Projection(source, cell, new OneToOneConnector(), new StaticSynapse(0.01, delay), "excitatory");
        _ = new Projection(source, cell, new OneToOneConnector(), new StaticSynapse(0.02, delay), "inhibitory");
        if (otherDelay is { } d)
        {
            var far = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "far");
            _ = new Projection(source, far, new OneToOneConnector(), new StaticSynapse(0.01, d), "excitatory");
        }
        cell.Record(["v", "gsyn_exc", "gsyn_inh"]);
        return (sim, cell, input);
    }

    private static int RingSlots(Simulation sim) => new Meta.Lowering.NetworkLowering(sim.Resolve()).Program.RingSlots;

    [Fact]
    public void The_ring_holds_the_largest_delay_in_use_not_max_delay()
    {
        var (sim, _, _) = Network(0.2);
        using var _s = sim;
        RingSlots(sim).Should().Be(3, "every delay is 2 steps; max_delay 1.0 ms (10 steps) does not size the ring");
        var (mixed, _, _) = Network(0.2, otherDelay: 0.7);
        using var _m = mixed;
        RingSlots(mixed).Should().Be(8, "the largest delay in use is 7 steps");
    }

    [Fact]
    public void A_longer_ring_gives_the_same_results()
    {
        // The recorded cell's inputs all have delay 0.2 ms; the second network's unrelated 1.0 ms projection makes its ring
        // 11 slots instead of 3. Same adds, same order: the signals are bit-identical.
        var (shortRing, a, _) = Network(0.2);
        var (longRing, b, _) = Network(0.2, otherDelay: 1.0);
        using var _a = shortRing;
        using var _b = longRing;
        RingSlots(shortRing).Should().Be(3);
        RingSlots(longRing).Should().Be(11);
        shortRing.Run(10);
        longRing.Run(10);
        foreach (var variable in new[] { "v", "gsyn_exc", "gsyn_inh" })
        {
            var x = Signal(a, variable).Column(0);
            var y = Signal(b, variable).Column(0);
            x.Should().Equal(y, $"{variable} does not depend on the ring's length");
        }
        Signal(a, "gsyn_exc").Column(0).Max().Should().BeGreaterThan(0, "the input arrived");
    }

    [Fact]
    public void A_delay_set_before_the_first_run_sizes_the_ring_and_arrives_on_time()
    {
        var (sim, cell, input) = Network(0.2);
        using var _ = sim;
        input.Set("delay", 1.0);
        RingSlots(sim).Should().Be(11);
        sim.Run(10);
        var g = Signal(cell, "gsyn_exc").Column(0);
        // The spike at 1.0 ms with a 10-step delay (exactly the ring's length minus one) arrives at step 20, not before.
        int first = Array.FindIndex(g, x => x > 0);
        first.Should().Be(ArrivalIndex(0.2) + 8, "a delay 8 steps longer arrives 8 steps later");
    }

    /// <summary>The first sample with excitatory conductance when the excitatory delay is <paramref name="delay"/> ms.</summary>
    private static int ArrivalIndex(double delay)
    {
        var (sim, cell, _) = Network(delay);
        using var _s = sim;
        sim.Run(10);
        return Array.FindIndex(Signal(cell, "gsyn_exc").Column(0), x => x > 0);
    }

    [Fact]
    public void A_delay_beyond_the_ring_after_the_first_run_is_refused_naming_the_limit_and_one_within_runs()
    {
        var (sim, cell, input) = Network(0.2, otherDelay: 0.5);
        using var _ = sim;
        sim.Run(5);
        input.Set("delay", 0.5);           // 5 steps: within the ring of 6 slots
        sim.Run(5);
        Signal(cell, "gsyn_exc").Column(0).Max().Should().BeGreaterThan(0);
        input.Set("delay", 0.6);           // 6 steps: beyond it
        sim.Invoking(s => s.Run(5)).Should().Throw<NotSupportedByBackendException>()
            .WithMessage("Projection '*': a delay of 6 steps after the first run*hold up to 5 steps; set the longest delay before the first run)*")
            .Which.Message.Should().StartWith($"Projection '{input.Label} [", "the message names the projection (its part)");
    }
}
