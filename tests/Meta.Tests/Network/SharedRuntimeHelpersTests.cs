using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Tests.Network;

/// <summary>
/// The helpers the lowering, the step engine and the CPU backend now share instead of each writing its own:
/// <see cref="InitialStates"/> (the lowering's own states start at 0, at a load and at a reset alike) and
/// <see cref="ConnectionRows.Starts"/> (CSR row starts, with a cell outside the group named) and <see cref="ConnectionRows.ByRow"/>.
/// </summary>
public class SharedRuntimeHelpersTests
{
    [Fact]
    public void Missing_states_start_at_zero_and_given_ones_are_kept()
    {
        var given = new Dictionary<string, double[]> { ["v"] = [-65.0, -60.0] };
        var complete = InitialStates.Complete(given, ["v", "refractory_left", "spike_offset"], 2);
        complete.Keys.Should().BeEquivalentTo(["v", "refractory_left", "spike_offset"]);
        complete["v"].Should().BeSameAs(given["v"]);
        complete["refractory_left"].Should().Equal(0.0, 0.0);
        complete["spike_offset"].Should().Equal(0.0, 0.0);
        InitialStates.Complete(given, ["v"], 2).Should().BeSameAs(given, "nothing is missing");
        InitialStates.Of(given, "w", 3).Should().Equal(0.0, 0.0, 0.0);
    }

    [Fact]
    public void Row_starts_count_the_connections_of_each_cell_and_name_a_cell_outside()
    {
        ConnectionRows.Starts([0, 0, 2, 2, 2], 4).Should().Equal(0, 2, 2, 5, 5);
        new ConnectionRows([2, 0, 2, 0, 2], 4).Start.Should().Equal(0, 2, 2, 5, 5);
        FluentActions.Invoking(() => ConnectionRows.Starts([0, 4], 4)).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Connection 1's cell is outside the group's 4 cells.*");
    }

    [Fact]
    public void Values_laid_out_by_row_without_positions_equal_the_positions_layout()
    {
        int[] cells = [2, 0, 3, 0, 2, 2, 1, 0];
        int[] values = [10, 11, 12, 13, 14, 15, 16, 17];
        var rows = new ConnectionRows(cells, 5);
        var byRow = ConnectionRows.ByRow(cells, rows.Start, values);
        byRow.Should().Equal(rows.ByPosition(values));
        byRow.Should().Equal(11, 13, 17, 16, 10, 14, 15, 12);
        FluentActions.Invoking(() => ConnectionRows.ByRow(cells, rows.Start, new int[3])).Should().Throw<ArgumentException>()
            .WithMessage("3 values for 8 connections.*");
    }
}
