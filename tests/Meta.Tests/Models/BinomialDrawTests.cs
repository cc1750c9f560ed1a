using Meta.Backends.Programs;
using Meta.Models;
using Meta.Models.Standard;

namespace Meta.Tests.Models;

/// <summary>The <c>binomial(n, p)</c> draw of synapse event code: its reference inversion and where models may use it.</summary>
public class BinomialDrawTests
{
    [Theory]
    [InlineData(5, 0.3)]
    [InlineData(1, 0.5)]
    [InlineData(12, 0.9)]
    [InlineData(3.4, 0.2)]
    public void Inversion_of_an_even_grid_of_u_gives_the_binomial_probabilities(double n, double p)
    {
        int m = (int)Math.Floor(n + 0.5), samples = 200_000;
        var counts = new int[m + 1];
        for (int i = 0; i < samples; i++) counts[(int)KernelSymbols.BinomialOf(n, p, (i + 0.5) / samples)]++;
        for (int k = 0; k <= m; k++)
        {
            double pmf = Math.Exp(LogChoose(m, k) + k * Math.Log(p) + (m - k) * Math.Log(1 - p));
            ((double)counts[k] / samples).Should().BeApproximately(pmf, 2.0 / samples, $"P(K = {k}) for m = {m}, p = {p}");
        }
        for (int i = 0; i < 1000; i++)
            KernelSymbols.BinomialOf((float)n, (float)p, (float)((i + 0.5) / 1000)).Should().Be((float)KernelSymbols.BinomialOf(n, p, (i + 0.5) / 1000),
                "float32 and float64 agree away from the boundaries of the cumulative sums");
    }

    private static double LogChoose(int m, int k)
    {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.Log(m - k + i) - Math.Log(i);
        return s;
    }

    [Theory]
    [InlineData(0, 0.5, 0.7, 0)]
    [InlineData(-2, 0.5, 0.7, 0)]
    [InlineData(4, 0, 0.999, 0)]
    [InlineData(4, double.NaN, 0.5, 0)]
    [InlineData(4, 1, 0.0, 4)]
    [InlineData(4, 1.5, 0.5, 4)]
    [InlineData(4, 0.5, 0.0, 0)]
    [InlineData(4, 0.5, 0.9999999, 4)]
    public void Edge_cases_are_defined(double n, double p, double u, double expected) =>
        KernelSymbols.BinomialOf(n, p, u).Should().Be(expected);

    [Fact]
    public void A_cell_model_may_not_call_binomial() =>
        FluentActions.Invoking(() => new ModelBuilder("bad").Parameter("tau", 10, "ms").State("v", 0, "mV").Ode("v", "-v/tau")
                .Threshold("binomial(3, 0.5) > 1").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*binomial()*synapse event code*");

    [Fact]
    public void A_synapse_model_draws_binomials_in_event_code_only_and_counts_each_as_one_draw()
    {
        FluentActions.Invoking(() => new SynapseModelBuilder("bad").Parameter("weight", 1, "").State("x", "binomial(2, 0.5)", "").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*binomial() are allowed in event code only*");
        var lowered = Meta.Lowering.Synapses.SynapseKernelBuilder.Build(ShortTermPlasticity.MultiQuantal,
            ShortTermPlasticity.MultiQuantal.Parameters.ToDictionary(p => p.Name, p => new[] { p.Default }));
        lowered.PreDraws.Should().Be(2, "the recovered and the released counts are one draw each");
        lowered.OnPre.OfType<Assign>().Select(a => a.Value.ToString()).Should().Contain(v => v.Contains("binomial(") && v.Contains("__uniform1"));
    }
}
