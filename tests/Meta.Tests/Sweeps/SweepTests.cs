using Meta.Backends.Cpu;
using Meta.Sweeps;

namespace Meta.Tests.Sweeps;

public sealed class SweepTests
{
    private static readonly SimulationOptions Options = new() { Timestep = 0.1, Threads = 1, Seed = 99 };

    private static Sweep NewSweep() => new(new CpuBackend(), SweepNetwork.Build, Options);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_variant_gives_what_the_network_gives_alone(bool oneByOne)
    {
        var result = NewSweep().Run(SweepNetwork.Sets, 200, new SweepOptions { RecordVariants = [0, 2], OneByOne = oneByOne });

        result.Batched.Should().Be(!oneByOne, result.BatchRefusal);
        for (int v = 0; v < SweepNetwork.Sets.Length; v++)
        {
            var alone = SweepNetwork.Alone(new CpuBackend(), Options, SweepNetwork.Sets[v], 200);
            var variant = result.Variants[v];
            variant.Populations.Select(p => p.SpikeCounts.ToArray()).Should().BeEquivalentTo(alone.Counts, o => o.WithStrictOrdering(), $"variant {v}");
            variant["E"].SpikeCount.Should().Be(alone.Counts[0].Sum());
            if (variant.Recording is { } recording)
            {
                recording.Spikes.Single(s => s.Population == "E").Times.Should().BeEquivalentTo(alone.ETimes, o => o.WithStrictOrdering());
                recording.Signals.Single(s => s.Variable == "v").Values.Should().Equal(alone.V, "a variant in a batch computes exactly what it computes alone");
            }
        }
        result.Variants[1].Recording.Should().BeNull();
        result.Variants.Sum(v => v["E"].SpikeCount).Should().BeGreaterThan(0, "the test network must spike to compare anything");
        result.Variants.Select(v => v["E"].SpikeCount).Distinct().Should().HaveCountGreaterThan(1, "the variants must differ");
    }

    [Fact]
    public void A_network_that_draws_while_running_runs_its_variants_one_by_one_with_their_own_seeds()
    {
        static void Build(Simulation sim)
        {
            var input = sim.CreatePopulation(3, new CellType("SpikeSourcePoisson").With("rate", 80.0), "input");
            var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp"), "cells");
            sim.Connect(input, cells, new Meta.Projections.Connectors.AllToAllConnector(), new Meta.Projections.StaticSynapse(1.0, 1.0), "excitatory");
            cells.Record("spikes");
        }
        ParameterSet[] sets = [ParameterSet.Of(("cells.tau_m", 10)) with { Seed = 3 }, ParameterSet.Of(("cells.tau_m", 10)) with { Seed = 4 }];
        var result = new Sweep(new CpuBackend(), Build, Options).Run(sets, 300, new SweepOptions { RecordVariants = [0, 1] });

        result.Batched.Should().BeFalse();
        result.BatchRefusal.Should().Contain("population 'input' is a random spike source (poisson)");
        for (int v = 0; v < sets.Length; v++)
        {
            using var sim = new Simulation(new CpuBackend(), Options with { Seed = sets[v].Seed!.Value });
            Build(sim);
            VariantTargets.Apply(sim, sets[v]);
            sim.Run(300);
            result.Variants[v]["cells"].SpikeCounts.Should().Equal(sim.Populations[1].GetSpikeCounts());
            result.Variants[v].Recording!.Spikes[0].Times.Should().BeEquivalentTo(
                sim.Populations[1].GetData().Segments[0].SpikeTrains.Select(t => t.Times), o => o.WithStrictOrdering());
        }
        result.Variants[0].Recording!.Spikes[0].Times[0].Should().NotEqual(result.Variants[1].Recording!.Spikes[0].Times[0],
            "the seeds differ, so the Poisson inputs do");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Measures_kept_by_the_backend_equal_those_from_every_recorded_spike(bool oneByOne)
    {
        var options = new SweepOptions { OneByOne = oneByOne, BurstMaxInterval = 30 };
        var device = NewSweep().Run(SweepNetwork.Sets, 200, options);
        var host = NewSweep().Run(SweepNetwork.Sets, 200, options with { MeasuresOnDevice = false });

        device.MeasuredOnDevice.Should().BeTrue();
        host.MeasuredOnDevice.Should().BeFalse();
        for (int v = 0; v < SweepNetwork.Sets.Length; v++)
            for (int p = 0; p < device.Variants[v].Populations.Count; p++)
            {
                var d = device.Variants[v].Populations[p];
                var h = host.Variants[v].Populations[p];
                d.Statistics.Should().Equal(h.Statistics, $"variant {v}, population {d.Label}");
                d.Should().BeEquivalentTo(h, o => o.Excluding(m => m.Statistics));
            }
        device.Variants.Sum(v => v["E"].Statistics.Sum(c => c.Bursts)).Should().BeGreaterThan(0, "the comparison needs bursts: {0}", string.Join("; ", device.Variants.SelectMany(v => v.Populations.SelectMany(p => p.Statistics))));
    }

    [Fact]
    public void The_pyloric_rhythm_needs_spike_times_so_it_measures_on_the_host()
    {
        var result = NewSweep().Run([SweepNetwork.Sets[0]], 50, new SweepOptions { Pyloric = ("E", "E", "I") });
        result.MeasuredOnDevice.Should().BeFalse();
        result.Variants[0].Pyloric.Should().NotBeNull();
    }

    [Fact]
    public void A_missing_pyloric_population_is_refused_before_the_run()
    {
        bool ran = false;
        var act = () => NewSweep().Run([SweepNetwork.Sets[0]], 50, new SweepOptions { Pyloric = ("PD", "E", "I") }, (_, _) => ran = true);
        act.Should().Throw<InvalidParameterValueException>().WithMessage("*labelled 'PD' (neuron populations: E, I)*");
        ran.Should().BeFalse("the labels are checked before anything runs");
    }

    [Fact]
    public void Mean_rate_is_spikes_per_cell_per_second()
    {
        var result = NewSweep().Run([SweepNetwork.Sets[1]], 500);
        var e = result.Variants[0]["E"];
        e.MeanRate.Should().BeApproximately(e.SpikeCount / (4 * 0.5), 1e-9);
    }

    [Fact]
    public void Unknown_population_lists_the_valid_ones()
    {
        var act = () => NewSweep().Run([ParameterSet.Of(("X.tau_m", 1))], 10);
        act.Should().Throw<InvalidParameterValueException>().WithMessage("*'X'*populations: E, I*projections: E_to_I, I_to_E*");
    }

    [Fact]
    public void Unknown_parameter_lists_the_valid_ones()
    {
        var act = () => NewSweep().Run([ParameterSet.Of(("E.tau", 1))], 10);
        act.Should().Throw<InvalidParameterValueException>().WithMessage("*'tau'*parameters: *tau_m*state variables: v*");
    }

    [Fact]
    public void A_grid_has_every_combination_and_a_seed_axis()
    {
        var grid = ParameterGrid.Of(("E.tau_m", [10, 20]), ("E.i_offset", [0.1, 0.2, 0.3]), ("seed", [5]));
        grid.Should().HaveCount(6);
        grid[4].Values.Should().Equal(new Dictionary<string, double> { ["E.tau_m"] = 20, ["E.i_offset"] = 0.2 });
        grid.Should().OnlyContain(s => s.Seed == 5);
    }
}
