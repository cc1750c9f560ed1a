using Meta.Backends;
using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// The host-scheduled spike sources (PyNN's test_cell_types SpikeSourceGamma and SpikeSourcePoissonRefractory tests, the
/// inhomogeneous gamma source, and the same trains on every backend).
/// </summary>
/// <remarks>
/// The interval tests run at dt = 0.1 and account for the grid exactly: a spike at t is emitted at index round(t/dt), so
/// an interval X between spikes whose phase within a step is uniform becomes k steps with probability
/// <c>P(k' ≤ k) = (1/dt)·∫ F over [k·dt, (k+1)·dt]</c>, F being the continuous CDF. The Kolmogorov–Smirnov distance is
/// taken between the empirical CDF of the interval in steps and that discrete CDF (at the integers, where both jump);
/// for a discrete law the usual critical value is conservative. Each test asserts PyNN's bound D &lt; 0.1 and the 0.1 %
/// critical value <c>1.95/√n</c> for its n intervals, which is several times stricter here.
/// </remarks>
public static class SpikeSourceScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [GammaStatistics(), PoissonRefractoryStatistics(), InhomogeneousGamma(), IdenticalAcrossBackends()];

    private static (bool, string) Check(bool ok, string failure) => (ok, failure);

    private const double Dt = 0.1;

    /// <summary>The 0.1 % critical value of the one-sample KS statistic for n samples (asymptotic: √(ln(2/0.001)/2)/√n).</summary>
    public static double KsCritical(int n) => Math.Sqrt(Math.Log(2 / 0.001) / 2) / Math.Sqrt(n);

    /// <summary>∫₀ˣ F(u) du for the gamma CDF F of shape a and scale θ: x·P(a, x/θ) − aθ·P(a+1, x/θ).</summary>
    private static double IntegratedGammaCdf(double a, double theta, double x)
    {
        if (x <= 0) return 0;
        double P(double shape) => -double.ExpM1(IncompleteGamma.LogQ(shape, x / theta));
        return x * P(a) - a * theta * P(a + 1);
    }

    /// <summary>
    /// The KS distance between intervals in steps and the gamma law (shape a, scale θ ms) shifted by <paramref name="shift"/>
    /// ms, made discrete by the grid as the remarks state.
    /// </summary>
    public static double DiscreteGammaKs(IReadOnlyList<long> steps, double a, double theta, double shift, double dt)
    {
        if (steps.Count == 0) return 1;
        var sorted = steps.Order().ToArray();
        long max = sorted[^1];
        double d = 0;
        int at = 0;
        for (long k = 0; k <= max; k++)
        {
            while (at < sorted.Length && sorted[at] <= k) at++;
            double model = (IntegratedGammaCdf(a, theta, (k + 1) * dt - shift) - IntegratedGammaCdf(a, theta, k * dt - shift)) / dt;
            d = Math.Max(d, Math.Abs((double)at / sorted.Length - model));
        }
        return d;
    }

    /// <summary>Every cell's intervals in steps (the trains' times are multiples of dt).</summary>
    private static long[] IntervalSteps(IEnumerable<double[]> trains, double dt) =>
        trains.SelectMany(t => t.Zip(t.Skip(1), (x, y) => (long)Math.Round((y - x) / dt))).ToArray();

    private static double[][] Trains(Populations.Population p, int segment = 0) =>
        p.GetData().Segments[segment].SpikeTrains.Select(t => t.Times).ToArray();

    /// <summary>PyNN's SpikeSourceGamma test: β = 100, 200, 1000 Hz with α = 6, 4, 2 for 10 s.</summary>
    public static Scenario GammaStatistics() => new CheckScenario(
        "sources/gamma-statistics",
        "10 cells per (α, β) for 10 s at dt 0.1: intervals against gamma(α, scale 1000/β ms) made discrete by the grid: KS D < 0.1 " +
        "(PyNN's bound) and < 1.95/√n (0.1 % level); spike count within 5 standard deviations (count variance ≈ mean/α)",
        ["source:gamma"],
        ctx =>
        {
            double[] beta = [100, 200, 1000], alpha = [6, 4, 2];
            const int cells = 10;
            const double duration = 10_000;
            using var sim = new Simulation(ctx.Backend, ctx.Options(Dt, seed: 2718));
            var pops = beta.Select((b, j) => sim.CreatePopulation(cells, new CellType("SpikeSourceGamma").With("alpha", alpha[j]).With("beta", b))).ToArray();
            foreach (var p in pops) p.Record("spikes");
            sim.Run(duration);
            var measured = new List<string>();
            var checks = new List<(bool, string)>();
            for (int j = 0; j < pops.Length; j++)
            {
                var trains = Trains(pops[j]);
                var steps = IntervalSteps(trains, Dt);
                double d = DiscreteGammaKs(steps, alpha[j], 1000 / beta[j], 0, Dt), critical = KsCritical(steps.Length);
                double count = trains.Sum(t => t.Length), expected = beta[j] / alpha[j] * duration / 1000 * cells;
                double sd = Math.Sqrt(expected / alpha[j]);
                measured.Add($"β {beta[j]} α {alpha[j]}: {count} spikes (expected {expected:0} ± {sd:0}), D = {d:0.0000} (n {steps.Length}, critical {critical:0.0000})");
                checks.Add(Check(d < 0.1 && d < critical, $"β = {beta[j]}, α = {alpha[j]}: the intervals are not gamma distributed (D = {d:0.0000})"));
                checks.Add(Check(Math.Abs(count - expected) <= 5 * sd, $"β = {beta[j]}, α = {alpha[j]}: {count} spikes, expected {expected:0}"));
            }
            return (string.Join("; ", measured), checks.ToArray());
        });

    /// <summary>PyNN's SpikeSourcePoissonRefractory test: rate 100, 100, 50 Hz with tau_refrac 0, 5, 5 ms.</summary>
    public static Scenario PoissonRefractoryStatistics() => new CheckScenario(
        "sources/poisson-refractory-statistics",
        "10 cells per (rate, tau_refrac) for 10 s at dt 0.1: interval − tau_refrac against an exponential of mean 1000/rate − tau_refrac, " +
        "made discrete by the grid: KS D < 0.1 (PyNN's bound) and < 1.95/√n; no interval shorter than tau_refrac; count within 5 standard deviations",
        ["source:poisson_refractory"],
        ctx =>
        {
            double[] rate = [100, 100, 50], tau = [0, 5, 5];
            const int cells = 10;
            const double duration = 10_000;
            using var sim = new Simulation(ctx.Backend, ctx.Options(Dt, seed: 1618));
            var pops = rate.Select((r, j) => sim.CreatePopulation(cells, new CellType("SpikeSourcePoissonRefractory").With("rate", r).With("tau_refrac", tau[j]))).ToArray();
            foreach (var p in pops) p.Record("spikes");
            sim.Run(duration);
            var measured = new List<string>();
            var checks = new List<(bool, string)>();
            for (int j = 0; j < pops.Length; j++)
            {
                var trains = Trains(pops[j]);
                var steps = IntervalSteps(trains, Dt);
                double mean = 1000 / rate[j] - tau[j];
                double d = DiscreteGammaKs(steps, 1, mean, tau[j], Dt), critical = KsCritical(steps.Length);
                double shortest = steps.Min() * Dt;
                double count = trains.Sum(t => t.Length), expected = rate[j] * duration / 1000 * cells;
                // The count variance of a renewal process is about mean · CV², CV = (1000/rate − tau)/(1000/rate).
                double sd = Math.Sqrt(expected) * mean / (1000 / rate[j]);
                measured.Add($"rate {rate[j]} tau {tau[j]}: {count} spikes (expected {expected:0} ± {sd:0}), shortest interval {shortest:0.0} ms, D = {d:0.0000} (critical {critical:0.0000})");
                checks.Add(Check(d < 0.1 && d < critical, $"rate {rate[j]}, tau_refrac {tau[j]}: interval − tau_refrac is not exponential (D = {d:0.0000})"));
                checks.Add(Check(shortest >= tau[j] - Dt + 1e-9, $"rate {rate[j]}, tau_refrac {tau[j]}: an interval of {shortest} ms is shorter than the dead time"));
                checks.Add(Check(Math.Abs(count - expected) <= 5 * sd, $"rate {rate[j]}, tau_refrac {tau[j]}: {count} spikes, expected {expected:0}"));
            }
            return (string.Join("; ", measured), checks.ToArray());
        });

    /// <summary>SpikeSourceInhGamma: three bins of different rate and shape.</summary>
    public static Scenario InhomogeneousGamma() => new CheckScenario(
        "sources/inh-gamma-bins",
        "20 cells, bins at 0, 1000, 2000 ms with a = 1, 4, 2 and b = 0.02, 0.001, 0.004 s (50, 250, 125 Hz): the count in each bin " +
        "(after its first 100 ms, where the age carried over still matters) within 5 standard deviations of 1/(a·b) (count variance ≈ mean/a); " +
        "the intervals inside bins 2 and 3 against gamma(a, scale 1000·b ms) made discrete by the grid: KS D < 1.95/√n",
        ["source:inh_gamma"],
        ctx =>
        {
            double[] a = [1, 4, 2], b = [0.02, 0.001, 0.004], bins = [0, 1000, 2000];
            const int cells = 20;
            using var sim = new Simulation(ctx.Backend, ctx.Options(Dt, seed: 1414));
            var pop = sim.CreatePopulation(cells, new CellType("SpikeSourceInhGamma")
                .WithSequence("a", a).WithSequence("b", b).WithSequence("tbins", bins));
            pop.Record("spikes");
            sim.Run(3000);
            var trains = Trains(pop);
            var measured = new List<string>();
            var checks = new List<(bool, string)>();
            for (int j = 0; j < 3; j++)
            {
                double from = bins[j] + 100, to = bins[j] + 1000, rate = 1 / (a[j] * b[j]);
                var inBin = trains.Select(t => t.Where(x => x >= from && x < to).ToArray()).ToArray();
                double count = inBin.Sum(t => t.Length), expected = rate * (to - from) / 1000 * cells, sd = Math.Sqrt(expected / a[j]);
                string line = $"bin {j + 1}: {count} spikes (expected {expected:0} ± {sd:0})";
                checks.Add(Check(Math.Abs(count - expected) <= 5 * sd, $"bin {j + 1}: {count} spikes, expected {expected:0} at {rate} Hz"));
                if (j > 0)
                {
                    var steps = IntervalSteps(inBin, Dt);
                    double d = DiscreteGammaKs(steps, a[j], 1000 * b[j], 0, Dt), critical = KsCritical(steps.Length);
                    line += $", D = {d:0.0000} (n {steps.Length}, critical {critical:0.0000})";
                    checks.Add(Check(d < critical, $"bin {j + 1}: the intervals are not gamma(a = {a[j]}, b = {b[j]} s) (D = {d:0.0000})"));
                }
                measured.Add(line);
            }
            return (string.Join("; ", measured), checks.ToArray());
        });

    /// <summary>
    /// The same seed gives the same trains of every host-scheduled source on every backend, through parameter changes
    /// between runs, a reset and several spikes of one cell in one step, and they drive target cells identically.
    /// </summary>
    public static Scenario IdenticalAcrossBackends() => new CheckScenario(
        "sources/host-scheduled-identical-across-backends",
        "source trains identical to the reference backend's (exactly) in every segment; driven IF_curr_exp cells: float64 the same spikes and " +
        "v within 1e-9 mV, float32 per-cell spike counts within 1 and v within 0.05 mV RMS",
        ["IF_curr_exp", "source:gamma", "source:poisson_refractory", "source:inh_gamma", "source:array"],
        ctx =>
        {
            (double[][][] Sources, double[][] Targets, double[][] V) Run(IBackend backend, Precision precision)
            {
                using var sim = new Simulation(backend, (ctx with { Precision = precision }).Options(Dt, seed: 8080));
                var gamma = sim.CreatePopulation(5, new CellType("SpikeSourceGamma").With("alpha", 3.0).With("beta", 600.0).With("start", 20.0).With("duration", 300.0));
                var refractory = sim.CreatePopulation(5, new CellType("SpikeSourcePoissonRefractory").With("rate", 80.0).With("tau_refrac", 4.0));
                var inh = sim.CreatePopulation(5, new CellType("SpikeSourceInhGamma").WithSequence("a", new[] { 2.0, 1.0 })
                    .WithSequence("b", new[] { 0.01, 0.004 }).WithSequence("tbins", new[] { 0.0, 120.0 }));
                var array = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times",
                    SequenceValue.PerCell([[1.0, 1.0, 1.04, 50.0], [3.3, 77.0]])));
                var targets = sim.CreatePopulation(4, new CellType("IF_curr_exp"));
                _ = new Projection(gamma, targets, new AllToAllConnector(), new StaticSynapse(0.4, 1.0), "excitatory");
                _ = new Projection(refractory, targets, new AllToAllConnector(), new StaticSynapse(0.5, 0.5), "excitatory");
                _ = new Projection(inh, targets, new AllToAllConnector(), new StaticSynapse(0.3, 2.0), "excitatory");
                _ = new Projection(array, targets, new AllToAllConnector(), new StaticSynapse(-1.0, 1.0), "inhibitory");
                Populations.Population[] sources = [gamma, refractory, inh, array];
                foreach (var s in sources) s.Record("spikes");
                targets.Record(["spikes", "v"]);
                sim.Run(150);
                gamma.Set("beta", 1200.0);
                refractory.Set("rate", 150.0);
                inh.SetSequence("a", SequenceValue.Shared(1.0, 3.0));
                array.SetSequence("spike_times", SequenceValue.PerCell([[160.0, 170.0, 170.0], [120.0, 200.0]]));
                sim.Run(250);
                sim.Reset();
                sim.Run(100);
                var segments = targets.GetData().Segments;
                return (
                    sources.SelectMany(s => s.GetData().Segments.Select(seg => seg.SpikeTrains.Select(t => t.Times).ToArray())).ToArray(),
                    segments.SelectMany(seg => seg.SpikeTrains.Select(t => t.Times)).ToArray(),
                    segments.Select(seg => seg.Signal("v").Data).ToArray());
            }
            var mine = Run(ctx.Backend, ctx.Precision);
            var theirs = Run(ctx.Reference!, Precision.Float64);
            int sourceTrains = mine.Sources.Sum(s => s.Length);
            int differing = mine.Sources.Zip(theirs.Sources).Sum(p => p.First.Length != p.Second.Length
                ? p.First.Length : p.First.Zip(p.Second).Count(q => !q.First.SequenceEqual(q.Second)));
            int sourceSpikes = mine.Sources.Sum(s => s.Sum(t => t.Length));
            int targetSpikes = mine.Targets.Sum(t => t.Length);
            bool sameTargets = mine.Targets.Zip(theirs.Targets).All(p => p.First.SequenceEqual(p.Second));
            int worstCount = mine.Targets.Zip(theirs.Targets).Max(p => Math.Abs(p.First.Length - p.Second.Length));
            double vMax = mine.V.Zip(theirs.V).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));
            double vRms = mine.V.Zip(theirs.V).Max(p => Metrics.Rms(p.First, p.Second));
            string measured = $"{sourceSpikes} source spikes in {sourceTrains} trains, {differing} differ from {ctx.Reference!.Descriptor.Name}; " +
                              $"{targetSpikes} target spikes (vs {theirs.Targets.Sum(t => t.Length)}), v max difference {vMax:G3} mV, RMS {vRms:G3} mV";
            var checks = new List<(bool, string)>
            {
                Check(differing == 0, "source trains differ from the reference backend's"),
                Check(sourceSpikes > 500 && targetSpikes > 0, "too few spikes to compare"),
            };
            if (ctx.Precision == Precision.Float64)
            {
                checks.Add(Check(sameTargets, "the target cells' spikes differ"));
                checks.Add(Check(vMax <= 1e-9, "the target cells' v differs"));
            }
            else
            {
                checks.Add(Check(worstCount <= 1, "a target cell's spike count is off by more than 1"));
                checks.Add(Check(vRms <= 0.05, "the target cells' v differs by more than 0.05 mV RMS"));
            }
            return (measured, checks.ToArray());
        },
        needsReference: true);
}
