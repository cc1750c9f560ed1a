using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Meta.Tests.Cli;
using Xunit.Abstractions;

namespace Meta.Tests.PyNN;

/// <summary>
/// PyNN scripts on Meta through <c>pyNN.meta</c>: PyNN's own example VAbenchmarks.py unchanged, and PyNN's system-test
/// scenarios (docs/pynn.md lists every scenario's outcome; all of them are run here on the cpu backend).
/// </summary>
[Collection("python")]
public sealed partial class PyNNMetaTests(ITestOutputHelper output)
{
    /// <summary>How many scenarios PyNN 0.10.1's test/system registers (docs/pynn.md lists each one's outcome).</summary>
    public const int PyNNScenarioCount = 64;

    [PyNNFact]
    public void VAbenchmarks_COBA_runs_unchanged_on_cpu_with_plausible_rates()
    {
        using var folder = new TemporaryFolder();
        string script = Path.Combine(PythonSupport.PyNNFixtures!, "examples", "VAbenchmarks.py");
        var (code, text) = PythonSupport.Run([Path.Combine(PythonSupport.PythonFolder, "pynn_meta_hook.py"), script, "meta", "COBA"],
            TimeSpan.FromMinutes(10), folder.Path, new Dictionary<string, string> { ["META_BACKEND"] = "cpu" });
        string summary = text[Math.Max(0, text.IndexOf("--- Vogels-Abbott", StringComparison.Ordinal))..];
        output.WriteLine(summary);
        code.Should().Be(0, text[^Math.Min(text.Length, 3000)..]);
        double exc = Rate(summary, "Excitatory rate"), inh = Rate(summary, "Inhibitory rate");
        // Brette et al. (2007) report COBA rates of the order of 10-20 Hz; NEST and NEURON give 10-25 Hz for this script.
        exc.Should().BeInRange(5, 40);
        inh.Should().BeInRange(5, 40);
        summary.Should().Contain("Number of Neurons      : 4000");
        Directory.GetFiles(Path.Combine(folder.Path, "Results"), "VAbenchmarks_COBA_exc_meta*.pkl", SearchOption.AllDirectories).Should().ContainSingle("the script writes its data");
    }

    private static double Rate(string text, string label) =>
        double.Parse(Regex.Match(text, Regex.Escape(label) + @"\s*:\s*([0-9.eE+-]+) Hz").Groups[1].Value, CultureInfo.InvariantCulture);

    [PyNNFact]
    public void PyNNs_system_scenarios_pass_against_pyNN_meta()
    {
        using var folder = new TemporaryFolder();
        string json = Path.Combine(folder.Path, "results.json");
        var (code, text) = PythonSupport.Run(
            [Path.Combine(PythonSupport.PythonFolder, "pynn_scenarios.py"), Path.Combine(PythonSupport.PyNNFixtures!, "test", "system"),
             "--timeout", "300", "--json", json],
            TimeSpan.FromMinutes(15), folder.Path, new Dictionary<string, string> { ["META_BACKEND"] = "cpu" });
        code.Should().Be(0, text[^Math.Min(text.Length, 3000)..]);
        using var results = JsonDocument.Parse(File.ReadAllText(json));
        var outcomes = results.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("scenario").GetString()!, r => $"{r.GetProperty("outcome").GetString()} {r.GetProperty("reason").GetString()}");
        foreach (var (name, outcome) in outcomes) output.WriteLine($"{name}: {outcome}");
        outcomes.Should().HaveCount(PyNNScenarioCount, "every scenario PyNN 0.10.1 registers ran, none left out");
        outcomes.Where(o => !o.Value.StartsWith("pass", StringComparison.Ordinal)).Should().BeEmpty();
    }

    [PyNNFact]
    public void Meta_errors_surface_as_PyNNs_exception_types()
    {
        const string script = """
            import pynn_meta_hook, pyNN.meta as sim
            from pyNN import errors
            sim.setup(timestep=0.1)
            p = sim.Population(2, sim.IF_cond_exp())
            for call, expected in ((lambda: p.set(tau_x=1.0), errors.NonExistentParameterError),
                                   (lambda: p.set(tau_m=-5.0), errors.InvalidParameterValueError),
                                   (lambda: p.record("nonsense"), errors.RecordingError),
                                   (lambda: sim.setup(backend="nosuch"), errors.InvalidParameterValueError)):
                try:
                    call()
                    print("no error")
                except expected as e:
                    print(type(e).__name__, getattr(e, "meta_type", "-"), str(e).replace("\n", " "))
            """;
        var (code, text) = PythonSupport.Run(["-c", script], TimeSpan.FromMinutes(5), PythonSupport.PythonFolder);
        output.WriteLine(text);
        code.Should().Be(0, text);
        var lines = text.Split('\n').Where(l => l.Length > 0 && !l.Contains("Warning", StringComparison.Ordinal)).ToArray();
        // PyNN checks parameter names itself before Meta sees them; the value check below is Meta's.
        lines.Should().Contain(l => l.StartsWith("NonExistentParameterError", StringComparison.Ordinal) && l.Contains("tau_x", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("InvalidParameterValueError InvalidParameterValueException", StringComparison.Ordinal) && l.Contains("tau_m", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("RecordingError", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("InvalidParameterValueError BackendNotFoundException", StringComparison.Ordinal) && l.Contains("nosuch", StringComparison.Ordinal));
        lines.Should().NotContain("no error");
    }
}
