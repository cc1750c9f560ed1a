using Meta.Backends;
using Meta.Models;
using Meta.Plugins;
using Xunit.Abstractions;
using static Meta.Tests.Cli.CliTestSupport;
using Meta.CurrentSources;
using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Tests.Nestml;

/// <summary>What one run recorded: spike trains and a voltage (cells × samples, every step).</summary>
internal sealed record Trace(double[][] Spikes, double[][] V)
{
    /// <summary>The largest difference of the voltage from <paramref name="other"/>'s (mV).</summary>
    public double MaxVDifference(Trace other) => V.Zip(other.V).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));

    /// <summary>The root mean square of the voltage's difference from <paramref name="other"/>'s (mV).</summary>
    public double RmsVDifference(Trace other)
    {
        var d = V.Zip(other.V).SelectMany(p => p.First.Zip(p.Second, (a, b) => a - b)).ToArray();
        return Math.Sqrt(d.Sum(x => x * x) / d.Length);
    }

    /// <summary>The number of spikes.</summary>
    public int SpikeCount => Spikes.Sum(s => s.Length);
}

/// <summary>
/// The script the NESTML checks run: <see cref="Cells"/> cells with different offset currents, a current step into the first
/// half, spike arrays on the excitatory and on the inhibitory receptor (deterministic, so two runs see the same input).
/// </summary>
internal static class NestmlRuns
{
    public const int Cells = 4;
    public const double Dt = 0.1;

    /// <summary>Runs the script on <paramref name="backend"/>; <paramref name="v"/> names the membrane potential, <paramref name="offset"/> the offset current (nA).</summary>
    public static Trace Run(IBackend backend, CellType cellType, string v, string offset, double[] offsets, double step,
        double excitatory, double inhibitory, double duration = 150.0)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = Dt, MinDelay = Dt, MaxDelay = 2.0, Seed = 77, Precision = Precision.Float64 });
        var cells = Add(sim, cellType, v, offset, offsets, step, excitatory, inhibitory);
        sim.Run(duration);
        return Read(cells, v);
    }

    /// <summary>
    /// Adds the script's cells, sources and connections to <paramref name="sim"/>; the spike arrays reach the receptors
    /// <paramref name="excitatoryReceptor"/> and <paramref name="inhibitoryReceptor"/> (PyNN's names unless a model names its own).
    /// </summary>
    public static Populations.Population Add(Simulation sim, CellType cellType, string v, string offset, double[] offsets, double step,
        double excitatory, double inhibitory, string excitatoryReceptor = "excitatory", string inhibitoryReceptor = "inhibitory")
    {
        var arrays = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times",
            SequenceValue.Function(i => Enumerable.Range(0, 25).Select(k => 5.0 + 5.7 * k + 1.3 * i).ToArray())), $"arrays-{cellType.Model.Name}");
        var inhibitors = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times",
            SequenceValue.Function(_ => Enumerable.Range(0, 12).Select(k => 12.0 + 11.3 * k).ToArray())), $"inhibitors-{cellType.Model.Name}");
        var cells = sim.CreatePopulation(Cells, cellType, cellType.Model.Name);
        cells.Set(offset, offsets);
        new StepCurrentSource([20.0, 110.0], [step, 0.0]).InjectInto(cells[0..(Cells / 2)]);
        _ = new Projection(arrays, cells, new AllToAllConnector(), new StaticSynapse(excitatory, 0.5), excitatoryReceptor);
        _ = new Projection(inhibitors, cells, new AllToAllConnector(), new StaticSynapse(inhibitory, 1.0), inhibitoryReceptor);
        cells.Record(["spikes", v]);
        return cells;
    }

    /// <summary>
    /// Runs several models' scripts in one float64 network on <paramref name="backend"/> (seed 5) for
    /// <paramref name="duration"/> ms with time step <paramref name="dt"/> (<see cref="Dt"/> unless given): <paramref name="add"/> adds model i's cells and inputs (<see cref="Add"/>) and returns
    /// them; the traces are keyed by model name and read from <paramref name="v"/>.
    /// </summary>
    public static Dictionary<string, Trace> RunTogether(IBackend backend, IReadOnlyList<ModelDefinition> models,
        Func<Simulation, ModelDefinition, int, Populations.Population> add, string v = "V_m", double duration = 100.0, double dt = Dt)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = dt, MinDelay = dt, MaxDelay = 2.0, Seed = 5, Precision = Precision.Float64 });
        var populations = models.Select((m, i) => (m.Name, Cells: add(sim, m, i))).ToList();
        sim.Run(duration);
        return populations.ToDictionary(p => p.Name, p => Read(p.Cells, v));
    }

    /// <summary>The recorded spikes and voltage of <paramref name="cells"/>.</summary>
    public static Trace Read(Populations.Population cells, string v)
    {
        var segment = cells.GetData().Segments[0];
        var signal = segment.Signal(v);
        return new Trace(segment.SpikeTrains.Select(t => t.Times.ToArray()).ToArray(), Enumerable.Range(0, Cells).Select(signal.Column).ToArray());
    }

    /// <summary>
    /// Runs <paramref name="run"/> on the cpu, ilgpu and torch plugins of the Cli build and checks that ilgpu and torch give
    /// the CPU backend's spike trains exactly and its v within 1e-6 mV (float64, the conformance suite's cross-backend bound);
    /// every model for which <paramref name="mustFire"/> holds must make at least two cells fire on cpu.
    /// </summary>
    public static void AssertSameOnEveryBackend(Func<IBackend, Dictionary<string, Trace>> run, Func<string, bool> mustFire, ITestOutputHelper output)
    {
        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = [CliPluginsFolder] });
        foreach (var name in new[] { "cpu", "ilgpu", "torch" })
            catalog.Names.Should().Contain(name, $"the Cli build deploys the {name} plugin to {CliPluginsFolder}");
        var reference = run(catalog.Get("cpu"));
        foreach (var (name, trace) in reference)
        {
            output.WriteLine($"cpu {name}: {trace.SpikeCount} spikes ({string.Join(", ", trace.Spikes.Select(s => s.Length))})");
            if (mustFire(name)) trace.Spikes.Count(s => s.Length > 0).Should().BeGreaterThanOrEqualTo(2, $"{name}: the script must make cells fire");
        }
        foreach (var backend in new[] { "ilgpu", "torch" })
        {
            var mine = run(catalog.Get(backend));
            foreach (var (name, trace) in reference)
            {
                double worst = mine[name].MaxVDifference(trace);
                output.WriteLine($"{backend} {name}: {mine[name].SpikeCount} spikes, v within {worst:E2} mV of cpu");
                for (int i = 0; i < Cells; i++) mine[name].Spikes[i].Should().Equal(trace.Spikes[i], $"{backend}, {name}, cell {i}");
                worst.Should().BeLessThanOrEqualTo(1e-6, $"{backend}, {name}");
            }
        }
    }
}
