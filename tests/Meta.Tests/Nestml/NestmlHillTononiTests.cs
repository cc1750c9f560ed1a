using Meta.Backends;
using Meta.Models;
using Meta.Nestml;
using Xunit.Abstractions;

namespace Meta.Tests.Nestml;

/// <summary>
/// hill_tononi_neuron, the fixture with two onCondition blocks (docs/nestml.md, "Several onCondition blocks"), checked
/// without NEST: its membrane before the first spike against an independent Runge–Kutta integration of the file's
/// equations written out by hand here, its spikes against NESTML's rules for the two blocks applied step by step, and the
/// same results on cpu, ilgpu and torch.
/// </summary>
public class NestmlHillTononiTests(ITestOutputHelper output)
{
    private const double Dt = 0.1;

    private static ModelDefinition Model() => NestmlModel.Load(NestmlFixtures.File("neurons/hill_tononi_neuron.nestml"));

    /// <summary>One cell with a constant current <paramref name="current"/> (nA) on <paramref name="backend"/>.</summary>
    private static Trace Constant(IBackend backend, ModelDefinition model, double current, double duration)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = Dt, MinDelay = Dt, MaxDelay = 1.0, Seed = 1, Precision = Precision.Float64 });
        var cells = sim.CreatePopulation(1, new CellType(model), "cell");
        cells.Set("I_e", new[] { current });
        cells.Record(["spikes", "V_m"]);
        sim.Run(duration);
        var segment = cells.GetData().Segments[0];
        return new Trace([segment.SpikeTrains[0].Times.ToArray()], [segment.Signal("V_m").Column(0)]);
    }

    [NestmlFact]
    public void The_two_blocks_become_ordered_ifs_after_the_integration_and_the_clock_an_ordinary_state()
    {
        var model = Model();
        model.Threshold.Should().BeNull("several onCondition blocks are not Meta's one threshold");
        model.Refractory.Should().BeNull("the refractory clock is an ordinary state when the blocks set and test it");
        model.FindState("potassium_refr_t").Should().NotBeNull();
        model.FindState("g_spike").Should().NotBeNull();
        var ifs = model.AfterIntegration.OfType<UpdateIf>().TakeLast(2).ToList();
        ifs.Should().HaveCount(2);
        ifs[0].Branches.Single().Body.Flatten().OfType<UpdateEmitSpike>().Should().BeEmpty("the first block only switches g_spike off");
        ifs[1].Branches.Single().Body.Flatten().OfType<UpdateEmitSpike>().Should().ContainSingle("the second block spikes");
        model.Receptors.Select(r => r.Name).Should().Equal("AMPA", "NMDA", "GABA_A", "GABA_B");
        model.Receptors.Should().OnlyContain(r => r.Kind == ReceptorKind.Conductance);
    }

    /// <summary>
    /// The file's equations with no synaptic input and g_spike false (so before the first spike), in NESTML's units (mV,
    /// nS, pA, ms): V_m, Theta, IKNa_D, IT_m, IT_h, Ih_m. Written from the .nestml text, not from Meta's compiled model.
    /// </summary>
    private static double[] Derivatives(double[] y, double iePa)
    {
        double v = y[0], theta = y[1], d = y[2], tm = y[3], th = y[4], hm = y[5];
        double iNa = -0.2 * (v - 30.0), iK = -1.0 * (v + 90.0);
        double mNaP = 1.0 / (1.0 + Math.Exp(-(v + 55.7) / 7.7));
        double iNaP = -1.0 * mNaP * mNaP * mNaP * (v - 30.0);
        double mKNa = 1.0 / (1.0 + Math.Pow(0.25 / d, 3.5));
        double iKNa = -1.0 * mKNa * (v + 90.0);
        double iT = -1.0 * tm * tm * th * (v - 0.0);
        double iH = -1.0 * hm * (v + 40.0);
        double mInfT = 1.0 / (1.0 + Math.Exp(-(v + 59.0) / 6.2));
        double hInfT = 1.0 / (1.0 + Math.Exp((v + 83.0) / 4.0));
        double tauMh = 1.0 / (Math.Exp(-14.59 - 0.086 * v) + Math.Exp(-1.87 + 0.0701 * v));
        double dInflux = 1.0 / (1.0 + Math.Exp(-(v + 10.0) / 5.0));
        double tauMT = 0.22 / (Math.Exp(-(v + 132.0) / 16.7) + Math.Exp((v + 16.8) / 18.2)) + 0.13;
        double tauHT = 8.2 + (56.6 + 0.27 * Math.Exp((v + 115.2) / 5.0)) / (1.0 + Math.Exp((v + 86.0) / 3.2));
        double mInfH = 1.0 / (1.0 + Math.Exp((v + 75.0) / 5.5));
        return
        [
            (iNa + iK + iNaP + iKNa + iT + iH + iePa) / 16.0, // pA / ms · s/nF = mV/ms
            -(theta + 51.0) / 2.0,
            0.025 * dInflux - (d - 0.001) / 1250.0,
            (mInfT - tm) / tauMT,
            (hInfT - th) / tauHT,
            (mInfH - hm) / tauMh,
        ];
    }

    /// <summary>Classical RK4 of <see cref="Derivatives"/> from the file's initial values, sampled every <see cref="Dt"/>, until V_m ≥ Theta.</summary>
    private static (List<double> V, double Crossing) Reference(double iePa, double duration, int substeps)
    {
        double h = Dt / substeps;
        double[] y = [(0.2 * 30.0 + 1.0 * -90.0) / 1.2, -51.0, 0, 0, 0, 0];
        var samples = new List<double> { y[0] };
        for (int k = 1; k * Dt <= duration + 1e-9; k++)
        {
            for (int s = 0; s < substeps; s++)
            {
                double[] Add(double[] a, double[] b, double f) => a.Zip(b, (p, q) => p + f * q).ToArray();
                var k1 = Derivatives(y, iePa);
                var k2 = Derivatives(Add(y, k1, h / 2), iePa);
                var k3 = Derivatives(Add(y, k2, h / 2), iePa);
                var k4 = Derivatives(Add(y, k3, h), iePa);
                y = y.Select((x, i) => x + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i])).ToArray();
                if (y[0] >= y[1]) return (samples, (k - 1) * Dt + (s + 1) * h);
            }
            samples.Add(y[0]);
        }
        return (samples, double.PositiveInfinity);
    }

    [NestmlFact]
    public void Before_the_first_spike_V_m_follows_an_independent_integration_of_the_file()
    {
        const double ie = 0.1; // nA = 100 pA
        var trace = Constant(new Meta.Backends.Cpu.CpuBackend(), Model(), ie, 60.0);
        trace.Spikes[0].Should().NotBeEmpty("100 pA drives the cell past its threshold of -51 mV");
        var (reference, crossing) = Reference(ie * 1000, 60.0, substeps: 100);
        double first = trace.Spikes[0][0];
        output.WriteLine($"first spike {first} ms; reference crossing (RK4, h = 1 µs) {crossing:F4} ms");
        first.Should().BeApproximately(Math.Ceiling(crossing / Dt - 1e-9) * Dt, 1e-9, "the spike is stamped at the end of the step in which V_m reaches Theta");
        int before = (int)Math.Round(first / Dt);
        double worst = Enumerable.Range(0, before).Max(k => Math.Abs(trace.V[0][k] - reference[k]));
        output.WriteLine($"V_m over the {before} samples before the spike within {worst:E2} mV of the reference");
        // Meta integrates this nonlinear system with RK4 at dt = 0.1 ms: its local error is O(dt^5); 1e-4 mV is well above
        // what it makes here and well below any error in the equations or the units (a wrong pA/nA factor is tens of mV).
        worst.Should().BeLessThan(1e-4);
    }

    /// <summary>
    /// After a spike both blocks' assignments hold V_m and Theta at E_Na (30 mV) while the clock runs: the update block
    /// integrates only the clock while it is above 0. The clock counts 2 ms down in 20 steps to 2 − 20·0.1 = −6.4e-16 ms
    /// in float64, so in that step the first block switches g_spike off and the second fires again (V_m ≥ Theta, 30 ≥ 30),
    /// setting g_spike to (clock ≥ 0), false; in the next step the clock is 1.9 ms, g_spike is off and V_m ≥ Theta again, so
    /// the cell fires once more and g_spike is on. NESTML's meaning of the file is thus intervals of 20 and 1 steps in turn
    /// once the cell has fired, with V_m at 30 mV throughout; Meta keeps it (as it keeps iaf_psc_exp_htum's as written).
    /// </summary>
    [NestmlFact]
    public void After_the_first_spike_the_blocks_fire_as_NESTML_orders_them()
    {
        var trace = Constant(new Meta.Backends.Cpu.CpuBackend(), Model(), 0.1, 60.0);
        var steps = trace.Spikes[0].Select(t => (int)Math.Round(t / Dt)).ToArray();
        output.WriteLine($"spike steps: {string.Join(", ", steps.Take(12))} ...");
        steps.Length.Should().BeGreaterThan(6);
        var intervals = steps.Zip(steps.Skip(1), (a, b) => b - a).ToArray();
        for (int i = 0; i < intervals.Length; i++) intervals[i].Should().Be(i % 2 == 0 ? 20 : 1, $"interval {i}");
        for (int k = steps[0]; k < trace.V[0].Length; k++) trace.V[0][k].Should().Be(30.0, $"V_m is held at E_Na from the first spike on (sample {k})");
    }

    [NestmlFact]
    public void Hill_tononi_gives_the_same_results_on_cpu_ilgpu_and_torch()
    {
        var model = Model();
        // Offsets around the threshold (0 to 60 pA), a step of 40 pA, spikes onto AMPA (1 nS) and GABA_A (2 nS).
        NestmlRuns.AssertSameOnEveryBackend(backend => NestmlRuns.RunTogether(backend, [model],
            (sim, m, _) => NestmlRuns.Add(sim, new CellType(m), "V_m", "I_e", [0.0, 0.02, 0.04, 0.06], 0.04, 0.001, 0.002, "AMPA", "GABA_A")),
            _ => true, output);
    }
}
