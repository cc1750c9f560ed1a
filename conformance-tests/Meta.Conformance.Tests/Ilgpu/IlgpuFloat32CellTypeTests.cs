using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>The new standard cell types on the Ilgpu backend in float32, against the CPU backend.</summary>
public sealed class IlgpuFloat32CellTypeTests(ITestOutputHelper output) : Float32CellTypeSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("ilgpu");
}
