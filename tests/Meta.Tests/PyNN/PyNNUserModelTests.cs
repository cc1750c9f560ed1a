using System.Globalization;
using System.Text.RegularExpressions;
using Meta.Tests.Nestml;
using Xunit.Abstractions;

namespace Meta.Tests.PyNN;

/// <summary>
/// Cell types beyond PyNN's standard ones from a PyNN script: NEST's conductance-based and AdEx models through
/// <c>sim.native_cell_type</c> (NEST's names and units, <c>tau_m = C_m / g_L</c>), NEST's <c>hh_psc_alpha</c> (a Meta model
/// that is no standard type) and NESTML files through <c>sim.nestml_cell_type</c>, each against the matching model driven
/// alike (the same spike inputs, currents, initial values and parameter changes), on every shipped backend. They run as
/// the same Meta definitions, so the traces must agree to rounding.
/// </summary>
[Collection("python")]
public sealed class PyNNUserModelTests(ITestOutputHelper output)
{
    private const string Script = """
        import os, sys, numpy as np
        import pynn_meta_hook, pyNN.meta as sim

        NESTML = sys.argv[1]
        sim.setup(timestep=0.1, backend=os.environ.get("META_BACKEND", "cpu"))

        def drive(*pops):
            src = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 15.0, 25.0, 30.0, 31.0, 32.0, 60.0]))
            inh = sim.Population(1, sim.SpikeSourceArray(spike_times=[40.0, 45.0]))
            for p, w_e, w_i in pops:
                sim.Projection(src, p, sim.AllToAllConnector(), sim.StaticSynapse(weight=w_e, delay=1.0), receptor_type="excitatory")
                sim.Projection(inh, p, sim.AllToAllConnector(), sim.StaticSynapse(weight=w_i, delay=1.0), receptor_type="inhibitory")

        pairs = []
        cond = dict(C_m=200.0, g_L=20.0, t_ref=2.0, E_L=-65.0, V_th=-50.0, V_reset=-70.0, E_ex=0.0, E_in=-80.0,
                    tau_syn_ex=1.5, tau_syn_in=3.0, I_e=150.0)
        cond_std = dict(cm=0.2, tau_m=10.0, tau_refrac=2.0, v_rest=-65.0, v_thresh=-50.0, v_reset=-70.0, e_rev_E=0.0,
                        e_rev_I=-80.0, tau_syn_E=1.5, tau_syn_I=3.0, i_offset=0.15)
        for nest, std in [("iaf_cond_exp", "IF_cond_exp"), ("iaf_cond_alpha", "IF_cond_alpha")]:
            a = sim.Population(2, sim.native_cell_type(nest)(**cond), label=nest)
            b = sim.Population(2, getattr(sim, std)(**cond_std), label=std)
            a.initialize(V_m=-65.0)
            b.initialize(v=-65.0)
            pairs.append((nest, a, b, [("V_m", "v", 1.0)]))
        adex = dict(C_m=281.0, g_L=30.0, t_ref=0.5, E_L=-70.6, V_th=-50.4, V_reset=-60.0, V_peak=0.0, Delta_T=2.0,
                    tau_w=144.0, a=4.0, b=80.5, E_ex=0.0, E_in=-80.0, tau_syn_ex=5.0, tau_syn_in=5.0, I_e=700.0)
        adex_std = dict(cm=0.281, tau_m=281.0 / 30.0, tau_refrac=0.5, v_rest=-70.6, v_thresh=-50.4, v_reset=-60.0,
                        v_spike=0.0, delta_T=2.0, tau_w=144.0, a=4.0, b=0.0805, e_rev_E=0.0, e_rev_I=-80.0,
                        tau_syn_E=5.0, tau_syn_I=5.0, i_offset=0.7)
        for nest, std in [("aeif_cond_exp", "EIF_cond_exp_isfa_ista"), ("aeif_cond_alpha", "EIF_cond_alpha_isfa_ista")]:
            a = sim.Population(2, sim.native_cell_type(nest)(**adex), label=nest)
            b = sim.Population(2, getattr(sim, std)(**adex_std), label=std)
            a.initialize(w=20.0, V_m=-70.6)      # pA
            b.initialize(w=0.02, v=-70.6)        # nA
            pairs.append((nest, a, b, [("V_m", "v", 1.0), ("w", "w", 0.001)]))

        # NESTML's iaf_psc_exp_neuron (Meta's units: C_m nF, I_e nA) against IF_curr_exp
        nestml = sim.nestml_cell_type(os.path.join(NESTML, "iaf_psc_exp_neuron.nestml"))
        a = sim.Population(2, nestml(C_m=0.25, tau_m=10.0, tau_syn_exc=2.0, tau_syn_inh=3.0, refr_T=2.0, E_L=-65.0,
                                     V_reset=-70.0, V_th=-50.0, I_e=0.5), label="nestml")
        b = sim.Population(2, sim.IF_curr_exp(cm=0.25, tau_m=10.0, tau_syn_E=2.0, tau_syn_I=3.0, tau_refrac=2.0, v_rest=-65.0,
                                              v_reset=-70.0, v_thresh=-50.0, i_offset=0.5), label="IF_curr_exp")
        pairs.append(("nestml:iaf_psc_exp_neuron", a, b, [("V_m", "v", 1.0)]))
        print("nestml class", nestml.__name__, "receptors", ",".join(nestml.receptor_types), "units V_m", nestml.units["V_m"])

        # NEST's hh_psc_alpha (a Meta model, not a standard type) against the NESTML hh_psc_alpha_neuron
        hh = sim.native_cell_type("hh_psc_alpha")
        hh_nestml = sim.native_cell_type(os.path.join(NESTML, "hh_psc_alpha_neuron.nestml"))
        a = sim.Population(2, hh(I_e=600.0), label="hh_psc_alpha")
        b = sim.Population(2, hh_nestml(I_e=0.6), label="hh_psc_alpha_neuron")
        print("hh again %s g_Na %g" % (sim.native_cell_type("hh_psc_alpha").__name__, sim.native_cell_type("hh_psc_alpha").default_parameters["g_Na"]))
        hh_pair = (a, b)

        weights = {"iaf_cond_exp": (0.01, 0.02), "iaf_cond_alpha": (0.01, 0.02), "aeif_cond_exp": (0.01, 0.02),
                   "aeif_cond_alpha": (0.01, 0.02), "nestml:iaf_psc_exp_neuron": (0.5, -0.5)}
        drive(*[(p, *weights[n]) for n, a, b, _ in pairs for p in (a, b)])

        # get/set in NEST's units; a computed parameter (g_L -> tau_m) and the one it is computed from (C_m)
        first = pairs[0][1]
        first[1:2].set(g_L=25.0)
        pairs[0][2][1:2].set(tau_m=8.0)
        first[1:2].set(C_m=250.0)
        pairs[0][2][1:2].set(cm=0.25, tau_m=10.0)
        print("get g_L", " ".join("%g" % v for v in np.atleast_1d(first.get("g_L"))), "C_m", " ".join("%g" % v for v in np.atleast_1d(first.get("C_m"))),
              "I_e", " ".join("%g" % v for v in np.atleast_1d(first.get("I_e"))))
        pairs[3][1].set(b=60.0)
        pairs[3][2].set(b=0.06)
        print("get b", " ".join("%g" % v for v in np.atleast_1d(pairs[3][1].get("b"))))
        a = pairs[4][1]
        a[0:1].set(I_e=0.45)
        pairs[4][2][0:1].set(i_offset=0.45)
        a.initialize(V_m=-60.0)
        pairs[4][2].initialize(v=-60.0)
        print("nestml get I_e", " ".join("%g" % v for v in np.atleast_1d(a.get("I_e"))), "tau_syn_inh", " ".join("%g" % v for v in np.atleast_1d(a.get("tau_syn_inh"))))

        for n, a, b, variables in pairs:
            a.record(["spikes"] + [v[0] for v in variables])
            b.record(["spikes"] + [v[1] for v in variables])
        hh_pair[0].record(["spikes", "V_m"])
        hh_pair[1].record(["spikes", "V_m"])

        sim.run(100.0)

        def spikes(p):
            return [len(st) for st in p.get_data().segments[0].spiketrains]

        for n, a, b, variables in pairs:
            sa, sb = spikes(a), spikes(b)
            da, db = a.get_data().segments[0], b.get_data().segments[0]
            for va, vb, scale in variables:
                x = da.filter(name=va)[0]
                y = db.filter(name=vb)[0]
                diff = np.max(np.abs(np.asarray(x.magnitude) * scale - np.asarray(y.magnitude)))
                print("pair %s %s diff %.3g spikes %s %s units %s samples %d" % (n, va, diff, ",".join(map(str, sa)),
                      ",".join(map(str, sb)), x.units.dimensionality, x.shape[0]))
        da, db = hh_pair[0].get_data().segments[0], hh_pair[1].get_data().segments[0]
        x, y = da.filter(name="V_m")[0].magnitude, db.filter(name="V_m")[0].magnitude
        print("hh spikes %s %s vmax %.2f diff %.3g" % (",".join(map(str, spikes(hh_pair[0]))), ",".join(map(str, spikes(hh_pair[1]))),
              x.max(), np.max(np.abs(x - y))))
        for bad in ["iaf_nonsense", "glif_psc", os.path.join(NESTML, "no_such_model.nestml")]:
            try:
                sim.native_cell_type(bad)
                print("error none", bad)
            except Exception as e:
                print("error", type(e).__name__, str(e)[:200])
        sim.end()
        """;

