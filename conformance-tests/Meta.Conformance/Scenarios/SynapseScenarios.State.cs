using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Conformance.Scenarios;

public static partial class SynapseScenarios
{
    /// <summary>
    /// Reading and writing synapse state between runs: learned weights and traces read back after a run, a weight set between
    /// runs takes effect (and is what <c>Get</c> returns before and after the next run), and <c>Reset</c> returns every synaptic
    /// state to the last values set, so the run after a reset equals a fresh simulation that starts from them.
    /// </summary>
    public static Scenario GetSetReset() => new CheckScenario(
        "synapse/get-set-reset",
        "learned weights differ from the initial 0.008 after 300 ms; Get returns a weight set between runs before and after a run without pre spikes; " +
        "after Reset, a 300 ms run gives the weights and output spikes of a fresh simulation started from the set weights (within 1e-12 µS, float32: 1e-6)",
        Requires,
        ctx =>
        {
            var r = Reference("stdp_poisson");
            var trains = r.NumberRows("stimulus", "spike_times").Select(t => t.Where(x => x < 300).ToArray()).ToArray();
            (Simulation Sim, Projection Plastic, Population Cell) Build(double weight)
            {
                var sim = new Simulation(ctx.Backend, ctx.Options(Dt, minDelay: Dt));
                var inputs = sim.CreatePopulation(trains.Length, new CellType("SpikeSourceArray").WithSequence("spike_times", trains), "inputs");
                var cell = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "cell");
                var plastic = new Projection(inputs, cell, new AllToAllConnector(),
                    new STDPMechanism(new SpikePairRule(20, 20, 0.01, 0.012), new AdditiveWeightDependence(0, 0.01), weight, 1.0), "excitatory");
                cell.Record("spikes");
                return (sim, plastic, cell);
            }
            var (sim, plastic, cell) = Build(0.008);
            using var _ = sim;
            sim.Run(300);
            var learned = plastic.Get("weight");
            var traces = plastic.Get("P");
            plastic.Set("weight", 0.006);
            var beforeRun = plastic.Get("weight");
            sim.Run(50);
            var afterRun = plastic.Get("weight");
            sim.Reset();
            var afterReset = plastic.Get("weight");
            sim.Run(300);
            var again = plastic.Get("weight");
            var againSpikes = cell.GetData().Segments[^1].SpikeTrains[0].Times;

            var (fresh, freshPlastic, freshCell) = Build(0.006);
            using var __ = fresh;
            fresh.Run(300);
            var freshWeights = freshPlastic.Get("weight");
            var freshSpikes = freshCell.GetData().Segments[0].SpikeTrains[0].Times;
            double bound = ctx.Precision == Backends.Precision.Float32 ? 1e-6 : 1e-12;
            double worstSet = beforeRun.Concat(afterRun).Concat(afterReset).Max(w => Math.Abs(w - 0.006));
            double worstFresh = again.Zip(freshWeights, (a, b) => Math.Abs(a - b)).Max();
            bool sameSpikes = againSpikes.SequenceEqual(freshSpikes);
            double moved = learned.Max(w => Math.Abs(w - 0.008));
            return ($"learned weights {learned.Min():g4}–{learned.Max():g4} µS, traces P up to {traces.Max():g3}; set 0.006: off by {worstSet:g3} before/after a run and after reset; " +
                    $"after reset vs fresh: weights {worstFresh:g3} µS, spikes {(sameSpikes ? "identical" : "differ")} ({againSpikes.Length} vs {freshSpikes.Length})",
                [
                    (moved > 1e-4, $"the weights did not learn (largest change {moved:g3} µS)"),
                    (traces.Max() > 0, "the presynaptic traces read back as zero"),
                    (worstSet <= bound, $"a weight set to 0.006 reads back {worstSet:g3} µS away"),
                    (worstFresh <= bound && sameSpikes, $"the run after Reset differs from a fresh simulation (weights {worstFresh:g3} µS, spikes {(sameSpikes ? "same" : "differ")})"),
                ]);
        });

    /// <summary>
    /// A network of every kind of synapse dynamics (STDP on Poisson input, recurrent Tsodyks–Markram, stochastic release) run on the
    /// backend and on the reference backend with the same seed: same spikes and synapse state.
    /// </summary>
    public static Scenario SameAsReferenceBackend() => new CheckScenario(
        "synapse/same-as-reference-backend",
        "float64: identical output spikes and every weight, u and R within 1e-10 of the reference backend's; float32: output spike count within 5 % and mean learned weight within 2 %",
        Requires,
        ctx =>
        {
            (double[] Spikes, double[] Weights, double[] U, double[] R) Run(Backends.IBackend backend, Backends.Precision precision)
            {
                using var sim = new Simulation(backend, new SimulationOptions { Timestep = Dt, MinDelay = Dt, Seed = 777, Precision = precision });
                var noise = sim.CreatePopulation(40, new CellType("SpikeSourcePoisson") { ["rate"] = 30.0 }, "noise");
                var cells = sim.CreatePopulation(12, new CellType("IF_cond_exp"), "cells");
                var stdp = new Projection(noise, cells, new FixedProbabilityConnector(0.5),
                    new STDPMechanism(new SpikePairRule(20, 20, 0.01, 0.012), new AdditiveWeightDependence(0, 0.01), 0.006, 1.0), "excitatory");
                var tm = new Projection(cells, cells, new FixedProbabilityConnector(0.4),
                    new TsodyksMarkramSynapse(0.002, 1.5, U: 0.3, tau_rec: 200, tau_facil: 100), "inhibitory");
                var stochastic = new Projection(noise, cells, new FixedProbabilityConnector(0.3),
                    new StochasticTsodyksMarkramSynapse(0.004, 1.0, U: 0.5, tau_rec: 100), "excitatory");
                cells.Record("spikes");
                sim.Run(400);
                var spikes = cells.GetData().Segments[0].SpikeTrains.SelectMany((t, i) => t.Times.Select(x => x * 1000 + i)).Order().ToArray();
                return (spikes, stdp.Get("weight"), tm.Get("u"), stochastic.Get("R"));
            }
            var reference = ctx.Reference!;
            var mine = Run(ctx.Backend, ctx.Precision);
            var theirs = Run(reference, Backends.Precision.Float64);
            if (ctx.Precision == Backends.Precision.Float32)
            {
                double countError = Math.Abs(mine.Spikes.Length - theirs.Spikes.Length) / (double)Math.Max(1, theirs.Spikes.Length);
                double weightError = Math.Abs(mine.Weights.Average() - theirs.Weights.Average()) / theirs.Weights.Average();
                return ($"{mine.Spikes.Length} spikes (reference {theirs.Spikes.Length}); mean weight {mine.Weights.Average():g5} (reference {theirs.Weights.Average():g5})",
                    [(countError <= 0.05, $"spike count off by {countError:P1}"), (weightError <= 0.02, $"mean weight off by {weightError:P1}")]);
            }
            bool same = mine.Spikes.SequenceEqual(theirs.Spikes);
            double worst = new[] { (mine.Weights, theirs.Weights), (mine.U, theirs.U), (mine.R, theirs.R) }
                .Max(p => p.Item1.Zip(p.Item2, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max());
            return ($"{mine.Spikes.Length} spikes ({(same ? "identical" : "different")}); largest synapse-state difference {worst:g3}",
                [(same, "output spikes differ from the reference backend's"), (worst <= 1e-10, $"synapse state differs from the reference backend's by {worst:g3}")]);
        },
        needsReference: true);
}
