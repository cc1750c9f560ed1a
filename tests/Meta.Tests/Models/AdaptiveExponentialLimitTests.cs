using Meta.Backends;
using Meta.Plugins;
using Meta.Populations;
using Xunit.Abstractions;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Models;

/// <summary>
/// AdEx with <c>delta_T = 0</c> (PyNN's issue367): the exponential term vanishes and the cell is the leaky
/// integrate-and-fire cell with threshold <c>v_thresh</c>, on every shipped backend.
/// </summary>
public sealed class AdaptiveExponentialLimitTests(ITestOutputHelper output)
{
    private const double Dt = 0.01;

    private static (double[] Spikes, double[] V) Run(IBackend backend, string cellType, bool adex)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = Dt, MinDelay = 0.1, MaxDelay = 1.0, Precision = Precision.Float64 });
        var type = new CellType(cellType).With("i_offset", 1.0).With("v_thresh", -50.0).With("cm", 0.281).With("tau_m", 9.3667)
            .With("v_rest", -70.6).With("v_reset", -70.6).With("tau_refrac", 0.1);
        if (adex) type = type.With("delta_T", 0.0).With("v_spike", -45.0).With("a", 0.0).With("b", 0.0);
        var cell = sim.CreatePopulation(1, type, "cell");
        cell.Initialize("v", -70.6);
        cell.Record(["spikes", "v"]);
        sim.Run(50);
        var segment = cell.GetData().Segments[0];
        return (segment.SpikeTrains[0].Times.ToArray(), segment.Signal("v").Column(0));
    }

    [Fact]
    public void Delta_T_zero_fires_at_v_thresh_like_IF_cond_exp_on_cpu_ilgpu_and_torch()
    {
        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = [CliPluginsFolder] });
        var (ifSpikes, _) = Run(catalog.Get("cpu"), "IF_cond_exp", adex: false);
        ifSpikes.Length.Should().BeGreaterThan(3, "1 nA drives the cell above threshold repeatedly");
        foreach (var name in new[] { "cpu", "ilgpu", "torch" })
        {
            var (spikes, v) = Run(catalog.Get(name), "EIF_cond_exp_isfa_ista", adex: true);
            output.WriteLine($"{name}: {spikes.Length} spikes, first {spikes.FirstOrDefault()} ms; IF_cond_exp {ifSpikes.Length}, first {ifSpikes[0]} ms");
            spikes.Length.Should().Be(ifSpikes.Length, $"{name}: with delta_T = 0, a = b = 0 the AdEx cell is IF_cond_exp");
            for (int k = 0; k < spikes.Length; k++)
                spikes[k].Should().BeApproximately(ifSpikes[k], 2 * Dt, $"{name}: spike {k} (the two models integrate differently within a step)");
            // v never reaches v_spike (-45 mV): the threshold is v_thresh (-50 mV), as in NEST's aeif models with Delta_T = 0.
            v.Max().Should().BeLessThan(-49.0, $"{name}: the cell is reset at v_thresh");
            foreach (double t in spikes)
                v[(int)Math.Round((t - 0.1) / Dt)].Should().BeInRange(-50.5, -50.0, $"{name}: 0.1 ms before the spike at {t} ms v is just below v_thresh");
        }
    }
}
