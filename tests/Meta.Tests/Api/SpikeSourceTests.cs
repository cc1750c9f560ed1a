using Meta.Models;
using Meta.Parameters;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>SpikeSourceGamma, SpikeSourcePoissonRefractory and SpikeSourceInhGamma through the API, on the CPU backend.</summary>
public class SpikeSourceTests
{
    public static TheoryData<string, Dictionary<string, double>> Defaults => new()
    {
        { "SpikeSourceGamma", new() { ["alpha"] = 2, ["beta"] = 1.0, ["start"] = 0, ["duration"] = 1e10 } },
        { "SpikeSourcePoissonRefractory", new() { ["rate"] = 1.0, ["tau_refrac"] = 0, ["start"] = 0, ["duration"] = 1e10 } },
        { "SpikeSourceInhGamma", new() { ["start"] = 0, ["duration"] = 1e10 } },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Scalar_defaults_are_PyNNs_and_the_sources_record_only_spikes(string model, Dictionary<string, double> expected)
    {
        var cellType = new CellType(model);
        var m = cellType.Model;
        m.Parameters.Where(p => p.Shape == ParameterShape.Scalar).Select(p => p.Name).Should().BeEquivalentTo(expected.Keys);
        foreach (var (name, value) in expected) m.FindParameter(name)!.Default.Should().Be(value, name);
        m.Kind.Should().Be(ModelKind.SpikeSource);
        m.Recordables.Should().Equal("spikes");
        m.Receptors.Should().BeEmpty();
        m.Injectable.Should().BeFalse();
    }

    [Fact]
    public void InhGamma_sequences_default_to_one_bin_of_a_1_b_1_from_0()
    {
        using var sim = NewSimulation();
        var pop = sim.CreatePopulation(2, new CellType("SpikeSourceInhGamma"));
        pop.GetSequence("a").Should().AllSatisfy(s => s.Should().Equal(1.0));
        pop.GetSequence("b").Should().AllSatisfy(s => s.Should().Equal(1.0));
        pop.GetSequence("tbins").Should().AllSatisfy(s => s.Should().Equal(0.0));
    }

    private static double[][] Run(string model, Action<Populations.Population>? configure, params double[] runs)
    {
        using var sim = NewSimulation(0.1, seed: 31);
        var pop = sim.CreatePopulation(4, new CellType(model));
        configure?.Invoke(pop);
        pop.Record("spikes");
        foreach (var t in runs) sim.Run(t);
        return SpikeTimes(pop);
    }

    [Theory]
    [InlineData("SpikeSourceGamma")]
    [InlineData("SpikeSourcePoissonRefractory")]
    [InlineData("SpikeSourceInhGamma")]
    public void One_run_and_the_same_time_in_pieces_give_identical_trains(string model)
    {
        void Configure(Populations.Population p)
        {
            if (model == "SpikeSourceGamma") p.Set("beta", ParameterValue.Scalar(300.0));
            else if (model == "SpikeSourcePoissonRefractory") { p.Set("rate", ParameterValue.Scalar(80.0)); p.Set("tau_refrac", ParameterValue.Scalar(3.0)); }
            else
            {
                p.SetSequence("a", SequenceValue.Shared(2.0, 1.0));
                p.SetSequence("b", SequenceValue.Shared(0.01, 0.002));
                p.SetSequence("tbins", SequenceValue.Shared(0.0, 400.0));
            }
        }
        var whole = Run(model, Configure, 1000);
        var pieces = Run(model, Configure, 500, 500);
        var many = Run(model, Configure, 0.1, 99.9, 333.3, 166.7, 400);
        whole.Sum(t => t.Length).Should().BeGreaterThan(100);
        pieces.Should().BeEquivalentTo(whole, o => o.WithStrictOrdering());
        many.Should().BeEquivalentTo(whole, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Reset_repeats_the_trains_and_changes_apply_after_the_current_time()
    {
        using var sim = NewSimulation(0.1, seed: 5);
        var pop = sim.CreatePopulation(2, new CellType("SpikeSourceGamma").With("alpha", 1.0).With("beta", 50.0));
        pop.Record("spikes");
        sim.Run(500);
        var first = SpikeTimes(pop);
        sim.Reset();
        sim.Run(500);
        SpikeTimes(pop).Should().BeEquivalentTo(first, o => o.WithStrictOrdering());
        pop.Set("beta", ParameterValue.Scalar(2000.0));
        sim.Run(500);
        var after = SpikeTimes(pop);
        after.Should().AllSatisfy(t => t.Where(x => x <= 500).Should().Equal(first[Array.IndexOf(after, t)]));
        after.Should().AllSatisfy(t => t.Count(x => x > 500).Should().BeInRange(800, 1200, "50 Hz became 2000 Hz for 500 ms"));
    }

    [Fact]
    public void Invalid_values_are_refused_when_the_population_is_created_or_the_value_is_set()
    {
        using var sim = NewSimulation();
        ((Action)(() => sim.CreatePopulation(1, new CellType("SpikeSourceGamma").With("alpha", 0.0))))
            .Should().Throw<InvalidParameterValueException>().WithMessage("*'alpha' of SpikeSourceGamma*> 0*");
        ((Action)(() => sim.CreatePopulation(1, new CellType("SpikeSourcePoissonRefractory").With("rate", 250.0).With("tau_refrac", 5.0))))
            .Should().Throw<InvalidParameterValueException>().WithMessage("*1000/rate = 4 ms is shorter than tau_refrac = 5 ms*");
        ((Action)(() => sim.CreatePopulation(1, new CellType("SpikeSourceInhGamma").WithSequence("tbins", new[] { 0.0, 5.0, 2.0 }))))
            .Should().Throw<InvalidParameterValueException>().WithMessage("*'tbins'*strictly increasing*");
        var gamma = sim.CreatePopulation(1, new CellType("SpikeSourceGamma"));
        ((Action)(() => gamma.Set("beta", ParameterValue.Scalar(-1.0)))).Should().Throw<InvalidParameterValueException>().WithMessage("*'beta'*");
        var inh = sim.CreatePopulation(1, new CellType("SpikeSourceInhGamma"));
        ((Action)(() => inh.SetSequence("a", SequenceValue.Shared(1.0, -2.0)))).Should().Throw<InvalidParameterValueException>().WithMessage("*'a'*> 0*");
        var poisson = sim.CreatePopulation(1, new CellType("SpikeSourcePoisson"));
        ((Action)(() => poisson.Set("rate", ParameterValue.Scalar(-3.0)))).Should().Throw<InvalidParameterValueException>().WithMessage("*'rate'*≥ 0*");
    }

    [Fact]
    public void Related_parameters_may_be_set_one_at_a_time_and_are_checked_at_the_next_run()
    {
        using var sim = NewSimulation();
        var refractory = sim.CreatePopulation(1, new CellType("SpikeSourcePoissonRefractory").With("rate", 100.0).With("tau_refrac", 2.0));
        var inh = sim.CreatePopulation(1, new CellType("SpikeSourceInhGamma"));
        sim.Run(10);
        // Going to 300 Hz needs a shorter dead time first; in either order, only the state at the run counts.
        refractory.Set("rate", ParameterValue.Scalar(300.0));
        refractory.Set("tau_refrac", ParameterValue.Scalar(1.0));
        inh.SetSequence("a", SequenceValue.Shared(1.0, 2.0));
        inh.SetSequence("b", SequenceValue.Shared(0.1, 0.2));
        inh.SetSequence("tbins", SequenceValue.Shared(0.0, 50.0));
        sim.Run(10);
        inh.SetSequence("a", SequenceValue.Shared(1.0, 2.0, 3.0));
        ((Action)(() => sim.Run(10))).Should().Throw<InvalidParameterValueException>().WithMessage("*'a', 'b' and 'tbins' must have the same length*3, 2 and 2*");
        refractory.Set("tau_refrac", ParameterValue.Scalar(4.0));
        inh.SetSequence("a", SequenceValue.Shared(1.0, 2.0));
        ((Action)(() => sim.Run(10))).Should().Throw<InvalidParameterValueException>().WithMessage("*shorter than tau_refrac*");
        refractory.Set("tau_refrac", ParameterValue.Scalar(3.0));
        sim.Run(10);
        sim.Time.Should().BeApproximately(30, 1e-9);
    }
}
