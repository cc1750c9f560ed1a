using Meta.Backends;
using Meta.Conformance.References;
using Meta.Conformance.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Suites;

/// <summary>
/// Single cells of each standard type under step currents and synaptic input, compared with NEURON 8.2 and Brian2 2.5
/// traces (shared/reference, made through PyNN 0.10); tolerances and their reasons are on
/// <see cref="ReferenceTraceScenario"/>. Derive a sealed class per backend and implement <see cref="Backend"/>.
/// </summary>
public abstract class ReferenceTraceSuite(ITestOutputHelper output)
{
    /// <summary>The backend under test.</summary>
    protected abstract IBackend Backend { get; }

    /// <summary>
    /// The backend whose float64 run at dt 0.001 ms is the converged solution where no analytic one exists: the CPU backend,
    /// as for the other suites' reference (a subclass may return null to use the backend under test). The converged run is
    /// the yardstick, not the thing tested: running it on an emulator or on Torch's per-operation path cost minutes per
    /// scenario and tested nothing more.
    /// </summary>
    protected virtual IBackend? Reference => BackendUnderTest.Get("cpu");

    /// <summary>The precision to run at (float64 unless a subclass says otherwise).</summary>
    protected virtual Precision Precision => Precision.Float64;

    /// <summary>
    /// Whether to run one case. A subclass may leave out cases that are too slow for its device in CI (an emulator, say)
    /// and must say why; the kit (<c>meta conformance</c>) always runs them all.
    /// </summary>
    protected virtual bool ShouldRun(string scenario, double dt) => true;

    /// <summary>The scenarios, at both time steps.</summary>
    public static IEnumerable<object[]> Scenarios() =>
        ReferenceTraceScenario.All(ReferenceTrace.FindDirectory()).Select(s => new object[] { s.Scenario, s.Dt });

    /// <summary>The reference data must be present; a silent skip would hide a broken setup.</summary>
    [Fact]
    public void Reference_data_is_available() =>
        Assert.True(ReferenceTrace.FindDirectory() is not null,
            "shared/reference was not found; set META_REFERENCE_DIR to the folder holding dt0.01/ and dt0.1/.");

    /// <summary>Runs one scenario: it must pass, or be declared unsupported and refused clearly.</summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Matches_NEURON(string scenario, double dt)
    {
        if (!ShouldRun(scenario, dt))
        {
            output.WriteLine($"{scenario} at dt={dt}: not run by this suite (see ShouldRun in {GetType().Name}).");
            return;
        }
        var result = new ReferenceTraceScenario(ReferenceTrace.FindDirectory()!, scenario, dt).Run(new ScenarioContext(Backend, Reference, Precision));
        output.WriteLine($"{result.Scenario}: {result.Status}; {result.Measured}; tolerance: {result.Tolerance} {result.Details}");
        Assert.True(result.Status != ScenarioStatus.Failed, $"{result.Scenario} failed: {result.Details} (measured: {result.Measured})");
    }
}
