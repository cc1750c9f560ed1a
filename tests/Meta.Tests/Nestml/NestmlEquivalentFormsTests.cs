using Meta.Backends.Cpu;
using Meta.Nestml;
using Xunit.Abstractions;

namespace Meta.Tests.Nestml;

/// <summary>
/// Fixtures that write the same model in two NESTML forms compile to models that behave the same: an alpha kernel
/// convolved with the spikes against a second-order ODE whose derivative the spikes increment
/// (<c>aeif_cond_alpha</c>, <c>aeif_cond_alpha_alt</c>), and a refractory timer with a delta kernel against a step counter
/// with an onReceive handler (<c>iaf_psc_delta</c>, <c>iaf_psc_delta_fixed_timestep</c>).
/// <para>
/// Bounds: the two delta models integrate the same equation and drop the same jumps, so their traces must be identical.
/// The alpha forms differ in what is integrated exactly: the kernel's states form a linear system advanced by its
/// propagator, the second-order ODE's too, but with other coefficients (<c>-2/tau</c>, <c>-1/tau²</c> against
/// <c>-1/tau</c>, <c>1</c>); their results differ in the last bits, amplified by RK4 near spikes: 1e-6 mV.
/// </para>
/// </summary>
public class NestmlEquivalentFormsTests(ITestOutputHelper output)
{
    private readonly CpuBackend _cpu = new();

    private Trace Run(string fixture, double excitatory, double inhibitory, double[] offsets) =>
        NestmlRuns.Run(_cpu, new CellType(NestmlModel.Load(NestmlFixtures.File(fixture))), "V_m", "I_e", offsets, 0.3, excitatory, inhibitory, 100);

    private void Same(Trace a, Trace b, double bound)
    {
        double worst = a.MaxVDifference(b);
        output.WriteLine($"{a.SpikeCount} vs {b.SpikeCount} spikes, v within {worst:E2} mV");
        a.SpikeCount.Should().BeGreaterThanOrEqualTo(4);
        for (int i = 0; i < NestmlRuns.Cells; i++) a.Spikes[i].Should().Equal(b.Spikes[i]);
        worst.Should().BeLessThanOrEqualTo(bound);
    }

    [NestmlFact]
    public void An_alpha_kernel_and_its_second_order_ODE_agree()
    {
        double[] offsets = [0.3, 0.5, 0.7, 0.9];
        Same(Run("neurons/aeif_cond_alpha_neuron.nestml", 0.005, 0.01, offsets), Run("neurons/aeif_cond_alpha_alt_neuron.nestml", 0.005, 0.01, offsets), 1e-6);
    }

    [NestmlFact]
    public void A_refractory_timer_and_a_step_counter_agree()
    {
        double[] offsets = [0.3, 0.45, 0.6, 0.8];
        Same(Run("neurons/iaf_psc_delta_neuron.nestml", 1.0, -1.0, offsets), Run("neurons/iaf_psc_delta_fixed_timestep_neuron.nestml", 1.0, -1.0, offsets), 0.0);
    }
}
