using Meta.CurrentSources;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Recording;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>Recording and data layout (spec §5.1 record/get_data, §6, §7 test_recording, test__simulation_control resets).</summary>
public class RecordingTests
{
    [Fact]
    public void Recording_an_unrecordable_variable_raises_with_PyNNs_message()
    {
        using var sim = NewSimulation();
        var curr = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        var src = sim.CreatePopulation(2, new CellType("SpikeSourcePoisson"));
        curr.Invoking(p => p.Record("gsyn_exc")).Should().Throw<RecordingException>()
            .WithMessage("Cannot record gsyn_exc from cell type IF_curr_exp. Available variables are *spikes*v*")
            .Which.Variable.Should().Be("gsyn_exc");
        curr.Invoking(p => p.Record("isyn_exc")).Should().Throw<RecordingException>("isyn_exc has units but is not recordable in PyNN");
        src.Invoking(p => p.Record("v")).Should().Throw<RecordingException>()
            .WithMessage("Cannot record v from cell type SpikeSourcePoisson. Available variables are spikes*");
        src.Record("spikes");
    }

    [Theory]
    [InlineData(null, 101, 0.1)]
    [InlineData(1.0, 11, 1.0)]
    [InlineData(0.5, 21, 0.5)]
    public void Signal_shape_counts_both_ends(double? samplingInterval, int samples, double period)
    {
        using var sim = NewSimulation(timestep: 0.1);
        var p = sim.CreatePopulation(4, new CellType("IF_cond_exp"));
        p.Record(["v", "gsyn_exc"], samplingInterval);
        sim.Run(10.0);
        foreach (var name in new[] { "v", "gsyn_exc" })
        {
            var s = Signal(p, name);
            s.Shape.Should().Be((samples, 4));
            s.SamplingPeriod.Should().BeApproximately(period, 1e-12);
            s.TStart.Should().Be(0);
            s.Times()[^1].Should().BeApproximately(10.0, 1e-9);
            s.ChannelIndex.Should().Equal(0, 1, 2, 3);
        }
        Signal(p, "v").Units.Should().Be("mV");
    }

