using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using Meta.Spatial;

namespace Meta.Conformance.Scenarios;

/// <summary>PyNN's system scenarios that combine the standard library's cell types, structures and connectors.</summary>
public static class SystemScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [SpatialNetwork()];

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    /// <summary>
    /// PyNN's test_scenario4 (a smoke test there), with checks: 100 Poisson inputs (rate ~ U(3, 7) Hz) in a
    /// RandomStructure(Cuboid 500×500×100) drive 200 EIF_cond_exp_isfa_ista on a Grid3D through
    /// DistanceDependentProbabilityConnector("0.5*exp(-d/100.0)") in Space(axes="xy") with delays "0.5+d/100"; the cells
    /// inhibit each other through "sin(pi*d/250.0)**2" with periodic boundaries ±100 in x and y and delays "0.2+d/100".
    /// PyNN uses Tsodyks–Markram synapses here; Meta has no short-term plasticity yet, so the synapses are static.
    /// </summary>
    public static Scenario SpatialNetwork() => new CheckScenario(
        "system/scenario4-spatial-network",
        "every delay is round((0.5 + d_xy/100)/dt)·dt (input) or round((0.2 + d_periodic/100)/dt)·dt (recurrent); connection counts within 5 SD of Σp; v finite and below 0 mV in every sample; some cells fire",
        ["EIF_cond_exp_isfa_ista", "source:poisson"],
        ctx =>
        {
            const double dt = 0.1;
            using var sim = new Simulation(ctx.Backend, ctx.Options(dt, 0.1, 10.0, seed: 20241));
            var inputs = sim.CreatePopulation(100, new CellType("SpikeSourcePoisson").With("rate", new RandomDistribution("uniform", 3.0, 7.0)),
                new RandomStructure(new Cuboid(500, 500, 100)), "inputs");
            var cells = sim.CreatePopulation(200, new CellType("EIF_cond_exp_isfa_ista"), new Grid3D(1, 5, 10, 10, 10, z0: 200), "cells");
            cells.Initialize("v", new RandomDistribution("normal", -65.0, 5.0));
            cells.Initialize("w", new RandomDistribution("normal", 0.0, 1.0));
            var xy = new Space(axes: "xy");
            var periodic = new Space(axes: "xy", periodicBoundaries: [(-100.0, 100.0), (-100.0, 100.0), null]);
            var input = new Projection(inputs, cells, new DistanceDependentProbabilityConnector("0.5*exp(-d/100.0)"),
                new StaticSynapse(new RandomDistribution("normal_clipped", 0.1, 0.02, 0.0, double.PositiveInfinity), "0.5+d/100"), "excitatory", "input", xy);
            var recurrent = new Projection(cells, cells, new DistanceDependentProbabilityConnector("sin(pi*d/250.0)**2"),
                new StaticSynapse(0.05, "0.2+d/100"), "inhibitory", "recurrent", periodic);
            var sample = cells.Sample(10, new RandomStream(1));
            sample.Record(["spikes", "v"]);
            cells.Record("spikes");
            sim.Run(300);

            var (inputBad, inputExpected, inputSd) = CheckProjection(input, inputs.Positions, cells.Positions, xy, d => 0.5 * Math.Exp(-d / 100), d => 0.5 + d / 100, dt);
            var (recBad, recExpected, recSd) = CheckProjection(recurrent, cells.Positions, cells.Positions, periodic, d => Math.Pow(Math.Sin(Math.PI * d / 250), 2), d => 0.2 + d / 100, dt);
            var v = sample.GetData().Segments[0].AnalogSignals.Single(a => a.Name == "v");
            bool finite = Enumerable.Range(0, v.ChannelCount).All(c => v.Column(c).All(x => double.IsFinite(x) && x < 0));
            int spikes = cells.GetData().Segments[0].SpikeTrains.Sum(t => t.Times.Length);
            return ($"input {input.Size} connections (expected {inputExpected:0} ± {inputSd:0}), recurrent {recurrent.Size} ({recExpected:0} ± {recSd:0}); {spikes} spikes",
            [
                Check(inputBad == 0, $"{inputBad} input delays differ from 0.5 + d/100"),
                Check(recBad == 0, $"{recBad} recurrent delays differ from 0.2 + d/100"),
                Check(Math.Abs(input.Size - inputExpected) < 5 * inputSd, $"{input.Size} input connections, expected {inputExpected:0} ± 5·{inputSd:0}"),
                Check(Math.Abs(recurrent.Size - recExpected) < 5 * recSd, $"{recurrent.Size} recurrent connections, expected {recExpected:0} ± 5·{recSd:0}"),
                Check(finite, "a recorded v was not finite or reached 0 mV"),
                Check(spikes > 0, "no cell fired"),
            ]);
        });

    /// <summary>Delays that disagree with the expression of the distance, and the expected count and SD of connections.</summary>
    private static (int Bad, double Expected, double Sd) CheckProjection(Projection p, double[,] pre, double[,] post, Space space,
        Func<double, double> probability, Func<double, double> delay, double dt)
    {
        var delays = p.GetArray("delay");
        int bad = 0;
        double expected = 0, variance = 0;
        for (int i = 0; i < pre.GetLength(1); i++)
        {
            for (int j = 0; j < post.GetLength(1); j++)
            {
                double d = space.Distance(pre[0, i], pre[1, i], pre[2, i], post[0, j], post[1, j], post[2, j]);
                double q = Math.Min(1, probability(d));
                expected += q;
                variance += q * (1 - q);
                if (!double.IsNaN(delays[i, j]) && Math.Abs(delays[i, j] - Math.Round(delay(d) / dt) * dt) > 1e-9) bad++;
            }
        }
        return (bad, expected, Math.Sqrt(variance));
    }
}
