using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Meta.Tests.PyNN;

/// <summary>
/// <c>sim.native_cell_type('iaf_psc_alpha')</c> on pyNN.meta: NEST's names and units (C_m in pF, I_e in pA, V_m in mV)
/// through Meta's NEST catalogue, on every shipped backend.
/// </summary>
[Collection("python")]
public sealed class PyNNNativeCellTypeTests(ITestOutputHelper output)
{
    private const string Script = """
        import os, numpy as np
        import pynn_meta_hook, pyNN.meta as sim
        sim.setup(timestep=0.1, backend=os.environ["META_BACKEND"])
        iaf = sim.native_cell_type("iaf_psc_alpha")
        p = sim.Population(2, iaf(C_m=250.0, tau_m=10.0, t_ref=2.0, V_th=-55.0, V_reset=-70.0, E_L=-70.0))
        p[1:2].set(I_e=500.0)                                       # NEST's bias current, pA
        sim.DCSource(amplitude=0.5, start=0.0, stop=1000.0).inject_into(p[0:1])   # PyNN's source, nA
        p.initialize(V_m=-60.0)
        p.record(["spikes", "V_m"])
        print("C_m", " ".join("%g" % c for c in np.atleast_1d(p.get("C_m"))), "I_e", " ".join("%g" % c for c in np.atleast_1d(p.get("I_e"))))
        sim.run(100.0)
        seg = p.get_data().segments[0]
        for k, st in enumerate(seg.spiketrains):
            t = np.asarray(st.magnitude)
            print("cell%d first %.4f isi %.4f n %d" % (k, t[0], np.mean(np.diff(t)), len(t)))
        vm = seg.filter(name="V_m")[0]
        print("V_m start %.4f max %.4f min %.4f units %s" % (vm.magnitude[0, 0], vm.magnitude.max(), vm.magnitude.min(), vm.units.dimensionality))
        try:
            sim.native_cell_type("iaf_psc_nonsense")
        except Exception as e:
            print("error", type(e).__name__, e)
        sim.end()
        """;

    [PyNNFact]
    public void Iaf_psc_alpha_with_NEST_units_fires_at_the_analytic_LIF_interval_on_cpu_ilgpu_and_torch()
    {
        // R = tau_m / C_m = 10 ms / 250 pF = 40 MΩ; 500 pA (I_e) or 0.5 nA (DCSource) gives V_inf = -70 + 20 = -50 mV,
        // so the interval is t_ref + tau_m·ln((V_inf - V_reset) / (V_inf - V_th)) = 2 + 10·ln(20 / 5) ms.
        double isi = 2 + 10 * Math.Log(20.0 / 5.0);
        double first = 10 * Math.Log(10.0 / 5.0);   // from V_m = -60 mV: tau_m·ln((V_inf - V_0) / (V_inf - V_th))
        foreach (var backend in new[] { "cpu", "ilgpu", "torch" })
        {
            var (code, text) = PythonSupport.Run(["-c", Script], TimeSpan.FromMinutes(5), PythonSupport.PythonFolder,
                new Dictionary<string, string> { ["META_BACKEND"] = backend });
            output.WriteLine($"{backend}:\n{text}");
            code.Should().Be(0, text);
            text.Should().Contain("C_m 250 I_e 0 500", "parameters read back in NEST's units");
            foreach (int cell in new[] { 0, 1 })
            {
                var m = Regex.Match(text, $@"cell{cell} first (\S+) isi (\S+) n (\d+)");
                m.Success.Should().BeTrue(text);
                double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture).Should().BeApproximately(first, 0.15, $"{backend} cell {cell} starts at V_m = -60");
                double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture).Should().BeApproximately(isi, 0.15, $"{backend} cell {cell}");
            }
            var v = Regex.Match(text, @"V_m start (\S+) max (\S+) min (\S+) units mV");
            v.Success.Should().BeTrue(text);
            double.Parse(v.Groups[1].Value, CultureInfo.InvariantCulture).Should().BeApproximately(-60.0, 0.5);
            double.Parse(v.Groups[2].Value, CultureInfo.InvariantCulture).Should().BeLessThan(-54.9).And.BeGreaterThan(-56.0);
            double.Parse(v.Groups[3].Value, CultureInfo.InvariantCulture).Should().BeApproximately(-70.0, 1e-6, "V_reset");
            text.Should().Contain("error NoModelAvailableError").And.Contain("iaf_psc_nonsense").And.Contain("iaf_cond_exp, iaf_psc_alpha, iaf_psc_delta");
        }
    }
}
