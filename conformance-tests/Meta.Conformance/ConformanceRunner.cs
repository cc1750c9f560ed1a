using System.Globalization;
using System.Text;
using System.Text.Json;
using Meta.Backends;
using Meta.Conformance.Scenarios;

namespace Meta.Conformance;

/// <summary>The results of the whole suite on one backend.</summary>
/// <param name="Backend">The backend's name.</param>
/// <param name="Version">The backend's version.</param>
/// <param name="Reference">The reference backend's name, or null.</param>
/// <param name="Precision">The precision run at.</param>
/// <param name="Results">One result per scenario.</param>
public sealed record ConformanceReport(string Backend, string Version, string? Reference, Precision Precision, IReadOnlyList<ScenarioResult> Results)
{
    /// <summary>Scenarios that passed.</summary>
    public int Passed => Results.Count(r => r.Status == ScenarioStatus.Passed);
    /// <summary>Scenarios that failed.</summary>
    public int Failed => Results.Count(r => r.Status == ScenarioStatus.Failed);
    /// <summary>Scenarios the backend declares unsupported (and refused clearly).</summary>
    public int Unsupported => Results.Count(r => r.Status == ScenarioStatus.Unsupported);
    /// <summary>True when nothing failed.</summary>
    public bool Success => Failed == 0;

    /// <summary>A plain-text table: scenario, result, measured error, tolerance.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"conformance of '{Backend}' {Version} ({Precision}), cross-checked with {Reference ?? "no reference backend"}");
        int w = Math.Max(8, Results.Max(r => r.Scenario.Length));
        sb.AppendLine($"{"scenario".PadRight(w)}  {"result",-11}  measured / tolerance");
        sb.AppendLine($"{new string('-', w)}  -----------  --------------------");
        foreach (var r in Results)
        {
            string status = r.Status switch { ScenarioStatus.Passed => "pass", ScenarioStatus.Failed => "FAIL", _ => "unsupported" };
            sb.AppendLine($"{r.Scenario.PadRight(w)}  {status,-11}  {r.Measured}");
            sb.AppendLine($"{"".PadRight(w)}               tolerance: {r.Tolerance}");
            if (r.Details.Length > 0) sb.AppendLine($"{"".PadRight(w)}               {(r.Status == ScenarioStatus.Failed ? "why: " : "")}{r.Details}");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"conformance: {Passed} passed, {Failed} failed, {Unsupported} unsupported");
        return sb.ToString();
    }

    /// <summary>The report as JSON (machine-readable).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        backend = Backend,
        version = Version,
        reference = Reference,
        precision = Precision.ToString(),
        passed = Passed,
        failed = Failed,
        unsupported = Unsupported,
        results = Results.Select(r => new { scenario = r.Scenario, status = r.Status.ToString().ToLowerInvariant(), measured = r.Measured, tolerance = r.Tolerance, details = r.Details }),
    }, new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>Runs conformance scenarios against a backend, as the <c>meta conformance</c> command and the test suites do.</summary>
public static class ConformanceRunner
{
    /// <summary>
    /// Runs <paramref name="scenarios"/> (all by default) on <paramref name="backend"/>, cross-checking with
    /// <paramref name="reference"/> where a scenario needs a second backend. <paramref name="onResult"/> sees each result as it comes.
    /// </summary>
    public static ConformanceReport Run(IBackend backend, IBackend? reference, Precision precision = Precision.Float64,
        IEnumerable<Scenario>? scenarios = null, Action<ScenarioResult>? onResult = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var context = new ScenarioContext(backend, reference, precision);
        var results = new List<ScenarioResult>();
        foreach (var s in scenarios ?? ConformanceCatalog.All())
        {
            var r = s.Run(context);
            results.Add(r);
            onResult?.Invoke(r);
        }
        return new ConformanceReport(backend.Descriptor.Name, backend.Descriptor.Version, reference?.Descriptor.Name, precision, results);
    }
}
