using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Network;

namespace Meta.Tests.PreciseSpikes;

/// <summary>
/// What the engines share for recording precise spike times: the paired add of a host-scheduled source's spikes and offsets
/// (<see cref="SpikeBlockBuilder.AddPaired"/>), the device spike log's budget (<see cref="SpikeLogBudget"/>: offsets only
/// where a logged population needs them), and the off_grid warning's list of precise sources.
/// </summary>
public class PreciseSpikeRecordingTests
{
    private static RecorderSpec Spikes(params int[] cells) => new() { Index = 3, Population = 1, Variable = "spikes", Cells = cells, IntervalSteps = 1 };

    [Fact]
    public void A_precise_builder_pairs_each_spike_with_its_offset_and_keeps_only_recorded_cells()
    {
        var builder = new SpikeBlockBuilder(Spikes(0, 2), 3, precise: true);
        builder.AddPaired([2, 1, 0], 7, [-0.03, -0.02, -0.01]);
        var block = builder.ToBlock();
        block.Cells.Should().Equal(2, 0);
        block.Steps.Should().Equal(7L, 7L);
        block.Offsets.Should().Equal(-0.03, -0.01);
    }

    [Fact]
    public void A_grid_builder_ignores_offsets_and_a_precise_one_refuses_a_count_that_does_not_match()
    {
        var grid = new SpikeBlockBuilder(Spikes(0, 1), 2);
        grid.AddPaired([1, 0], 4, []);
        grid.ToBlock().Offsets.Should().BeNull();
        grid.ToBlock().Cells.Should().Equal(1, 0);
        var precise = new SpikeBlockBuilder(Spikes(0, 1), 2, precise: true);
        FluentActions.Invoking(() => precise.AddPaired([1, 0], 4, [-0.01]))
            .Should().Throw<InvalidOperationException>().WithMessage("*recorder 3*1 offsets for 2 spikes*");
    }

    [Fact]
    public void The_device_log_takes_two_ints_per_entry_on_the_grid_and_a_double_more_with_offsets_within_one_budget()
    {
        SpikeLogBudget.EntryBytes(false).Should().Be(8);
        SpikeLogBudget.EntryBytes(true).Should().Be(16);
        long grid = SpikeLogBudget.BlockSteps(1000, false, long.MaxValue);
        long precise = SpikeLogBudget.BlockSteps(1000, true, long.MaxValue);
        grid.Should().Be((1L << 22) / 1000, "2^22 entries of two ints, as before offsets were logged");
        precise.Should().Be(grid / 2);
        (precise * 1000 * SpikeLogBudget.EntryBytes(true)).Should().BeLessThanOrEqualTo(SpikeLogBudget.Bytes);
        SpikeLogBudget.BlockSteps(1L << 40, true, 100).Should().Be(1, "a block holds at least one index");
        SpikeLogBudget.BlockSteps(0, true, 100).Should().Be(100);
        SpikeLogBudget.BlockSteps(10, false, 100).Should().Be(100);
    }

    [Fact]
    public void The_off_grid_warning_names_exactly_the_standard_sources_of_the_precise_kinds()
    {
        using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1, SpikePrecision = SpikePrecision.OffGrid });
        sim.CreatePopulation(2, new CellType("SpikeSourcePoisson"), "noise");
        sim.Run(1);
        var warning = sim.Warnings.Should().ContainSingle().Which;
        warning.Should().Contain("population 'noise'");
        var sources = StandardModels.All.Where(m => m.Kind == ModelKind.SpikeSource).ToList();
        var precise = sources.Where(m => HostSpikeSchedule.PreciseKinds.Contains(m.SourceKind!)).Select(m => m.Name).ToList();
        precise.Should().HaveCount(HostSpikeSchedule.PreciseKinds.Count);
        foreach (var name in precise) warning.Should().Contain(name);
        var applies = warning[warning.IndexOf("applies to", StringComparison.Ordinal)..];
        foreach (var m in sources.Where(m => !precise.Contains(m.Name))) applies.Should().NotContain(m.Name + ",").And.NotContain(m.Name + " ");
    }
}
