using Meta.Backends.Cpu;
using Meta.Sweeps;

namespace Meta.Tests.Sweeps;

public sealed class ThermalisationTests : IDisposable
{
    private static readonly SimulationOptions Options = new() { Timestep = 0.1, Threads = 1, Seed = 99 };
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "meta-thermalise-" + Guid.NewGuid().ToString("N"));

    private SweepResult Run(IReadOnlyList<ParameterSet> sets, bool useCache = true) =>
        new Sweep(new CpuBackend(), SweepNetwork.Build, Options).Thermalise(100, _cache, useCache)
            .Run(sets, 100, new SweepOptions { RecordVariants = Enumerable.Range(0, sets.Count).ToArray() });

    private static double[] V(VariantResult v) => v.Recording!.Signals.Single(s => s.Variable == "v").Values;

    [Fact]
    public void A_cache_hit_gives_the_trajectory_of_a_rerun()
    {
        var first = Run(SweepNetwork.Sets);
        var hit = Run(SweepNetwork.Sets);
        var rerun = Run(SweepNetwork.Sets, useCache: false);

        first.CacheHits.Should().Be(0);
        hit.CacheHits.Should().Be(SweepNetwork.Sets.Length);
        rerun.CacheHits.Should().Be(0);
        Directory.GetFiles(_cache, "*.state").Should().HaveCount(SweepNetwork.Sets.Length);
        for (int v = 0; v < SweepNetwork.Sets.Length; v++)
        {
            V(hit.Variants[v]).Should().Equal(V(first.Variants[v]));
            V(rerun.Variants[v]).Should().Equal(V(first.Variants[v]));
            hit.Variants[v].Populations.Select(p => p.SpikeCount).Should().Equal(first.Variants[v].Populations.Select(p => p.SpikeCount));
        }
        // The measured run starts from the thermalised state, not from the initial values.
        V(first.Variants[1])[0].Should().NotBe(-65.0);
    }

    [Fact]
    public void A_changed_parameter_misses_and_the_others_hit()
    {
        Run(SweepNetwork.Sets);
        var changed = SweepNetwork.Sets.ToArray();
        changed[1] = changed[1] with { Values = new Dictionary<string, double>(changed[1].Values) { ["E.tau_m"] = 21 } };
        var result = Run(changed);
        result.Variants.Select(v => v.ThermalisedFromCache).Should().Equal(true, false, true);
    }

    [Fact]
    public void The_key_depends_on_duration_backend_and_precision()
    {
        using var sim = new Simulation(new CpuBackend(), Options);
        SweepNetwork.Build(sim);
        var spec = sim.Resolve();
        string key = ThermalisationCache.KeyOf(spec, 1000, "cpu", null);
        ThermalisationCache.KeyOf(spec, 1000, "cpu", null).Should().Be(key);
        ThermalisationCache.KeyOf(spec, 1001, "cpu", null).Should().NotBe(key);
        ThermalisationCache.KeyOf(spec, 1000, "torch", null).Should().NotBe(key);
        ThermalisationCache.KeyOf(spec, 1000, "cpu", Backends.Precision.Float32).Should().NotBe(key);
    }

    public void Dispose()
    {
        if (Directory.Exists(_cache)) Directory.Delete(_cache, recursive: true);
    }
}
