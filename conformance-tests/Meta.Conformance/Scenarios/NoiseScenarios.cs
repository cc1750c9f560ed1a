using Meta.Backends;
using Meta.Models;
using Meta.Random;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// White-noise terms (<c>xi</c>) in the model language, integrated by Euler–Maruyama and Milstein (docs/semantics.md,
/// "Noise terms"). The noise of cell g in step k is <c>√dt·Philox.Normal(seed, RandomStreams.NeuronNoise(g, n), k)</c> on
/// every backend, so these scenarios recompute the paths on the host from the same draws:
/// <list type="bullet">
/// <item><c>noise/same-draws-every-backend</c>: a noisy cell's path equals the host's Euler–Maruyama recursion on the
/// same draws (the draw convention: seed, global cell index, step).</item>
/// <item><c>noise/ornstein-uhlenbeck-moments</c>: the mean and variance over 2000 cells of an Ornstein–Uhlenbeck process
/// against the exact values, within 4 standard errors plus the scheme's own (computed) bias.</item>
/// <item><c>noise/milstein-geometric-brownian</c>: geometric Brownian motion by Milstein against its exact solution on the
/// same Brownian paths: strong error far below Euler–Maruyama's.</item>
/// </list>
/// </summary>
public static class NoiseScenarios
{
    private const double Dt = 0.1;
    private const ulong Seed = 9001;

    /// <summary>The requirements: a model compiler and normal draws.</summary>
    private static readonly string[] Requires = [Scenario.UserDefinedModels, Scenario.FeaturePrefix + BackendFeatures.NoiseTerms];

    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [SameDraws(), OrnsteinUhlenbeck(), Milstein()];

    /// <summary>dv/dt = (mu − v)/tau + sigma·√(2/tau)·xi: stationary mean mu, variance sigma².</summary>
    public static ModelDefinition OrnsteinUhlenbeckModel(IntegrationScheme scheme = IntegrationScheme.Automatic) =>
        new ModelBuilder("OrnsteinUhlenbeck")
            .Parameter("mu", -60.0, "mV").Parameter("sigma", 4.0, "mV").Parameter("tau", 10.0, "ms")
            .State("v", -70.0, "mV")
            .Ode("v", "(mu - v)/tau + sigma*sqrt(2/tau)*xi")
            .Integrate(scheme)
            .Build();

    /// <summary>dx = m·x·dt + s·x·dW (NumpyBrain's <c>noise=</c> form), by Milstein.</summary>
    public static ModelDefinition GeometricBrownianModel() =>
        new ModelBuilder("GeometricBrownian")
            .Parameter("m", 0.02, "1/ms").Parameter("s", 0.2, "1/sqrt(ms)")
            .State("x", 1.0, "")
            .Ode("x", "m*x", noise: "s*x")
            .Integrate(IntegrationScheme.Milstein)
            .Build();

    /// <summary>The standard normal draw of cell <paramref name="globalCell"/> in step <paramref name="step"/>.</summary>
    private static double Normal(int globalCell, long step, int noise = 0) =>
        Philox.Normal(Seed, RandomStreams.NeuronNoise(globalCell, noise), (ulong)step);

    /// <summary>Runs <paramref name="cells"/> cells of <paramref name="model"/> after <paramref name="before"/> others of it; returns the later cells' recorded state.</summary>
    private static double[][] Run(ScenarioContext ctx, ModelDefinition model, int before, int cells, string state, double duration)
    {
        using var sim = new Simulation(ctx.Backend, ctx.Options(Dt, seed: Seed));
        // Cells before the checked ones, so that the checked cells' global indices (their noise streams) do not start at 0.
        if (before > 0) sim.CreatePopulation(before, new CellType(model), "before");
        var checkedCells = sim.CreatePopulation(cells, new CellType(model), "checked");
        checkedCells.Record(state);
        sim.Run(duration);
        var signal = checkedCells.GetData().Segments[0].Signal(state);
        return Enumerable.Range(0, cells).Select(signal.Column).ToArray();
    }

    private static double RelativeTolerance(ScenarioContext ctx) => ctx.Precision == Precision.Float32 ? 2e-4 : 1e-10;

    /// <summary>Every sample of 6 noisy cells against the host's Euler–Maruyama recursion on the same draws.</summary>
    public static Scenario SameDraws() => new CheckScenario(
        "noise/same-draws-every-backend",
        "every sample of v within 1e-10 relative (float32: 2e-4) of v + (mu − v)/tau·dt + sigma·√(2/tau)·√dt·N(seed, g, k), the host's recursion on the same draws",
        Requires,
        ctx =>
        {
            const int before = 5, cells = 6;
            const double mu = -60, sigma = 4, tau = 10, duration = 20;
            var v = Run(ctx, OrnsteinUhlenbeckModel(), before, cells, "v", duration);
            double worst = 0;
            for (int c = 0; c < cells; c++)
            {
                double x = -70;
                for (int k = 0; k < v[c].Length; k++)
                {
                    worst = Math.Max(worst, Math.Abs(v[c][k] - x) / Math.Max(1, Math.Abs(x)));
                    x = x + (mu - x) / tau * Dt + sigma * Math.Sqrt(2 / tau) * Math.Sqrt(Dt) * Normal(before + c, k);
                }
            }
            double tolerance = RelativeTolerance(ctx);
            return ($"largest relative difference {worst:g3} over {cells} cells × {v[0].Length} samples",
                [(worst <= tolerance, $"the path departs from the host's recursion on the same draws by {worst:g3} (> {tolerance:g1})")]);
        });

