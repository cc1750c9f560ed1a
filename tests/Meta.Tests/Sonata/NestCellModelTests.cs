using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.CurrentSources;
using Meta.Models;
using Meta.Parameters;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sonata;
using Meta.Sonata.Nest;

namespace Meta.Tests.Sonata;

/// <summary>
/// The NEST and NEURON templates without a PyNN standard model (<c>glif_psc</c>, <c>glif_cond</c>, <c>hh_psc_alpha</c>,
/// <c>parrot_neuron</c>, <c>nrn:IntFire1</c>) against analytic results or the matching standard model.
/// </summary>
public sealed class NestCellModelTests
{
    private const double Dt = 0.05;

    private static Simulation NewSimulation() =>
        new(new CpuBackend(), new SimulationOptions { Timestep = Dt, MinDelay = Dt, MaxDelay = 5.0, Threads = 1, Precision = Precision.Float64 });

    private static Population Create(Simulation sim, string template, Dictionary<string, double> nest, string label)
    {
        var (model, p, init) = NestCatalogue.Get(template, "test").Convert(nest, "test");
        var type = new CellType(model);
        foreach (var (k, v) in p) type = type.With(k, v);
        var pop = sim.CreatePopulation(1, type, label);
        foreach (var (k, v) in init) pop.Initialize(k, v);
        return pop;
    }

    private static double[] Column(Population p, string variable) => p.GetData().Segments[0].Signal(variable).Column(0);

    private static double[] Spikes(Population p) => p.GetData().Segments[0].SpikeTrains[0].Times.ToArray();

