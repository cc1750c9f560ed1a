using FluentAssertions;
using Meta.Backends;
using Meta.Network;
using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Torch;

/// <summary>
/// The order of the sums of exact off-grid delivery on the Torch backend's CPU device (host delivery) against the CPU
/// backend, float64. Two projections from one population onto one cell, same receptor, two source cells spiking in the same
/// steps: the CPU backend adds projection by projection (a₀ + a₁ + b₀ + b₁, its tables in projection order), a table
/// merging both projections would add row by row (a₀ + b₀ + a₁ + b₁). Torch keeps one table per projection when two share
/// pre population, post population and receptor (<c>SynapseTables</c>), so both the ring and the second ring are summed in
/// the CPU's order, and the recorded traces must be bit-identical.
/// </summary>
public sealed class TorchOffGridOrderTests(ITestOutputHelper output)
{
    /// <summary>Projection a's weights (nA) from cells 0 and 1, then projection b's: chosen so that the two orders differ in float64.</summary>
    private static readonly double[] A = [0.472, 0.945], B = [0.651, 0.407];

    /// <summary>Cell 0 spikes 0.026 ms before a grid point, cell 1 0.085 ms before the same one (dt 0.1).</summary>
    private static readonly double[][] Times = [[1.074, 9.074, 20.074], [1.015, 9.015, 20.015]];

    private static double[] Run(IBackend backend)
    {
        using var sim = new Simulation(backend, new SimulationOptions
        {
            Timestep = 0.1, MinDelay = 0.1, MaxDelay = 2.0, Seed = 5, Precision = Precision.Float64, SpikePrecision = SpikePrecision.OffGrid,
        });
        var source = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.Function(i => Times[i])), "source");
        var target = sim.CreatePopulation(1, new CellType("IF_curr_exp").With("v_thresh", -20.0).With("tau_syn_E", 5.0), "target");
        _ = new Projection(source, target, new FromListConnector(new double[][] { [0, 0, A[0], 1.0], [1, 0, A[1], 1.0] }), new StaticSynapse(0.1, 1.0), "excitatory", "a");
        _ = new Projection(source, target, new FromListConnector(new double[][] { [0, 0, B[0], 1.0], [1, 0, B[1], 1.0] }), new StaticSynapse(0.1, 1.0), "excitatory", "b");
        target.Record("v");  // the synaptic current is not recordable; v integrates it every step
        sim.Run(30);
        return target.GetData().Segments[0].Signal("v").Column(0);
    }

    [Fact]
    public void Two_projections_from_one_population_onto_one_cell_sum_in_the_cpu_order_bit_for_bit()
    {
        // The test can fail: the merged order gives another float64 sum of the weights.
        double cpuOrder = A[0] + A[1] + B[0] + B[1], merged = A[0] + B[0] + A[1] + B[1];
        cpuOrder.Should().NotBe(merged, "the weights must tell the two orders apart");

        var cpu = Run(BackendUnderTest.Get("cpu"));
        var torch = Run(BackendUnderTest.Get("torch"));
        output.WriteLine($"largest v {cpu.Max():R} mV; largest difference torch - cpu {cpu.Zip(torch, (x, y) => Math.Abs(x - y)).Max():E2} mV");
        cpu.Max().Should().BeGreaterThan(-60.0, "the spikes must arrive (v at rest is -65 mV) for the comparison to mean something");
        torch.Should().Equal(cpu, "v, float64: the same sums in the same order");
    }
}
