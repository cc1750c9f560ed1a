using Meta.Backends.Runtime;
using Meta;
using Meta.Backends.Programs;

namespace Meta.Tests.Network;

public class CurrentScheduleTests
{
    private static CurrentSourceSpec Source(int index, long[] steps, double[] amplitudes) => new()
    {
        Index = index, Kind = "StepCurrentSource", Population = 0, Cells = [0], ChangeSteps = steps, Amplitudes = amplitudes,
    };

    [Fact]
    public void Advance_reports_each_change_once_with_its_delta()
    {
        var schedule = new CurrentSchedule([Source(0, [10, 20], [0.5, 0.0]), Source(1, [0, 20], [1.0, 3.0])]);
        schedule.Amplitude(0).Should().Be(0);
        schedule.Amplitude(1).Should().Be(1.0, "a change at step 0 is in force from the start");
        var changes = new List<(long Step, int Source, double Delta)>();
        for (long k = 1; k < 30; k++)
            foreach (var (source, delta) in schedule.Advance(k)) changes.Add((k, source, delta));
        changes.Should().Equal((10, 0, 0.5), (20, 0, -0.5), (20, 1, 2.0));
        schedule.Amplitude(1).Should().Be(3.0);
    }

    [Fact]
    public void Seek_sets_the_amplitudes_of_any_step()
    {
        var schedule = new CurrentSchedule([Source(0, [10, 20], [0.5, 0.0])]);
        schedule.Seek(15);
        schedule.Amplitude(0).Should().Be(0.5);
        schedule.Advance(16).Length.Should().Be(0);
        schedule.Advance(20).ToArray().Should().Equal((0, -0.5));
        schedule.Seek(9);
        schedule.Amplitude(0).Should().Be(0);
    }
}

public class CurrentWaveformTests
{
    private static CurrentSourceSpec Wave(CurrentWaveform waveform, int index = 0) => new()
    {
        Index = index, Kind = "ACSource", Population = 0, Cells = [0], Waveform = waveform,
    };

    private static SineWaveform Sine(long start, long stop, double startMs, double phase = 0) => new()
    {
        StartStep = start, StopStep = stop, Timestep = 0.1, Start = startMs, Amplitude = 0.5, Offset = 0.1, Frequency = 100, Phase = phase,
    };

    private static NoiseWaveform Noise(long start, long stop, long interval, ulong stream = 7) => new()
    {
        StartStep = start, StopStep = stop, Seed = 99, Stream = stream, Mean = 0.5, Stdev = 0.25, IntervalSteps = interval,
    };

    /// <summary>Follows a schedule from step 0 to <paramref name="steps"/> − 1 by Advance, accumulating the deltas as a backend does.</summary>
    private static (double[] Amplitudes, double[] Accumulated, int[] Changes) Follow(CurrentSchedule schedule, int steps)
    {
        var amplitudes = new double[steps];
        var accumulated = new double[steps];
        var changes = new int[steps];
        schedule.Seek(0);
        double sum = schedule.Amplitude(0);
        for (int k = 0; k < steps; k++)
        {
            var c = schedule.Advance(k);
            changes[k] = c.Length;
            foreach (var (_, delta) in c) sum += delta;
            amplitudes[k] = schedule.Amplitude(0);
            accumulated[k] = sum;
        }
        return (amplitudes, accumulated, changes);
    }

