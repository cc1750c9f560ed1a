using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Torch;

/// <summary>
/// The conformance suite (timing contracts, sources, recording, control, networks cross-checked with the CPU backend,
/// errors) on the TorchSharp backend in float64, with the suite's own tolerances.
/// </summary>
public sealed class TorchConformanceTests(ITestOutputHelper output) : ConformanceSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("torch");
}
