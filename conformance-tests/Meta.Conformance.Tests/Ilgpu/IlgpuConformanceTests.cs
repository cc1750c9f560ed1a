using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>
/// The conformance suite (timing contracts, sources, recording, control, networks cross-checked with the CPU backend,
/// errors) on the ILGPU backend in float64, on ILGPU's CPU accelerator when there is no GPU.
/// </summary>
public sealed class IlgpuConformanceTests(ITestOutputHelper output) : ConformanceSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("ilgpu");
}
