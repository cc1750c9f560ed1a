// The Vogels–Abbott COBA benchmark (PyNN's examples/VAbenchmarks.py) written against Meta's C# API; the network
// itself is built in VogelsAbbott.cs. The backend is a plugin chosen at run time:
//   dotnet run --project examples/CobaFromCode -c Release -- [backend]
using Meta;
using Meta.Examples;
using Meta.Plugins;

string backendName = args.Length > 0 ? args[0] : "cpu";
using var plugins = PluginHost.Load();
foreach (var problem in plugins.Problems) Console.Error.WriteLine($"plugin problem: {problem}");

const double tstop = 1000.0;
using var sim = new Simulation(plugins.Get(backendName), VogelsAbbott.Options());
var net = VogelsAbbott.Build(sim, coba: true);
net.All.Record("spikes");
net.Exc[0, 1].Record("v");

var clock = System.Diagnostics.Stopwatch.StartNew();
sim.Run(tstop);
double seconds = clock.Elapsed.TotalSeconds;

double Rate(Meta.Populations.CellCollection cells) => cells.MeanSpikeCount() * 1000.0 / tstop;
Console.WriteLine($"backend {backendName}: {sim.Populations.Sum(p => p.Size)} cells, {sim.Projections.Sum(p => p.Size)} synapses");
Console.WriteLine($"excitatory rate {Rate(net.Exc):0.00} Hz, inhibitory rate {Rate(net.Inh):0.00} Hz");
Console.WriteLine($"backend load {sim.LoadSeconds:0.000} s, simulation {seconds - sim.LoadSeconds:0.000} s");
var v = net.Exc.GetData(["v"]).Segments[0].Signal("v");
Console.WriteLine($"recorded v of 2 excitatory cells: {v.SampleCount} samples × {v.ChannelCount} cells, first cell ends at {v[v.SampleCount - 1, 0]:0.00} mV");
