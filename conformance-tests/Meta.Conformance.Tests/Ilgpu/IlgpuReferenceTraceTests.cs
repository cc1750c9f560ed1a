using Meta.Backends;
using Meta.Conformance.Suites;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>
/// The reference-trace suite on the ILGPU backend (float64), loaded from its plugin folder. Without a GPU it runs on
/// ILGPU's CPU accelerator, an emulator whose kernel launches cost about 60 µs each; a step takes two launches (the
/// neuron kernel and the sampling kernel), so a 300 ms scenario takes about 0.4 s at dt = 0.1 and 4 s at dt = 0.01.
/// Every scenario runs at dt = 0.1; at dt = 0.01 (30 000 steps) only <see cref="FineScenarios"/> run, one step-current
/// and one synaptic-input scenario, to keep the suite within its CI budget. <c>meta conformance --plugin</c> runs them all.
/// </summary>
public sealed class IlgpuReferenceTraceTests(ITestOutputHelper output) : ReferenceTraceSuite(output)
{
    /// <summary>The scenarios also run at dt = 0.01.</summary>
    public static readonly string[] FineScenarios = ["IF_cond_exp_step", "IF_curr_alpha_syn"];

    /// <inheritdoc />
    protected override IBackend Backend => BackendUnderTest.Get("ilgpu");

    /// <inheritdoc />
    protected override bool ShouldRun(string scenario, double dt) => dt > 0.01 || FineScenarios.Contains(scenario);
}
