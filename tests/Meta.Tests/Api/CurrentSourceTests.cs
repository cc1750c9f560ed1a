using Meta.Backends.Runtime;
using Meta.CurrentSources;
using Meta.Network;
using Meta.Recording;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>AC and noisy current sources, parameters by PyNN name, and recording a source's current (spec §3, §7 test_electrodes).</summary>
public class CurrentSourceTests
{
    private static double[] Current(CurrentSource source, int segment = -1)
    {
        var block = source.GetData();
        var seg = segment < 0 ? block.Segments[^1] : block.Segments[segment];
        return seg.Signal("i").Column(0);
    }

    // ------------------------------------------------------------------ parameters

    [Fact]
    public void Defaults_are_PyNNs()
    {
        var ac = new ACSource();
        ac.GetParameters().Should().BeEquivalentTo(new Dictionary<string, object>
        {
            ["amplitude"] = 1.0, ["start"] = 0.0, ["stop"] = 1e12, ["frequency"] = 10.0, ["offset"] = 0.0, ["phase"] = 0.0,
        });
        var noise = new NoisyCurrentSource();
        noise.GetParameters().Should().BeEquivalentTo(new Dictionary<string, object>
        {
            ["mean"] = 0.0, ["stdev"] = 1.0, ["start"] = 0.0, ["stop"] = 1e12, ["dt"] = 0.1,
        });
        new DCSource().GetParameters()["amplitude"].Should().Be(1.0);
        new StepCurrentSource([1.0], [2.0]).GetParameters()["times"].Should().BeEquivalentTo(new[] { 1.0 });
    }

    [Fact]
    public void SetParameters_takes_PyNN_names_and_rejects_unknown_ones_listing_the_valid_names()
    {
        var ac = new ACSource();
        ac.SetParameters(("frequency", 50), ("phase", 90.0f), ("start", 5.0));
        ac.Frequency.Should().Be(50.0);
        ac.Phase.Should().Be(90.0);
        ac.Start.Should().Be(5.0);
        ac.Invoking(a => a.SetParameters(("amplitude", 2.0), ("frequncy", 1.0))).Should().Throw<NonExistentParameterException>()
            .WithMessage("frequncy (valid parameters for ACSource are: amplitude, start, stop, frequency, offset, phase)");
        ac.Amplitude.Should().Be(1.0, "nothing is changed when a name is unknown");
        ac.Invoking(a => a.SetParameters(("amplitude", "big"))).Should().Throw<InvalidParameterValueException>();
        ac.Invoking(a => a.SetParameters(("offset", double.NaN))).Should().Throw<InvalidParameterValueException>();

        var noise = new NoisyCurrentSource();
        noise.Invoking(n => n.SetParameters(("stdev", -1.0))).Should().Throw<InvalidParameterValueException>();
        noise.Invoking(n => n.SetParameters(("dt", 0.0))).Should().Throw<InvalidParameterValueException>();
        noise.Invoking(n => n.SetParameters(("mean", 1.0), ("dt", -1.0))).Should().Throw<InvalidParameterValueException>();
        noise.Mean.Should().Be(0.0, "an invalid value in the set leaves every parameter as it was");

        var step = new StepCurrentSource([1.0, 2.0], [0.1, 0.2]);
        step.SetParameters(("times", new List<double> { 5.0 }), ("amplitudes", new[] { 1.0 }));
        step.Times.Should().Equal(5.0);
        step.Amplitudes.Should().Equal(1.0);
        step.Invoking(s => s.SetParameters(("times", new[] { 1.0, 2.0 }))).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*2 times but 1 amplitudes*");
        new DCSource().Invoking(d => d.SetParameters(("times", 1.0))).Should().Throw<NonExistentParameterException>()
            .WithMessage("times (valid parameters for DCSource are: amplitude, start, stop)");
    }

