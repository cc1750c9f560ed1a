using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Torch;

/// <summary>
/// The reference-trace suite on the TorchSharp backend in float64, loaded from its plugin folder (libtorch CPU here).
/// The suite's tolerances apply unchanged; measured, the torch traces are the CPU backend's bit for bit (see
/// <see cref="TorchCrossBackendTests"/>).
/// </summary>
public sealed class TorchReferenceTraceTests(ITestOutputHelper output) : ReferenceTraceSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("torch");
}
