using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Torch;

/// <summary>The synapse-dynamics scenarios on the Torch backend in float32.</summary>
public sealed class TorchSynapseFloat32Tests(ITestOutputHelper output) : SynapseFloat32Suite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("torch");
}