    [Fact]
    public void Setting_a_step_source_after_a_run_takes_effect_from_then_on()
    {
        // issue759: set_parameters(times=[50], amplitudes=[1]) after a 50 ms run gives spikes only from 50 ms on.
        using var sim = NewSimulation();
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        var step = new StepCurrentSource([], []);
        step.InjectInto(cell);
        cell.Record("spikes");
        sim.Run(50);
        step.SetParameters(("times", new[] { 50.0 }), ("amplitudes", new[] { 1.0 }));
        sim.Run(50);
        var spikes = SpikeTimes(cell)[0];
        spikes.Should().NotBeEmpty();
        spikes.Should().OnlyContain(t => t >= 50);
    }

    // ------------------------------------------------------------------ waveforms in a simulation

    [Fact]
    public void The_recorded_AC_current_is_the_waveform_at_every_step_with_the_phase_at_start()
    {
        using var sim = NewSimulation();
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        var ac = new ACSource { Start = 22.5, Stop = 122.5, Amplitude = 0.5, Offset = 0.1, Frequency = 100, Phase = 30 };
        ac.InjectInto(cell);
        ac.Record();
        sim.Run(150);
        var i = Current(ac);
        i.Should().HaveCount(1501);
        for (int k = 0; k < i.Length; k++)
        {
            double expected = k is >= 225 and < 1225 ? 0.1 + 0.5 * Math.Sin(2 * Math.PI * 100 * (k * 0.1 - 22.5) / 1000 + Math.PI / 6) : 0;
            i[k].Should().BeApproximately(expected, 1e-12, $"sample {k}");
        }
        // issue445: a new value at every step of the window.
        for (int k = 226; k < 1225; k++) i[k].Should().NotBe(i[k - 1]);
    }

    [Fact]
    public void Changing_AC_start_or_frequency_between_runs_applies_from_the_next_run_and_the_phase_follows_start()
    {
        // issue497
        using var sim = NewSimulation();
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        var ac = new ACSource { Start = 5, Stop = 1e12, Amplitude = 1, Frequency = 50 };
        ac.InjectInto(cell);
        ac.Record();
        sim.Run(10);
        ac.Start = 15;
        ac.Frequency = 100;
        sim.Run(10);
        var i = Current(ac);
        i.Should().HaveCount(201);
        i[60].Should().BeApproximately(Math.Sin(2 * Math.PI * 50 * (6.0 - 5) / 1000), 1e-12, "the first run used start 5 and 50 Hz");
        i[100].Should().Be(0, "from the second run on the source starts at 15 ms; the boundary sample is rewritten");
        i[149].Should().Be(0);
        i[150].Should().BeApproximately(0, 1e-12, "sin(0) at the new start");
        i[160].Should().BeApproximately(Math.Sin(2 * Math.PI * 100 * 1.0 / 1000), 1e-12);
    }

    [Fact]
    public void Noise_is_deterministic_per_seed_shared_by_its_targets_and_has_its_mean_and_sd()
    {
        double[] Run(ulong seed, out double[] v0, out double[] v1, out double[] other)
        {
            using var sim = NewSimulation(seed: seed);
            var cells = sim.CreatePopulation(3, new CellType("IF_curr_exp"));
            var first = new NoisyCurrentSource { Mean = 0.5, Stdev = 0.25, Start = 0, Stop = 1000 };
            var second = new NoisyCurrentSource { Mean = 0.5, Stdev = 0.25, Start = 0, Stop = 1000 };
            first.InjectInto(cells[0, 1]);
            second.InjectInto(cells[2]);
            first.Record();
            second.Record();
            cells.Record("v");
            sim.Run(1000);
            var v = Signal(cells, "v");
            (v0, v1) = (v.Column(0), v.Column(1));
            other = Current(second);
            return Current(first);
        }
        var a = Run(1, out var v0, out var v1, out var other);
        var b = Run(1, out _, out _, out _);
        var c = Run(2, out _, out _, out _);
        a.Should().Equal(b, "the same seed gives the same noise");
        a.Should().NotEqual(c);
        a.Should().NotEqual(other, "each source has its own stream");
        v0.Should().Equal(v1, "one realisation is shared by all the source's cells");
        // 10 000 draws (one per 0.1 ms step, samples 0..9999; sample 10000 is the stop): the mean's standard error is
        // 0.25/100 = 0.0025 and the variance's 0.0625·sqrt(2/9999) = 0.00088 (chi-square with 9999 degrees of freedom);
        // the helper allows 5 standard errors.
        var draws = a.Take(10_000).ToArray();
        draws.Distinct().Count().Should().Be(10_000);
        a[10_000].Should().Be(0);
        Meta.Tests.Random.RandomTestStatistics.ShouldHaveMoments(draws, 0.5, 0.0625, 0, "the noise current");
    }

