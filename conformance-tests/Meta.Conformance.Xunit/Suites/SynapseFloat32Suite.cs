using Meta.Backends;
using Meta.Conformance.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Suites;

/// <summary>
/// The synapse-dynamics scenarios (<see cref="SynapseScenarios"/>) in float32, with the float32 bounds each states. Derive a
/// sealed class per backend that runs float32 (the float64 runs are part of <see cref="ConformanceSuite"/>).
/// </summary>
public abstract class SynapseFloat32Suite(ITestOutputHelper output)
{
    /// <summary>The backend under test.</summary>
    protected abstract IBackend Backend { get; }

    /// <summary>The backend to cross-check with: Meta's CPU backend in float64.</summary>
    protected virtual IBackend? Reference => BackendUnderTest.Get("cpu");

    /// <summary>The names of the synapse scenarios.</summary>
    public static IEnumerable<object[]> ScenarioNames() => SynapseScenarios.All().Select(s => new object[] { s.Name });

    /// <summary>Runs one scenario in float32.</summary>
    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Scenario_conforms_in_float32(string scenario)
    {
        var result = ConformanceCatalog.Get(scenario).Run(new ScenarioContext(Backend, Reference, Precision.Float32));
        output.WriteLine($"{result.Scenario}: {result.Status}; measured: {result.Measured}; tolerance: {result.Tolerance}");
        if (result.Details.Length > 0) output.WriteLine(result.Details);
        Assert.True(result.Status == ScenarioStatus.Passed, $"{result.Scenario} in float32: {result.Status}: {result.Details} (measured: {result.Measured})");
    }
}
