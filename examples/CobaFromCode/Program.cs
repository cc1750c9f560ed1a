// The Vogels–Abbott COBA benchmark (PyNN's examples/VAbenchmarks.py, Brette et al. 2007) written against
// Meta's C# API. The backend is a plugin chosen at run time: `dotnet run --project examples/CobaFromCode -- cpu`.
using Meta;
using Meta.CurrentSources;
using Meta.Plugins;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

string backendName = args.Length > 0 ? args[0] : "cpu";
using var plugins = PluginHost.Load();
foreach (var problem in plugins.Problems) Console.Error.WriteLine($"plugin problem: {problem}");

const double tstop = 1000.0, delay = 0.2;
using var sim = new Simulation(plugins.Get(backendName), new SimulationOptions
{
    Timestep = 0.1, MinDelay = delay, MaxDelay = 1.0, Seed = 98765,
});

// Cells: area 20000 µm² with 1 µF/cm² gives cm = 0.2 nF; g_leak 5e-5 S/cm² gives tau_m = 20 ms.
CellType Cell() => new CellType("IF_cond_exp")
    .With("cm", 0.2).With("tau_m", 20.0).With("tau_refrac", 5.0)
    .With("v_rest", -60.0).With("v_thresh", -50.0).With("v_reset", -60.0)
    .With("tau_syn_E", 5.0).With("tau_syn_I", 10.0).With("e_rev_E", 0.0).With("e_rev_I", -80.0);

var exc = sim.CreatePopulation(3200, Cell(), "exc");
var inh = sim.CreatePopulation(800, Cell(), "inh");
var all = exc + inh;
all.Initialize("v", new RandomDistribution("uniform", -60.0, -50.0));

var connector = new FixedProbabilityConnector(0.02);
_ = new Projection(exc, all, connector, new StaticSynapse(Weight: 0.004, Delay: delay), "excitatory", "exc→all");
_ = new Projection(inh, all, connector, new StaticSynapse(Weight: 0.051, Delay: delay), "inhibitory", "inh→all");

// The external kick: 20 Poisson sources at 100 Hz for the first 50 ms.
var ext = sim.CreatePopulation(20, new CellType("SpikeSourcePoisson").With("rate", 100.0).With("duration", 50.0), "ext");
_ = new Projection(ext, all, new FixedProbabilityConnector(0.01), new StaticSynapse(Weight: 0.1, Delay: delay), "excitatory", "ext→all");

all.Record("spikes");
exc[0, 1].Record("v");

var clock = System.Diagnostics.Stopwatch.StartNew();
sim.Run(tstop);
double seconds = clock.Elapsed.TotalSeconds;

double Rate(Meta.Populations.CellCollection cells) => cells.MeanSpikeCount() * 1000.0 / tstop;
Console.WriteLine($"backend {backendName}: {sim.Populations.Sum(p => p.Size)} cells, {sim.Projections.Sum(p => p.Size)} synapses");
Console.WriteLine($"excitatory rate {Rate(exc):0.00} Hz, inhibitory rate {Rate(inh):0.00} Hz");
Console.WriteLine($"backend load {sim.LoadSeconds:0.000} s, run (incl. load) {seconds:0.000} s");
var v = exc.GetData(["v"]).Segments[0].Signal("v");
Console.WriteLine($"recorded v: {v.SampleCount} samples × {v.ChannelCount} cells");
