using Meta.Backends.Programs;
using Meta.Cli.Networks;
using Meta.Lowering.Kernels;
using Meta.Models.Standard;
using Meta.Network;

namespace Meta.Tests.PreciseSpikes;

/// <summary>
/// Precise spike times (docs/semantics.md, "Precise spike times"): which models take them, what the lowering adds, and the
/// option's names in the API and the network file. The spike times themselves are checked on every backend by the
/// conformance scenarios <c>dynamics/off-grid-spike-times/*</c>.
/// </summary>
public class PreciseSpikeLoweringTests
{
    [Fact]
    public void Reset_models_take_precise_times_and_models_without_a_reset_or_with_a_random_threshold_do_not()
    {
        PreciseSpikeTimes.AppliesTo(IntegrateAndFire.IF_curr_exp).Should().BeTrue();
        PreciseSpikeTimes.AppliesTo(IntegrateAndFire.IF_cond_exp).Should().BeTrue();
        PreciseSpikeTimes.AppliesTo(IzhikevichModels.Izhikevich).Should().BeTrue();
        PreciseSpikeTimes.AppliesTo(HodgkinHuxley.HH_cond_exp).Should().BeFalse("HH has a crossing threshold and no reset");
        PreciseSpikeTimes.AppliesTo(GeneralizedIntegrateAndFire.GIF_cond_exp).Should().BeFalse("GIF's threshold is a random draw");
    }

    [Fact]
    public void The_off_grid_kernel_keeps_the_refractory_time_in_ms_and_stores_the_spike_offset_before_emitting()
    {
        var kernel = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_curr_exp, true, 0.1, SpikePrecision.OffGrid);
        kernel.SpikeOffset.Should().Be(PreciseSpikeTimes.SpikeOffset, kernel.ToText());
        kernel.Refractory.Should().BeFalse("the refractory period is a state in ms, not a counter of steps");
        kernel.Buffer(PreciseSpikeTimes.RefractoryLeft).Should().NotBeNull(kernel.ToText());
        kernel.Buffer(PreciseSpikeTimes.RefractoryLeft)!.Role.Should().Be(BufferRole.State);
        kernel.Buffer(PreciseSpikeTimes.SpikeOffset)!.Role.Should().Be(BufferRole.State);
        kernel.Statements.OfType<CountDown>().Should().BeEmpty();
        var reset = kernel.Phases.Single(p => p.Phase == Phase.Reset).Statements.ToList();
        int store = reset.FindIndex(s => s is Store { Buffer: PreciseSpikeTimes.SpikeOffset });
        store.Should().BeGreaterThanOrEqualTo(0).And.BeLessThan(reset.FindIndex(s => s is EmitSpikes));
    }

    [Fact]
    public void On_grid_kernels_and_models_the_option_does_not_apply_to_are_unchanged()
    {
        var grid = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_curr_exp, true, 0.1);
        grid.SpikeOffset.Should().BeNull();
        grid.Refractory.Should().BeTrue();
        NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_curr_exp, true, 0.1, SpikePrecision.OffGrid).Key.Should().NotBe(grid.Key);
        // HH keeps its spikes on the grid; with off_grid it only receives off-grid spikes exactly (ExactDelivery): every phase
        // but the receive phase has the on-grid kernel's statements (folded values may be numbered differently).
        var hh = NeuronGroupLowering.KernelOf(HodgkinHuxley.HH_cond_exp, true, 0.1, SpikePrecision.OffGrid);
        var hhGrid = NeuronGroupLowering.KernelOf(HodgkinHuxley.HH_cond_exp, true, 0.1);
        hh.SpikeOffset.Should().BeNull();
        hh.Refractory.Should().Be(hhGrid.Refractory);
        static string Shape(CellKernel k) => string.Join(";", k.Phases.Where(p => p.Phase != Phase.ReceiveEvents)
            .Select(p => $"{p.Phase}:{string.Join(",", p.Statements.Select(s => s.GetType().Name + (s is Let l ? l.Name : s is Assign a ? a.Name : "")))}"));
        Shape(hh).Should().Be(Shape(hhGrid));
    }

    [Fact]
    public void Spike_precision_names_are_pynns_and_others_are_refused_with_the_valid_ones()
    {
        SpikePrecisionNames.Parse("on_grid").Should().Be(SpikePrecision.OnGrid);
        SpikePrecisionNames.Parse("off_grid").Should().Be(SpikePrecision.OffGrid);
        SpikePrecision.OffGrid.Name().Should().Be("off_grid");
        FluentActions.Invoking(() => SpikePrecisionNames.Parse("precise")).Should().Throw<InvalidParameterValueException>()
            .WithMessage("*spike_precision*\"on_grid\"*\"off_grid\"*precise*");
    }

    [Fact]
    public void The_network_file_reads_spike_precision_and_names_the_valid_values_for_others()
    {
        NetworkParser.Parse("""{"simulation": {"spike_precision": "off_grid"}, "populations": [{"label": "p", "size": 1, "cell_type": "IF_curr_exp"}]}""", "test").Simulation.SpikePrecision
            .Should().Be(SpikePrecision.OffGrid);
        NetworkParser.Parse("""{"populations": [{"label": "p", "size": 1, "cell_type": "IF_curr_exp"}]}""", "test").Simulation.SpikePrecision.Should().Be(SpikePrecision.OnGrid);
        FluentActions.Invoking(() => NetworkParser.Parse("""{"simulation": {"spike_precision": "exact"}, "populations": [{"label": "p", "size": 1, "cell_type": "IF_curr_exp"}]}""", "test"))
            .Should().Throw<NetworkFormatException>().WithMessage("*spike_precision*exact*on_grid, off_grid*");
    }
}

/// <summary>A model that keeps its spikes on the grid under <c>off_grid</c> is reported, not ignored silently.</summary>
public class PreciseSpikeWarningTests
{
    [Fact]
    public void Off_grid_warns_of_each_population_whose_model_keeps_grid_spike_times()
    {
        using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1, SpikePrecision = SpikePrecision.OffGrid });
        sim.CreatePopulation(2, new CellType("IF_curr_exp"), "lif");
        sim.CreatePopulation(2, new CellType("HH_cond_exp"), "hh");
        sim.CreatePopulation(2, new CellType("SpikeSourceArray"), "input");
        sim.Run(1);
        sim.Warnings.Should().ContainSingle().Which.Should().Contain("population 'hh'").And.Contain("on the grid");
    }

    [Fact]
    public void On_grid_gives_no_such_warning()
    {
        using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1 });
        sim.CreatePopulation(2, new CellType("HH_cond_exp"), "hh");
        sim.Run(1);
        sim.Warnings.Should().BeEmpty();
    }
}
