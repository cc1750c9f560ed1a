using Meta.Models;
using Meta.Models.Standard;
using Meta.Projections;
using Meta.Projections.Connectors;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>Synapse types with dynamics through the user API: definitions, errors, reading and writing state.</summary>
public class SynapseDynamicsTests
{
    private static (Simulation Sim, Populations.Population Source, Populations.Population Cell) OneInput(params double[] spikeTimes)
    {
        var sim = NewSimulation();
        var source = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", spikeTimes), "source");
        var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "cell");
        return (sim, source, cell);
    }

    [Fact]
    public void Tsodyks_Markram_depresses_each_transmitted_amount_as_the_exact_model_says()
    {
        var (sim, source, cell) = OneInput(10, 20, 30);
        using var _ = sim;
        var prj = new Projection(source, cell, new OneToOneConnector(), new TsodyksMarkramSynapse(0.01, 1.0, U: 0.5, tau_rec: 800), "excitatory");
        prj.Get("tau_psc").Should().Equal([5.0], "tau_psc is the post cell's tau_syn_E unless set");
        cell.Record("gsyn_exc");
        sim.Run(40);
        var g = Signal(cell, "gsyn_exc").Column(0);
        double decay = Math.Exp(-0.1 / 5);
        double Amount(double t) { int n = (int)Math.Round((t + 1) / 0.1); return g[n + 1] / decay - g[n]; }
        // x·u per spike from the exact model: x1 = 1; then z, y evolve with tau_rec = 800 and tau_psc = 5 over 10 ms.
        double y = 0.5, z = 0, dtSpike = 10;
        z = z * Math.Exp(-dtSpike / 800) + y * (Math.Exp(-dtSpike / 5) - Math.Exp(-dtSpike / 800)) / (5.0 / 800 - 1);
        y *= Math.Exp(-dtSpike / 5);
        double x2 = 1 - y - z;
        Amount(10).Should().BeApproximately(0.005, 1e-12);
        Amount(20).Should().BeApproximately(0.01 * 0.5 * x2, 1e-12);
        prj.Get("u").Should().Equal([0.5]);
        prj.Get("weight").Should().Equal([0.01], "the weight of a TM synapse is the parameter that was set, not the last w·x·u");
    }

    [Fact]
    public void Unknown_synapse_parameters_are_refused_with_the_valid_names()
    {
        var (sim, source, cell) = OneInput(10);
        using var _ = sim;
        var act = () => new Projection(source, cell, new OneToOneConnector(),
            new ModelSynapse(ShortTermPlasticity.TsodyksMarkram, 0.01, null, new Dictionary<string, SynapseValue> { ["tau_recovery"] = 10.0 }), "excitatory");
        act.Should().Throw<NonExistentParameterException>().WithMessage("*tau_recovery*").WithMessage("*tau_rec*");
        var prj = new Projection(source, cell, new OneToOneConnector(), new StaticSynapse(0.01, 1.0), "excitatory");
        prj.Invoking(p => p.Get("u")).Should().Throw<NonExistentParameterException>().WithMessage("*weight, delay*");
    }

    [Fact]
    public void Vogels2011_with_a_multiplicative_dependence_has_no_model()
    {
        var act = () => new STDPMechanism(new Vogels2011Rule(), new MultiplicativeWeightDependence());
        act.Should().Throw<NoModelAvailableException>().WithMessage("*AdditiveWeightDependence only*");
        var bad = () => new STDPMechanism(new SpikePairRule(), new AdditiveWeightDependence(), 0.1, 1.0, dendritic_delay_fraction: 1.5);
        bad.Should().Throw<InvalidParameterValueException>().WithMessage("*dendritic_delay_fraction*[0, 1]*");
    }

    [Theory]
    [InlineData("x += y", "unknown name 'y'")]
    [InlineData("tau = 3", "assigns 'tau', which is not a state")]
    [InlineData("transmit(x)", null)]
    public void The_builder_checks_every_name(string line, string? error)
    {
        var b = new SynapseModelBuilder("Check").Parameter("tau", 10, "ms").State("x", 0, "").Decay("x", "tau").OnPre(line);
        if (error is null) b.Build().OnPre.Should().ContainSingle(s => s.IsTransmit);
        else b.Invoking(x => x.Build()).Should().Throw<InvalidModelException>().WithMessage($"*{error}*");
        new SynapseModelBuilder("Post").State("x", 0, "").OnPost("transmit(x)").Invoking(x => x.Build())
            .Should().Throw<InvalidModelException>().WithMessage("*transmit() belongs in on_pre*");
    }

    [Fact]
    public void Learned_weights_and_traces_are_saved_and_a_set_parameter_changes_the_kernel_without_losing_state()
    {
        var times = Enumerable.Range(0, 40).Select(i => 5.0 + 7 * i).ToArray();
        using var sim = NewSimulation();
        var sources = sim.CreatePopulation(20, new CellType("SpikeSourceArray").WithSequence("spike_times", times), "sources");
        var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "cell");
        var prj = new Projection(sources, cell, new AllToAllConnector(),
            new STDPMechanism(new SpikePairRule(20, 20, 0.01, 0.012), new AdditiveWeightDependence(0, 0.02), 0.01, 1.0), "excitatory");
        sim.Run(150);
        var learned = prj.Get("weight");
        learned.Should().OnlyContain(w => w != 0.01, "the synchronous inputs make the cell fire and every synapse learn");
        // A per-synapse A_plus (was uniform) needs a new kernel; the weights and traces carry over.
        prj.Set("A_plus", Enumerable.Range(0, 20).Select(i => 0.01 + 0.001 * i).ToArray());
        prj.Get("weight").Should().Equal(learned);
        sim.Run(0);
        prj.Get("weight").Should().Equal(learned);
        prj.Get("A_plus").Should().HaveCount(20).And.Subject.Last().Should().BeApproximately(0.029, 1e-12);
        string file = Path.Combine(Path.GetTempPath(), $"meta-weights-{Guid.NewGuid():N}.txt");
        try
        {
            prj.Save(file, "weight", "P");
            var lines = File.ReadAllLines(file);
            lines[0].Should().Be("# columns = [\"i\", \"j\", \"weight\", \"P\"]");
            lines.Should().HaveCount(21);
            double.Parse(lines[1].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture).Should().Be(learned[0]);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_backend_without_synapse_dynamics_refuses_a_plastic_projection_clearly()
    {
        var backend = new FeaturelessBackend(new Meta.Backends.Cpu.CpuBackend());
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1 });
        var source = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 1.0 }), "s");
        var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "c");
        _ = new Projection(source, cell, new OneToOneConnector(), new TsodyksMarkramSynapse(0.01, 1.0), "excitatory");
        sim.Invoking(s => s.Run(10)).Should().Throw<NotSupportedByBackendException>()
            .WithMessage("*TsodyksMarkramSynapse (synapse dynamics) is not supported by backend 'cpu'*");
    }

    [Fact]
    public void The_README_example_learns_with_both_rules()
    {
        // The README's "Plastic synapses" snippet, on the CPU backend.
        using var sim3 = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 7, Threads = 1 });
        var inputs = sim3.CreatePopulation(200, new CellType("SpikeSourcePoisson").With("rate", 20.0), "inputs");
        var neuron = sim3.CreatePopulation(1, new CellType("IF_cond_exp"), "neuron");
        var stdp = new STDPMechanism(new SpikePairRule(tau_plus: 20, tau_minus: 20, A_plus: 0.01, A_minus: 0.012),
            new AdditiveWeightDependence(w_min: 0, w_max: 0.01), weight: 0.005, delay: 1.0);
        var learning = new Projection(inputs, neuron, new AllToAllConnector(), stdp, "excitatory");
        var rule = new SynapseModelBuilder("MyRule")
            .Parameter("tau", 20, "ms").Parameter("eta", 1e-4, "").PlasticWeight()
            .State("pre_trace", 0, "").Decay("pre_trace", "tau")
            .OnPre("pre_trace += 1", "transmit(weight)")
            .OnPost("weight = min(weight + eta*pre_trace, 0.01)")
            .Build();
        var mineToo = new Projection(inputs, neuron, new AllToAllConnector(), new ModelSynapse(rule, Weight: 0.002, Delay: 1.0), "excitatory");
        neuron.Record("spikes");
        sim3.Run(1000.0);
        SpikeTimes(neuron)[0].Should().NotBeEmpty();
        learning.Get("weight").Should().Contain(w => w != 0.005);
        mineToo.Get("weight").Should().OnlyContain(w => w >= 0.002 && w <= 0.01).And.Contain(w => w > 0.002);
        learning.Set("weight", 0.004);
        learning.Get("weight").Should().OnlyContain(w => w == 0.004);
    }

    /// <summary>The CPU backend declaring no optional features.</summary>
    [Fact]
    public void A_plain_weight_update_of_a_plastic_projection_is_refused_with_the_way_to_set_it()
    {
        var backend = new EngineKeepingBackend(new Meta.Backends.Cpu.CpuBackend());
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1 });
        var source = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 1.0 }), "s");
        var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "c");
        _ = new Projection(source, cell, new OneToOneConnector(), new TsodyksMarkramSynapse(0.01, 1.0), "excitatory");
        sim.Run(1);
        var engine = backend.Engine!;
        engine.Invoking(e => e.Update(new Meta.Backends.ProgramUpdate { Synapses = [(0, "weight", [0.02])] }))
            .Should().Throw<ArgumentException>().WithMessage("*'weight' is a buffer of its synapse kernel*Projection.Set*takes only 'delay'*")
            .Which.Message.Should().NotContain("valid parameters");
        engine.Invoking(e => e.Update(new Meta.Backends.ProgramUpdate { Synapses = [(0, "nonsense", [0.02])] }))
            .Should().Throw<NonExistentParameterException>().WithMessage("nonsense (valid parameters for TsodyksMarkramSynapse are: delay)");
        engine.ReadSynapses(0, "weight").Should().Equal([0.01], "the refused update changed nothing");
    }

    /// <summary>A backend that keeps the engine it made, so that a test can give it updates Meta itself never sends.</summary>
    private sealed class EngineKeepingBackend(Meta.Backends.IBackend inner) : Meta.Backends.IBackend
    {
        public Meta.Backends.ISimulationEngine? Engine { get; private set; }
        public Meta.Backends.BackendDescriptor Descriptor => inner.Descriptor;
        public IReadOnlyList<string> Devices => inner.Devices;
        public Meta.Backends.ISimulationEngine CreateEngine(Meta.Backends.EngineOptions options) => Engine = inner.CreateEngine(options);
    }

    private sealed class FeaturelessBackend(Meta.Backends.IBackend inner) : Meta.Backends.IBackend
    {
        public Meta.Backends.BackendDescriptor Descriptor => inner.Descriptor with
        {
            Capabilities = inner.Descriptor.Capabilities with { Features = new HashSet<string>() },
        };
        public IReadOnlyList<string> Devices => inner.Devices;
        public Meta.Backends.ISimulationEngine CreateEngine(Meta.Backends.EngineOptions options) => inner.CreateEngine(options);
    }
}
