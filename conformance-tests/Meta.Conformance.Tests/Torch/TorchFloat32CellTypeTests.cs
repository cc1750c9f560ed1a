using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Torch;

/// <summary>The new standard cell types on the Torch backend in float32, against the CPU backend.</summary>
public sealed class TorchFloat32CellTypeTests(ITestOutputHelper output) : Float32CellTypeSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("torch");
}
