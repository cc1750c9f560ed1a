using Meta.Backends.Cpu;
using Meta.Backends.Programs;
using Meta.Lowering;
using Meta.Network;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Tests.PreciseSpikes;

/// <summary>
/// With <c>spike_precision="off_grid"</c> the lowering gives a receptor a second ring (exact delivery, docs/semantics.md)
/// only where spikes with offsets reach it: through a static projection from a population whose spikes carry offsets (a
/// precise spike source, or a neuron model that finds its spike times within the step). Every backend allocates the rings
/// the kernel reads, so the kernel's receptor count must be the program's, including for a model whose own spikes stay on
/// the grid (HH_cond_exp), which still receives spikes with offsets exactly.
/// </summary>
public class SecondRingTests
{
    private static StepProgram Lower(SpikePrecision precision, out Dictionary<string, int> index)
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, SpikePrecision = precision });
        var array = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times", new double[][] { [1.03], [2.07] }), "array");
        var poisson = sim.CreatePopulation(2, new CellType("SpikeSourcePoisson").With("rate", 10.0), "poisson");
        var fed = sim.CreatePopulation(2, new CellType("IF_cond_exp"), "fed");            // array → excitatory
        var gridFed = sim.CreatePopulation(2, new CellType("IF_cond_exp"), "grid_fed");   // poisson only (spikes on the grid)
        var cellFed = sim.CreatePopulation(2, new CellType("IF_curr_exp"), "cell_fed");   // fed (precise cells) → inhibitory
        var plastic = sim.CreatePopulation(2, new CellType("IF_curr_exp"), "plastic");    // array through synapse dynamics only
        var hh = sim.CreatePopulation(2, new CellType("HH_cond_exp"), "hh");             // array → excitatory; spikes on the grid
        var hhFed = sim.CreatePopulation(2, new CellType("HH_cond_exp"), "hh_fed");       // hh (grid spikes) → excitatory
        _ = new Projection(array, fed, new AllToAllConnector(), new StaticSynapse(0.01, 1.0), "excitatory");
        _ = new Projection(poisson, fed, new AllToAllConnector(), new StaticSynapse(0.01, 1.0), "inhibitory");
        _ = new Projection(poisson, gridFed, new AllToAllConnector(), new StaticSynapse(0.01, 1.0), "excitatory");
        _ = new Projection(fed, cellFed, new AllToAllConnector(), new StaticSynapse(-0.5, 1.0), "inhibitory");
        _ = new Projection(array, plastic, new AllToAllConnector(), new TsodyksMarkramSynapse(0.5, 1.0, U: 0.5, tau_rec: 800), "excitatory");
        _ = new Projection(array, hh, new AllToAllConnector(), new StaticSynapse(0.01, 1.0), "excitatory");
        _ = new Projection(hh, hhFed, new AllToAllConnector(), new StaticSynapse(0.01, 1.0), "excitatory");
        index = sim.Populations.ToDictionary(p => p.Label, p => p.Index);
        return new NetworkLowering(sim.Resolve()).Program;
    }

    private static NeuronGroupProgram Group(StepProgram program, Dictionary<string, int> index, string label) =>
        (NeuronGroupProgram)program.Groups[index[label]];

    [Fact]
    public void Off_grid_gives_a_second_ring_only_to_receptors_that_spikes_with_offsets_reach()
    {
        var program = Lower(SpikePrecision.OffGrid, out var index);
        Group(program, index, "fed").Receptors.Should().Equal(["excitatory", "inhibitory", "excitatory~offgrid"], "the Poisson input onto 'inhibitory' is on the grid");
        Group(program, index, "grid_fed").Receptors.Should().Equal(["excitatory", "inhibitory"], "only grid spikes reach it");
        Group(program, index, "cell_fed").Receptors.Should().Equal(["excitatory", "inhibitory", "inhibitory~offgrid"], "IF_cond_exp cells fire off the grid");
        Group(program, index, "plastic").Receptors.Should().Equal(["excitatory", "inhibitory"], "synapse dynamics deliver on the grid");
        Group(program, index, "hh").Receptors.Should().Equal(["excitatory", "inhibitory", "excitatory~offgrid"]);
        Group(program, index, "hh_fed").Receptors.Should().Equal(["excitatory", "inhibitory"], "HH_cond_exp's own spikes stay on the grid");
        foreach (var group in program.Groups.OfType<NeuronGroupProgram>())
            group.Kernel.Receptors.Should().Be(group.Receptors.Count, $"the kernel of '{group.Label}' reads the rings the program names");
        // Exactly the projections that write a second ring carry the off-grid part, into the ring the program names.
        var offGrid = program.Projections.Where(p => p.OffGrid is not null)
            .Select(p => $"{program.Groups[p.PreGroup].Label}->{program.Groups[p.PostGroup].Label}:{((NeuronGroupProgram)program.Groups[p.PostGroup]).Receptors[p.OffGrid!.Ring]}");
        offGrid.Should().BeEquivalentTo(["array->fed:excitatory~offgrid", "fed->cell_fed:inhibitory~offgrid", "array->hh:excitatory~offgrid"]);
    }

    [Fact]
    public void On_grid_has_no_second_ring_and_the_same_kernels_as_off_grid_groups_that_no_offset_reaches()
    {
        var grid = Lower(SpikePrecision.OnGrid, out var index);
        grid.Groups.OfType<NeuronGroupProgram>().Should().AllSatisfy(g => g.Receptors.Should().Equal(["excitatory", "inhibitory"]));
        grid.Projections.Should().AllSatisfy(p => p.OffGrid.Should().BeNull());
        var off = Lower(SpikePrecision.OffGrid, out _);
        // A group that finds no spike times within the step (HH_cond_exp) and receives no offsets runs its on-grid kernel.
        Group(off, index, "hh_fed").Kernel.Key.Should().Be(Group(grid, index, "hh_fed").Kernel.Key);
        Group(off, index, "hh").Kernel.Key.Should().NotBe(Group(grid, index, "hh").Kernel.Key, "it reads a second ring");
    }

    /// <summary>
    /// HH_cond_exp keeps its spikes on the grid but receives a spike array's offsets exactly: it runs (before, its kernel read
    /// two rings while the projection wrote a third) and its excitatory conductance just after an arrival is the
    /// decayed weight, <c>w·exp(−Δ'/τ_syn_E)</c> for an arrival Δ' before the grid point, not the whole weight.
    /// </summary>
    [Fact]
    public void Hh_cond_exp_receives_spikes_with_offsets_exactly()
    {
        const double w = 0.01, tauSyn = 0.2;
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, SpikePrecision = SpikePrecision.OffGrid });
        // Arrives at 2.03 ms (delay 1 ms): 0.07 ms before the grid point 2.1 ms where it lands.
        var array = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new double[][] { [1.03] }), "array");
        var hh = sim.CreatePopulation(1, new CellType("HH_cond_exp").With("tau_syn_E", tauSyn), "hh");
        _ = new Projection(array, hh, new AllToAllConnector(), new StaticSynapse(w, 1.0), "excitatory");
        hh.Record("gsyn_exc");
        sim.Run(5);
        var g = hh.GetData().Segments[0].Signal("gsyn_exc").Column(0);
        // The sample at 2.2 ms holds what step 2.1 → 2.2 left: the decayed weight, decayed for one more step.
        double expected = w * Math.Exp(-(2.2 - 2.03) / tauSyn);
        g[22].Should().BeApproximately(expected, 1e-12, "exact delivery: the conductance as if the spike arrived at 2.03 ms");
        Math.Abs(g[22] - (w * Math.Exp(-0.1 / tauSyn))).Should().BeGreaterThan(1e-4, "delivery on the grid would leave w·exp(−dt/τ)");
    }

    /// <summary>
    /// Exact delivery is attached where the spike blocks say the pre group's spikes carry offsets; should the lowering not
    /// have given the post group the second ring of a qualifying receptor (the two decisions drifting apart), attaching stops
    /// with an error naming the projection and the ring rather than delivering on the grid silently.
    /// </summary>
    [Fact]
    public void A_qualifying_receptor_without_its_second_ring_is_an_error_not_grid_delivery()
    {
        var off = Lower(SpikePrecision.OffGrid, out var index);
        var grid = Lower(SpikePrecision.OnGrid, out _);
        int fed = index["fed"];
        // The off-grid program's groups (the array's spikes carry offsets), but 'fed' as lowered without a second ring.
        var groups = off.Groups.Select((g, i) => i == fed ? grid.Groups[fed] : g).ToArray();
        var attach = () => Meta.Lowering.Kernels.ExactDelivery.Attach(grid.Projections, groups,
            g => g == fed ? Meta.Models.Standard.IntegrateAndFire.IF_cond_exp : null, _ => new Dictionary<string, double[]>());
        attach.Should().Throw<InvalidOperationException>().WithMessage("*pre group 'array'*receptor 'excitatory' of 'fed'*no second ring 'excitatory~offgrid'*bug in Meta*");
        // With the ring it attaches (the program's own groups).
        var attached = Meta.Lowering.Kernels.ExactDelivery.Attach(grid.Projections, off.Groups,
            g => g == fed ? Meta.Models.Standard.IntegrateAndFire.IF_cond_exp : null,
            _ => new Dictionary<string, double[]> { ["tau_syn_E"] = [5.0, 5.0], ["tau_syn_I"] = [5.0, 5.0] });
        attached.Count(p => p.OffGrid is not null).Should().Be(1, "only array->fed of the projections reaches 'fed'");
    }
}
