using Xunit.Abstractions;

namespace Meta.Tests.PyNN;

/// <summary>
/// PyNN 0.10.1's own example scripts (<c>examples/*.py</c> in ../shared/fixtures/pynn), unchanged, on <c>pyNN.meta</c>'s cpu
/// backend (VAbenchmarks.py, which takes arguments, is run by <see cref="PyNNMetaTests"/>), and the pieces they needed:
/// <c>NativeRNG</c>, array parameters read back, NEST's name for a quantal synapse's state.
/// </summary>
[Collection("python")]
public sealed class PyNNExampleScriptTests(ITestOutputHelper output)
{
    [PyNNFact]
    public void Every_example_script_of_PyNN_runs_unchanged_on_pyNN_meta()
    {
        var scripts = Directory.GetFiles(Path.Combine(PythonSupport.PyNNFixtures!, "examples"), "*.py")
            .Where(s => Path.GetFileName(s) != "VAbenchmarks.py").Order(StringComparer.Ordinal).ToArray();
        scripts.Should().HaveCountGreaterThanOrEqualTo(16, "PyNN 0.10.1 ships 17 example scripts at the top of examples/");
        var failures = new List<string>();
        foreach (var script in scripts)
        {
            using var folder = new TemporaryFolder();
            var (code, text) = PythonSupport.Run([Path.Combine(PythonSupport.PythonFolder, "pynn_meta_hook.py"), script, "meta"],
                TimeSpan.FromMinutes(5), folder.Path, new Dictionary<string, string> { ["META_BACKEND"] = "cpu" });
            output.WriteLine($"{Path.GetFileName(script)}: exit {code}");
            if (code != 0) failures.Add($"{Path.GetFileName(script)} exited {code}: {text[^Math.Min(text.Length, 1500)..]}");
        }
        failures.Should().BeEmpty();
    }

    [PyNNFact]
    public void NativeRNG_draws_from_Metas_generator_repeatably_and_array_parameters_read_back()
    {
        const string script = """
            import numpy as np
            import pynn_meta_hook, pyNN.meta as sim
            from pyNN.random import RandomDistribution
            from pyNN import errors
            sim.setup(timestep=0.1)
            a = sim.NativeRNG(seed=42).next(20000, "normal", {"mu": 0.5, "sigma": 0.01})
            b = sim.NativeRNG(seed=42).next(20000, "normal", {"mu": 0.5, "sigma": 0.01})
            c = sim.NativeRNG(seed=43).next(20000, "normal", {"mu": 0.5, "sigma": 0.01})
            print("same", np.array_equal(a, b), "differ", not np.array_equal(a, c))
            print("mean %.5f sd %.5f" % (a.mean(), a.std()))
            u = sim.NativeRNG(seed=1).next(20000, "uniform", {"low": 2.0, "high": 3.0})
            print("uniform %.4f %.4f %.3f" % (u.min(), u.max(), u.mean()))
            p1, p2 = sim.Population(10, sim.SpikeSourcePoisson(rate=100.0)), sim.Population(10, sim.IF_cond_exp())
            rng = sim.NativeRNG(seed=7)
            prj = sim.Projection(p1, p2, sim.FixedProbabilityConnector(0.7, rng=rng),
                                 sim.StaticSynapse(weight=RandomDistribution("normal", mu=0.5, sigma=0.01, rng=rng), delay=0.5))
            w = np.array(prj.get("weight", format="list"))[:, 2]
            print("connections %d weights %.3f %.3f" % (len(prj), w.min(), w.max()))
            try:
                sim.NativeRNG(seed=1).next(3, "nosuch", {})
                print("no error")
            except errors.InvalidParameterValueError as e:
                print("error", str(e).replace("\n", " "))
            g = sim.Population(2, sim.GIF_cond_exp(tau_eta=(2.0, 20.0, 200.0)))
            print("tau_eta", list(g.get("tau_eta").value))
            """;
        var (code, text) = PythonSupport.Run(["-c", script], TimeSpan.FromMinutes(5), PythonSupport.PythonFolder);
        output.WriteLine(text);
        code.Should().Be(0, text);
        text.Should().Contain("same True differ True");
        var mean = System.Text.RegularExpressions.Regex.Match(text, @"mean ([0-9.]+) sd ([0-9.]+)");
        double.Parse(mean.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately(0.5, 0.0005, "20 000 draws: sd of the mean 7e-5");
        double.Parse(mean.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately(0.01, 0.0005);
        var uniform = System.Text.RegularExpressions.Regex.Match(text, @"uniform ([0-9.]+) ([0-9.]+) ([0-9.]+)");
        double[] u = [.. Enumerable.Range(1, 3).Select(k => double.Parse(uniform.Groups[k].Value, System.Globalization.CultureInfo.InvariantCulture))];
        u[0].Should().BeInRange(2.0, 2.001, "the smallest of 20 000 draws from [2, 3)");
        u[1].Should().BeInRange(2.999, 3.0);
        u[2].Should().BeApproximately(2.5, 0.01);
        text.Should().MatchRegex(@"connections (4\d|5\d|6\d|7\d|8\d|9\d) weights 0\.4\d\d 0\.5\d\d", "p = 0.7 of 100 pairs, weights near 0.5");
        text.Should().Contain("error").And.Contain("nosuch").And.NotContain("no error");
        text.Should().Contain("tau_eta [2.0, 20.0, 200.0]");
    }
}
