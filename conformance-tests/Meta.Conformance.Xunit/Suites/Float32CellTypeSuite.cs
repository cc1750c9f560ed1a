using Meta.Backends;
using Meta.Conformance.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Suites;

/// <summary>
/// The new standard cell types in float32 against the reference backend's float64, with the float32 tolerances the
/// <c>cells/*-vs-reference</c> scenarios state: threshold crossings (HH), draws rounded to float (GIF), RK4 (EIF) and
/// the quadratic blow-up (Izhikevich). Derive a sealed class per backend that offers float32.
/// </summary>
public abstract class Float32CellTypeSuite(ITestOutputHelper output)
{
    /// <summary>The backend under test.</summary>
    protected abstract IBackend Backend { get; }

    /// <summary>The backend to compare with: Meta's CPU backend, loaded from its plugin folder.</summary>
    protected virtual IBackend Reference => BackendUnderTest.Get("cpu");

    /// <summary>Runs one scenario in float32.</summary>
    [Theory]
    [InlineData("cells/HH_cond_exp-vs-reference")]
    [InlineData("cells/GIF_cond_exp-vs-reference")]
    [InlineData("cells/EIF_cond_alpha_isfa_ista-vs-reference")]
    [InlineData("cells/Izhikevich-vs-reference")]
    public void New_cell_types_in_float32_stay_within_the_stated_tolerance(string scenario)
    {
        var result = ConformanceCatalog.Get(scenario).Run(new ScenarioContext(Backend, Reference, Precision.Float32));
        output.WriteLine($"{result.Scenario} (float32): {result.Status}; measured: {result.Measured}; tolerance: {result.Tolerance}");
        Assert.True(result.Status == ScenarioStatus.Passed, $"{result.Details} (measured: {result.Measured})");
    }
}
