using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Cpu;

/// <summary>
/// The CPU backend under test in float32: a second instance, loaded from the cpu plugin folder alone (as
/// <c>meta conformance --plugin</c> loads it), so that the float64 reference (the default instance) is another backend
/// object and the scenarios that compare with it run instead of reporting "nothing to compare with".
/// </summary>
internal static class CpuInFloat32
{
    /// <summary>The instance.</summary>
    public static IBackend Backend => BackendUnderTest.Get("cpu", Path.Combine(AppContext.BaseDirectory, "plugins", "cpu"));
}

/// <summary>
/// The conformance suite on the CPU backend in float32 against its own float64, with the float32 tolerances each scenario
/// states (plastic synapses and couplings compute in float64 there and exchange float32 values with the cells).
/// </summary>
public sealed class CpuConformanceFloat32Tests(ITestOutputHelper output) : ConformanceSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => CpuInFloat32.Backend;

    /// <inheritdoc />
    protected override Precision Precision => Precision.Float32;
}

/// <summary>The new standard cell types on the CPU backend in float32, against its own float64.</summary>
public sealed class CpuFloat32CellTypeTests(ITestOutputHelper output) : Float32CellTypeSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => CpuInFloat32.Backend;
}

/// <summary>
/// The reference-trace suite on the CPU backend in float32 at dt = 0.1, with the suite's float32 tolerances (twice its
/// float64 ones), as on the ILGPU and Torch backends.
/// </summary>
public sealed class CpuReferenceTraceFloat32Tests(ITestOutputHelper output) : ReferenceTraceSuite(output)
{
    /// <inheritdoc />
    protected override IBackend Backend => CpuInFloat32.Backend;

    /// <inheritdoc />
    protected override Precision Precision => Precision.Float32;

    /// <inheritdoc />
    protected override bool ShouldRun(string scenario, double dt) => dt > 0.01;
}
