// Times the Vogels–Abbott networks on a Meta backend: network construction (connectivity included), backend load
// (model compilation) and simulation, separately. Usage:
//   dotnet run --project benchmarks/Meta.Benchmarks -c Release -- [--backend cpu] [--bench COBA|CUBA] [--n 4000]
//       [--tstop 1000] [--repeat 3] [--threads 0] [--precision float64|float32] [--device NAME]
// Prints one JSON line per repetition (the same fields as shared/peers/va_*.py) and a summary.
// With --bench cell --cell NAME it times N unconnected cells of one standard type under a DC step instead (the cost
// of a cell type's update per cell and step). With --bench stdp (Song & Abbott 2000, N inputs onto one cell) or
// --bench coba-stdp (COBA with plastic E→E) it times plastic synapses (StdpBenchmark.cs). With --bench sweep --n N
// [--dt 0.05] [--mode batch|one-by-one] [--measures device|host] it times a sweep of N single-cell Prinz (2004) variants
// (SweepBenchmark.cs).
// With --bench accuracy --refs DIR --dts 0.1,0.01 --out DIR it runs the single-cell reference scenarios at several time
// steps and writes their traces for benchmarks/accuracy/accuracy.py (AccuracyBenchmark.cs).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Meta;
using Meta.Examples;
using Meta.Plugins;

var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
{
    ["backend"] = "cpu", ["bench"] = "COBA", ["n"] = "4000", ["tstop"] = "1000", ["repeat"] = "3", ["threads"] = "0",
    ["precision"] = "float64", ["device"] = "", ["cell"] = "IF_cond_exp", ["amplitude"] = "1.0", ["mode"] = "batch", ["dt"] = "0.05",
    ["measures"] = "device", ["refs"] = "", ["dts"] = "0.1,0.01", ["out"] = "accuracy-out", ["sample"] = "0.01", ["filter"] = "", ["spike-precision"] = "on_grid",
};
for (int i = 0; i + 1 < args.Length; i += 2)
{
    string key = args[i].TrimStart('-');
    if (!options.ContainsKey(key)) { Console.Error.WriteLine($"unknown option {args[i]} (options: {string.Join(", ", options.Keys.Select(k => "--" + k))})"); return 2; }
    options[key] = args[i + 1];
}
string backendName = options["backend"];
if (options["bench"].Equals("cell", StringComparison.OrdinalIgnoreCase)) return CellBenchmark.Run(options);
if (options["bench"].Equals("sweep", StringComparison.OrdinalIgnoreCase)) return SweepBenchmark.Run(options);
if (options["bench"].Equals("accuracy", StringComparison.OrdinalIgnoreCase)) return AccuracyBenchmark.Run(options);
if (options["bench"].Equals("stdp", StringComparison.OrdinalIgnoreCase) || options["bench"].Equals("coba-stdp", StringComparison.OrdinalIgnoreCase))
    return StdpBenchmark.Run(options);
bool coba = options["bench"].Equals("COBA", StringComparison.OrdinalIgnoreCase);
int n = int.Parse(options["n"], CultureInfo.InvariantCulture);
double tstop = double.Parse(options["tstop"], CultureInfo.InvariantCulture);
int repeat = int.Parse(options["repeat"], CultureInfo.InvariantCulture);
int threads = int.Parse(options["threads"], CultureInfo.InvariantCulture);
var precision = options["precision"] == "float32" ? Meta.Backends.Precision.Float32 : Meta.Backends.Precision.Float64;
string? device = options["device"].Length > 0 ? options["device"] : null;

using var plugins = PluginHost.Load();
var backend = plugins.Get(backendName);
var results = new List<(double Build, double Load, double Sim, double Exc, double Inh)>();
for (int r = 0; r < repeat; r++)
{
    var clock = Stopwatch.StartNew();
    using var sim = new Simulation(backend, VogelsAbbott.Options(threads) with { Precision = precision, Device = device });
    var net = VogelsAbbott.Build(sim, coba, n);
    net.All.Record("spikes");
    double build = clock.Elapsed.TotalSeconds;
    sim.Load(); // resolves the network and compiles it in the backend
    double load = sim.LoadSeconds;
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    clock.Restart();
    sim.Run(tstop);
    double simulate = clock.Elapsed.TotalSeconds;
    // The process's CPU time over the run (every thread's, JIT and GC included): Brian2 standalone's sim_only_s is CPU
    // time too (std::clock), so on a loaded machine this is the figure to set beside it.
    double simulateCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    double exc = net.Exc.MeanSpikeCount() * 1000 / tstop, inh = net.Inh.MeanSpikeCount() * 1000 / tstop;
    results.Add((build, load, simulate, exc, inh));
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        peer = $"meta-{backendName}", precision = precision.ToString(), device = sim.Backend.Devices.FirstOrDefault(), bench = coba ? "COBA" : "CUBA", n, tstop_ms = tstop, repetition = r + 1,
        exc_hz = Math.Round(exc, 3), inh_hz = Math.Round(inh, 3), build_s = Math.Round(build, 4), load_s = Math.Round(load, 4),
        sim_s = Math.Round(simulate, 4), sim_cpu_s = Math.Round(simulateCpu, 4), synapses = sim.Projections.Sum(p => p.Size),
    }));
}
var later = results.Count > 1 ? results.Skip(1).ToList() : results;
Console.WriteLine(FormattableString.Invariant(
    $"summary: {backendName} {(coba ? "COBA" : "CUBA")} n={n}: simulation median {Median(later.Select(x => x.Sim)):0.000} s (later repetitions), first load {results[0].Load:0.000} s, later load {Median(later.Select(x => x.Load)):0.000} s, build {Median(results.Select(x => x.Build)):0.000} s, rates {results[^1].Exc:0.00}/{results[^1].Inh:0.00} Hz"));
return 0;

static double Median(IEnumerable<double> values)
{
    var v = values.Order().ToArray();
    return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
}