    [PyNNFact(NeedsNestml = true)]
    public void Native_and_NESTML_cell_types_trace_their_standard_twins_on_cpu_ilgpu_and_torch()
    {
        foreach (var backend in new[] { "cpu", "ilgpu", "torch" })
        {
            var (code, text) = PythonSupport.Run(["-c", Script, Path.Combine(NestmlFixtures.Folder!, "neurons")], TimeSpan.FromMinutes(8),
                PythonSupport.PythonFolder, new Dictionary<string, string> { ["META_BACKEND"] = backend });
            output.WriteLine($"{backend}:\n{text}");
            code.Should().Be(0, text);
            text.Should().Contain("nestml class iaf_psc_exp_neuron receptors excitatory,inhibitory units V_m mV");
            text.Should().Contain("get g_L 20 25 C_m 200 250 I_e 150", "NEST's units read back; g_L kept when C_m alone is set");
            text.Should().Contain("hh again hh_psc_alpha g_Na 12000", "NEST's name and units (nS) on a second call too");
            text.Should().Contain("get b 60").And.Contain("nestml get I_e 0.45 0.5 tau_syn_inh 3");
            var pairs = Regex.Matches(text, @"pair (\S+) (\S+) diff (\S+) spikes (\S+) (\S+) units (\S+) samples (\d+)");
            pairs.Select(m => m.Groups[1].Value).Distinct().Should().BeEquivalentTo(
                ["iaf_cond_exp", "iaf_cond_alpha", "aeif_cond_exp", "aeif_cond_alpha", "nestml:iaf_psc_exp_neuron"]);
            foreach (Match m in pairs)
            {
                string what = $"{backend} {m.Groups[1].Value} {m.Groups[2].Value}";
                double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture).Should().BeLessThan(1e-9, what);
                m.Groups[4].Value.Should().Be(m.Groups[5].Value, what);
                m.Groups[4].Value.Split(',').Sum(int.Parse).Should().BePositive(what);
                m.Groups[6].Value.Should().Be(m.Groups[2].Value == "w" ? "pA" : "mV", what);
                m.Groups[7].Value.Should().Be("1001", what);
            }
            var hh = Regex.Match(text, @"hh spikes (\S+) (\S+) vmax (\S+) diff (\S+)");
            hh.Success.Should().BeTrue(text);
            hh.Groups[1].Value.Should().Be(hh.Groups[2].Value).And.NotBe("0,0");
            double.Parse(hh.Groups[4].Value, CultureInfo.InvariantCulture).Should().BeLessThan(1e-9, $"{backend} hh_psc_alpha");
            text.Should().Contain("error NoModelAvailableError native_cell_type: unknown NEST model 'iaf_nonsense' (known: aeif_cond_alpha")
                .And.Contain("error NoModelAvailableError native_cell_type: NEST's glif_psc")
                .And.Contain("error InvalidModelError load_nestml: cannot read NESTML file");
        }
    }
}