    [Fact]
    public void Glif_psc_LIF_traces_like_IF_curr_alpha_with_converted_parameters()
    {
        using var sim = NewSimulation();
        var glif = Create(sim, "nest:glif_psc", new() { ["tau_syn[0]"] = 1.5, ["t_ref"] = 3.0 }, "glif");
        var standard = sim.CreatePopulation(1, new CellType("IF_curr_alpha").With("cm", 0.05872).With("tau_m", 58.72 / 9.43)
            .With("v_rest", -78.85).With("v_thresh", -51.68).With("v_reset", -78.85).With("tau_refrac", 3.0)
            .With("tau_syn_E", 1.5).With("tau_syn_I", 1.5), "pynn");
        standard.Initialize("v", -78.85);
        var input = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.PerCell([[20.0, 22.0, 60.0, 61.0, 95.0]])), "in");
        foreach (var target in new[] { glif, standard })
        {
            new DCSource { Amplitude = 0.3, Start = 10, Stop = 150 }.InjectInto(target);
            _ = new Projection(input, target, new AllToAllConnector(), new StaticSynapse(0.05, 1.0), "excitatory");
            _ = new Projection(input, target, new AllToAllConnector(), new StaticSynapse(-0.02, 2.0), "inhibitory");
            target.Record(["v", "spikes"]);
        }
        sim.Run(150);
        var a = Column(glif, "v");
        var b = Column(standard, "v");
        a.Zip(b).Max(p => Math.Abs(p.First - p.Second)).Should().BeLessThan(1e-9, "same equations, same plan: GLIF level 1 is IF_curr_alpha with tau_m = C_m/g");
        Spikes(glif).Should().Equal(Spikes(standard)).And.NotBeEmpty();
    }

    [Fact]
    public void Glif_LIF_fires_when_the_exact_solution_crosses_the_threshold()
    {
        using var sim = NewSimulation();
        var glif = Create(sim, "glif_psc", new() { ["t_ref"] = 2.0 }, "glif");
        const double amplitude = 0.4;   // nA
        new DCSource { Amplitude = amplitude, Start = 0, Stop = 1000 }.InjectInto(glif);
        glif.Record(["spikes"]);
        sim.Run(100);
        double tau = 58.72 / 9.43, rInput = 1 / 0.00943;   // ms, MΩ
        double Crossing(double from) => -tau * Math.Log((amplitude * rInput - (-51.68 + 78.85)) / (amplitude * rInput - (from + 78.85)));
        var spikes = Spikes(glif);
        spikes.Should().HaveCountGreaterThan(3);
        spikes[0].Should().BeApproximately(Crossing(-78.85), 2 * Dt, "v = E_L + I·R·(1 − exp(−t/τ)) reaches V_th");
        for (int k = 1; k < spikes.Length; k++)
            (spikes[k] - spikes[k - 1]).Should().BeApproximately(2.0 + Crossing(-78.85), 2 * Dt, "t_ref at V_reset, then the charge from V_reset to V_th");
    }

    [Fact]
    public void Glif_after_spike_currents_jump_by_asc_amps_and_decay_after_the_refractory_period()
    {
        using var sim = NewSimulation();
        var glif = Create(sim, "glif_psc", new() { ["after_spike_currents"] = 1, ["t_ref"] = 4.0 }, "glif");
        new DCSource { Amplitude = 0.6, Start = 0, Stop = 1000 }.InjectInto(glif);
        glif.Record(["spikes", "asc_0", "asc_1"]);
        sim.Run(60);
        double first = Spikes(glif)[0];
        var asc0 = Column(glif, "asc_0");
        var asc1 = Column(glif, "asc_1");
        double second = Spikes(glif).Length > 1 ? Spikes(glif)[1] : 60;
        int checkedSamples = 0;
        for (int i = 0; i < asc0.Length; i++)
        {
            double t = i * Dt, since = t - first - 4.0;
            if (since < 0 || t >= second - 1e-9) continue;
            asc0[i].Should().BeApproximately(-0.00918 * Math.Exp(-0.003 * since), 1e-12, $"t = {t}");
            asc1[i].Should().BeApproximately(-0.19894 * Math.Exp(-0.1 * since), 1e-12, $"t = {t}");
            checkedSamples++;
        }
        checkedSamples.Should().BePositive();
    }

    [Fact]
    public void Glif_spike_induced_threshold_jumps_and_decays_and_v_is_reset_by_fraction_and_add()
    {
        using var sim = NewSimulation();
        var glif = Create(sim, "glif_psc", new() { ["spike_dependent_threshold"] = 1, ["t_ref"] = 4.0, ["th_spike_add"] = 2.0, ["th_spike_decay"] = 0.05 }, "glif");
        new DCSource { Amplitude = 0.4, Start = 0, Stop = 1000 }.InjectInto(glif);
        glif.Record(["spikes", "th_s", "v"]);
        sim.Run(80);
        var spikes = Spikes(glif);
        spikes.Should().HaveCountGreaterThan(1);
        var th = Column(glif, "th_s");
        var v = Column(glif, "v");
        int at = (int)Math.Round(spikes[0] / Dt);
        v[at].Should().BeApproximately(-78.85 + 0.2 * (-51.68 + 78.85) + 18.51, 0.2 * 0.5, "E_L + f_v·(v − E_L) + V_add, v within a step of V_th");
        for (int i = at + 80; i < (int)Math.Round(spikes[1] / Dt); i++)
            th[i].Should().BeApproximately(2.0 * Math.Exp(-0.05 * (i * Dt - spikes[0] - 4.0)), 1e-12, "held during t_ref, then exp(−b_s·t)");
    }

    [Fact]
    public void Glif_voltage_dependent_threshold_follows_the_exact_solution_below_threshold()
    {
        using var sim = NewSimulation();
        var glif = Create(sim, "glif_psc", new()
        {
            ["spike_dependent_threshold"] = 1, ["after_spike_currents"] = 1, ["adapting_threshold"] = 1, ["V_th"] = 0.0,
            ["th_voltage_index"] = 0.05, ["th_voltage_decay"] = 0.2,
        }, "glif");
        const double amplitude = 0.1;
        new DCSource { Amplitude = amplitude, Start = 0, Stop = 1000 }.InjectInto(glif);
        glif.Record(["th_v", "spikes"]);
        sim.Run(50);
        Spikes(glif).Should().BeEmpty();
        double tau = 58.72 / 9.43, b = 0.2, a = 0.05, dv = amplitude / 0.00943;
        var th = Column(glif, "th_v");
        double worst = 0;
        for (int i = 1; i < th.Length; i++)
        {
            // th_v' = a·(v − E_L) − b·th_v with v − E_L = dv·(1 − exp(−t/τ)); the DC starts in the first step.
            double t = i * Dt;
            double exact = a * dv * ((1 - Math.Exp(-b * t)) / b - (Math.Exp(-t / tau) - Math.Exp(-b * t)) / (b - 1 / tau));
            worst = Math.Max(worst, Math.Abs(th[i] - exact));
        }
        worst.Should().BeLessThan(0.01 * a * dv / b, "the exponential midpoint scheme is second order; th_v rises to a·ΔV/b");
    }

    [Fact]
    public void Glif_flags_NEST_refuses_name_the_valid_levels()
    {
        FluentActions.Invoking(() => NestCatalogue.Get("nest:glif_cond", "types.csv").Convert(new Dictionary<string, double> { ["adapting_threshold"] = 1 }, "types.csv"))
            .Should().Throw<SonataException>().WithMessage("types.csv: glif_cond has spike_dependent_threshold = False, after_spike_currents = False, adapting_threshold = True*valid: none (LIF)*all three (LIF_R_ASC_A)*");
        FluentActions.Invoking(() => NestCatalogue.Get("nest:glif_psc", "x").Convert(new Dictionary<string, double> { ["asc_amps[0]"] = 1 }, "x"))
            .Should().Throw<SonataException>().WithMessage("*asc_amps must have two elements*");
        NestCatalogue.Get("nest:glif_psc", "x").Convert(new Dictionary<string, double> { ["spike_dependent_threshold"] = 1, ["after_spike_currents"] = 1 }, "x")
            .Model.Name.Should().Be("glif_psc_LIF_R_ASC");
    }

    [Fact]
    public void Dynamics_params_arrays_and_booleans_reach_the_GLIF_conversion()
    {
        var values = new Dictionary<string, double>();
        using var doc = System.Text.Json.JsonDocument.Parse("""{"tau_syn": [5.5, 8.5], "after_spike_currents": true, "spike_dependent_threshold": false, "asc_amps": [-10.0, -20.0], "type": "glif"}""");
        foreach (var p in doc.RootElement.EnumerateObject()) Meta.Sonata.Building.DynamicsParams.Flatten(p.Name, p.Value, values);
        values.Keys.Should().BeEquivalentTo(["tau_syn[0]", "tau_syn[1]", "after_spike_currents", "spike_dependent_threshold", "asc_amps[0]", "asc_amps[1]"]);
        var (model, p2, _) = NestCatalogue.Get("nest:glif_psc", "x").Convert(values, "x");
        model.Name.Should().Be("glif_psc_LIF_ASC");
        (p2["tau_syn_E"], p2["tau_syn_I"], p2["asc_amps_0"], p2["asc_amps_1"]).Should().Be((5.5, 8.5, -0.01, -0.02));
    }

    [Fact]
    public void Glif_cond_LIF_traces_like_IF_cond_alpha()
    {
        using var sim = NewSimulation();
        var glif = Create(sim, "nest:glif_cond", [], "glif");
        var standard = sim.CreatePopulation(1, new CellType("IF_cond_alpha").With("cm", 0.05872).With("tau_m", 58.72 / 9.43)
            .With("v_rest", -78.85).With("v_thresh", -51.68).With("v_reset", -78.85).With("tau_refrac", 3.75)
            .With("tau_syn_E", 0.2).With("tau_syn_I", 2.0).With("e_rev_E", 0.0).With("e_rev_I", -85.0), "pynn");
        standard.Initialize("v", -78.85);
        var input = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.PerCell([[20.0, 22.0, 60.0, 61.0, 95.0]])), "in");
        foreach (var target in new[] { glif, standard })
        {
            new DCSource { Amplitude = 0.3, Start = 10, Stop = 150 }.InjectInto(target);
            _ = new Projection(input, target, new AllToAllConnector(), new StaticSynapse(0.01, 1.0), "excitatory");
            target.Record(["v", "spikes"]);
        }
        sim.Run(150);
        Column(glif, "v").Zip(Column(standard, "v")).Max(p => Math.Abs(p.First - p.Second)).Should().BeLessThan(1e-9);
        Spikes(glif).Should().Equal(Spikes(standard)).And.NotBeEmpty();
    }

    [Fact]
    public void IntFire1_sums_decayed_inputs_fires_above_1_and_ignores_input_while_refractory()
    {
        using var sim = NewSimulation();
        var cell = Create(sim, "nrn:IntFire1", new() { ["tau"] = 0.01, ["refrac"] = 0.005 }, "cell");
        // 0.6 at 10 and 15 ms: 0.6·e^−0.5 + 0.6 = 0.96 < 1; 0.6 at 30 and 33: 0.6·e^−0.3 + 0.6 = 1.04 > 1 (spike at 33 + delay);
        // 0.6 at 36 (+1 ms): refractory until 39.05, ignored; 0.6 at 40 and 41: 0.6·e^−0.1 + 0.6 = 1.14 → spike.
        var input = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.PerCell([[10.0, 15.0, 30.0, 33.0, 36.0, 40.0, 41.0]])), "in");
        _ = new Projection(input, cell, new AllToAllConnector(), new StaticSynapse(0.6, 1.0), "excitatory");
        cell.Record(["spikes", "m"]);
        sim.Run(60);
        var spikes = Spikes(cell);
        spikes.Should().HaveCount(2);
        spikes[0].Should().BeApproximately(34.0 + Dt, 1e-9, "input at 33 + 1 ms delay; stamped at the end of that step (docs/semantics.md)");
        spikes[1].Should().BeApproximately(42.0 + Dt, 1e-9);
        var m = Column(cell, "m");
        m[(int)Math.Round(16.0 / Dt) + 1].Should().BeApproximately(0.6 * Math.Exp(-0.5) + 0.6, 1e-12);
        m[(int)Math.Round(37.0 / Dt)].Should().Be(0.0, "the input at 36 (+1 ms) lands in the refractory period");
    }

    [Fact]
    public void Parrot_neuron_repeats_each_spike_in_the_step_it_arrives_whatever_the_weight()
    {
        var model = NestCatalogue.Get("nest:parrot_neuron", "x");
        model.FixedWeight.Should().Be(1.0);
        using var sim = NewSimulation();
        var parrot = Create(sim, "parrot_neuron", [], "parrot");
        double[] times = [5.0, 5.05, 12.3, 40.0];
        var input = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.PerCell([times])), "in");
        _ = new Projection(input, parrot, new AllToAllConnector(), new StaticSynapse(model.FixedWeight!.Value, 1.5), "excitatory");
        parrot.Record(["spikes"]);
        sim.Run(60);
        // Meta delivers a spike with delay d at t + d and a voltage jump shows (and fires) in that step, stamped t + d + dt
        // (docs/semantics.md); NEST stamps the parrot's spike t + d.
        Spikes(parrot).Should().BeEquivalentTo(times.Select(t => t + 1.5 + Dt), o => o.WithStrictOrdering().Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-9)).WhenTypeIs<double>());
    }

    [Fact]
    public void Hh_psc_alpha_rests_at_its_NEST_initial_state_and_spikes_at_the_peak_of_v()
    {
        using var sim = NewSimulation();
        var rest = Create(sim, "nest:hh_psc_alpha", [], "rest");
        var driven = Create(sim, "nest:hh_psc_alpha", new() { ["I_e"] = 1000.0 }, "driven");
        rest.Record(["v", "spikes"]);
        driven.Record(["v", "spikes"]);
        sim.Run(100);
        Column(rest, "v").Should().OnlyContain(v => Math.Abs(v + 65.0) < 0.1, "V_m = −65 mV with m, h, n at their steady states is (nearly) NEST's resting state");
        Spikes(rest).Should().BeEmpty();
        var v = Column(driven, "v");
        var spikes = Spikes(driven);
        spikes.Should().HaveCountGreaterThan(3);
        foreach (var t in spikes)
        {
            // The spike ends the step in which v, above 0 mV, peaks (its derivative turns negative); NEST stamps the end of
            // the first step in which v falls, the same step or the next.
            int i = (int)Math.Round(t / Dt);
            v[i].Should().BeGreaterThan(0);
            int peak = Enumerable.Range(i - 20, 41).MaxBy(j => v[j]);
            peak.Should().BeOneOf([i - 1, i], $"the spike at {t} ms ends the step holding the peak of v");
        }
    }
}
