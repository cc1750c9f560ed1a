using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Network;

namespace Meta.Tests.PreciseSpikes;

/// <summary>
/// Spike sources with precise spike times (docs/semantics.md, "Precise spike times"): the schedule emits each spike at the
/// first index not before it, with its offset, so that <c>index·dt + offset</c> is the given time; on the grid nothing
/// changes. The recorded times on every backend are checked by the conformance scenario
/// <c>dynamics/off-grid-spike-times/SpikeSourceArray</c>.
/// </summary>
public class PreciseSpikeSourceTests
{
    private static SpikeSourceProgram Source(double[][] times, bool precise, ModelDefinition? model = null)
    {
        model ??= SpikeSources.SpikeSourceArray;
        return new()
        {
            Index = 0,
            Label = "src",
            Size = times.Length,
            ModelName = model.Name,
            Kind = model.SourceKind!,
            Parameters = model.Parameters.Where(p => p.Shape == ParameterShape.Scalar)
                .ToDictionary(p => p.Name, p => Enumerable.Repeat(p.Default, times.Length).ToArray()),
            Sequences = new Dictionary<string, double[][]> { ["spike_times"] = times },
            FirstGlobalIndex = 0,
            PreciseTimes = precise,
        };
    }

    /// <summary>Every spike of indices [0, end) as (index, cell, offset), produced in windows of <paramref name="window"/> indices.</summary>
    private static List<(long Step, int Cell, double Offset)> Collect(HostSpikeSchedule schedule, long end, int window)
    {
        var spikes = new List<(long, int, double)>();
        while (schedule.Position < end)
        {
            var w = schedule.Next(Math.Min(end, schedule.Position + window));
            for (long s = w.From; s < w.To; s++)
            {
                var cells = w.CellsAt(s);
                var offsets = w.SpikeOffsetsAt(s);
                for (int k = 0; k < cells.Length; k++) spikes.Add((s, cells[k], offsets is { } o ? o[k] : double.NaN));
            }
        }
        return spikes;
    }

    [Fact]
    public void Off_grid_array_times_are_emitted_at_the_next_index_with_offsets_that_give_back_the_exact_time()
    {
        const double dt = 0.05;
        double[][] times = [[0.075, 10.025, 12.34, 1000.025], [0.3, 0.31, 0.33]];
        var schedule = new HostSpikeSchedule(Source(times, precise: true), dt, 1);
        var spikes = Collect(schedule, 25_000, 333);
        spikes.Where(x => x.Cell == 0).Select(x => x.Step).Should().Equal(2, 201, 247, 20_001);
        // PyNN's issue259 asserts these to a relative 1e-17 and 1e-14: index·dt + offset gives the time back exactly.
        spikes.Where(x => x.Cell == 0).Select(x => (x.Step * dt) + x.Offset).Should().Equal(times[0]);
        // 0.3 is a grid time written in decimal (0.3/0.05 = 5.999999999999999): index 6, offset within rounding of 0.
        var cell1 = spikes.Where(x => x.Cell == 1).ToList();
        cell1.Select(x => x.Step).Should().Equal(6, 7, 7);
        Math.Abs(cell1[0].Offset).Should().BeLessThan(1e-15);
        cell1.Select(x => (x.Step * dt) + x.Offset).Zip(times[1]).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-15);
        spikes.Select(x => x.Offset).Should().OnlyContain(o => o > -dt && o <= 1e-15);
    }

    [Fact]
    public void On_grid_array_times_round_to_the_nearest_index_and_carry_no_offsets()
    {
        var schedule = new HostSpikeSchedule(Source([[0.075, 10.025, 12.34]], precise: false), 0.05, 1);
        var w = schedule.Next(400);
        w.SpikeOffsets.Should().BeNull();
        w.SpikeOffsetsAt(2).Should().BeNull();
        // 0.075/0.05 = 1.4999999999999998 rounds to 1; 10.025/0.05 to 200; 12.34/0.05 = 246.8 to 247.
        Enumerable.Range(0, 400).Where(s => w.CellsAt(s).Length > 0).Should().Equal(1, 200, 247);
    }

    [Fact]
    public void Drawn_processes_keep_their_continuous_times_and_the_same_trains()
    {
        const double dt = 0.1;
        var model = SpikeSources.SpikeSourceGamma;
        SpikeSourceProgram Gamma(bool precise) => Source([[], []], precise, model) with
        {
            Parameters = new Dictionary<string, double[]> { ["alpha"] = [2, 2], ["beta"] = [200, 200], ["start"] = [0, 0], ["duration"] = [1e9, 1e9] },
            Sequences = new Dictionary<string, double[][]>(),
        };
        var precise = Collect(new HostSpikeSchedule(Gamma(true), dt, 5), 10_000, 777);
        var grid = Collect(new HostSpikeSchedule(Gamma(false), dt, 5), 10_000, 777);
        precise.Count.Should().BeGreaterThan(100);
        // The same draws: each spike is at most one index later than on the grid (ceil against round).
        precise.Count.Should().BeInRange(grid.Count - 2, grid.Count + 2);
        precise.Select(x => x.Offset).Should().OnlyContain(o => o > -dt && o <= 1e-12);
        precise.Select(x => x.Offset).Distinct().Count().Should().BeGreaterThan(precise.Count / 2, "continuous draws fall anywhere in a step");
    }

    [Fact]
    public void Kinds_that_draw_per_index_are_refused_precise_times_with_the_kinds_that_take_them()
    {
        var model = SpikeSources.SpikeSourcePoisson;
        var spec = Source([[]], true, model) with { Kind = SpikeSourceKinds.PoissonMultiple };
        ((Action)(() => _ = new HostSpikeSchedule(spec, 0.1, 1))).Should().Throw<ArgumentException>().WithMessage("*precise*array*");
    }

    [Fact]
    public void The_lowering_gives_precise_times_to_arrays_off_grid_only_and_never_to_poisson()
    {
        foreach (var (precision, expected) in new[] { (SpikePrecision.OffGrid, true), (SpikePrecision.OnGrid, false) })
        {
            using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1, SpikePrecision = precision });
            var a = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 0.25 }), "a");
            var p = sim.CreatePopulation(1, new CellType("SpikeSourcePoisson") { ["rate"] = 10.0 }, "p");
            a.Record("spikes");
            sim.Run(1);
            a.GetData().Segments[0].SpikeTrains[0].Times.Should().Equal(expected ? 0.25 : Math.Round(0.25 / 0.1) * 0.1);
            if (expected) sim.Warnings.Should().ContainSingle().Which.Should().Contain("population 'p'").And.Contain("on the grid");
            else sim.Warnings.Should().BeEmpty();
        }
    }
}
