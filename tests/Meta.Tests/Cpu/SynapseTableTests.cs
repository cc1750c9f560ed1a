using Meta.Backends.Cpu;
using Meta.Backends.Programs;

namespace Meta.Tests.Cpu;

public class SynapseTableTests
{
    private static SynapseGroupProgram Projection(double[] weights, int[] delays) => new()
    {
        Index = 0, Label = "p", PreGroup = 0, PostGroup = 1, Receptor = 0,
        PreIndices = [2, 0, 2, 1, 0, 2], PostIndices = [1, 3, 1, 0, 2, 4], Weights = weights, DelaySteps = delays,
    };

    /// <summary>The ring after pre cells 0 and 2 spike at step 1, added naively in connection order.</summary>
    internal static double[] Expected(SynapseGroupProgram p, InputRing<double> ring)
    {
        var buffer = new double[ring.Buffer.Length];
        foreach (int pre in new[] { 0, 2 })
            for (int k = 0; k < p.Count; k++)
                if (p.PreIndices[k] == pre) buffer[(1 + p.DelaySteps[k]) % ring.Slots * ring.Cells + p.PostIndices[k]] += p.Weights[k];
        return buffer;
    }

    /// <summary>The ring after pre cells 0 and 2 of <paramref name="table"/> spike at step 1.</summary>
    internal static double[] Delivered(SynapseTable<double> table)
    {
        table.Deliver(0, 1);
        table.Deliver(2, 1);
        return table.Target.Buffer;
    }

    [Fact]
    public void A_projection_wide_weight_and_delay_are_stored_once()
    {
        var p = Projection([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [2, 2, 2, 2, 2, 2]);
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        table.SharedWeight.Should().BeTrue();
        table.SharedDelay.Should().BeTrue();
        table.Bytes.Should().Be(4 * (4 + 6), "row starts and post indices only");
        Delivered(table).Should().Equal(Expected(p, table.Target));
    }

    [Fact]
    public void Varying_weights_and_delays_are_stored_per_synapse_and_delivered_alike()
    {
        var p = Projection([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1, 3, 2, 1, 1, 3]);
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        table.SharedWeight.Should().BeFalse();
        table.SharedDelay.Should().BeFalse();
        table.Bytes.Should().Be(4 * (4 + 6 + 6) + 8 * 6);
        Delivered(table).Should().Equal(Expected(p, table.Target));
    }

    [Fact]
    public void Float32_weights_take_four_bytes_and_arrive_rounded_once()
    {
        var p = Projection([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 2, 2, 2, 2, 2]);
        var table = new SynapseTable<float>(p, 3, new InputRing<float>(5, 4));
        table.SharedWeight.Should().BeFalse();
        table.Bytes.Should().Be(4 * (4 + 6) + 4 * 6, "a float32 weight per synapse, the shared delay once");
        table.Deliver(0, 1);
        table.Deliver(2, 1);
        var expected = Expected(p, new InputRing<double>(5, 4)).Select(v => (float)v).ToArray();
        // Cell 1 receives pre 2's two synapses, 0.1f + 0.3f summed in float32, as the float64 sum rounded once.
        table.Target.Buffer.Should().Equal(expected);
    }

    [Fact]
    public void New_weights_and_delays_switch_between_the_layouts()
    {
        var p = Projection([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [2, 2, 2, 2, 2, 2]);
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        double[] weights = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        int[] delays = [1, 3, 2, 1, 1, 3];
        table.SetWeights(weights);
        table.SetDelays(delays.Select(d => (double)d).ToArray());
        table.SharedWeight.Should().BeFalse();
        Delivered(table).Should().Equal(Expected(p with { Weights = weights, DelaySteps = delays }, table.Target));
        table.SetWeights([0.7, 0.7, 0.7, 0.7, 0.7, 0.7]);
        table.SharedWeight.Should().BeTrue();
    }

    [Fact]
    public void A_delay_outside_the_ring_is_refused_with_the_projection_named()
    {
        var table = new SynapseTable<double>(Projection([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [2, 2, 2, 2, 2, 2]), 3, new InputRing<double>(5, 4));
        var act = () => table.SetDelays([2, 2, 4, 2, 2, 2]);
        act.Should().Throw<ArgumentException>().WithMessage("*'p'*4 steps*0..3*");
    }
}
