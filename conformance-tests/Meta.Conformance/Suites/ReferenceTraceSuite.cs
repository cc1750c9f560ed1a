using Meta.Backends;
using Meta.Conformance.References;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Suites;

/// <summary>
/// Single cells of each standard type under step currents and synaptic input, compared with NEURON 8.2's traces
/// (shared/reference, made through PyNN 0.10). Derive a sealed class per backend and implement <see cref="Backend"/>.
/// <para>
/// Tolerances. At dt = 0.01 ms both simulators are accurate, and NEURON–Brian2 differences there are 0.01–0.21 ms in
/// spike times and up to 0.07 mV RMS (reference/comparison.md). A backend must reproduce NEURON's spike count, every spike
/// within two steps (0.02 ms), and v within 0.02 mV RMS and 0.1 mV max away from spikes (more than 5 ms from any spike).
/// At dt = 0.1 ms the backend is compared with NEURON's accurate dt = 0.01 trace: the spike grid alone allows a step per
/// spike and refractory periods accumulate it, so NEURON's own dt = 0.1 run is 1.0 ms and 0.34 mV RMS away from it.
/// A backend must be at least that good: same spike count, spikes within 1.0 ms, v within 0.4 mV RMS.
/// </para>
/// </summary>
public abstract class ReferenceTraceSuite(ITestOutputHelper output)
{
    /// <summary>The backend under test.</summary>
    protected abstract IBackend Backend { get; }

    /// <summary>The scenarios whose cell type the backend declares, at both time steps.</summary>
    public static IEnumerable<object[]> Scenarios()
    {
        var dir = ReferenceTrace.FindDirectory();
        if (dir is null) yield break;
        foreach (var file in Directory.GetFiles(Path.Combine(dir, "dt0.01"), "*.neuron.json").Order())
        {
            string scenario = Path.GetFileName(file)[..^".neuron.json".Length];
            yield return [scenario, 0.01];
            yield return [scenario, 0.1];
        }
    }

    /// <summary>The reference data must be present; a silent skip would hide a broken setup.</summary>
    [Fact]
    public void Reference_data_is_available() =>
        Assert.True(ReferenceTrace.FindDirectory() is not null,
            "shared/reference was not found; set META_REFERENCE_DIR to the folder holding dt0.01/ and dt0.1/.");

    /// <summary>Runs one scenario and checks it against NEURON's accurate trace.</summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Matches_NEURON(string scenario, double dt)
    {
        var dir = ReferenceTrace.FindDirectory()!;
        var reference = ReferenceTrace.Load(Path.Combine(dir, "dt0.01", $"{scenario}.neuron.json"));
        var caps = Backend.Descriptor.Capabilities;
        if (!caps.CellTypes.Contains(reference.CellType))
        {
            // Not declared: the backend must refuse it clearly rather than run something else.
            var error = Assert.ThrowsAny<MetaException>(() => ReferenceScenario.Run(Backend, reference, dt));
            output.WriteLine($"{scenario}: {reference.CellType} not supported by {Backend.Descriptor.Name}: {error.Message}");
            return;
        }
        var segment = ReferenceScenario.Run(Backend, reference, dt);
        var v = segment.Signal("v").Column(0);
        var spikes = segment.SpikeTrains[0].Times;
        var c = TraceComparison.Compare(spikes, v, dt, reference.Spikes, reference.Signals["v"], reference.Dt);
        output.WriteLine($"{scenario} at dt={dt} vs NEURON dt=0.01: {c}");

        double gapLimit = dt <= 0.01 ? 2 * dt + 1e-9 : 1.0 + 1e-9;
        double rmsLimit = dt <= 0.01 ? 0.02 : 0.4;
        Assert.Equal(reference.Spikes.Length, spikes.Length);
        if (spikes.Length > 0) Assert.InRange(c.MaxSpikeTimeGap, 0, gapLimit);
        Assert.InRange(c.VoltageRms, 0, rmsLimit);
        if (dt <= 0.01) Assert.InRange(c.VoltageMax, 0, 0.1);
        Assert.Equal((int)Math.Round(reference.TStop / dt) + 1, v.Length);
    }
}
