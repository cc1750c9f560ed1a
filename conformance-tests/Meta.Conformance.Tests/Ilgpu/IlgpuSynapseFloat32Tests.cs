using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>The synapse-dynamics scenarios on the ILGPU backend in float32 (ILGPU's CPU accelerator when there is no GPU).</summary>
public sealed class IlgpuSynapseFloat32Tests(ITestOutputHelper output) : SynapseFloat32Suite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("ilgpu");
}
