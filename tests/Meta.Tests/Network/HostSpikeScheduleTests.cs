using Meta.Backends.Runtime;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Backends.Programs;
using Meta.Random;
using static Meta.Tests.Random.RandomTestStatistics;

namespace Meta.Tests.Network;

public class HostSpikeScheduleTests
{
    /// <summary>A spike source group of <paramref name="size"/> cells with the model's defaults, overridden per name.</summary>
    private static SpikeSourceProgram Spec(ModelDefinition model, int size, Dictionary<string, double[]>? scalars = null,
        Dictionary<string, double[][]>? sequences = null, int firstGlobal = 0) => new()
    {
        Index = 0,
        Label = "src",
        Size = size,
        ModelName = model.Name,
        Kind = model.SourceKind!,
        Parameters = model.Parameters.Where(p => p.Shape == ParameterShape.Scalar).ToDictionary(p => p.Name,
            p => scalars?.GetValueOrDefault(p.Name) ?? Enumerable.Repeat(p.Default, size).ToArray()),
        Sequences = model.Parameters.Where(p => p.Shape == ParameterShape.Sequence).ToDictionary(p => p.Name,
            p => sequences?.GetValueOrDefault(p.Name) ?? Enumerable.Range(0, size).Select(_ => p.DefaultSequence?.ToArray() ?? []).ToArray()),
        FirstGlobalIndex = firstGlobal,
    };

    private static double[] Fill(int n, double v) => Enumerable.Repeat(v, n).ToArray();

    /// <summary>Every spike of indices [0, end) as (index, cell), produced in windows of the given lengths (cycled).</summary>
    private static List<(long Step, int Cell)> Collect(HostSpikeSchedule schedule, long end, params int[] windowLengths)
    {
        var spikes = new List<(long, int)>();
        int w = 0;
        while (schedule.Position < end)
        {
            long to = Math.Min(end, schedule.Position + windowLengths[w++ % windowLengths.Length]);
            var window = schedule.Next(to);
            for (long s = window.From; s < window.To; s++)
                foreach (var c in window.CellsAt(s)) spikes.Add((s, c));
        }
        return spikes;
    }

    private static double[][] Trains(List<(long Step, int Cell)> spikes, int cells, double dt) =>
        Enumerable.Range(0, cells).Select(c => spikes.Where(x => x.Cell == c).Select(x => x.Step * dt).ToArray()).ToArray();

    private static double[] Isis(double[][] trains) => trains.SelectMany(t => t.Zip(t.Skip(1), (a, b) => b - a)).ToArray();

    private static HostSpikeSchedule Gamma(int cells, double alpha, double beta, double dt = 0.1, ulong seed = 7) =>
        new(Spec(SpikeSources.SpikeSourceGamma, cells, new() { ["alpha"] = Fill(cells, alpha), ["beta"] = Fill(cells, beta) }), dt, seed);

    [Fact]
    public void Trains_do_not_depend_on_window_sizes()
    {
        var whole = Collect(Gamma(5, 2, 400), 20_000, 20_000);
        var pieces = Collect(Gamma(5, 2, 400), 20_000, 1, 7, 333, 4096, 2);
        whole.Count.Should().BeGreaterThan(1000);
        pieces.Should().Equal(whole);
    }

    [Fact]
    public void Windows_are_sorted_by_index_then_cell_and_the_same_seed_repeats()
    {
        var a = Collect(Gamma(8, 1, 2000), 5000, 5000);
        a.Select(x => x.Step * 100 + x.Cell).Should().BeInAscendingOrder();
        Collect(Gamma(8, 1, 2000), 5000, 5000).Should().Equal(a);
        Collect(Gamma(8, 1, 2000, seed: 8), 5000, 5000).Should().NotEqual(a);
        a.GroupBy(x => x).Should().Contain(g => g.Count() > 1, "at 2000 Hz and dt 0.1 a cell sometimes spikes twice in one index; both are delivered");
    }

