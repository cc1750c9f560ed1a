using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Random;

namespace Meta.Tests.Network;

/// <summary>
/// <c>SpikeSourcePoissonMultiple</c> windows of <see cref="HostSpikeSchedule"/> against the definition of docs/semantics.md,
/// evaluated here directly: in step s a cell inside [start, start + duration) emits the number of j with u &lt; P(K ≥ j),
/// u = Philox.Uniform(seed, PoissonCell(g), s), the tails by the float64 recurrence written out below.
/// </summary>
public class PoissonMultipleScheduleTests
{
    private const double Dt = 0.1;
    private const ulong Seed = 55;

    /// <summary>The tail table as the definition writes it, every term stored (up to 100 000).</summary>
    private static double[] ReferenceTails(double rate, double dt)
    {
        double lambda = rate * dt / 1000.0;
        if (!(lambda > 0)) return [];
        var tails = new List<double>();
        double p = Math.Exp(-lambda), cdf = p;
        tails.Add(1.0 - Math.Exp(-lambda));
        for (int k = 1; tails[^1] > 1.0 / (1L << 60) && k < 100_000; k++)
        {
            p *= lambda / k;
            cdf += p;
            tails.Add(Math.Max(0, Math.Min(tails[^1], 1.0 - cdf)));
        }
        return tails.ToArray();
    }

    private static int ReferenceCount(double[] tails, double u)
    {
        int k = 0;
        while (k < tails.Length && u < tails[k]) k++;
        return k;
    }

    private static SpikeSourceProgram Source(double[] rate, double[]? start = null, double[]? duration = null, int firstGlobal = 0)
    {
        var model = SpikeSources.SpikeSourcePoissonMultiple;
        int n = rate.Length;
        return new SpikeSourceProgram
        {
            Index = 0,
            Label = "bg",
            Size = n,
            ModelName = model.Name,
            Kind = model.SourceKind!,
            Parameters = new Dictionary<string, double[]>
            {
                ["rate"] = rate,
                ["start"] = start ?? new double[n],
                ["duration"] = duration ?? Enumerable.Repeat(1e9, n).ToArray(),
            },
            Sequences = new Dictionary<string, double[][]>(),
            FirstGlobalIndex = firstGlobal,
        };
    }

    /// <summary>The spikes of indices [from, to) by the definition, as (index, cell) in window order (index, then cell).</summary>
    private static List<(long Step, int Cell)> Expected(SpikeSourceProgram spec, long from, long to)
    {
        var rate = spec.Parameters["rate"];
        var start = spec.Parameters["start"];
        var duration = spec.Parameters["duration"];
        var byRate = rate.Distinct().ToDictionary(r => r, r => ReferenceTails(r, Dt));
        var tails = rate.Select(r => byRate[r]).ToArray();
        var spikes = new List<(long, int)>();
        for (long s = from; s < to; s++)
            for (int i = 0; i < spec.Size; i++)
            {
                double t = s * Dt;
                if (t < start[i] || t >= start[i] + duration[i]) continue;
                double u = Philox.Uniform(Seed, RandomStreams.PoissonCell(spec.FirstGlobalIndex + i), (ulong)s);
                for (int k = ReferenceCount(tails[i], u); k > 0; k--) spikes.Add((s, i));
            }
        return spikes;
    }

    private static void Append(List<(long Step, int Cell)> spikes, SpikeWindow window)
    {
        window.Offsets.Should().HaveCount((int)(window.To - window.From + 1));
        window.Offsets[^1].Should().Be(window.Count);
        for (long s = window.From; s < window.To; s++)
            foreach (var c in window.CellsAt(s)) spikes.Add((s, c));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(8.0)]
    [InlineData(1280.0)]
    [InlineData(2320.0)]
    [InlineData(20_000.0)]
    [InlineData(123_456.7)]
    [InlineData(1_000_000.0)]
    [InlineData(5_000_000.0)]
    public void Tail_tables_count_as_the_full_recurrence_does(double rate)
    {
        var reference = ReferenceTails(rate, Dt);
        var table = PoissonTails.Of(rate, Dt);
        table.Length.Should().Be(reference.Length);
        table.Stored.ToArray().Should().Equal(reference.Take(table.Stored.Length));
        // What is not stored repeats the last value stored.
        double last = table.Stored[^1];
        reference.Skip(table.Stored.Length).Where(v => v != last).Should().BeEmpty();
        table.Stored.Length.Should().BeLessThan(2000, "a table holds its distinct values, not up to 100 000 repeats");
        var rng = new RandomStream(3, 4);
        var us = Enumerable.Range(0, 20_000).Select(_ => rng.NextDouble())
            .Concat(reference.Distinct().SelectMany(v => new[] { v, Math.BitDecrement(v), Math.BitIncrement(v) }))
            .Concat([0.0, Philox.UnitDoubleEpsilon, 2 * Philox.UnitDoubleEpsilon, 1 - Philox.UnitDoubleEpsilon]);
        foreach (double u in us)
            table.Count(u).Should().Be(ReferenceCount(reference, u), "u = {0:R}", u);
    }

