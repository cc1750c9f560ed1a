using Meta.Backends;
using Meta.CurrentSources;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sweeps;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Parameter sweeps (docs/sweeps.md): variants of one network run as one batch give, variant by variant, exactly what the
/// network gives alone with the variant's values and seed; a thermalised state taken from the cache gives the trajectory of
/// a rerun.
/// </summary>
public static class SweepScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [BatchEqualsAlone(), CoupledBatchEqualsAlone(), ThermalisationCacheHit()];

    private static void Spiking(Simulation sim)
    {
        var input = sim.CreatePopulation(2, new CellType("SpikeSourceArray"), "input");
        input.SetSequence("spike_times", new[] { 5.0, 15.0, 25.0, 40.0 });
        var e = sim.CreatePopulation(4, new CellType("IF_cond_exp"), "E");
        var i = sim.CreatePopulation(2, new CellType("IF_cond_exp"), "I");
        e.Set("i_offset", 0.8);
        e.Record(["spikes", "v"]);
        sim.Connect(input, e, new AllToAllConnector(), new StaticSynapse(0.01, 0.5), "excitatory", "input_to_E");
        sim.Connect(e, i, new FixedProbabilityConnector(0.5), new StaticSynapse(0.02, 1.0), "excitatory", "E_to_I");
        sim.Connect(i, e, new AllToAllConnector(), new StaticSynapse(0.01, 1.0), "inhibitory", "I_to_E");
        i.Inject(new DCSource { Amplitude = 0.5, Start = 20 });
    }

    private static readonly ParameterSet[] SpikingSets =
    [
        new(new Dictionary<string, double> { ["E.tau_m"] = 15, ["E.i_offset"] = 0.8 }, 1),
        new(new Dictionary<string, double> { ["E.tau_m"] = 20, ["E.i_offset"] = 1.0 }, 2),
        new(new Dictionary<string, double> { ["E.tau_m"] = 10, ["E.i_offset"] = 0.9, ["E_to_I.weight"] = 0.05, ["I.v"] = -60 }, 1),
    ];

    private static void Coupled(Simulation sim)
    {
        var cells = sim.CreatePopulation(3, new CellType("HH_cond_exp"), "cells");
        var other = sim.CreatePopulation(2, new CellType("HH_cond_exp"), "other");
        _ = new Projection(cells, cells, new FromListConnector([(0, 1), (1, 2)]), new ElectricalSynapse(0.005), label: "gap");
        _ = new Projection(cells, other, new AllToAllConnector(), GradedSynapse.Glutamatergic(0.02), label: "graded");
        new DCSource { Amplitude = 0.6, Start = 10, Stop = 80 }.InjectInto(cells[0]);
        cells.Record(["spikes", "v"]);
    }

    private static readonly ParameterSet[] CoupledSets =
    [
        ParameterSet.Of(("gap.weight", 0.005), ("graded.weight", 0.02)),
        ParameterSet.Of(("gap.weight", 0.02), ("graded.weight", 0.01), ("other.gbar_Na", 15)),
        ParameterSet.Of(("gap.weight", 0.0), ("graded.weight", 0.05)),
    ];

    /// <summary>The network alone: spike counts per population and the first recorded population's signals.</summary>
    private static (int[][] Counts, double[] V) Alone(ScenarioContext ctx, Action<Simulation> build, ParameterSet set, double duration)
    {
        using var sim = new Simulation(ctx.Backend, ctx.Options(seed: set.Seed ?? 12345));
        build(sim);
        var neurons = sim.Populations.Where(p => p.CellType.Model.Kind == Models.ModelKind.Neuron).ToArray();
        foreach (var p in neurons) p.Record("spikes");
        VariantTargets.Apply(sim, set);
        sim.Run(duration);
        var recorded = neurons.First(p => p.Label is "E" or "cells");
        return (neurons.Select(p => p.GetSpikeCounts()).ToArray(), recorded.GetData().Segments[^1].Signal("v").Data);
    }

    private static (string, (bool, string)[]) Compare(ScenarioContext ctx, Action<Simulation> build, ParameterSet[] sets, double duration)
    {
        var result = new Sweep(ctx.Backend, build, ctx.Options()).Run(sets, duration, new SweepOptions { RecordVariants = [0, 1, 2] });
        var checks = new List<(bool, string)> { (result.Batched, $"the variants did not run as one batch: {result.BatchRefusal}") };
        double worst = 0;
        long spikes = 0;
        for (int v = 0; v < sets.Length; v++)
        {
            var alone = Alone(ctx, build, sets[v], duration);
            var counts = result.Variants[v].Populations.Select(p => p.SpikeCounts.ToArray()).ToArray();
            spikes += counts.Sum(c => c.Sum());
            checks.Add((counts.Length == alone.Counts.Length && counts.Zip(alone.Counts).All(z => z.First.SequenceEqual(z.Second)),
                $"variant {v}: spike counts {Show(counts)} in the batch, {Show(alone.Counts)} alone"));
            var v0 = result.Variants[v].Recording!.Signals.First(s => s.Variable == "v").Values;
            worst = Math.Max(worst, v0.Length == alone.V.Length ? v0.Zip(alone.V, (a, b) => Math.Abs(a - b)).Max() : double.PositiveInfinity);
        }
        checks.Add((worst == 0, $"v differs between the batch and the network alone by up to {worst:g3} mV"));
        checks.Add((spikes > 0, "no variant spiked: the comparison shows nothing"));
        return ($"{sets.Length} variants in one batch: {spikes} spikes; largest v difference to each variant alone {worst:g3} mV", checks.ToArray());
    }

    private static string Show(int[][] counts) => string.Join(" | ", counts.Select(c => string.Join(",", c)));

    /// <summary>Three variants (cell parameters, a weight, an initial value, the seed of random connectivity) of a spiking network.</summary>
    public static Scenario BatchEqualsAlone() => new CheckScenario(
        "sweeps/batch-equals-alone",
        "exact: every variant's spike counts and every v sample equal those of the network run alone with its values and seed (same backend, same precision): " +
        "a batch only lays the variants side by side, and the lowering computes values the same way whether uniform or per cell",
        ["IF_cond_exp", "source:" + SpikeSourceKinds.Array, "current:DCSource"],
        ctx => Compare(ctx, Spiking, SpikingSets, 100));

    /// <summary>Three variants (gap-junction and graded-synapse weights, a cell parameter) of a coupled HH network.</summary>
    public static Scenario CoupledBatchEqualsAlone() => new CheckScenario(
        "sweeps/coupled-batch-equals-alone",
        "exact: as sweeps/batch-equals-alone, for variants of gap-junction and graded-synapse weights of coupled HH cells",
        ["HH_cond_exp", Scenario.FeaturePrefix + BackendFeatures.ContinuousCoupling, "current:DCSource"],
        ctx => Compare(ctx, Coupled, CoupledSets, 100));

    /// <summary>A thermalised state written to the cache, read back: the same measured trajectory as a rerun without the cache.</summary>
    public static Scenario ThermalisationCacheHit() => new CheckScenario(
        "sweeps/thermalisation-cache-hit",
        "exact: the measured v of every variant after a cached thermalisation equals that after thermalising again; every variant hits the cache the second time",
        ["IF_cond_exp", "source:" + SpikeSourceKinds.Array, "current:DCSource"],
        ctx =>
        {
            string cache = Path.Combine(Path.GetTempPath(), "meta-conformance-thermalise-" + Guid.NewGuid().ToString("N"));
            try
            {
                SweepResult Run(bool useCache) => new Sweep(ctx.Backend, Spiking, ctx.Options()).Thermalise(50, cache, useCache)
                    .Run(SpikingSets, 50, new SweepOptions { RecordVariants = [0, 1, 2] });
                var first = Run(true);
                var hit = Run(true);
                var rerun = Run(false);
                double worst = 0;
                for (int v = 0; v < SpikingSets.Length; v++)
                {
                    var a = hit.Variants[v].Recording!.Signals.First(s => s.Variable == "v").Values;
                    var b = rerun.Variants[v].Recording!.Signals.First(s => s.Variable == "v").Values;
                    worst = Math.Max(worst, a.Zip(b, (x, y) => Math.Abs(x - y)).Max());
                }
                return ($"cache hits {first.CacheHits} then {hit.CacheHits} of {SpikingSets.Length}; largest v difference hit vs rerun {worst:g3} mV",
                    [
                        (first.CacheHits == 0, $"an empty cache gave {first.CacheHits} hits"),
                        (hit.CacheHits == SpikingSets.Length, $"the second sweep hit the cache {hit.CacheHits} times, not {SpikingSets.Length}"),
                        (worst == 0, $"the trajectory from the cached state differs from a rerun by {worst:g3} mV"),
                    ]);
            }
            finally
            {
                if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
            }
        });
}