    [Fact]
    public void A_view_records_only_its_cells()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(6, new CellType("IF_cond_exp"));
        p[1, 4].Record("v", 1.0);
        sim.Run(10.0);
        var s = Signal(p, "v");
        s.Shape.Should().Be((11, 2));
        s.ChannelIndex.Should().Equal(1, 4);
    }

    [Fact]
    public void Two_runs_give_int_T_over_dt_plus_one_samples()
    {
        // issue483
        using var sim = NewSimulation(timestep: 0.1);
        var p = sim.CreatePopulation(1, new CellType("IF_curr_exp") { ["i_offset"] = 0.5 });
        p.Record("v");
        sim.Run(100.0);
        sim.Run(100.0);
        var v = Signal(p, "v");
        v.SampleCount.Should().Be((int)(200.0 / 0.1) + 1);
        v.Times()[^1].Should().BeApproximately(200.0, 1e-9);
        // The samples are continuous across the run boundary (no repeated or missing row): v rises monotonically.
        var col = v.Column(0);
        for (int i = 1; i < 200; i++) col[i].Should().BeGreaterThan(col[i - 1]);
    }

    [Fact]
    public void Conflicting_sampling_intervals_raise()
    {
        using var sim = NewSimulation(timestep: 0.1);
        var p = sim.CreatePopulation(4, new CellType("IF_cond_exp"));
        p[0..2].Record("v", 1.0);
        p[2..4].Invoking(v => v.Record("v", 0.5)).Should().Throw<InvalidParameterValueException>()
            .WithMessage("All neurons in a population must be recorded with the same sampling interval*");
        p.Invoking(x => x.Record("v", 0.15)).Should().Throw<InvalidParameterValueException>("0.15 ms is not a multiple of dt");
        p.Invoking(x => x.Record("v", 0.0)).Should().Throw<InvalidParameterValueException>();
    }

    [Fact]
    public void Spike_trains_one_per_recorded_cell_including_empty_ones()
    {
        using var sim = NewSimulation();
        var src = sim.CreatePopulation(4, new CellType("SpikeSourceArray")
            .WithSequence("spike_times", new[] { new[] { 1.0, 2.0 }, new double[0], new[] { 3.0 }, new[] { 4.0, 5.0, 6.0 } }));
        src[0..3].Record("spikes");
        sim.Run(10.0);
        var trains = src.GetData().Segments[^1].SpikeTrains;
        trains.Should().HaveCount(3);
        trains.Select(t => t.SourceIndex).Should().Equal(0, 1, 2);
        trains[0].Times.Should().HaveCount(2);
        trains[1].Times.Should().BeEmpty();
        trains[2].Times.Should().ContainSingle().Which.Should().BeApproximately(3.0, 1e-9);
        trains.Should().OnlyContain(t => t.TStart == 0 && Math.Abs(t.TStop - 10.0) < 1e-9 && t.Units == "ms");
        src.GetSpikeCounts().Should().Equal(2, 0, 1);
        src.MeanSpikeCount().Should().Be(1.0);
    }

    [Fact]
    public void GetData_with_clear_empties_the_buffers_and_moves_t_start()
    {
        // issue259-like: three get_data(clear=True) calls after 10 ms runs.
        using var sim = NewSimulation(timestep: 0.1);
        var src = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 0.1, 10.1, 12.3, 1000.0 }));
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp") { ["i_offset"] = 0.2 });
        src.Record("spikes");
        cell.Record("v");

        sim.Run(10.0);
        var first = src.GetData(clear: true).Segments.Should().ContainSingle().Subject.SpikeTrains.Single();
        first.Times.Should().HaveCount(1);
        first.Times[0].Should().BeApproximately(0.1, 1e-9);
        cell.GetData(clear: true).Segments.Single().Signal("v").SampleCount.Should().Be(101);

        // Straight after clearing there is nothing, and the recording starts now.
        var empty = src.GetData().Segments.Single().SpikeTrains.Single();
        empty.Times.Should().BeEmpty();
        empty.TStart.Should().BeApproximately(10.0, 1e-9);
        cell.GetData().Segments.Single().AnalogSignals.Should().BeEmpty();

        sim.Run(10.0);
        var second = src.GetData(clear: true).Segments.Single().SpikeTrains.Single();
        second.Times.Should().HaveCount(2);
        second.Times[0].Should().BeApproximately(10.1, 1e-9);
        second.Times[1].Should().BeApproximately(12.3, 1e-9);
        second.TStart.Should().BeApproximately(10.0, 1e-9);
        var v = cell.GetData(clear: true).Segments.Single().Signal("v");
        v.SampleCount.Should().Be(100, "samples 10.1 … 20.0; the sample at 10.0 was returned and cleared before");
        v.Times()[0].Should().BeApproximately(10.1, 1e-9);
        v.Times()[^1].Should().BeApproximately(20.0, 1e-9);

        sim.Run(10.0);
        src.GetData(clear: true).Segments.Single().SpikeTrains.Single().Times.Should().BeEmpty();
    }

    [Fact]
    public void Reset_starts_a_new_segment_and_a_deterministic_network_repeats_exactly()
    {
        // test_reset: dt 1, min_delay 1, IF_curr_exp(i_offset=0.1), run 10 then reset, three times.
        using var sim = NewSimulation(timestep: 1.0, minDelay: 1.0);
        var p = sim.CreatePopulation(1, new CellType("IF_curr_exp") { ["i_offset"] = 0.1 });
        p.Record("v");
        for (int i = 0; i < 3; i++)
        {
            sim.Run(10.0);
            sim.Reset();
            sim.Time.Should().Be(0);
        }
        var segments = p.GetData().Segments;
        segments.Should().HaveCount(3, "reset() stores the run's segment; an empty trailing segment is not returned");
        segments.Select(s => s.Name).Should().Equal("segment000", "segment001", "segment002");
        var first = segments[0].Signal("v");
        first.SampleCount.Should().Be(11);
        first.Data.Distinct().Should().HaveCountGreaterThan(5, "v changes under i_offset");
        foreach (var s in segments.Skip(1)) s.Signal("v").Data.Should().Equal(first.Data);
    }

    [Fact]
    public void Repeated_resets_and_a_reset_before_the_first_run_add_no_empty_segments()
    {
        using var sim = NewSimulation(timestep: 0.1);
        var p = sim.CreatePopulation(1, new CellType("IF_curr_exp") { ["i_offset"] = 0.1 });
        p.Record(["v", "spikes"]);
        sim.Reset();
        sim.Run(5.0);
        p.GetData().Segments.Should().ContainSingle().Which.Signal("v").SampleCount.Should().Be(51);
        sim.Reset();
        sim.Reset();
        p.GetData().Segments.Should().HaveCount(1, "no run happened since the reset");
        sim.Run(2.0);
        var segments = p.GetData().Segments;
        segments.Select(s => s.Name).Should().Equal("segment000", "segment001");
        segments[0].Signal("v").SampleCount.Should().Be(51);
        segments[1].Signal("v").SampleCount.Should().Be(21);
        segments[1].SpikeTrains.Single().TStop.Should().BeApproximately(2.0, 1e-9);
        segments[0].SpikeTrains.Single().TStop.Should().BeApproximately(5.0, 1e-9);
    }

    [Fact]
    public void Reset_with_clear_gives_one_segment_per_block()
    {
        // test_reset_with_clear
        using var sim = NewSimulation(timestep: 1.0, minDelay: 1.0);
        var p = sim.CreatePopulation(1, new CellType("IF_curr_exp") { ["i_offset"] = 0.1 });
        p.Record("v");
        var blocks = new List<Block>();
        for (int i = 0; i < 3; i++)
        {
            sim.Run(10.0);
            blocks.Add(p.GetData(clear: true));
            sim.Reset();
        }
        blocks.Should().OnlyContain(b => b.Segments.Count == 1);
        foreach (var b in blocks.Skip(1)) b.Segments[0].Signal("v").Data.Should().Equal(blocks[0].Segments[0].Signal("v").Data);
    }

    [Fact]
    public void Reset_with_spikes_repeats_exactly()
    {
        // test_reset_with_spikes
        using var sim = NewSimulation(timestep: 0.1);
        var src = sim.CreatePopulation(2, new CellType("SpikeSourceArray")
            .WithSequence("spike_times", new[] { new[] { 1.2, 3.8, 9.2 }, new[] { 1.5, 1.9, 2.7, 4.8, 6.8 } }));
        var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        _ = new Projection(src, cells, new AllToAllConnector(), new StaticSynapse(0.5, 0.5));
        cells.Record(["spikes", "v"]);
        src.Record("spikes");
        for (int i = 0; i < 3; i++)
        {
            sim.Run(10.0);
            sim.Reset();
        }
        var segments = cells.GetData().Segments;
        segments.Should().HaveCount(3);
        var v0 = segments[0].Signal("v");
        v0.Data.Max().Should().BeGreaterThan(-65.0 + 1.0, "the inputs depolarise the cells");
        foreach (var s in segments.Skip(1))
        {
            s.Signal("v").Data.Should().Equal(v0.Data);
            s.SpikeTrains.Select(t => t.Times).Should().BeEquivalentTo(segments[0].SpikeTrains.Select(t => t.Times), o => o.WithStrictOrdering());
        }
        segments.Should().OnlyContain(s => s.SpikeTrains.All(t => t.TStart == 0 && Math.Abs(t.TStop - 10.0) < 1e-9),
            "a stored segment ends at the time of the reset");
        var srcSegments = src.GetData().Segments;
        srcSegments.Should().HaveCount(3);
        foreach (var s in srcSegments)
        {
            s.SpikeTrains[0].Times.Should().HaveCount(3);
            s.SpikeTrains[1].Times.Should().HaveCount(5);
        }
    }

    [Fact]
    public void Recording_from_an_assembly_merges_columns()
    {
        // test_recording "record from an Assembly" (IF_cond_alpha stands in for the EIF model).
        using var sim = NewSimulation(timestep: 0.1);
        var p1 = sim.CreatePopulation(5, new CellType("IF_cond_exp"), "p1");
        var p2 = sim.CreatePopulation(6, new CellType("IF_cond_alpha"), "p2");
        var a = p1 + p2;
        a.Set("i_offset", (Func<int, double>)(i => 0.05 * i));
        a.Record("v");
        a[2..9].Record("gsyn_exc");
        var drive = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 5.0, 20.0, 60.0 }));
        _ = new Projection(drive, a, new AllToAllConnector(), new StaticSynapse((Func<double, double>)(d => 0.001 * (d + 1))));
        sim.Run(100.0);

        Signal(p1, "v").Shape.Should().Be((1001, 5));
        Signal(p2, "v").Shape.Should().Be((1001, 6));
        var av = Signal(a, "v");
        av.Shape.Should().Be((1001, 11));
        av.ChannelIndex.Should().Equal(0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5);
        av.Column(8).Should().Equal(Signal(p2, "v").Column(3));
        av.Column(2).Should().Equal(Signal(p1, "v").Column(2));
        av.Column(8).Should().NotEqual(av.Column(7));

        var g1 = Signal(p1, "gsyn_exc");
        var g2 = Signal(p2, "gsyn_exc");
        g1.Shape.Should().Be((1001, 3));
        g2.Shape.Should().Be((1001, 4));
        g1.ChannelIndex.Should().Equal(2, 3, 4);
        g2.ChannelIndex.Should().Equal(0, 1, 2, 3);
        Signal(a, "gsyn_exc").Shape.Should().Be((1001, 7));
        g1.Data.Max().Should().BeGreaterThan(0, "the drive opens the excitatory conductance");
    }

    [Fact]
    public void StopRecording_removes_cells_from_the_next_segment()
    {
        // test_recording reset_recording: segment 0 records cell 3, segment 1 records cell 4.
        using var sim = NewSimulation(timestep: 0.1);
        var p = sim.CreatePopulation(5, new CellType("IF_curr_exp") { ["i_offset"] = 0.3 });
        p.Initialize("v", -70.0);
        p[3].Record("v");
        sim.Run(10.0);
        sim.Reset();
        p.StopRecording();
        p[4].Record("v");
        sim.Run(10.0);
        var segments = p.GetData().Segments;
        segments.Should().HaveCount(2);
        var s0 = segments[0].Signal("v");
        var s1 = segments[1].Signal("v");
        s0.ChannelIndex.Should().Equal(3);
        s1.ChannelIndex.Should().Equal(4);
        s1.Shape.Should().Be((101, 1));
        s1[0, 0].Should().Be(-70.0, "the first sample is the initial v");
        for (int i = 1; i < 101; i++) s1[i, 0].Should().NotBe(-70.0);
    }
}
