using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>
/// The reference-trace suite on the ILGPU backend (float64), loaded from its plugin folder, every scenario at both time
/// steps. Without a GPU it runs on ILGPU's CPU accelerator, an emulator whose kernel launches cost about 60 µs each, so a
/// 300 ms scenario takes about 0.4 s at dt = 0.1 and 4 s at dt = 0.01.
/// </summary>
public sealed class IlgpuReferenceTraceTests(ITestOutputHelper output) : ReferenceTraceSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("ilgpu");
}