    [Fact]
    public void Each_cell_draws_from_its_own_stream_of_its_global_index()
    {
        // Cell 0 of a population starting at global index 3 is cell 3 of one starting at 0.
        var model = SpikeSources.SpikeSourceGamma;
        var shifted = new HostSpikeSchedule(Spec(model, 1, new() { ["beta"] = [500.0] }, firstGlobal: 3), 0.1, 11);
        var wide = new HostSpikeSchedule(Spec(model, 4, new() { ["beta"] = Fill(4, 500) }), 0.1, 11);
        var one = Collect(shifted, 3000, 3000).Select(x => x.Step);
        var four = Collect(wide, 3000, 3000).Where(x => x.Cell == 3).Select(x => x.Step);
        one.Should().Equal(four).And.NotBeEmpty();
    }

    [Fact]
    public void Reset_repeats_the_trains()
    {
        var schedule = Gamma(3, 3, 600);
        var first = Collect(schedule, 4000, 100);
        schedule.Reset();
        schedule.Position.Should().Be(0);
        Collect(schedule, 4000, 4000).Should().Equal(first);
    }

    [Fact]
    public void Start_and_duration_bound_the_trains()
    {
        var spec = Spec(SpikeSources.SpikeSourcePoissonRefractory, 4, new()
        {
            ["rate"] = Fill(4, 500), ["tau_refrac"] = Fill(4, 1), ["start"] = [0, 50, 100, 100], ["duration"] = [100, 100, 0, 1e10],
        });
        var trains = Trains(Collect(new HostSpikeSchedule(spec, 0.1, 3), 3000, 3000), 4, 0.1);
        trains[0].Should().NotBeEmpty().And.OnlyContain(t => t > 0 && t <= 100.05);
        trains[1].Should().NotBeEmpty().And.OnlyContain(t => t >= 50 && t <= 150.05);
        trains[2].Should().BeEmpty("a zero duration emits nothing");
        trains[3].Should().OnlyContain(t => t >= 100).And.HaveCountGreaterThan(50);
    }

    [Fact]
    public void Gamma_intervals_are_gamma_distributed()
    {
        const double alpha = 3, beta = 300, dt = 0.001;
        var trains = Trains(Collect(Gamma(10, alpha, beta, dt), 2_000_000, 50_000), 10, dt);
        var isis = Isis(trains);
        isis.Length.Should().BeGreaterThan(1500);
        double scale = 1000 / beta;
        ShouldPassKs(isis, x => 1 - Math.Exp(IncompleteGamma.LogQ(alpha, Math.Max(0, x) / scale)), "gamma ISIs");
        isis.Average().Should().BeApproximately(alpha * scale, 4 * Math.Sqrt(alpha) * scale / Math.Sqrt(isis.Length));
    }

    [Fact]
    public void Poisson_with_dead_time_keeps_the_rate_and_never_fires_within_the_dead_time()
    {
        const double rate = 100, tau = 5, dt = 0.01;
        var spec = Spec(SpikeSources.SpikeSourcePoissonRefractory, 10, new() { ["rate"] = Fill(10, rate), ["tau_refrac"] = Fill(10, tau) });
        var trains = Trains(Collect(new HostSpikeSchedule(spec, dt, 5), 500_000, 100_000), 10, dt);
        var isis = Isis(trains);
        isis.Min().Should().BeGreaterThanOrEqualTo(tau - dt);
        double mean = 1000 / rate - tau;
        // Rounding both ends to the grid adds at most dt to an interval: compare against the exponential at the midpoint.
        ShouldPassKs(isis.Select(x => x - tau).ToArray(), x => 1 - Math.Exp(-Math.Max(0, x) / mean), "ISI − tau_refrac");
        double count = trains.Sum(t => t.Length), expected = rate * 5 * 10;
        count.Should().BeApproximately(expected, 5 * Math.Sqrt(expected));
    }

