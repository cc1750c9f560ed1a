using Meta.Backends;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sweeps;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Spike measures kept by the backend while it runs (docs/sweeps.md, "Measures on the device"): every cell's spike count,
/// bursts, burst starts and interval extremes equal those the host computes from the full spike recording.
/// </summary>
public static class SweepMeasureScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [DeviceMeasuresEqualHost()];

    /// <summary>The burst gap of the scenario (ms): Izhikevich chattering cells fire bursts of spikes a few ms apart.</summary>
    private const double BurstGap = 10;

    /// <summary>Five Izhikevich cells with different drives, and an irregular input into two of them.</summary>
    private static void Network(Simulation sim)
    {
        var input = sim.CreatePopulation(1, new CellType("SpikeSourceArray"), "input");
        input.SetSequence("spike_times", new[] { 12.0, 13.5, 40.0, 41.0, 90.0, 150.0, 152.0, 153.0, 230.0, 231.5, 300.0 });
        var cells = sim.CreatePopulation(5, new CellType("Izhikevich"), "cells");
        cells.Set("i_offset", new[] { 0.0, 0.004, 0.01, 0.015, 0.0 });
        sim.Connect(input, cells[3, 4], new AllToAllConnector(), new StaticSynapse(20, 1.0), "excitatory", "input_to_cells");
    }

    /// <summary>Regular spiking, chattering and intrinsically bursting variants (Izhikevich 2003's c and d), and an unsettled one.</summary>
    private static readonly ParameterSet[] Sets =
    [
        ParameterSet.Of(("cells.c", -65), ("cells.d", 8)),
        ParameterSet.Of(("cells.c", -50), ("cells.d", 2)),
        ParameterSet.Of(("cells.c", -55), ("cells.d", 4)),
        ParameterSet.Of(("cells.c", -50), ("cells.d", 2), ("cells.a", 0.03), ("cells.v", -60)),
    ];

    /// <summary>The same sweep measured by the backend and on the host from recorded spikes.</summary>
    public static Scenario DeviceMeasuresEqualHost() => new CheckScenario(
        "sweeps/device-measures-equal-host",
        "exact: the spike measures the step program keeps (spike count, bursts, spikes in bursts, first and last three burst starts, " +
        "shortest and longest interval, all whole numbers of spikes or steps) equal, cell by cell, those computed on the host from every recorded spike",
        ["Izhikevich", "source:" + SpikeSourceKinds.Array],
        ctx =>
        {
            SweepResult Run(bool onDevice) => new Sweep(ctx.Backend, Network, ctx.Options())
                .Run(Sets, 400, new SweepOptions { MeasuresOnDevice = onDevice, BurstMaxInterval = BurstGap });
            var device = Run(true);
            var host = Run(false);
            var checks = new List<(bool, string)>
            {
                (device.MeasuredOnDevice, "the sweep did not measure on the backend"),
                (!host.MeasuredOnDevice, "the host sweep measured on the backend"),
                (device.Batched, $"the variants did not run as one batch: {device.BatchRefusal}"),
            };
            int cells = 0, differ = 0;
            var classes = new HashSet<CellActivity>();
            long bursts = 0;
            for (int v = 0; v < Sets.Length; v++)
            {
                var d = device.Variants[v]["cells"];
                var h = host.Variants[v]["cells"];
                for (int c = 0; c < d.Cells; c++)
                {
                    cells++;
                    classes.Add(d.Activity[c]);
                    bursts += d.Statistics[c].Bursts;
                    if (d.Statistics[c] != h.Statistics[c])
                    {
                        if (differ++ < 3) checks.Add((false, $"variant {v} cell {c}: backend {d.Statistics[c]}, host {h.Statistics[c]}"));
                    }
                }
                checks.Add((d.SpikeCount == h.SpikeCount && Same(d.BurstPeriod, h.BurstPeriod) && Same(d.SpikesPerBurst, h.SpikesPerBurst)
                            && d.Activity.SequenceEqual(h.Activity),
                    $"variant {v}: backend {d.SpikeCount} spikes, period {d.BurstPeriod} ms, {d.SpikesPerBurst} per burst; " +
                    $"host {h.SpikeCount}, {h.BurstPeriod} ms, {h.SpikesPerBurst}"));
            }
            checks.Add((differ == 0, $"{differ} of {cells} cells differ"));
            checks.Add((bursts > 0 && classes.Contains(CellActivity.Bursting) && classes.Contains(CellActivity.Silent),
                $"the scenario shows too little: {bursts} bursts, classes {string.Join(", ", classes)}"));
            return ($"{cells} cells in {Sets.Length} variants: {bursts} bursts, classes {string.Join(", ", classes.Order())}; {differ} cells differ", checks.ToArray());
        });

    private static bool Same(double a, double b) => a.Equals(b);
}
