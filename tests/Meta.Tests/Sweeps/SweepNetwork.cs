using Meta.Backends;
using Meta.CurrentSources;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sweeps;

namespace Meta.Tests.Sweeps;

/// <summary>A small two-population network for the sweep tests: seed-dependent connectivity, a DC source, recorded E cells.</summary>
internal static class SweepNetwork
{
    public static void Build(Simulation sim)
    {
        var e = sim.CreatePopulation(4, new CellType("IF_cond_exp"), "E");
        var i = sim.CreatePopulation(2, new CellType("IF_cond_exp"), "I");
        e.Set("i_offset", 0.8);
        e.Record(["spikes", "v"]);
        sim.Connect(e, i, new FixedProbabilityConnector(0.5), new StaticSynapse(0.02, 1.0), "excitatory", "E_to_I");
        sim.Connect(i, e, new AllToAllConnector(), new StaticSynapse(0.01, 1.0), "inhibitory", "I_to_E");
        i.Inject(new DCSource { Amplitude = 0.5, Start = 20 });
    }

    public static readonly ParameterSet[] Sets =
    [
        new(new Dictionary<string, double> { ["E.tau_m"] = 15, ["E.i_offset"] = 0.8 }, 1),
        new(new Dictionary<string, double> { ["E.tau_m"] = 20, ["E.i_offset"] = 1.0 }, 2),
        new(new Dictionary<string, double> { ["E.tau_m"] = 10, ["E.i_offset"] = 0.9, ["E_to_I.weight"] = 0.05, ["I.v"] = -60 }, 1),
    ];

    /// <summary>The network alone with one parameter set: spike counts per population and cell, and E's v of every cell.</summary>
    public static (int[][] Counts, double[][] ETimes, double[] V) Alone(IBackend backend, SimulationOptions options, ParameterSet set, double duration)
    {
        using var sim = new Simulation(backend, options with { Seed = set.Seed ?? options.Seed });
        Build(sim);
        foreach (var p in sim.Populations) p.Record("spikes");
        VariantTargets.Apply(sim, set);
        sim.Run(duration);
        var counts = sim.Populations.Select(p => p.GetSpikeCounts()).ToArray();
        var seg = sim.Populations[0].GetData().Segments[^1];
        var times = seg.SpikeTrains.Select(t => t.Times).ToArray();
        return (counts, times, seg.Signal("v").Data);
    }
}
