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

    private const string RealFunctions = """
            function inner(y real) real:
                return y
            function outer(i pA) real:
                j pA = i
                j *= 2
                return inner(j)
        """;

    /// <summary>
    /// A current passed on to a <c>real</c> parameter becomes NEST's number (pA) for it, also when it is a local of the calling
    /// function or of the update block: the same equation as passing the model's parameter (before the fix, a caller's
    /// local went in unconverted, 1000 times too small).
    /// </summary>
    [Fact]
    public void A_local_passed_to_a_real_parameter_is_converted_like_a_model_variable()
    {
        var direct = NestmlModel.Parse(Lif.Replace("LEAK", "inner(2 * I_e) * mV/ms").Replace("FUNCTIONS", RealFunctions), "lif.nestml");
        var nested = NestmlModel.Parse(Lif.Replace("LEAK", "outer(I_e) * mV/ms").Replace("FUNCTIONS", RealFunctions), "lif.nestml");
        output.WriteLine($"direct: {direct.Odes.Single().RightHandSide}; nested: {nested.Odes.Single().RightHandSide}");
        Evaluate(nested.Odes.Single().RightHandSide).Should().Be(Evaluate(direct.Odes.Single().RightHandSide));
        Evaluate(direct.Odes.Single().RightHandSide).Should().Be(2 * 0.25 * 1000 + 0.25 / 250e-3, "I_e 0.25 nA is NEST's number 250 (pA)");

        string Update(string argument) => Lif.Replace("LEAK", "0 mV/ms").Replace("FUNCTIONS", RealFunctions)
            .Replace("        integrate_odes()", $"        k pA = 2 * I_e\n        V_m += inner({argument}) * mV\n        integrate_odes()");
        var fromLocal = NestmlModel.Parse(Update("k"), "lif.nestml");
        var fromParameter = NestmlModel.Parse(Update("2 * I_e"), "lif.nestml");
        output.WriteLine($"update-block local: {string.Join("; ", fromLocal.BeforeIntegration)}; parameter: {string.Join("; ", fromParameter.BeforeIntegration)}");
        // The jump of V_m with the local k replaced by its value: the same as with 2 * I_e written in the call.
        var k = fromLocal.BeforeIntegration.OfType<UpdateLocal>().Single(l => l.Name == "k").Value;
        double Jump(ModelDefinition m) => Evaluate(m.BeforeIntegration.OfType<UpdateAssignment>().Single(a => a.Target == "V_m").Value
            .Substitute(n => n == "k" ? k : null));
        Jump(fromLocal).Should().Be(Jump(fromParameter));
        Jump(fromLocal).Should().Be(500, "the local k (pA) of 0.5 nA is NEST's number 500");

        static double Evaluate(Expr e) => e.Evaluate(n => n switch { "I_e" => 0.25, "C_m" => 0.25, "V_m" => 0, _ => throw new ArgumentException(n) });
    }

    /// <summary>An argument whose unit cannot be told is an error naming the call and its line, never passed unconverted.</summary>
    [Fact]
    public void An_argument_of_unknown_unit_is_an_error_naming_the_call()
    {
        // A current to a power that is not a number has no unit Meta can tell: NEST's number for it is unknown.
        var text = Lif.Replace("LEAK", "inner(I_e ** (tau_m / ms)) * mV/ms").Replace("FUNCTIONS", RealFunctions);
        FluentActions.Invoking(() => NestmlModel.Parse(text, "lif.nestml")).Should().Throw<NestmlException>()
            .WithMessage("lif.nestml:5: cannot tell the unit of argument 1 of inner() (its parameter is typed real, which takes NEST's number for a quantity)");
    }

    /// <summary>
    /// A value of unknown unit returned as <c>real</c> is an error naming the function and the line of its <c>return</c>, as for
    /// an argument, never returned unconverted (before, its NEST number conversion was skipped silently).
    /// </summary>
    [Fact]
    public void A_returned_value_of_unknown_unit_is_an_error_naming_the_function()
    {
        var text = Lif.Replace("LEAK", "power(I_e) * mV/ms").Replace("FUNCTIONS", """
                function power(i pA) real:
                    return i ** (tau_m / ms)
            """);
        FluentActions.Invoking(() => NestmlModel.Parse(text, "lif.nestml")).Should().Throw<NestmlException>()
            .WithMessage("lif.nestml:24: cannot tell the unit of the value power() returns (its return type is real, which gives NEST's number for a quantity)");
    }

    /// <summary>
    /// The three places that assign (update block, onCondition, an inlined function) share one combination of the operators,
    /// and an operator outside NESTML's five is an error (an inlined function's copy once took any other for '/=').
    /// </summary>
    [Fact]
    public void Compound_assignments_combine_alike_and_an_unknown_operator_is_an_error()
    {
        var context = new Meta.Nestml.Compilation.CompileContext("t.nestml");
        Expr a = new SymbolExpr("a"), b = new SymbolExpr("b");
        string Combine(string op) => Meta.Nestml.Compilation.CompoundAssignment.Combine(op, a, b, context, 3).ToString();
        Combine("=").Should().Be("b");
        Combine("+=").Should().Be(new BinaryExpr(BinaryOperator.Add, a, b).ToString());
        Combine("/=").Should().Be(new BinaryExpr(BinaryOperator.Divide, a, b).ToString());
        FluentActions.Invoking(() => Combine("%=")).Should().Throw<NestmlException>()
            .WithMessage("t.nestml:3: unknown assignment '%=' (known: =, +=, -=, *=, /=)");
        var divided = NestmlModel.Parse(Lif.Replace("LEAK", "half(V_m)").Replace("FUNCTIONS", """
                function half(v mV) mV/ms:
                    h mV = v
                    h /= 2
                    return h / tau_m
            """), "lif.nestml");
        // V_m' = (V_m / 2) / tau_m + I_e / C_m: (−70 / 2) / 10 + 10 / 10.
        divided.Odes.Single().RightHandSide.Evaluate(n => n == "V_m" ? -70 : 10).Should().Be(-2.5);
    }

    /// <summary>A built-in function is refused as a model's function name, and called with the wrong number of arguments it says so.</summary>
    [Theory]
    [InlineData("log10")]
    [InlineData("steps")]
    [InlineData("exp")]
    public void Built_in_function_names_cannot_be_redefined(string name)
    {
        var text = Lif.Replace("LEAK", "0 mV/ms").Replace("FUNCTIONS", $"""
                function {name}(x real) real:
                    return x
            """);
        FluentActions.Invoking(() => NestmlModel.Parse(text, "lif.nestml")).Should().Throw<NestmlException>()
            .WithMessage($"*the function '{name}' redefines a built-in function");
        FluentActions.Invoking(() => NestmlModel.Parse(Lif.Replace("LEAK", "log10(V_m, 2) * mV/ms").Replace("FUNCTIONS", ""), "lif.nestml"))
            .Should().Throw<NestmlException>().WithMessage("lif.nestml:5: the built-in function log10() does not take 2 argument(s)");
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
    }

    /// <summary>
    /// iaf_chxk_2008's <c>if ahp_bug == true</c> branch sets the AHP state to the new spike's jump (<c>g_ahp' = delta</c>),
    /// the <c>else</c> branch adds it (<c>g_ahp' += delta</c>). At the first spike the AHP state is 0 and both agree, so the
    /// branches are told apart at the second spike: with the bug exactly the jump, without it the jump plus what is left of
    /// the first spike's AHP (a slower AHP, tau_ahp 5 ms and G_ahp 20 nS, leaves a lot of it after one interval).
    /// </summary>
    [NestmlFact]
    public void The_if_in_onCondition_takes_the_branch_of_ahp_bug_at_the_second_spike()
    {
        const double dt = 0.1, tau = 5.0, gAhp = 20.0;
        var model = NestmlModel.Load(NestmlFixtures.File("neurons/iaf_chxk_2008_neuron.nestml"));
        (int[] Steps, double[] V, double[] G, double[] Dg) Run(bool bug)
        {
            using var sim = new Simulation(Cpu, new SimulationOptions { Timestep = dt, MinDelay = dt, MaxDelay = 1.0, Seed = 1, Precision = Precision.Float64 });
            var cell = sim.CreatePopulation(1, new CellType(model).With("I_e", 2.0).With("tau_ahp", tau).With("G_ahp", gAhp / 1000).With("ahp_bug", bug ? 1.0 : 0.0), "cell");
            cell.Record(["spikes", "V_m", "g_ahp", "g_ahp__d"]);
            sim.Run(60.0);
            var segment = cell.GetData().Segments[0];
            return ([.. segment.SpikeTrains[0].Times.Select(t => (int)Math.Round(t / dt))], segment.Signal("V_m").Column(0),
                segment.Signal("g_ahp").Column(0), segment.Signal("g_ahp__d").Column(0));
        }
        // The jumps of g_ahp' (µS/ms) and g_ahp (µS) at a spike in step s: NEST's formulas from the interpolated crossing.
        (double Dg, double G) Jump((int[] Steps, double[] V, double[] G, double[] Dg) r, int s)
        {
            double sigma = (r.V[s] - -45.0) * dt / (r.V[s] - r.V[s - 1]);
            double dg = 0.001 * gAhp * Math.E / tau * Math.Exp(-sigma / tau);
            return (dg, dg * sigma);
        }
        var fixedRun = Run(false);
        var bugRun = Run(true);
        output.WriteLine($"spike steps: correct {string.Join(", ", fixedRun.Steps)}; ahp_bug {string.Join(", ", bugRun.Steps)}");
        fixedRun.Steps.Should().HaveCountGreaterThanOrEqualTo(2);
        bugRun.Steps.Take(2).Should().Equal(fixedRun.Steps.Take(2), "the runs are the same until the second spike's reset");
        int s1 = fixedRun.Steps[0], s2 = fixedRun.Steps[1];
        // The first spike: both branches give the jump itself.
        foreach (var r in new[] { fixedRun, bugRun })
        {
            r.Dg[s1].Should().BeApproximately(Jump(r, s1).Dg, 1e-12 * Jump(r, s1).Dg);
            r.G[s1].Should().BeApproximately(Jump(r, s1).G, 1e-12 * Jump(r, s1).G);
        }
        // The second spike: ahp_bug keeps only the new jump; the correct branch adds it to what the ODE left of the first.
        var (dg2, g2) = Jump(bugRun, s2);
        bugRun.Dg[s2].Should().BeApproximately(dg2, 1e-12 * dg2, "ahp_bug = true: g_ahp' = delta");
        bugRun.G[s2].Should().BeApproximately(g2, 1e-12 * g2, "ahp_bug = true: g_ahp = delta");
        // What is left of the first spike's AHP after t: the alpha kernel's solution from the first jump.
        var (dg1, g1) = Jump(fixedRun, s1);
        double t = (s2 - s1) * dt, b = dg1 + (g1 / tau);
        double leftG = (g1 + (b * t)) * Math.Exp(-t / tau), leftDg = (dg1 - (b * t / tau)) * Math.Exp(-t / tau);
        output.WriteLine($"second spike at step {s2}: jump {dg2:G10} uS/ms, {g2:G10} uS; left of the first {leftDg:G10} uS/ms, {leftG:G10} uS; " +
            $"correct run {fixedRun.Dg[s2]:G10}, {fixedRun.G[s2]:G10}; ahp_bug run {bugRun.Dg[s2]:G10}, {bugRun.G[s2]:G10}");
        Math.Abs(leftG).Should().BeGreaterThan(0.1 * g2, "the first spike's AHP is far from gone, so the branches differ");
        output.WriteLine($"relative differences from the closed form: g_ahp {Math.Abs(fixedRun.G[s2] - (g2 + leftG)) / Math.Abs(g2 + leftG):E2}, " +
            $"g_ahp' {Math.Abs(fixedRun.Dg[s2] - (dg2 + leftDg)) / Math.Abs(dg2 + leftDg):E2} (|dg2| {Math.Abs(dg2):G4}, |leftDg| {Math.Abs(leftDg):G4}), {s2 - s1} steps apart");
        // The bound: the AHP's two ODEs are linear with constant coefficients, which Meta propagates exactly (the kernel test
        // above holds them to 1e-12), so the run and the closed form differ by rounding only: a few ulp (1.1e-16) per step over
        // the ~200 steps between the spikes, ~1e-13 at most (measured 3.0e-14 for g_ahp, 1.7e-15 for g_ahp'). 1e-12 relative
        // keeps a margin of 10 over that and is 1e11 times smaller than what the branches differ by (leftG > 0.1·g2 above).
        fixedRun.G[s2].Should().BeApproximately(g2 + leftG, 1e-12 * Math.Abs(g2 + leftG), "ahp_bug = false: g_ahp += delta");
        fixedRun.Dg[s2].Should().BeApproximately(dg2 + leftDg, 1e-12 * Math.Abs(dg2 + leftDg), "ahp_bug = false: g_ahp' += delta");
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
