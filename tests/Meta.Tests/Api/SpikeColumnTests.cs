using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Populations;
using Meta.Recording;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>
/// Recorded spikes kept as one flat column per population and segment (<see cref="SpikeColumn"/>), the flat read of
/// <see cref="CellCollection.GetSpikeEvents"/>, and the engine's spike builder handing a long run's storage over.
/// </summary>
public class SpikeColumnTests
{
    [Fact]
    public void Trains_and_counts_of_a_column_match_a_per_cell_reading_across_chunks()
    {
        var rng = new System.Random(5);
        var column = new SpikeColumn();
        var expected = new Dictionary<int, List<double>>();
        long step = 0;
        // Blocks of uneven sizes, 20 000 spikes in all: many chunks (the first holds 256).
        while (column.Count < 20_000)
        {
            int n = rng.Next(0, 700);
            var cells = new int[n];
            var steps = new long[n];
            for (int i = 0; i < n; i++)
            {
                cells[i] = rng.Next(0, 50);
                steps[i] = step;
                if (rng.Next(4) == 0) step++;
                if (!expected.TryGetValue(cells[i], out var list)) expected[cells[i]] = list = [];
                list.Add(steps[i] * 0.1);
            }
            column.Append(new SpikeBlock { Recorder = 0, Cells = cells, Steps = steps }, 0.1);
        }
        int[] asked = [7, 3, 49, 7, 0, 12];
        var trains = column.TrainsOf(asked, 60);
        for (int j = 0; j < asked.Length; j++)
            trains[j].Should().Equal(expected.TryGetValue(asked[j], out var l) ? l : []);
        trains[0].Should().NotBeSameAs(trains[3], "a repeated cell gets its own copy");
        var counts = column.CountsPerCell(60);
        counts.Sum().Should().Be((int)column.Count);
        counts[55].Should().Be(0);
        counts[7].Should().Be(expected[7].Count);
    }

    [Fact]
    public void Spike_events_are_the_trains_spikes_in_time_then_train_order()
    {
        using var sim = NewSimulation(timestep: 0.1);
        var a = sim.CreatePopulation(30, new CellType("SpikeSourcePoisson") { ["rate"] = 300.0 }, "a");
        var b = sim.CreatePopulation(20, new CellType("SpikeSourcePoisson") { ["rate"] = 200.0 }, "b");
        a.Record("spikes");
        b[0..15].Record("spikes");
        sim.Run(50.0);
        sim.Run(30.0);
        var collections = new CellCollection[] { a, b, a + b, b + a, a.Select([7, 3, 12, 0]), a.Select([5, 5, 2]), a + a.Select([1]) };
        CheckAll(collections);
        var all = (a + b).GetSpikeEvents();
        all.Count.Should().BeGreaterThan(500, "the sources fire");
        all.Times.Distinct().Count().Should().BeLessThan(all.Count, "some spikes share a time step, so the order among them is tested");
        sim.Reset();
        sim.Run(20.0);
        CheckAll(collections);
        a.GetData(clear: true);
        sim.Run(10.0);
        CheckAll(collections);
    }

    private static void CheckAll(CellCollection[] collections)
    {
        foreach (var cells in collections)
        {
            var trains = cells.GetData(["spikes"]).Segments[^1].SpikeTrains;
            var events = cells.GetSpikeEvents();
            // The reading the npz writer made before the flat columns: every spike of every train, sorted by (time, train).
            var reference = trains.SelectMany((t, k) => t.Times.Select(time => (Time: time, Train: k)))
                .OrderBy(e => e.Time).ThenBy(e => e.Train).ToArray();
            events.Times.Should().Equal(reference.Select(e => e.Time));
            events.Cells.Should().Equal(reference.Select(e => trains[e.Train].SourceIndex));
            events.RecordedCells.Should().Equal(trains.Select(t => t.SourceIndex));
            var labels = trains.Select(t => t.SourcePopulation).Distinct().ToArray();
            events.PopulationLabels.Should().Equal(labels);
            events.RecordedPopulations.Select(p => labels[p]).Should().Equal(trains.Select(t => t.SourcePopulation));
            if (labels.Length > 1)
                events.Populations!.Select(p => labels[p]).Should().Equal(reference.Select(e => trains[e.Train].SourcePopulation));
            else events.Populations.Should().BeNull();
            cells.GetSpikeCounts().Should().Equal(trains.Select(t => t.Times.Length));
        }
    }

    [Fact]
    public void A_builder_hands_a_long_runs_spikes_over_and_still_returns_them_all()
    {
        var spec = new RecorderSpec { Index = 0, Population = 0, Variable = "spikes", Cells = [0, 1, 2], IntervalSteps = 1 };
        var builder = new SpikeBlockBuilder(spec, 3);
        int n = SpikeBlockBuilder.KeepCapacity + 10;
        for (int i = 0; i < n; i++) builder.Add(i % 3, i);
        var first = builder.ToBlock();
        first.Cells.Should().HaveCount(n);
        builder.ToBlock().Should().BeSameAs(first, "nothing was added since");
        builder.Add(2, n);
        var second = builder.ToBlock();
        second.Cells.Should().HaveCount(n + 1);
        second.Steps[^1].Should().Be(n);
        second.Cells[..n].Should().Equal(first.Cells);
    }

    [Fact]
    public void A_builder_returns_each_spikes_time_index_whatever_the_order_of_the_steps_and_after_a_hand_over()
    {
        // The builder keeps a time index once per run of spikes of one step: steps that repeat, go back, or come between
        // unrecorded cells' spikes must still give every spike its own index.
        var spec = new RecorderSpec { Index = 0, Population = 0, Variable = "spikes", Cells = [0, 2, 3], IntervalSteps = 1 };
        var rng = new System.Random(11);
        var builder = new SpikeBlockBuilder(spec, 4);
        var cells = new List<int>();
        var steps = new List<long>();
        long step = 5;
        int total = SpikeBlockBuilder.KeepCapacity + 500;
        while (cells.Count < total)
        {
            step += rng.Next(-2, 4); // some steps again, some back, some on
            var fired = Enumerable.Range(0, rng.Next(0, 6)).Select(_ => rng.Next(0, 4)).ToArray();
            if (rng.Next(2) == 0) builder.Add(fired, step);
            else foreach (int c in fired) builder.Add(c, step);
            foreach (int c in fired.Where(c => c != 1))
            {
                cells.Add(c);
                steps.Add(step);
            }
        }
        var first = builder.ToBlock();
        first.Cells.Should().Equal(cells);
        first.Steps.Should().Equal(steps);
        // After the hand-over (more than KeepCapacity spikes), later spikes follow the handed ones.
        builder.Add([3, 1, 0], step);
        builder.Add(2, step - 1);
        var second = builder.ToBlock();
        second.Cells.Should().Equal(cells.Concat([3, 0, 2]));
        second.Steps.Should().Equal(steps.Concat([step, step, step - 1]));
    }
}