    [Theory]
    [InlineData(1.0, 10)]
    [InlineData(0.25, 2)]   // 2.5 steps rounds to 2 (half to even)
    [InlineData(0.01, 1)]   // below dt: one draw per step
    public void Noise_is_redrawn_every_max_of_its_dt_and_the_time_step(double noiseDt, int interval)
    {
        using var sim = NewSimulation();
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        var noise = new NoisyCurrentSource { Mean = 0.5, Stdev = 0.25, Start = 25, Stop = 150, Dt = noiseDt };
        noise.InjectInto(cell);
        noise.Record();
        sim.Run(200);
        var i = Current(noise);
        i.Take(250).Should().OnlyContain(x => x == 0);
        i.Skip(1500).Should().OnlyContain(x => x == 0);
        for (int k = 251; k < 1500; k++)
            (i[k] != i[k - 1]).Should().Be((k - 250) % interval == 0, $"sample {k}");
    }

    [Fact]
    public void The_injected_current_is_exactly_the_recorded_current()
    {
        // A cell driven by a noise source and one driven by a step source built from the noise's recorded current have
        // identical traces.
        double[] recorded;
        double[] times;
        using (var sim = NewSimulation(seed: 5))
        {
            var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
            var noise = new NoisyCurrentSource { Mean = 0.3, Stdev = 0.5, Start = 10, Stop = 80, Dt = 0.5 };
            noise.InjectInto(cell);
            noise.Record();
            sim.Run(100);
            var signal = noise.GetData().Segments[0].Signal("i");
            recorded = signal.Column(0);
            times = signal.Times();
        }
        using (var sim = NewSimulation(seed: 5))
        {
            var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
            new NoisyCurrentSource { Mean = 0.3, Stdev = 0.5, Start = 10, Stop = 80, Dt = 0.5 }.InjectInto(cells[0]);
            new StepCurrentSource(times, recorded).InjectInto(cells[1]);
            cells.Record("v");
            sim.Run(100);
            var v = Signal(cells, "v");
            v.Column(0).Should().Equal(v.Column(1));
            v.Column(0).Distinct().Count().Should().BeGreaterThan(500);
        }
    }

    // ------------------------------------------------------------------ recording layout

