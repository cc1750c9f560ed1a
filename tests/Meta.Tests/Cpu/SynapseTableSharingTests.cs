using Meta.Backends.Cpu;
using Meta.Backends.Programs;
using static Meta.Tests.Cpu.SynapseTableTests;

namespace Meta.Tests.Cpu;

/// <summary>
/// The cpu synapse table shares the step program's arrays where the connections are already in row order (sorted by pre)
/// and stores a <see cref="RepeatedValue{T}"/> weight or delay once; deliveries are those of the copying layout.
/// </summary>
public class SynapseTableSharingTests
{
    private static SynapseGroupProgram Sorted(IReadOnlyList<double> weights, IReadOnlyList<int> delays) => new()
    {
        Index = 0, Label = "p", PreGroup = 0, PostGroup = 1, Receptor = 0,
        PreIndices = [0, 0, 1, 2, 2, 2], PostIndices = [3, 2, 0, 1, 1, 4], Weights = weights, DelaySteps = delays,
    };

    [Fact]
    public void Row_ordered_connections_share_the_programs_post_indices()
    {
        var p = Sorted(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, new[] { 1, 3, 2, 1, 1, 3 });
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        table.SharesProgramArrays.Should().BeTrue();
        Delivered(table).Should().Equal(Expected(p, table.Target));
    }

    [Fact]
    public void Unordered_connections_are_laid_out_in_rows_of_their_own()
    {
        var p = Sorted(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, new[] { 1, 3, 2, 1, 1, 3 }) with { PreIndices = [2, 0, 2, 1, 0, 2] };
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        table.SharesProgramArrays.Should().BeFalse();
        Delivered(table).Should().Equal(Expected(p, table.Target));
    }

    [Fact]
    public void Repeated_values_are_stored_once()
    {
        var p = Sorted(new RepeatedValue<double>(0.5, 6), new RepeatedValue<int>(2, 6));
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        table.SharedWeight.Should().BeTrue();
        table.SharedDelay.Should().BeTrue();
        Delivered(table).Should().Equal(Expected(p, table.Target));
    }

    [Fact]
    public void Unordered_connections_with_repeated_values_are_laid_out_without_positions_and_take_new_values_later()
    {
        var p = Sorted(new RepeatedValue<double>(0.5, 6), new RepeatedValue<int>(2, 6)) with { PreIndices = [2, 0, 2, 1, 0, 2] };
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        table.SharesProgramArrays.Should().BeFalse();
        Delivered(table).Should().Equal(Expected(p, table.Target));
        double[] weights = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        int[] delays = [1, 3, 2, 1, 1, 3];
        table.SetWeights(weights);
        table.SetDelays(delays.Select(d => (double)d).ToArray());
        Array.Clear(table.Target.Buffer);
        Delivered(table).Should().Equal(Expected(p with { Weights = weights, DelaySteps = delays }, table.Target));
    }

    [Fact]
    public void New_weights_are_copied_even_in_row_order()
    {
        var p = Sorted(new RepeatedValue<double>(0.5, 6), new RepeatedValue<int>(2, 6));
        var table = new SynapseTable<double>(p, 3, new InputRing<double>(5, 4));
        double[] weights = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        table.SetWeights(weights);
        var expected = Expected(p with { Weights = (double[])weights.Clone() }, table.Target);
        weights[0] = 100.0;
        Delivered(table).Should().Equal(expected, "the table holds its own copy of an update's values");
    }

    [Fact]
    public void A_repeated_value_reads_as_a_list_and_refuses_indices_outside_it()
    {
        var r = new RepeatedValue<int>(7, 3);
        r.Should().Equal(7, 7, 7);
        r.Invoking(x => x[3]).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*3*3 elements*");
        RepeatedValue<double>.Compact(new[] { 0.0, -0.0 }).Should().BeOfType<double[]>("0.0 and -0.0 differ bit for bit");
        RepeatedValue<double>.Compact(new[] { 0.25, 0.25 }).Should().BeOfType<RepeatedValue<double>>().Which.Value.Should().Be(0.25);
    }
}