    [Fact]
    public void At_microcircuit_rates_the_table_is_short_and_preserves_the_definitions_count_at_its_floor()
    {
        // 1.28 kHz at dt 0.1: 1 − cdf stops at a rounding floor (2^−53 or 2^−52) above 2^−60, so the definition's recurrence
        // runs to 100 000 terms and a draw below the floor (u = 0, probability 2^−53 per cell and step) counts 100 000
        // spikes. That is an artefact of the definition, not a desirable count; the compact table must preserve it all the
        // same, because changing it would change the spikes (docs/semantics.md).
        var reference = ReferenceTails(1280, Dt);
        reference.Should().HaveCount(100_000);
        var table = PoissonTails.Of(1280, Dt);
        table.Stored.Length.Should().BeLessThan(40);
        table.Count(0.0).Should().Be(100_000);
        table.Count(reference[^1]).Should().BeLessThan(100, "a draw at the floor itself is not below it");
    }

    [Fact]
    public void A_rate_above_500_spikes_per_step_is_refused_naming_the_population_cell_rate_dt_and_limit()
    {
        var act = () => PoissonTails.Of(5_000_001, Dt);
        act.Should().Throw<InvalidParameterValueException>().Which.Message.Should().Contain("5000001").And.Contain("0.1").And.Contain("500");

        var schedule = new HostSpikeSchedule(Source([8.0, 5_000_000, 5_000_001]), Dt, Seed);
        var window = () => schedule.WindowAt(0, 9);
        var error = window.Should().Throw<InvalidParameterValueException>().Which;
        error.Message.Should().Contain("'bg'").And.Contain("cell 2").And.Contain("5000001 Hz").And.Contain("dt = 0.1 ms").And.Contain("at most 500");
        error.InnerException.Should().BeOfType<InvalidParameterValueException>();
    }

    [Fact]
    public void Windows_hold_every_spike_of_the_definition_several_per_step_whatever_their_sizes()
    {
        // 20 kHz at dt 0.1: a mean of 2 spikes per step; cells with their own start and duration; global indices from 40.
        var rate = new[] { 20_000.0, 1280.0, 0.0, 20_000.0, 50_000.0, 8.0 };
        var start = new[] { 0.0, 3.0, 0.0, 12.34, 0.0, 0.0 };
        var duration = new[] { 1e9, 50.0, 1e9, 20.0, 1e9, 1e9 };
        var spec = Source(rate, start, duration, firstGlobal: 40);
        var expected = Expected(spec, 0, 3000);
        expected.GroupBy(x => x).Max(g => g.Count()).Should().BeGreaterThan(3, "several spikes of one cell in one step");
        expected.Should().Contain(x => x.Cell == 3).And.NotContain(x => x.Cell == 3 && (x.Step < 123 || x.Step > 324));

        foreach (int[] lengths in new[] { new[] { 3000 }, new[] { 1, 7, 333, 4096, 2 } })
        {
            var schedule = new HostSpikeSchedule(spec, Dt, Seed);
            var spikes = new List<(long, int)>();
            int w = 0;
            while (schedule.Position < 3000) Append(spikes, schedule.Next(Math.Min(3000, schedule.Position + lengths[w++ % lengths.Length])));
            spikes.Should().Equal(expected);
        }
    }

