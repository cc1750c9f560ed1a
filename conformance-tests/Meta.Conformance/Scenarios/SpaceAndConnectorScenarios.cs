using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Spatial;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Space, structures and the spatial and explicit connectors, checked on the backend: connectivity is generated on the host,
/// so what these scenarios test is that the backend receives it intact and delivers each connection at the step its
/// (distance-dependent) delay says, with the multiplicity and receptor the projection says.
/// </summary>
public static class SpaceAndConnectorScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [DistanceDelays(), GridPeriodicEqualsFromList(), MultiplicityArrayClone(), DeliveryMatchesConnections()];

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    /// <summary>The first sample index at which a cell's signal is non-zero, or −1.</summary>
    private static int FirstNonZero(Recording.AnalogSignal s, int channel)
    {
        for (int k = 0; k < s.SampleCount; k++)
            if (s[k, channel] != 0) return k;
        return -1;
    }

    /// <summary>
    /// One spike source at x = 0 spikes at 1 ms (index 10) into 20 cells on the default Line (d = j) with delay
    /// <c>"0.2+0.3*d"</c> (2 + 3j steps), and into an 8 × 8 Grid2D through a DistanceDependentProbabilityConnector
    /// <c>"exp(-d/3)"</c> with delay <c>"0.5+0.2*d"</c> in Space(axes="xy"). A spike of index s with delay d steps arrives at
    /// step s + d and shows in gsyn from sample s + d + 1 (docs/semantics.md).
    /// </summary>
    public static Scenario DistanceDelays() => new CheckScenario(
        "space/distance-dependent-delays",
        "exact: every Line cell j's gsyn_exc is first non-zero at sample 10 + (2 + 3j) + 1; the grid cells that respond are exactly the " +
        "DDPC projection's targets, each first at sample 10 + round(delay/dt) + 1",
        ["IF_cond_exp", "source:array"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1, 0.1, 10.0, seed: 606));
            var source = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 1.0 }));
            var line = sim.CreatePopulation(20, new CellType("IF_cond_exp"), "line");
            var grid = sim.CreatePopulation(64, new CellType("IF_cond_exp"), new Grid2D(1, 1, 1, -3.5, -3.5, z: 5), "grid");
            _ = new Projection(source, line, new AllToAllConnector(), new StaticSynapse(0.001, "0.2+0.3*d"), "excitatory");
            var ddpc = new Projection(source, grid, new DistanceDependentProbabilityConnector("exp(-d/3)"), new StaticSynapse(0.001, "0.5+0.2*d"),
                "excitatory", space: new Space("xy"));
            line.Record("gsyn_exc");
            grid.Record("gsyn_exc");
            sim.Run(10);
            var lineG = line.GetData().Segments[0].Signal("gsyn_exc");
            var gridG = grid.GetData().Segments[0].Signal("gsyn_exc");
            var lineFirst = Enumerable.Range(0, 20).Select(j => FirstNonZero(lineG, j)).ToArray();
            int lineWrong = Enumerable.Range(0, 20).Count(j => lineFirst[j] != 10 + 2 + 3 * j + 1);
            var expected = new Dictionary<int, int>();
            for (int k = 0; k < ddpc.Size; k++) expected[ddpc.PostIndices[k]] = 10 + (int)Math.Round(ddpc.Delays[k] / 0.1) + 1;
            var gridFirst = Enumerable.Range(0, 64).Select(j => FirstNonZero(gridG, j)).ToArray();
            var responding = Enumerable.Range(0, 64).Where(j => gridFirst[j] >= 0).ToHashSet();
            int gridWrong = expected.Count(e => gridFirst[e.Key] != e.Value);
            return ($"line first samples {string.Join(",", lineFirst.Take(5))}...; grid: {responding.Count} cells respond, the projection has {ddpc.Size} connections",
            [
                Check(lineWrong == 0, $"{lineWrong} line cells respond at the wrong step (first samples: {string.Join(",", lineFirst)})"),
                Check(ddpc.Size is > 5 and < 64, $"the DDPC made {ddpc.Size} connections, too few or too many to test"),
                Check(responding.SetEquals(expected.Keys) && responding.Count == ddpc.Size, "the responding grid cells differ from the projection's targets"),
                Check(gridWrong == 0, $"{gridWrong} grid cells respond at the wrong step"),
            ]);
        });

    /// <summary>
    /// A 10 × 10 Grid2D (random fill order, from the population's structure stream) of IF_cond_exp cells with recurrent
    /// excitation through a DistanceDependentProbabilityConnector with periodic boundaries and distance-dependent delays,
    /// driven by spike arrays, must give exactly the same spikes as the same network with the recurrent connections passed
    /// in explicitly as a FromListConnector (i, j, weight, delay) read back from the first projection.
    /// </summary>
    public static Scenario GridPeriodicEqualsFromList() => new CheckScenario(
        "space/grid-periodic-ddpc-equals-from-list",
        "exact: identical spike trains (the backend receives the same explicit arrays both ways, so any difference is a bug)",
        ["IF_cond_exp", "source:array"],
        ctx =>
        {
            (double[][] Spikes, int Connections) Run(Connector recurrent, out Projection made)
            {
                var sim = new Simulation(ctx.Backend, ctx.Options(0.1, 0.1, 10.0, seed: 2718));
                try
                {
                    var input = sim.CreatePopulation(10, new CellType("SpikeSourceArray").WithSequence("spike_times",
                        SequenceValue.Function(i => Enumerable.Range(0, 8).Select(k => 3.0 + 11.3 * k + 0.7 * i).ToArray())));
                    var cell = new CellType("IF_cond_exp").With("tau_refrac", 2.0);
                    var grid = sim.CreatePopulation(100, cell, new Grid2D(1, 10, 10, -45, -45, fillOrder: FillOrder.Random), "grid");
                    _ = new Projection(input, grid, new FixedProbabilityConnector(0.3), new StaticSynapse(0.03, 0.5), "excitatory");
                    made = new Projection(grid, grid, recurrent, new StaticSynapse(0.004, "0.5+d/50"), "excitatory",
                        space: new Space("xy", periodicBoundaries: [(-50, 50), (-50, 50), null]));
                    grid.Record("spikes");
                    sim.Run(100);
                    return (grid.GetData().Segments[0].SpikeTrains.Select(t => t.Times).ToArray(), made.Size);
                }
                finally { sim.Dispose(); }
            }
            var (spatial, n) = Run(new DistanceDependentProbabilityConnector("0.6*exp(-d/15)", allowSelfConnections: false), out var ddpc);
            var rows = ddpc.GetList("weight", "delay").Select(r => new double[] { r.Pre, r.Post, r.Values[0], r.Values[1] }).ToArray();
            var (explicitList, m) = Run(new FromListConnector(rows), out _);
            int total = spatial.Sum(t => t.Length);
            int differ = spatial.Zip(explicitList).Count(p => !p.First.SequenceEqual(p.Second));
            bool wraps = Enumerable.Range(0, ddpc.Size).Any(k =>
            {
                // A connection across the boundary: farther than 50 µm apart along x without periodicity.
                var pos = ddpc.Pre.Positions;
                return Math.Abs(pos[0, ddpc.PreIndices[k]] - pos[0, ddpc.PostIndices[k]]) > 50;
            });
            return ($"{n} DDPC connections, {total} spikes, {differ} cells differ from the FromList run",
            [
                Check(n == m && n > 200, $"connection counts {n} and {m}"),
                Check(wraps, "no connection crosses the periodic boundary"),
                Check(total > 50, "the network is too quiet to test"),
                Check(differ == 0, $"{differ} cells spike differently with the explicit connection list"),
            ]);
        });

    /// <summary>
    /// A FixedTotalNumberConnector (60 connections, with replacement) from one source onto 20 cells gives each cell
    /// m_j synapses; a CloneConnector of it onto the inhibitory receptor gives the same multiplicities. The peak gsyn of
    /// every cell must be m_j times that of a probe cell with one synapse. An ArrayConnector from 4 sources spiking at
    /// 5, 15, 25, 35 ms onto 8 cells must make each cell's gsyn_exc rise exactly at the samples of its true entries.
    /// </summary>
    public static Scenario MultiplicityArrayClone() => new CheckScenario(
        "connectors/fixed-total-clone-array",
        "peak gsyn within 1e-9 (float64) or 1e-5 (float32) relative of m_j × the single-synapse peak; ArrayConnector rises exactly at " +
        "sample round(t_i/dt) + 10 + 1 for each true entry (i, j) and nowhere else",
        ["IF_cond_exp", "source:array"],
        ctx =>
        {
            double rtol = ctx.Precision == Backends.Precision.Float64 ? 1e-9 : 1e-5;
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1, 0.1, 10.0, seed: 31));
            var one = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 2.0 }));
            var targets = sim.CreatePopulation(20, new CellType("IF_cond_exp"), "targets");
            var probe = sim.CreatePopulation(1, new CellType("IF_cond_exp"), "probe");
            var total = new Projection(one, targets, new FixedTotalNumberConnector(60), new StaticSynapse(0.002, 0.5), "excitatory");
            _ = new Projection(one, targets, new CloneConnector(total), new StaticSynapse(0.003, 0.5), "inhibitory");
            _ = new Projection(one, probe, new AllToAllConnector(), new StaticSynapse(0.002, 0.5), "excitatory");
            _ = new Projection(one, probe, new AllToAllConnector(), new StaticSynapse(0.003, 0.5), "inhibitory");

            var four = sim.CreatePopulation(4, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.Function(i => [5.0 + 10 * i])));
            var arrayTargets = sim.CreatePopulation(8, new CellType("IF_cond_exp"), "array");
            var mask = new bool[4, 8];
            for (int i = 0; i < 4; i++) for (int j = 0; j < 8; j++) mask[i, j] = (i + 2 * j) % 3 == 0 || i == j;
            _ = new Projection(four, arrayTargets, new ArrayConnector(mask), new StaticSynapse(0.002, 1.0), "excitatory");

            foreach (var p in new[] { targets, probe, arrayTargets }) p.Record(["gsyn_exc", "gsyn_inh"]);
            sim.Run(40);
            double Peak(Populations.Population p, string v, int j)
            {
                var s = p.GetData().Segments[0].Signal(v);
                return Enumerable.Range(0, s.SampleCount).Max(k => s[k, j]);
            }
            var m = new int[20];
            foreach (var post in total.PostIndices) m[post]++;
            double probeExc = Peak(probe, "gsyn_exc", 0), probeInh = Peak(probe, "gsyn_inh", 0);
            int wrongExc = 0, wrongInh = 0;
            for (int j = 0; j < 20; j++)
            {
                if (Math.Abs(Peak(targets, "gsyn_exc", j) - m[j] * probeExc) > rtol * m[j] * probeExc + 1e-15) wrongExc++;
                if (Math.Abs(Peak(targets, "gsyn_inh", j) - m[j] * probeInh) > rtol * m[j] * probeInh + 1e-15) wrongInh++;
            }
            var g = arrayTargets.GetData().Segments[0].Signal("gsyn_exc");
            int arrayWrong = 0;
            for (int j = 0; j < 8; j++)
            {
                var rises = Enumerable.Range(1, g.SampleCount - 1).Where(k => g[k, j] > g[k - 1, j]).ToArray();
                var expected = Enumerable.Range(0, 4).Where(i => mask[i, j]).Select(i => (int)Math.Round((5.0 + 10 * i) / 0.1) + 10 + 1).ToArray();
                if (!rises.SequenceEqual(expected)) arrayWrong++;
            }
            return ($"multiplicities {string.Join(",", m)}; probe peaks {probeExc:G6}/{probeInh:G6} µS; {arrayWrong} array cells wrong",
            [
                Check(total.Size == 60 && m.Max() > 1, "FixedTotalNumberConnector did not make 60 connections with some repeated pairs"),
                Check(probeExc > 0 && probeInh > 0, "the probe cell did not respond"),
                Check(wrongExc == 0, $"{wrongExc} cells' excitatory peaks are not m_j × the single-synapse peak"),
                Check(wrongInh == 0, $"{wrongInh} cells' inhibitory (cloned) peaks are not m_j × the single-synapse peak"),
                Check(arrayWrong == 0, $"{arrayWrong} ArrayConnector targets respond at the wrong samples"),
            ]);
        });

    /// <summary>
    /// IndexBasedProbabilityConnector, DisplacementDependentProbabilityConnector, FromFileConnector and SmallWorldConnector
    /// each connect 8 sources (source i spikes once, at 2 + 4·i ms) to 8 cells; every cell's gsyn_exc must rise exactly
    /// at the samples its incoming connections say (spike index + delay steps + 1) and nowhere else, so the backend
    /// delivers exactly the connectivity the connector generated.
    /// </summary>
    public static Scenario DeliveryMatchesConnections() => new CheckScenario(
        "connectors/delivery-matches-connections",
        "exact samples: for each connector, every target's gsyn_exc rises at round(t_i/dt) + delay steps + 1 for each incoming (i, j) and nowhere else",
        ["IF_cond_exp", "source:array"],
        ctx =>
        {
            const double dt = 0.1, delay = 1.0;
            const int n = 8;
            using var sim = new Simulation(ctx.Backend, ctx.Options(dt, 0.1, 10.0, seed: 77));
            string file = Path.Combine(Path.GetTempPath(), $"meta-fromfile-{Guid.NewGuid():N}.txt");
            File.WriteAllLines(file, ["# columns = [\"i\", \"j\", \"weight\", \"delay\"]", "0 1 0.002 1.0", "3 3 0.002 1.0", "3 5 0.002 1.0", "7 0 0.002 1.0", "6 6 0.002 1.0"]);
            try
            {
                var connectors = new (string Name, Connector Connector)[]
                {
                    ("IndexBased", new IndexBasedProbabilityConnector(IndexBasedExpression.Parse("1 if (i + 2*j) - 3*floor((i + 2*j)/3) == 0 else 0"))),
                    ("DisplacementDependent", new DisplacementDependentProbabilityConnector("1 if abs(dx) <= 1.5 else 0")),
                    ("FromFile", new FromFileConnector(file)),
                    ("SmallWorld", new SmallWorldConnector(degree: 2.0, rewiring: 0.3) { Rng = new Random.RandomStream(5) }),
                };
                var results = new List<(string Name, Projection Projection, Populations.Population Targets)>();
                foreach (var (name, connector) in connectors)
                {
                    var sources = sim.CreatePopulation(n, new CellType("SpikeSourceArray").WithSequence("spike_times", SequenceValue.Function(i => [2.0 + 4 * i])), $"{name}_sources");
                    var targets = sim.CreatePopulation(n, new CellType("IF_cond_exp"), $"{name}_targets");
                    var projection = new Projection(sources, targets, connector, new StaticSynapse(0.002, delay), "excitatory", name);
                    targets.Record("gsyn_exc");
                    results.Add((name, projection, targets));
                }
                sim.Run(40);
                var wrong = new List<string>();
                foreach (var (name, projection, targets) in results)
                {
                    var g = targets.GetData().Segments[0].Signal("gsyn_exc");
                    for (int j = 0; j < n; j++)
                    {
                        var rises = Enumerable.Range(1, g.SampleCount - 1).Where(k => g[k, j] > g[k - 1, j]).ToArray();
                        var expected = projection.PreIndices.Zip(projection.PostIndices).Where(c => c.Second == j)
                            .Select(c => (int)Math.Round((2.0 + 4 * c.First) / dt) + (int)Math.Round(delay / dt) + 1).Distinct().Order().ToArray();
                        if (!rises.SequenceEqual(expected)) wrong.Add($"{name} cell {j}");
                    }
                }
                string sizes = string.Join(", ", results.Select(r => $"{r.Name} {r.Projection.Size}"));
                return ($"connections: {sizes}; {wrong.Count} cells respond differently from their connections",
                [
                    Check(results.All(r => r.Projection.Size > 0), "a connector made no connections"),
                    Check(results.Single(r => r.Name == "FromFile").Projection.Size == 5, "FromFileConnector did not read the 5 rows"),
                    Check(wrong.Count == 0, $"responses differ from the connections at {string.Join(", ", wrong.Take(5))}"),
                ]);
            }
            finally
            {
                File.Delete(file);
            }
        });
}