    [Fact]
    public void Inhomogeneous_gamma_follows_the_rate_and_shape_of_each_bin()
    {
        // Bins of 2 s: rate 1/(a·b) = 20, 250 and 100 Hz; shapes 1, 4 and 0.5.
        double[] a = [1, 4, 0.5], b = [0.05, 0.001, 0.02], bins = [0, 2000, 4000];
        const int cells = 10;
        const double dt = 0.01;
        var spec = Spec(SpikeSources.SpikeSourceInhGamma, cells, sequences: new()
        {
            ["a"] = Enumerable.Range(0, cells).Select(_ => a).ToArray(),
            ["b"] = Enumerable.Range(0, cells).Select(_ => b).ToArray(),
            ["tbins"] = Enumerable.Range(0, cells).Select(_ => bins).ToArray(),
        });
        var trains = Trains(Collect(new HostSpikeSchedule(spec, dt, 99), 600_000, 10_000), cells, dt);
        for (int j = 0; j < 3; j++)
        {
            // Skip the first 200 ms of a bin, where the age carried over from the previous bin still matters.
            double from = bins[j] + 200, to = bins[j] + 2000;
            double rate = 1 / (a[j] * b[j]);
            double count = trains.Sum(t => t.Count(x => x >= from && x < to));
            double expected = rate * (to - from) / 1000 * cells;
            // A gamma process's count variance is about mean / a (Fano factor 1/a).
            count.Should().BeApproximately(expected, 5 * Math.Sqrt(expected / a[j]), $"bin {j} should fire at {rate} Hz");
            var isis = trains.SelectMany(t => t.Where(x => x >= from && x < to).ToArray() is var w ? w.Zip(w.Skip(1), (p, q) => q - p) : []).ToArray();
            double scale = 1000 * b[j];
            if (j == 1)
                ShouldPassKs(isis, x => 1 - Math.Exp(IncompleteGamma.LogQ(a[j], Math.Max(0, x) / scale)), $"ISIs in bin {j}");
        }
    }

    [Fact]
    public void Inhomogeneous_gamma_with_one_bin_is_a_gamma_process()
    {
        const double dt = 0.001, shape = 2.5, scaleSeconds = 0.004;
        var spec = Spec(SpikeSources.SpikeSourceInhGamma, 5, sequences: new()
        {
            ["a"] = Enumerable.Range(0, 5).Select(_ => new[] { shape }).ToArray(),
            ["b"] = Enumerable.Range(0, 5).Select(_ => new[] { scaleSeconds }).ToArray(),
        });
        var isis = Isis(Trains(Collect(new HostSpikeSchedule(spec, dt, 1), 4_000_000, 100_000), 5, dt));
        isis.Length.Should().BeGreaterThan(1500);
        ShouldPassKs(isis, x => 1 - Math.Exp(IncompleteGamma.LogQ(shape, Math.Max(0, x) / (1000 * scaleSeconds))), "one-bin ISIs");
    }

    [Fact]
    public void A_parameter_change_applies_from_the_next_index_and_only_to_changed_cells()
    {
        var reference = Gamma(2, 2, 200);
        var changed = Gamma(2, 2, 200);
        var before = Collect(changed, 10_000, 10_000);
        Collect(reference, 10_000, 10_000).Should().Equal(before);
        changed.SetParameter("beta", [4000, 200]); // cell 0 from 100 Hz to 2000 Hz; cell 1 unchanged
        var after = Collect(changed, 20_000, 1000);
        var unchanged = Collect(reference, 20_000, 20_000);
        after.Should().OnlyContain(x => x.Step >= 10_000);
        after.Where(x => x.Cell == 1).Should().Equal(unchanged.Where(x => x.Cell == 1 && x.Step >= 10_000), "cell 1's parameters did not change");
        after.Count(x => x.Cell == 0).Should().BeInRange(1600, 2400, "cell 0 now fires at 2000 Hz for 1 s");
        unchanged.Count(x => x.Cell == 0 && x.Step >= 10_000).Should().BeInRange(60, 140);
    }

