using Meta.Nestml;

namespace Meta.Tests.Nestml;

/// <summary>
/// NESTML outside what Meta compiles is rejected with the file, the line and the construct; syntax errors likewise. The
/// models here are written for the tests (a small LIF with one construct added).
/// </summary>
public class NestmlErrorTests
{
    /// <summary>A small LIF; <c>{0}</c> is replaced by extra lines of the update block, <c>{1}</c> by extra blocks.</summary>
    private const string Template = """
        # a test model
        model test_neuron:
            state:
                V_m mV = E_L
                refr_t ms = 0 ms

            equations:
                kernel K = exp(-t / tau_syn)
                V_m' = -(V_m - E_L) / tau_m + (unit_psc * convolve(K, spikes) + I_stim) / C_m
                refr_t' = -1e3 * ms/s

            parameters:
                C_m pF = 250 pF
                tau_m ms = 10 ms
                tau_syn ms = 2 ms
                refr_T ms = 2 ms
                E_L mV = -70 mV
                V_th mV = -55 mV

            internals:
                unit_psc pA = 1 pA

            input:
                spikes <- spike
                I_stim pA <- continuous

            output:
                spike

            update:
                if refr_t > 0 ms:
                    integrate_odes(refr_t)
                else:
                    integrate_odes(V_m)
        {0}
            onCondition(refr_t <= 0 ms and V_m >= V_th):
                refr_t = refr_T
                V_m = E_L
                emit_spike()
        {1}
        """;

    private static string Model(string update = "", string blocks = "") => Template.Replace("{0}", update).Replace("{1}", blocks);

    private static NestmlException Error(string text) =>
        FluentActions.Invoking(() => NestmlModel.Parse(text, "test.nestml")).Should().Throw<NestmlException>().Which;

    [Fact]
    public void The_template_itself_compiles()
    {
        var model = NestmlModel.Parse(Model(), "test.nestml");
        model.Name.Should().Be("test_neuron");
        model.FindState("K__X__spikes")!.Unit.Should().Be("nA");
        model.Receptors.Select(r => r.Name).Should().Equal("excitatory", "inhibitory");
        model.Receptors.Should().OnlyContain(r => r.Target == "K__X__spikes" && r.Kind == Meta.Models.ReceptorKind.Current);
        model.Refractory!.Clamp.Select(c => c.ToString()).Should().Equal("V_m = V_m");
        model.FindParameter("C_m")!.Default.Should().Be(0.25);
    }

    [Theory]
    [InlineData("        for i in 0 ... 3:\n            V_m += 1 mV\n", 35, "'for' loops")]
    [InlineData("        integrate_odes()\n", 35, "integrate_odes() after integrate_odes() in the update block other than once")]
    [InlineData("        refr_t = 0 ms\n", 35, "an assignment to the refractory clock 'refr_t'")]
    [InlineData("        V_m += random_poisson(3) * mV\n", 35, "random numbers ('random_poisson()' with 1 arguments")]
    public void An_unsupported_statement_in_the_update_block_is_named_with_its_line(string update, int line, string construct)
    {
        var error = Error(Model(update: update));
        error.Line.Should().Be(line);
        error.Message.Should().StartWith($"test.nestml:{line}: unsupported NESTML construct: ").And.Contain(construct);
    }

    [Theory]
    [InlineData("    function f(x real) real:\n        if x > 0:\n            return x\n        return 0\n", 41, "this statement in the function 'f'")]
    [InlineData("    onReceive(spikes):\n        V_m = V_m * 2\n", 41, "the assignment 'V_m = ...' in onReceive")]
    public void An_unsupported_block_is_named_with_its_line(string blocks, int line, string construct)
    {
        var error = Error(Model(blocks: blocks));
        error.Line.Should().Be(line);
        error.Message.Should().Contain(construct);
    }

    private const string SecondBlock = "    onCondition(V_m < -90 mV):\n        V_m = E_L\n        emit_spike()\n";

    [Fact]
    public void Two_onCondition_blocks_compile_into_ordered_ifs_after_the_integration()
    {
        var model = NestmlModel.Parse(Model(blocks: SecondBlock), "test.nestml");
        model.Threshold.Should().BeNull();
        model.Refractory.Should().BeNull("the blocks set the clock, so it is an ordinary state");
        model.FindState("refr_t").Should().NotBeNull();
        model.AfterIntegration.OfType<Meta.Models.UpdateIf>().TakeLast(2).Should().HaveCount(2)
            .And.OnlyContain(i => i.Branches.Single().Body.OfType<Meta.Models.UpdateEmitSpike>().Count() == 1);
    }

    [Fact]
    public void With_several_onCondition_blocks_an_integration_before_other_statements_of_a_branch_is_named()
    {
        var error = Error(Model(blocks: SecondBlock).Replace("            integrate_odes(refr_t)\n", "            integrate_odes(refr_t)\n            V_m = E_L\n"));
        error.Line.Should().Be(32);
        error.Message.Should().Contain("integrate_odes() in a branch of the update block's if other than as the branch's last statement");
    }

