using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Cpu;

/// <summary>The reference-trace suite on the CPU backend, loaded from its plugin folder.</summary>
public sealed class CpuReferenceTraceTests(ITestOutputHelper output) : ReferenceTraceSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("cpu");
}