    [Fact]
    public void Spike_arrays_emit_their_times_and_new_times_apply_to_indices_not_produced_yet()
    {
        var spec = Spec(SpikeSources.SpikeSourceArray, 2, sequences: new() { ["spike_times"] = [[0.0, 1.0, 1.04, 5.0], [1.0, 20.0]] });
        var schedule = new HostSpikeSchedule(spec, 0.1, 0);
        var first = Collect(schedule, 51, 51); // indices 0..50, as a 5 ms first run emits
        first.Should().Equal((0L, 0), (10L, 0), (10L, 0), (10L, 1), (50L, 0));
        schedule.SetSequence("spike_times", [[2.0, 6.0, 7.0], [30.0]]);
        Collect(schedule, 400, 400).Should().Equal((60L, 0), (70L, 0), (300L, 1));
        schedule.Reset();
        Collect(schedule, 400, 400).Should().Equal((20L, 0), (60L, 0), (70L, 0), (300L, 1));
    }

    [Fact]
    public void WindowAt_never_produces_past_the_last_index_and_skips_forward()
    {
        var schedule = Gamma(3, 1, 1000);
        var w = schedule.WindowAt(0, 99);
        w.From.Should().Be(0);
        w.To.Should().Be(100);
        schedule.WindowAt(50, 99).Should().BeSameAs(w);
        var next = schedule.WindowAt(120, 10_000);
        next.From.Should().Be(120);
        next.To.Should().Be(120 + HostSpikeSchedule.DefaultWindowSteps);
        ((Action)(() => schedule.WindowAt(10, 20))).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Invalid_parameters_are_refused_with_clear_messages()
    {
        // The front end checks a source's parameters (SpikeSources) before a program is built or updated; the schedule
        // itself only refuses names it does not have.
        static void Validate(SpikeSourceProgram p, ModelDefinition model) => SpikeSources.Validate(model, p.Label,
            p.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value), p.Sequences.ToDictionary(kv => kv.Key, kv => kv.Value));
        var gamma = SpikeSources.SpikeSourceGamma;
        ((Action)(() => SpikeSources.CheckValue(gamma, "alpha", 0, "in 'src'"))).Should().Throw<InvalidParameterValueException>().WithMessage("*'alpha'*> 0*");
        ((Action)(() => SpikeSources.CheckValue(gamma, "beta", -5, "in 'src'"))).Should().Throw<InvalidParameterValueException>().WithMessage("*'beta'*≥ 0*");
        var refractory = Spec(SpikeSources.SpikeSourcePoissonRefractory, 1, new() { ["rate"] = [300.0], ["tau_refrac"] = [5.0] });
        ((Action)(() => Validate(refractory, SpikeSources.SpikeSourcePoissonRefractory))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*1000/rate*shorter than tau_refrac*");
        var mismatch = Spec(SpikeSources.SpikeSourceInhGamma, 1, sequences: new() { ["a"] = [[1.0, 2.0]] });
        ((Action)(() => Validate(mismatch, SpikeSources.SpikeSourceInhGamma))).Should().Throw<InvalidParameterValueException>().WithMessage("*same length*");
        var inh = SpikeSources.SpikeSourceInhGamma;
        ((Action)(() => SpikeSources.CheckSequence(inh, "tbins", [0.0, 10.0, 10.0], "in 'src'"))).Should().Throw<InvalidParameterValueException>().WithMessage("*strictly increasing*");
        ((Action)(() => SpikeSources.CheckSequence(inh, "b", [0.0], "in 'src'"))).Should().Throw<InvalidParameterValueException>().WithMessage("*'b'*> 0 s*");
        var schedule = new HostSpikeSchedule(Spec(SpikeSources.SpikeSourceInhGamma, 1), 0.1, 0);
        ((Action)(() => schedule.SetParameter("rate", [1.0]))).Should().Throw<NonExistentParameterException>();
    }
}
