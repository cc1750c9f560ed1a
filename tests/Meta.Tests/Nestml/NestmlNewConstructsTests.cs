using Meta.Backends;
using Meta.Expressions;
using Meta.Models;
using Meta.Nestml;
using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;
using Xunit.Abstractions;

namespace Meta.Tests.Nestml;

/// <summary>
/// Function definitions (inlined), kernels given by ODEs with initial values, locals and <c>if</c> in <c>onCondition</c>,
/// and initial values that count time steps, checked on the CPU backend against what NESTML's semantics give by hand
/// (docs/nestml.md).
/// </summary>
public class NestmlNewConstructsTests(ITestOutputHelper output)
{
    private static IBackend Cpu => new Meta.Backends.Cpu.CpuBackend();

    private const string Lif = """
        model lif_neuron:
            state:
                V_m mV = E_L
            equations:
                V_m' = LEAK + I_e / C_m
            parameters:
                C_m pF = 250 pF
                tau_m ms = 10 ms
                E_L mV = -70 mV
                V_th mV = -55 mV
                I_e pA = 0 pA
            input:
                spikes <- spike
            output:
                spike
            update:
                integrate_odes()
            onReceive(spikes):
                V_m += spikes * mV * s
            onCondition(V_m >= V_th):
                V_m = E_L
                emit_spike()
        FUNCTIONS
        """;

    [Fact]
    public void A_function_is_inlined_into_the_same_equation_as_written_out()
    {
        var written = NestmlModel.Parse(Lif.Replace("LEAK", "-(V_m - E_L) / tau_m").Replace("FUNCTIONS", ""), "lif.nestml");
        var called = NestmlModel.Parse(Lif.Replace("LEAK", "leak(V_m, E_L)").Replace("FUNCTIONS", """
                function leak(v mV, rest mV) mV/ms:
                    d mV = v - rest
                    d *= 1
                    return -d / tau_m
            """), "lif.nestml");
        called.Odes.Single().RightHandSide.ToString().Should().Be(written.Odes.Single().RightHandSide.ToString());
    }

    [Fact]
    public void A_function_parameter_hides_the_model_variable_of_the_same_name()
    {
        var model = NestmlModel.Parse(Lif.Replace("LEAK", "leak(E_L + 1 mV)").Replace("FUNCTIONS", """
                function leak(V_m mV) mV/ms:
                    return -(V_m - E_L) / tau_m
            """), "lif.nestml");
        model.Odes.Single().RightHandSide.Symbols().Should().NotContain("V_m", "the argument E_L + 1 mV stands for the parameter V_m");
    }