    [Fact]
    public void A_sine_is_zero_outside_its_window_and_new_at_every_step_inside()
    {
        var w = Sine(225, 1225, 22.5);
        var (amp, acc, changes) = Follow(new CurrentSchedule([Wave(w)]), 1300);
        amp.Take(225).Should().OnlyContain(a => a == 0);
        amp.Skip(1225).Should().OnlyContain(a => a == 0);
        amp[225].Should().BeApproximately(0.1, 1e-12, "the phase refers to start: sin(0) = 0, so offset only");
        for (int k = 225; k < 1225; k++)
        {
            amp[k].Should().BeApproximately(0.1 + 0.5 * Math.Sin(2 * Math.PI * 100 * (k * 0.1 - 22.5) / 1000), 1e-12);
            changes[k].Should().Be(k == 225 ? 1 : (amp[k] != amp[k - 1] ? 1 : 0));
        }
        changes[1225].Should().Be(1, "the stop is a change back to 0");
        changes.Skip(1226).Should().OnlyContain(c => c == 0);
        acc.Zip(amp).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-12, "the deltas add up to the amplitude");
    }

    [Fact]
    public void A_sine_phase_refers_to_start()
    {
        var w = Sine(100, 200, 10.0, phase: 90);
        w.AmplitudeAt(100).Should().BeApproximately(0.6, 1e-12, "phase 90° at start gives offset + amplitude");
        w.AmplitudeAt(99).Should().Be(0);
        w.AmplitudeAt(200).Should().Be(0);
    }

    [Fact]
    public void Seek_lands_on_the_same_values_as_advancing()
    {
        var specs = new[] { Wave(Sine(50, 400, 5.0)), Wave(Noise(30, 300, 10), 1) };
        var a = new CurrentSchedule(specs);
        var b = new CurrentSchedule(specs);
        for (long k = 1; k < 500; k++)
        {
            a.Advance(k);
            b.Seek(k);
            a.Amplitude(0).Should().Be(b.Amplitude(0));
            a.Amplitude(1).Should().Be(b.Amplitude(1));
            b.Advance(k).Length.Should().Be(0, "advancing to the step just sought changes nothing");
        }
    }

    [Fact]
    public void Noise_is_held_for_its_interval_and_depends_only_on_seed_stream_and_draw()
    {
        var w = Noise(250, 1500, 10);
        var (amp, _, changes) = Follow(new CurrentSchedule([Wave(w)]), 1600);
        amp.Take(250).Should().OnlyContain(a => a == 0);
        amp.Skip(1500).Should().OnlyContain(a => a == 0);
        for (int k = 250; k < 1500; k++)
        {
            long draw = (k - 250) / 10;
            amp[k].Should().Be(0.5 + 0.25 * NoiseWaveform.StandardNormal(99, 7, (ulong)draw));
            if ((k - 250) % 10 != 0) changes[k].Should().Be(0, $"no new draw at step {k}");
        }
        (w with { Stream = 8 }).AmplitudeAt(300).Should().NotBe(w.AmplitudeAt(300), "another stream gives other noise");
        (w with { Seed = 100 }).AmplitudeAt(300).Should().NotBe(w.AmplitudeAt(300), "another seed gives other noise");
    }

    [Fact]
    public void Standard_normal_draws_have_the_moments_and_distribution_of_N01()
    {
        // 200 000 draws: the mean's standard error is 1/sqrt(n) = 0.0022 and the variance's sqrt(2/n) = 0.0032; the
        // helpers allow 5 standard errors. The KS test is at the 1% level (critical D = 1.6276/sqrt(n) = 0.0036).
        var x = Enumerable.Range(0, 200_000).Select(i => NoiseWaveform.StandardNormal(151985012, RandomStreams.NoisyCurrent(3), (ulong)i)).ToArray();
        Meta.Tests.Random.RandomTestStatistics.ShouldHaveMoments(x, 0, 1, 0, "the noise draws");
        Meta.Tests.Random.RandomTestStatistics.ShouldPassKs(x, Meta.Tests.Random.RandomTestStatistics.NormalCdf, "the noise draws");
    }

    [Fact]
    public void A_waveform_and_a_piecewise_part_add_up()
    {
        var spec = new CurrentSourceSpec
        {
            Index = 0, Kind = "x", Population = 0, Cells = [0], ChangeSteps = [20], Amplitudes = [1.0], Waveform = Sine(10, 30, 1.0),
        };
        var s = new CurrentSchedule([spec]);
        s.Seek(25);
        s.Amplitude(0).Should().BeApproximately(1.0 + spec.Waveform!.AmplitudeAt(25), 1e-15);
        s.Advance(30).ToArray().Should().HaveCount(1);
        s.Amplitude(0).Should().Be(1.0);
    }

    [Fact]
    public void An_empty_window_never_changes()
    {
        var w = Sine(100, 100, 10.0);
        w.NextChange(0).Should().Be(long.MaxValue);
        w.AmplitudeAt(100).Should().Be(0);
    }
}
