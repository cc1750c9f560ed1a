using Meta.Backends;
using Meta.Conformance.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Suites;

/// <summary>
/// Every non-trace conformance scenario (timing contracts, sources, recording, control, networks cross-checked with a
/// reference backend, errors) as one xunit theory. Derive a sealed class per backend; the reference-trace scenarios
/// are in <see cref="ReferenceTraceSuite"/>. A scenario the backend declares unsupported must be refused clearly; it is
/// reported in the test output, and listed by <see cref="Unsupported_features_are_refused_clearly"/>.
/// </summary>
public abstract class ConformanceSuite(ITestOutputHelper output)
{
    /// <summary>The backend under test.</summary>
    protected abstract IBackend Backend { get; }

    /// <summary>The backend to cross-check with: Meta's CPU backend, loaded from its plugin folder.</summary>
    protected virtual IBackend? Reference => BackendUnderTest.Get("cpu");

    /// <summary>The precision to run at.</summary>
    protected virtual Precision Precision => Precision.Float64;

    /// <summary>The names of every catalog scenario except the reference traces (<see cref="ReferenceTraceSuite"/> runs those).</summary>
    public static IEnumerable<object[]> ScenarioNames() =>
        ConformanceCatalog.All().Where(s => s is not ReferenceTraceScenario).Select(s => new object[] { s.Name });

    /// <summary>Runs one scenario.</summary>
    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Scenario_conforms(string scenario)
    {
        var result = ConformanceCatalog.Get(scenario).Run(new ScenarioContext(Backend, Reference, Precision));
        output.WriteLine($"{result.Scenario}: {result.Status}; measured: {result.Measured}; tolerance: {result.Tolerance}");
        if (result.Details.Length > 0) output.WriteLine(result.Details);
        Assert.True(result.Status != ScenarioStatus.Failed, $"{result.Scenario} failed: {result.Details} (measured: {result.Measured})");
    }

    /// <summary>Lists what the backend declares unsupported; each must have been refused with a clear error.</summary>
    [Fact]
    public void Unsupported_features_are_refused_clearly()
    {
        var context = new ScenarioContext(Backend, Reference, Precision);
        // Only the scenarios the backend does not declare: the others run (once) in Scenario_conforms.
        var caps = Backend.Descriptor.Capabilities;
        var unsupported = ScenarioNames().Select(n => ConformanceCatalog.Get((string)n[0]))
            .Where(s => !s.IsDeclaredBy(caps, Precision)).Select(s => s.Run(context))
            .Where(r => r.Status == ScenarioStatus.Unsupported).ToList();
        foreach (var r in unsupported) output.WriteLine($"unsupported: {r.Scenario}: {r.Details}");
        Assert.All(unsupported, r => Assert.False(string.IsNullOrWhiteSpace(r.Details)));
    }
}