    /// <summary>
    /// iaf_cond_beta's excitatory kernel (<c>g' = g$ - g/τr</c>, <c>g$' = -g$/τd</c>, <c>g$(0) = g_E_const·(1/τr - 1/τd)</c>):
    /// one spike of weight w gives <c>w·g_E_const·(exp(-t/τd) - exp(-t/τr))</c>, whose peak is w (NESTML's normalisation).
    /// </summary>
    [NestmlFact]
    public void A_beta_kernel_given_by_odes_follows_the_analytic_difference_of_exponentials()
    {
        var model = NestmlModel.Load(NestmlFixtures.File("neurons/iaf_cond_beta_neuron.nestml"));
        model.FindState("g_ex__X__exc_spikes").Should().NotBeNull();
        model.Receptors.Single(r => r.Name == "excitatory").Target.Should().Be("g_ex__S__X__exc_spikes");
        const double w = 0.002, dt = 0.1, rise = 0.2, decay = 2.0;
        using var sim = new Simulation(Cpu, new SimulationOptions { Timestep = dt, MinDelay = dt, MaxDelay = 1.0, Seed = 1, Precision = Precision.Float64 });
        var source = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.Function(_ => [10.0])), "source");
        var cell = sim.CreatePopulation(1, new CellType(model), "cell");
        _ = new Projection(source, cell, new AllToAllConnector(), new StaticSynapse(w, 1.0), "excitatory");
        cell.Record(["g_ex__X__exc_spikes"]);
        sim.Run(30.0);
        var g = cell.GetData().Segments[0].Signal("g_ex__X__exc_spikes").Column(0);
        int first = Array.FindIndex(g, x => x != 0);
        first.Should().BePositive("the spike arrives at 11 ms");
        double tPeak = decay * rise * Math.Log(decay / rise) / (decay - rise);
        double norm = 1 / (Math.Exp(-tPeak / decay) - Math.Exp(-tPeak / rise));
        double worst = 0;
        for (int j = first; j < g.Length; j++)
        {
            double t = (j - first + 1) * dt;
            worst = Math.Max(worst, Math.Abs(g[j] - w * norm * (Math.Exp(-t / decay) - Math.Exp(-t / rise))));
        }
        output.WriteLine($"first sample {first}, peak {g.Max():G8} uS (w = {w}), worst difference from the analytic kernel {worst:E2} uS");
        worst.Should().BeLessThan(1e-12 * w, "the kernel's ODEs are linear with constant coefficients: Meta propagates them exactly");
        g.Max().Should().BeApproximately(w, 2e-3 * w, "the peak is the weight, sampled on the 0.1 ms grid");
    }

    /// <summary>
    /// iaf_chxk_2008's onCondition computes the sub-step crossing time from locals (<c>sigma</c>, <c>alpha</c>) and adds the
    /// AHP conductance under <c>if ahp_bug == true ... else</c>; its first spike must add exactly
    /// <c>PSConInit_AHP·exp(-sigma/tau_ahp)</c> nS/ms to <c>g_ahp'</c>, with sigma from the recorded V_m around the crossing.
    /// </summary>
    [NestmlFact]
    public void Locals_and_if_in_onCondition_give_the_interpolated_ahp_jump()
    {
        var model = NestmlModel.Load(NestmlFixtures.File("neurons/iaf_chxk_2008_neuron.nestml"));
        output.WriteLine(string.Join("; ", model.Reset.Select(r => r.ToString())));
        const double dt = 0.1;
        using var sim = new Simulation(Cpu, new SimulationOptions { Timestep = dt, MinDelay = dt, MaxDelay = 1.0, Seed = 1, Precision = Precision.Float64 });
        var cell = sim.CreatePopulation(1, new CellType(model).With("I_e", 2.0), "cell");
        cell.Record(["spikes", "V_m", "g_ahp__d"]);
        sim.Run(20.0);
        var segment = cell.GetData().Segments[0];
        var v = segment.Signal("V_m").Column(0);
        var dg = segment.Signal("g_ahp__d").Column(0);
        var spikes = segment.SpikeTrains[0].Times.ToArray();
        spikes.Should().NotBeEmpty("2 nA drives the cell over -45 mV");
        int s = (int)Math.Round(spikes[0] / dt);
        dg[s - 1].Should().Be(0, "no AHP before the first spike");
        double sigma = (v[s] - -45.0) * dt / (v[s] - v[s - 1]);
        double expected = 0.001 * 443.8 * Math.E / 0.5 * Math.Exp(-sigma / 0.5);
        output.WriteLine($"first spike {spikes[0]} ms, sigma {sigma:G6} ms, g_ahp' {dg[s]:G10} (expected {expected:G10}) uS/ms, {spikes.Length} spikes");
        dg[s].Should().BeApproximately(expected, 1e-12 * expected);
        var bug = NestmlModel.Load(NestmlFixtures.File("neurons/iaf_chxk_2008_neuron.nestml"));
        using var sim2 = new Simulation(Cpu, new SimulationOptions { Timestep = dt, MinDelay = dt, MaxDelay = 1.0, Seed = 1, Precision = Precision.Float64 });
        var buggy = sim2.CreatePopulation(1, new CellType(bug).With("I_e", 2.0).With("ahp_bug", 1.0), "cell");
        buggy.Record(["spikes", "g_ahp__d"]);
        sim2.Run(20.0);
        var buggySpikes = buggy.GetData().Segments[0].SpikeTrains[0].Times.ToArray();
        output.WriteLine($"ahp_bug = true: {buggySpikes.Length} spikes");
        buggySpikes[0].Should().Be(spikes[0], "the branch taken changes nothing before the first spike");
    }

    /// <summary>
    /// ignore_and_fire starts half-way through its period (<c>phase_steps = steps(1/firing_rate)/2</c>, an initial value that
    /// counts steps of the simulation's dt) and fires once per period: at 50, 150, 250 ms for 10 Hz whatever dt.
    /// </summary>
    [NestmlTheory]
    [InlineData(0.1, 10.0, new[] { 50.0, 150.0, 250.0 })]
    [InlineData(0.05, 10.0, new[] { 50.0, 150.0, 250.0 })]
    [InlineData(0.1, 20.0, new[] { 25.0, 75.0, 125.0, 175.0, 225.0, 275.0 })]
    public void Ignore_and_fire_counts_steps_of_the_simulations_dt(double dt, double rate, double[] expected)
    {
        var model = NestmlModel.Load(NestmlFixtures.File("neurons/ignore_and_fire_neuron.nestml"));
        using var sim = new Simulation(Cpu, new SimulationOptions { Timestep = dt, MinDelay = dt, MaxDelay = 1.0, Seed = 1, Precision = Precision.Float64 });
        var cell = sim.CreatePopulation(1, new CellType(model).With("firing_rate", rate / 1000.0), "cell");
        cell.Record(["spikes"]);
        sim.Run(300.0);
        var spikes = cell.GetData().Segments[0].SpikeTrains[0].Times.ToArray();
        output.WriteLine($"dt {dt}, {rate} Hz: {string.Join(", ", spikes)}");
        spikes.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++) spikes[i].Should().BeApproximately(expected[i], 1e-9);
    }

    /// <summary>
    /// traub_cond_multisyn passes g_peak (nS) to a <c>real</c> parameter of <c>compute_synapse_constant</c>; wb_cond_multisyn
    /// takes it in nS and divides by nS itself. NEST computes both with the number 0.1, so both AMPA receptors add the weight
    /// times <c>0.1·norm·(1/τ2 − 1/τ1)</c> (a peak of 0.1 nS per NEST weight unit) to the kernel's <c>g$</c> state.
    /// </summary>
    [NestmlFact]
    public void A_quantity_passed_to_a_real_function_parameter_becomes_nests_number()
    {
        double Scale(string file)
        {
            var model = NestmlModel.Load(NestmlFixtures.File(file));
            var receptor = model.FindReceptor("AMPA")!;
            return receptor.Scale.Evaluate(p => model.FindParameter(p)!.Default);
        }
        const double rise = 0.5, decay = 2.4;
        double tPeak = decay * rise * Math.Log(decay / rise) / (decay - rise);
        double expected = 0.1 / (Math.Exp(-tPeak / rise) - Math.Exp(-tPeak / decay)) * (1 / decay - 1 / rise);
        output.WriteLine($"traub {Scale("neurons/traub_cond_multisyn_neuron.nestml"):G10}, wb {Scale("neurons/wb_cond_multisyn_neuron.nestml"):G10}, NEST's {expected:G10}");
        Scale("neurons/traub_cond_multisyn_neuron.nestml").Should().BeApproximately(expected, 1e-12 * Math.Abs(expected));
        Scale("neurons/wb_cond_multisyn_neuron.nestml").Should().BeApproximately(expected, 1e-12 * Math.Abs(expected));
    }
}
