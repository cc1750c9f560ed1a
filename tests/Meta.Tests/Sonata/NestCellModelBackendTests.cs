using Meta.Backends;
using Meta.CurrentSources;
using Meta.Parameters;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sonata.Nest;
using Meta.Plugins;
using Xunit.Abstractions;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Sonata;

/// <summary>
/// The catalogue's own definitions (GLIF levels, hh_psc_alpha, parrot_neuron, IntFire1) run on every shipped backend,
/// loaded as plugins from the Cli build, with the CPU backend's results: identical spike trains and states within 1e-6
/// (the conformance suite's float64 cross-backend bound).
/// </summary>
public sealed class NestCellModelBackendTests(ITestOutputHelper output)
{
    private static readonly (string Template, string Variable, Dictionary<string, double> Nest)[] Cases =
    [
        ("glif_psc", "v", []),
        ("glif_psc", "v", new() { ["spike_dependent_threshold"] = 1 }),
        ("glif_psc", "v", new() { ["after_spike_currents"] = 1 }),
        ("glif_psc", "v", new() { ["spike_dependent_threshold"] = 1, ["after_spike_currents"] = 1 }),
        ("glif_psc", "v", new() { ["spike_dependent_threshold"] = 1, ["after_spike_currents"] = 1, ["adapting_threshold"] = 1 }),
        ("glif_cond", "v", []),
        ("glif_cond", "v", new() { ["spike_dependent_threshold"] = 1, ["after_spike_currents"] = 1, ["adapting_threshold"] = 1 }),
        ("hh_psc_alpha", "v", new() { ["I_e"] = 800.0 }),
        ("nrn:IntFire1", "m", []),
        ("parrot_neuron", "n", []),
    ];

    private static Dictionary<string, (double[][] Spikes, double[] State)> Run(IBackend backend)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, MaxDelay = 2.0, Seed = 3, Precision = Precision.Float64 });
        var input = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times",
            SequenceValue.PerCell([[.. Enumerable.Range(0, 20).Select(k => 5.0 + 4.3 * k)]])), "input");
        var cells = new List<(string Key, Population Pop, string Variable)>();
        foreach (var (template, variable, nest) in Cases)
        {
            var (model, p, init) = NestCatalogue.Get(template, "test").Convert(nest, "test");
            var type = new CellType(model);
            foreach (var (k, x) in p) type = type.With(k, x);
            var pop = sim.CreatePopulation(1, type, $"{model.Name}-{cells.Count}");
            foreach (var (k, x) in init) pop.Initialize(k, x);
            double weight = template switch { "parrot_neuron" => 1.0, "nrn:IntFire1" => 0.45, "hh_psc_alpha" => 0.2, "glif_cond" => 0.01, _ => 0.1 };
            _ = new Projection(input, pop, new AllToAllConnector(), new StaticSynapse(weight, 1.0), "excitatory");
            if (variable == "v") new DCSource { Amplitude = template == "hh_psc_alpha" ? 0 : 0.3, Start = 10, Stop = 90 }.InjectInto(pop);
            pop.Record(["spikes", variable]);
            cells.Add(($"{model.Name}-{cells.Count}", pop, variable));
        }
        sim.Run(100);
        return cells.ToDictionary(c => c.Key, c =>
        {
            var segment = c.Pop.GetData().Segments[0];
            return (segment.SpikeTrains.Select(s => s.Times).ToArray(), segment.Signal(c.Variable).Column(0));
        });
    }

    [Fact]
    public void Catalogue_models_give_the_same_results_on_cpu_ilgpu_and_torch()
    {
        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = [CliPluginsFolder] });
        foreach (var name in new[] { "cpu", "ilgpu", "torch" })
            catalog.Names.Should().Contain(name, $"the Cli build deploys the {name} plugin to {CliPluginsFolder}");
        var reference = Run(catalog.Get("cpu"));
        foreach (var (key, r) in reference)
        {
            output.WriteLine($"cpu {key}: {r.Spikes[0].Length} spikes");
            r.Spikes[0].Should().NotBeEmpty($"{key}: the input must make the cell fire");
        }
        foreach (var backend in new[] { "ilgpu", "torch" })
        {
            var mine = Run(catalog.Get(backend));
            foreach (var (key, r) in reference)
            {
                double worst = mine[key].State.Zip(r.State).Max(p => Math.Abs(p.First - p.Second));
                output.WriteLine($"{backend} {key}: {mine[key].Spikes[0].Length} spikes, state within {worst:E2} of cpu");
                mine[key].Spikes[0].Should().Equal(r.Spikes[0], $"{backend}, {key}");
                worst.Should().BeLessThanOrEqualTo(1e-6, $"{backend}, {key}");
            }
        }
    }
}