    [Fact]
    public void An_unsupported_kernel_shape_is_named()
    {
        var error = Error(Model().Replace("kernel K = exp(-t / tau_syn)", "kernel K = exp(-t*t / tau_syn)"));
        error.Line.Should().Be(8);
        error.Message.Should().Contain("the kernel shape of 'K'");
    }

    [Fact]
    public void Random_numbers_are_named_with_their_line()
    {
        var error = Error(Model().Replace("        V_m = E_L\n", "        V_m = E_L + random_normal(0, 1) * mV\n"));
        error.Line.Should().Be(38);
        error.Message.Should().Contain("random numbers ('random_normal()') outside the update block");
    }

    [Fact]
    public void An_onCondition_without_emit_spike_is_rejected()
    {
        var error = Error(Model().Replace("        emit_spike()\n", ""));
        error.Line.Should().Be(36);
        error.Message.Should().Contain("without emit_spike()");
    }

    [Fact]
    public void A_bound_at_minus_infinity_is_dropped_with_its_parameter()
    {
        var text = Model(update: "        V_m = max(V_min, V_m)\n").Replace("        V_th mV = -55 mV", "        V_th mV = -55 mV\n        V_min mV = -inf * mV");
        var model = NestmlModel.Parse(text, "test.nestml");
        model.FindParameter("V_min").Should().BeNull("an infinite bound does nothing");
        model.AfterIntegration.Should().BeEmpty();
        var finite = NestmlModel.Parse(text.Replace("-inf * mV", "-90 mV"), "test.nestml");
        finite.FindParameter("V_min")!.Default.Should().Be(-90);
        finite.AfterIntegration.Select(s => s.ToString()).Should().Equal("V_m = max(V_min, V_m)");
    }

    [Theory]
    [InlineData("model broken:\n    state:\n        V_m mV = -70 mV\n    equations\n", 4, "expected ':', found end of line")]
    [InlineData("model broken:\n    states:\n        V_m mV = -70 mV\n", 2, "unknown block 'states'")]
    [InlineData("model broken:\n    state:\n        V_m mV = -70 mV +\n", 3, "expected a value, found end of line")]
    [InlineData("model broken:\n    parameters:\n        tau_m furlongs = 10 ms\n", 3, "unknown unit or name 'furlongs'")]
    [InlineData("model broken:\n    state:\n      V_m mV = -70 mV\n     w pA = 0 pA\n", 4, "the indentation does not match")]
    [InlineData("synapse stdp:\n    state:\n        w real = 1\n", 1, "synapse models")]
    public void A_syntax_error_names_the_line(string text, int line, string message)
    {
        var error = Error(text);
        error.Line.Should().Be(line);
        error.Message.Should().StartWith($"test.nestml:{line}: ").And.Contain(message);
    }

    [Fact]
    public void A_missing_file_is_an_io_error_naming_it()
    {
        FluentActions.Invoking(() => NestmlModel.Load("/no/such/model.nestml")).Should().Throw<IOException>().WithMessage("*'/no/such/model.nestml'*");
    }

    [Fact]
    public void A_kernel_ode_system_starting_away_from_zero_in_two_variables_is_named()
    {
        var text = Model().Replace("        kernel K = exp(-t / tau_syn)\n", "        kernel K' = K$ - K / tau_syn, K$' = -K$ / tau_syn\n")
            .Replace("        refr_t ms = 0 ms\n", "        refr_t ms = 0 ms\n        K real = 1\n        K$ real = 1 / ms\n");
        var error = Error(text);
        error.Line.Should().Be(10);
        error.Message.Should().Contain("several variables away from zero (K, K$)");
    }

    [Fact]
    public void A_dollar_variable_outside_a_kernel_is_named()
    {
        var error = Error(Model().Replace("        refr_t ms = 0 ms\n", "        refr_t ms = 0 ms\n        g$ real = 0\n"));
        error.Line.Should().Be(6);
        error.Message.Should().Contain("the state 'g$', which is no variable of a kernel's ODEs");
    }

    [Theory]
    [InlineData("        if V_m > E_L:\n            V_m = E_L\n", 38, "whose condition reads 'V_m', which the 'if' resets")]
    [InlineData("        if V_m > E_L:\n            emit_spike()\n", 39, "emit_spike() inside an 'if' in onCondition")]
    [InlineData("        x mV = V_m\n        V_m = E_L\n        V_m = x\n", 40, "reading the local 'x' after a state it was computed from was reset")]
    public void Unsupported_onCondition_statements_are_named_with_their_line(string statements, int line, string construct)
    {
        var error = Error(Model().Replace("        V_m = E_L\n        emit_spike()\n", statements + "        emit_spike()\n"));
        error.Line.Should().Be(line);
        error.Message.Should().Contain(construct);
    }
}