    /// <summary>Mean and variance of 2000 Ornstein–Uhlenbeck cells against the exact values at 2, 10, 50 and 100 ms.</summary>
    public static Scenario OrnsteinUhlenbeck() => new CheckScenario(
        "noise/ornstein-uhlenbeck-moments",
        "at t = 2, 10, 50, 100 ms the mean and variance of v over 2000 cells within 4 standard errors of the exact OU values " +
        "mu + (v0 − mu)e^(−t/tau) and sigma²(1 − e^(−2t/tau)), plus Euler–Maruyama's own bias (computed from its recursion: ≤ 0.5 % here)",
        Requires,
        ctx =>
        {
            const int cells = 2000;
            const double mu = -60, sigma = 4, tau = 10, v0 = -70, duration = 100;
            var v = Run(ctx, OrnsteinUhlenbeckModel(), 0, cells, "v", duration);
            var checks = new List<(bool, string)>();
            var measured = new List<string>();
            double a = 1 - Dt / tau, s2 = 2 * sigma * sigma / tau;
            foreach (double t in new[] { 2.0, 10.0, 50.0, 100.0 })
            {
                int n = (int)Math.Round(t / Dt);
                var sample = v.Select(cell => cell[n]).ToArray();
                double mean = sample.Average();
                double variance = sample.Sum(x => (x - mean) * (x - mean)) / (cells - 1);
                double exactMean = mu + (v0 - mu) * Math.Exp(-t / tau);
                double exactVariance = sigma * sigma * (1 - Math.Exp(-2 * t / tau));
                // Euler–Maruyama's exact moments: m_n = mu + (v0 − mu)·aⁿ, var_n = s²·dt·(1 − a²ⁿ)/(1 − a²).
                double schemeMean = mu + (v0 - mu) * Math.Pow(a, n);
                double schemeVariance = s2 * Dt * (1 - Math.Pow(a, 2 * n)) / (1 - a * a);
                double meanTolerance = 4 * Math.Sqrt(schemeVariance / cells) + Math.Abs(schemeMean - exactMean);
                double varianceTolerance = 4 * schemeVariance * Math.Sqrt(2.0 / (cells - 1)) + Math.Abs(schemeVariance - exactVariance);
                measured.Add($"t={t}: mean {mean:F3} (exact {exactMean:F3}), var {variance:F3} (exact {exactVariance:F3})");
                checks.Add((Math.Abs(mean - exactMean) <= meanTolerance, $"t={t} ms: mean {mean:F4} mV is {Math.Abs(mean - exactMean):F4} from the exact {exactMean:F4} (> {meanTolerance:F4})"));
                checks.Add((Math.Abs(variance - exactVariance) <= varianceTolerance, $"t={t} ms: variance {variance:F4} mV² is {Math.Abs(variance - exactVariance):F4} from the exact {exactVariance:F4} (> {varianceTolerance:F4})"));
            }
            return (string.Join("; ", measured), checks.ToArray());
        });

    /// <summary>Geometric Brownian motion by Milstein against the exact solution on the same Brownian paths.</summary>
    public static Scenario Milstein() => new CheckScenario(
        "noise/milstein-geometric-brownian",
        "200 paths of dx = m·x·dt + s·x·dW to 20 ms: each sample within 1e-10 relative (float32: 2e-4) of the host's Milstein recursion " +
        "on the same draws, and the RMS error at 20 ms against the exact x0·exp((m − s²/2)t + s·W_t) below 0.02 and below ¼ of Euler–Maruyama's on the same paths",
        Requires,
        ctx =>
        {
            const int before = 3, cells = 200;
            const double m = 0.02, s = 0.2, duration = 20;
            var x = Run(ctx, GeometricBrownianModel(), before, cells, "x", duration);
            int steps = x[0].Length - 1;
            double worst = 0, milsteinError = 0, eulerError = 0;
            for (int c = 0; c < cells; c++)
            {
                double milstein = 1, euler = 1, w = 0;
                for (int k = 0; k <= steps; k++)
                {
                    worst = Math.Max(worst, Math.Abs(x[c][k] - milstein) / Math.Max(1, Math.Abs(milstein)));
                    if (k == steps) break;
                    double z = Normal(before + c, k), dW = Math.Sqrt(Dt) * z;
                    milstein = milstein + m * milstein * Dt + s * milstein * dW + 0.5 * s * milstein * s * (Dt * (z * z - 1));
                    euler = euler + m * euler * Dt + s * euler * dW;
                    w += dW;
                }
                double exact = Math.Exp((m - s * s / 2) * duration + s * w);
                milsteinError += (x[c][steps] - exact) * (x[c][steps] - exact);
                eulerError += (euler - exact) * (euler - exact);
            }
            milsteinError = Math.Sqrt(milsteinError / cells);
            eulerError = Math.Sqrt(eulerError / cells);
            double tolerance = RelativeTolerance(ctx);
            return ($"largest relative difference from the recursion {worst:g3}; RMS error at {duration} ms: Milstein {milsteinError:g3}, Euler–Maruyama {eulerError:g3}",
            [
                (worst <= tolerance, $"the path departs from the host's Milstein recursion on the same draws by {worst:g3} (> {tolerance:g1})"),
                (milsteinError < 0.02, $"the RMS strong error {milsteinError:g3} is not below 0.02"),
                (milsteinError < eulerError / 4, $"the RMS strong error {milsteinError:g3} is not below ¼ of Euler–Maruyama's {eulerError:g3}"),
            ]);
        });
}
