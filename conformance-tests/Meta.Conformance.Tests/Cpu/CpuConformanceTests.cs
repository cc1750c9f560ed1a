using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Cpu;

/// <summary>The conformance suite on the CPU backend, loaded from its plugin folder (it is its own reference).</summary>
public sealed class CpuConformanceTests(ITestOutputHelper output) : ConformanceSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("cpu");
}