    [Fact]
    public void Recorded_current_has_one_sample_per_step_from_zero_across_runs_and_a_segment_per_reset()
    {
        // issue_465_474_630: 2 × 100 ms, every trace 2001 long from t = 0; zero at start/dt − 1, non-zero at start/dt and
        // stop/dt − 1, zero at stop/dt.
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(4, new CellType("IF_curr_exp") { ["v_rest"] = -60.0 });
        cells.Initialize("v", -60.0);
        var sources = new (CurrentSource Source, double Start, double Stop)[]
        {
            (new ACSource { Start = 50, Stop = 125, Amplitude = 0.4, Offset = 0.1, Frequency = 30, Phase = 10 }, 50, 125),
            (new DCSource { Start = 40, Stop = 110, Amplitude = 0.3 }, 40, 110),
            (new NoisyCurrentSource { Start = 60, Stop = 150, Mean = 0.5, Stdev = 0.1 }, 60, 150),
            (new StepCurrentSource([30, 70, 140], [0.2, 0.4, 0]), 30, 140),
        };
        for (int c = 0; c < 4; c++)
        {
            sources[c].Source.InjectInto(cells[c]);
            sources[c].Source.Record();
        }
        cells.Record("v");
        sim.Run(100);
        sim.Run(100);
        var v = Signal(cells, "v");
        for (int c = 0; c < 4; c++)
        {
            var signal = sources[c].Source.GetData().Segments.Should().ContainSingle().Subject.Signal("i");
            signal.Units.Should().Be("nA");
            signal.Shape.Should().Be((2001, 1));
            signal.TStart.Should().Be(0);
            signal.Times()[^1].Should().BeApproximately(200, 1e-9);
            var i = signal.Column(0);
            int start = (int)Math.Round(sources[c].Start / 0.1), stop = (int)Math.Round(sources[c].Stop / 0.1);
            i[start - 1].Should().Be(0);
            i[start].Should().NotBe(0);
            i[stop - 1].Should().NotBe(0);
            i[stop].Should().Be(0);
            v[start, c].Should().Be(-60.0, "v at start/dt is still at rest");
            v[start + 1, c].Should().NotBe(-60.0);
        }
        sim.Reset();
        sim.Run(50);
        var block = sources[0].Source.GetData();
        block.Segments.Should().HaveCount(2);
        block.Segments[1].Name.Should().Be("segment001");
        block.Segments[1].Signal("i").SampleCount.Should().Be(501);
        block.Segments[1].Signal("i").Data.Should().Equal(block.Segments[0].Signal("i").Data.Take(501));
    }

    [Fact]
    public void Clearing_moves_the_start_and_a_source_not_recorded_has_no_signal()
    {
        using var sim = NewSimulation();
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        var dc = new DCSource { Amplitude = 0.5 };
        var quiet = new DCSource { Amplitude = 0.1 };
        dc.InjectInto(cell);
        quiet.InjectInto(cell);
        dc.Record();
        sim.Run(10);
        dc.GetData(clear: true).Segments.Single().Signal("i").SampleCount.Should().Be(101);
        dc.GetData().Segments.Single().AnalogSignals.Should().BeEmpty();
        sim.Run(10);
        var after = dc.GetData().Segments.Single().Signal("i");
        after.SampleCount.Should().Be(100);
        after.TStart.Should().BeApproximately(10.1, 1e-9);
        quiet.GetData().Segments.Single().AnalogSignals.Should().BeEmpty();
        new DCSource().Invoking(d => d.GetData()).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void The_sample_at_a_run_boundary_is_the_current_of_that_step_after_a_change()
    {
        // changing_electrode: amplitude += 0.1 between runs; the boundary sample shows what step 100 actually injected.
        using var sim = NewSimulation();
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        var dc = new DCSource { Amplitude = 0.2 };
        dc.InjectInto(cell);
        dc.Record();
        sim.Run(10);
        Current(dc)[100].Should().Be(0.2);
        dc.Amplitude += 0.1;
        sim.Run(10);
        var i = Current(dc);
        i[99].Should().Be(0.2);
        i[100].Should().BeApproximately(0.3, 1e-15);
        i[200].Should().BeApproximately(0.3, 1e-15);
    }

    [Fact]
    public void Noise_streams_follow_the_injection_order()
    {
        using var sim = NewSimulation(seed: 3);
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        new DCSource().InjectInto(cell);
        var noise = new NoisyCurrentSource { Mean = 0, Stdev = 1 };
        noise.InjectInto(cell);
        var spec = sim.Resolve().CurrentSources.Single(s => s.Kind == "NoisyCurrentSource");
        var w = spec.Waveform.Should().BeOfType<NoiseWaveform>().Subject;
        w.Stream.Should().Be(RandomStreams.NoisyCurrent(1));
        w.Seed.Should().Be(3UL);
        spec.ChangeSteps.Should().BeEmpty();
    }
}
