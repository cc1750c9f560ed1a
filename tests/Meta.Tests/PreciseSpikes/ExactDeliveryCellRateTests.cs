using Meta.Backends;
using Meta.Network;
using Meta.Plugins;
using Meta.Projections;
using Meta.Projections.Connectors;
using Xunit.Abstractions;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.PreciseSpikes;

/// <summary>
/// Exact off-grid delivery reads the decay rate of each synapse's post cell (<c>OffGridDelivery.CellRates</c>, indexed by
/// the post index). A population whose cells each have their own tau_syn_E, fed through connections out of row order with
/// different delays, must give every cell the voltage it has alone in a population of its own with that tau_syn_E (one
/// rate for all), on cpu, ilgpu and torch (the Cli build's plugins); a rate read at the wrong index would differ.
/// </summary>
public class ExactDeliveryCellRateTests(ITestOutputHelper output)
{
    private static readonly double[] Tau = [1.0, 2.0, 3.5, 5.0];
    private static readonly double[][] Times = [[1.03, 7.461], [3.017, 9.99], [5.555, 12.0421]];

    /// <summary>(pre, post, weight, delay): not sorted by pre, with several delays.</summary>
    private static readonly double[][] Connections =
    [
        [2, 0, 0.9, 1.0], [0, 1, 0.7, 0.5], [1, 3, 1.1, 0.7], [0, 2, 0.8, 1.0], [2, 3, 0.6, 0.5],
        [1, 0, 0.5, 0.6], [0, 3, 0.4, 1.2], [2, 1, 1.0, 0.9], [1, 2, 0.9, 0.5],
    ];

    [Fact]
    public void Per_cell_decay_rates_give_each_cell_its_result_alone_on_every_backend()
    {
        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = [CliPluginsFolder] });
        double[][]? cpu = null;
        foreach (var name in new[] { "cpu", "ilgpu", "torch" })
        {
            var together = Together(catalog.Get(name), SpikePrecision.OffGrid);
            var alone = Enumerable.Range(0, Tau.Length).Select(j => Alone(catalog.Get(name), j)).ToArray();
            for (int j = 0; j < Tau.Length; j++)
            {
                double worst = together[j].Zip(alone[j]).Max(p => Math.Abs(p.First - p.Second));
                output.WriteLine($"{name} cell {j} (tau_syn_E {Tau[j]}): v within {worst:E2} mV of the cell alone");
                worst.Should().BeLessThanOrEqualTo(1e-9, $"{name}, cell {j}");
            }
            if (name == "cpu")
            {
                cpu = together;
                // The offsets must matter for the comparison to mean anything: on the grid every cell is further off.
                var onGrid = Together(catalog.Get(name), SpikePrecision.OnGrid);
                for (int j = 0; j < Tau.Length; j++)
                    onGrid[j].Zip(together[j]).Max(p => Math.Abs(p.First - p.Second)).Should().BeGreaterThan(1e-4, $"cell {j} receives off-grid spikes");
            }
            else
                for (int j = 0; j < Tau.Length; j++)
                    together[j].Zip(cpu![j]).Max(p => Math.Abs(p.First - p.Second)).Should().BeLessThanOrEqualTo(1e-6, $"{name} against cpu, cell {j}");
        }
    }

    /// <summary>One population of all cells, each with its own tau_syn_E; v per cell.</summary>
    private static double[][] Together(IBackend backend, SpikePrecision precision)
    {
        using var sim = Simulation(backend, precision);
        var input = Input(sim);
        var cells = sim.CreatePopulation(Tau.Length, new CellType("IF_curr_exp"), "cells");
        cells.Set("tau_syn_E", Tau);
        _ = new Projection(input, cells, new FromListConnector(Connections), new StaticSynapse(0.0, 1.0));
        cells.Record(["v"]);
        sim.Run(20);
        var signal = cells.GetData().Segments[0].Signal("v");
        return Enumerable.Range(0, Tau.Length).Select(signal.Column).ToArray();
    }

    /// <summary>Cell <paramref name="j"/> alone (one tau_syn_E for its population) with its connections; its v.</summary>
    private static double[] Alone(IBackend backend, int j)
    {
        using var sim = Simulation(backend, SpikePrecision.OffGrid);
        var input = Input(sim);
        var cell = sim.CreatePopulation(1, new CellType("IF_curr_exp").With("tau_syn_E", Tau[j]), "cell");
        var mine = Connections.Where(c => c[1] == j).Select(c => new[] { c[0], 0, c[2], c[3] }).ToArray();
        _ = new Projection(input, cell, new FromListConnector(mine), new StaticSynapse(0.0, 1.0));
        cell.Record(["v"]);
        sim.Run(20);
        return cell.GetData().Segments[0].Signal("v").Column(0);
    }

    private static Simulation Simulation(IBackend backend, SpikePrecision precision) =>
        new(backend, new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, MaxDelay = 2.0, Precision = Precision.Float64, SpikePrecision = precision });

    private static Populations.Population Input(Simulation sim) =>
        sim.CreatePopulation(Times.Length, new CellType("SpikeSourceArray").WithSequence("spike_times", Times), "input");
}