    [Fact]
    public void WindowAt_bounds_a_window_by_its_spikes_and_loses_none()
    {
        // 1 000 cells at 1 MHz: 100 spikes per cell and step, 10^5 a step: a window of 4096 steps would hold 4·10^8.
        var spec = Source(Enumerable.Repeat(1_000_000.0, 1000).ToArray());
        var schedule = new HostSpikeSchedule(spec, Dt, Seed);
        var spikes = new List<(long, int)>();
        var lengths = new List<long>();
        for (long s = 0; s < 30; )
        {
            var window = schedule.WindowAt(s, 29);
            window.From.Should().Be(s);
            window.Count.Should().BeLessThan(HostSpikeSchedule.WindowSpikes + 110_000);
            lengths.Add(window.To - window.From);
            Append(spikes, window);
            s = window.To;
        }
        lengths.Should().HaveCountGreaterThan(2).And.OnlyContain(n => n <= 12);
        var expected = Expected(spec, 0, 30);
        spikes.Should().HaveCount(expected.Count);
        spikes.SequenceEqual(expected).Should().BeTrue();
    }

    [Fact]
    public void Changes_of_start_and_duration_mid_run_apply_from_the_next_index_piece_by_piece()
    {
        var rate = new[] { 20_000.0, 1280.0, 2320.0, 50_000.0 };
        var schedule = new HostSpikeSchedule(Source(rate, [0, 10, 0, 5], [1e9, 1e9, 30, 1e9]), Dt, Seed);
        // Each piece: the parameters in force, then the indices [from, to) produced with them, in windows of up to 37 indices.
        var pieces = new (double[] Start, double[] Duration, long From, long To)[]
        {
            ([0, 10, 0, 5], [1e9, 1e9, 30, 1e9], 0, 250),
            // cell 0 stops at once (its window ended before now), cell 1 starts later, cell 2 runs longer.
            ([0, 40, 0, 5], [20, 1e9, 60, 1e9], 250, 500),
            // cell 0 restarts at 55 ms, cell 3 ends within the piece, cell 1's start moves before now (it goes on).
            ([55, 12.5, 0, 5], [1e9, 1e9, 60, 58], 500, 900),
        };
        foreach (var (start, duration, from, to) in pieces)
        {
            schedule.SetParameter("start", start);
            schedule.SetParameter("duration", duration);
            var spikes = new List<(long Step, int Cell)>();
            for (long s = from; s < to;)
            {
                var window = schedule.WindowAt(s, to - 1, 37);
                window.From.Should().Be(s);
                Append(spikes, window);
                s = window.To;
            }
            var expected = Expected(Source(rate, start, duration), from, to);
            spikes.Should().Equal(expected, "piece [{0}, {1})", from, to);
            expected.Should().NotBeEmpty();
        }
    }

    [Fact]
    public void A_window_of_a_source_outside_its_start_and_duration_allocates_little()
    {
        // 1 000 cells at 1 MHz that start at 10 s: an allocation sized by their rate would take 2^20 + 10^5 ints (4.6 MB).
        var spec = Source(Enumerable.Repeat(1_000_000.0, 1000).ToArray(), Enumerable.Repeat(10_000.0, 1000).ToArray());
        var schedule = new HostSpikeSchedule(spec, Dt, Seed);
        schedule.WindowAt(0, 99);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var window = schedule.WindowAt(100, 4195);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        window.Count.Should().Be(0);
        (window.To - window.From).Should().Be(HostSpikeSchedule.DefaultWindowSteps);
        allocated.Should().BeLessThan(100_000, "a silent window holds its offsets, not room for 2^20 spikes");
    }

    [Fact]
    public void WindowAt_skips_forward_and_a_rate_change_applies_from_the_next_index()
    {
        var spec = Source([2320, 20_000, 1280]);
        var schedule = new HostSpikeSchedule(spec, Dt, Seed);
        var spikes = new List<(long, int)>();
        var first = schedule.WindowAt(100, 199);
        first.From.Should().Be(100);
        first.To.Should().Be(200);
        Append(spikes, first);
        spikes.Should().Equal(Expected(spec, 100, 200));

        schedule.SetParameter("rate", [2320, 300_000, 1280]);
        var changed = Source([2320, 300_000, 1280]);
        var after = new List<(long Step, int Cell)>();
        for (long s = 200; s < 900;)
        {
            var window = schedule.WindowAt(s, 899, 64);
            (window.To - window.From).Should().BeLessThanOrEqualTo(64);
            Append(after, window);
            s = window.To;
        }
        after.Should().Equal(Expected(changed, 200, 900));
        after.Count(x => x.Cell == 1).Should().BeGreaterThan(20_000);

        schedule.Reset();
        var again = new List<(long, int)>();
        Append(again, schedule.WindowAt(0, 99));
        again.Should().Equal(Expected(changed, 0, 100), "a reset keeps the parameters and restarts at index 0");
    }
}
