using Meta.Backends.Cpu;
using Meta.CurrentSources;
using Meta.Sonata;
using Meta.Sonata.Nest;

namespace Meta.Tests.Sonata;

/// <summary>NEST model names map onto Meta's standard models with NEST's defaults and units converted.</summary>
public sealed class NestCatalogueTests
{
    [Fact]
    public void Iaf_psc_alpha_converts_units_and_takes_NESTs_defaults()
    {
        var (p, init) = NestCatalogue.Get("nest:iaf_psc_alpha", "test").Convert(
            new Dictionary<string, double> { ["C_m"] = 180.0, ["I_e"] = 100.0, ["E_L"] = -82.0, ["t_ref"] = 3.0 }, "test");
        p["cm"].Should().BeApproximately(0.18, 1e-12);
        p["i_offset"].Should().BeApproximately(0.1, 1e-12);
        (p["v_rest"], p["tau_refrac"], p["tau_m"], p["tau_syn_E"], p["tau_syn_I"], p["v_thresh"], p["v_reset"])
            .Should().Be((-82.0, 3.0, 10.0, 2.0, 2.0, -55.0, -70.0));
        init["v"].Should().Be(-70.0, "NEST starts V_m at -70 mV whatever E_L is");
        NestCatalogue.Get("iaf_psc_alpha", "test").WeightScale.Should().Be(1e-3, "pA → nA");
    }

    [Fact]
    public void Conductance_models_take_tau_m_from_C_m_over_g_L()
    {
        var (p, _) = NestCatalogue.Get("nest:iaf_cond_exp", "test").Convert(new Dictionary<string, double> { ["C_m"] = 200.0, ["g_L"] = 10.0 }, "test");
        p["tau_m"].Should().BeApproximately(20.0, 1e-12);
        (p["e_rev_E"], p["e_rev_I"], p["tau_syn_E"], p["tau_syn_I"]).Should().Be((0.0, -85.0, 0.2, 2.0));
    }

    [Fact]
    public void Unknown_templates_and_parameters_name_the_known_ones()
    {
        FluentActions.Invoking(() => NestCatalogue.Get("nest:glif_lif", "types.csv")).Should().Throw<SonataException>()
            .WithMessage("types.csv: unknown model_template 'nest:glif_lif' (known: nest:iaf_psc_alpha, *nest:izhikevich, nest:hh_psc_alpha, nest:parrot_neuron, nrn:IntFire1, nest:glif_psc, nest:glif_cond; or nestml:FILE for a NESTML model).");
        FluentActions.Invoking(() => NestCatalogue.Get("iaf_psc_exp", "x").Convert(new Dictionary<string, double> { ["C_mem"] = 1 }, "x"))
            .Should().Throw<SonataException>().WithMessage("*'C_mem' is not a parameter of NEST's iaf_psc_exp (known: C_m, *");
    }

    /// <summary>
    /// A NEST-named model and the matching PyNN model with the parameters converted by hand give identical traces
    /// (same backend, same step): the catalogue's conversion is the documented one.
    /// </summary>
    [Theory]
    [InlineData("iaf_psc_alpha")]
    [InlineData("iaf_psc_exp")]
    [InlineData("iaf_cond_exp")]
    [InlineData("iaf_cond_alpha")]
    [InlineData("aeif_cond_exp")]
    [InlineData("izhikevich")]
    public void A_NEST_named_model_traces_like_the_PyNN_model_with_converted_parameters(string nest)
    {
        var (nestValues, pynn, pynnInitial, standard) = Case(nest);
        var (parameters, initial) = NestCatalogue.Get("nest:" + nest, "test").Convert(nestValues, "test");
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Threads = 1 });
        var fromNest = new CellType(NestCatalogue.Get(nest, "test").StandardModel);
        foreach (var (k, v) in parameters) fromNest = fromNest.With(k, v);
        var a = sim.CreatePopulation(1, fromNest, "nest");
        foreach (var (k, v) in initial) a.Initialize(k, v);
        var byHand = new CellType(standard);
        foreach (var (k, v) in pynn) byHand = byHand.With(k, v);
        var b = sim.CreatePopulation(1, byHand, "pynn");
        foreach (var (k, v) in pynnInitial) b.Initialize(k, v);
        var drive = new DCSource { Amplitude = nest == "izhikevich" ? 0.01 : 0.6, Start = 10, Stop = 150 };
        a.Inject(drive);
        b.Inject(new DCSource { Amplitude = drive.Amplitude, Start = 10, Stop = 150 });
        a.Record(["v", "spikes"]);
        b.Record(["v", "spikes"]);
        sim.Run(200);
        var va = a.GetData().Segments[0].Signal("v").Column(0);
        var vb = b.GetData().Segments[0].Signal("v").Column(0);
        va.Should().Equal(vb);
        a.GetSpikeCounts()[0].Should().BePositive("the drive makes the cell fire, so threshold and reset are compared too");
    }

    private static (Dictionary<string, double> Nest, Dictionary<string, double> PyNN, Dictionary<string, double> Init, string Standard) Case(string nest) => nest switch
    {
        "iaf_psc_alpha" or "iaf_psc_exp" => (
            new() { ["C_m"] = 180, ["tau_m"] = 22.2, ["t_ref"] = 3, ["E_L"] = -82, ["V_th"] = -55, ["V_reset"] = -60, ["I_e"] = 50, ["tau_syn_ex"] = 1.5 },
            new() { ["cm"] = 0.18, ["tau_m"] = 22.2, ["tau_refrac"] = 3, ["v_rest"] = -82, ["v_thresh"] = -55, ["v_reset"] = -60, ["i_offset"] = 0.05,
                ["tau_syn_E"] = 1.5, ["tau_syn_I"] = 2 },
            new() { ["v"] = -70 }, nest == "iaf_psc_alpha" ? "IF_curr_alpha" : "IF_curr_exp"),
        "iaf_cond_exp" or "iaf_cond_alpha" => (
            new() { ["C_m"] = 200, ["g_L"] = 10, ["t_ref"] = 2.5, ["E_L"] = -65, ["V_th"] = -50, ["V_reset"] = -62, ["E_in"] = -80 },
            new() { ["cm"] = 0.2, ["tau_m"] = 20, ["tau_refrac"] = 2.5, ["v_rest"] = -65, ["v_thresh"] = -50, ["v_reset"] = -62, ["i_offset"] = 0,
                ["e_rev_E"] = 0, ["e_rev_I"] = -80, ["tau_syn_E"] = 0.2, ["tau_syn_I"] = 2 },
            new() { ["v"] = -70 }, nest == "iaf_cond_exp" ? "IF_cond_exp" : "IF_cond_alpha"),
        "aeif_cond_exp" => (
            new() { ["C_m"] = 281, ["g_L"] = 30, ["b"] = 60, ["a"] = 2, ["V_peak"] = -20, ["t_ref"] = 1 },
            new() { ["cm"] = 0.281, ["tau_m"] = 281.0 / 30.0, ["tau_refrac"] = 1, ["v_rest"] = -70.6, ["v_thresh"] = -50.4, ["v_reset"] = -60,
                ["v_spike"] = -20, ["delta_T"] = 2, ["tau_w"] = 144, ["a"] = 2, ["b"] = 0.06, ["i_offset"] = 0,
                ["e_rev_E"] = 0, ["e_rev_I"] = -85, ["tau_syn_E"] = 0.2, ["tau_syn_I"] = 2 },
            new() { ["v"] = -70.6, ["w"] = 0 }, "EIF_cond_exp_isfa_ista"),
        _ => (
            new() { ["a"] = 0.02, ["b"] = 0.2, ["c"] = -50, ["d"] = 2, ["I_e"] = 5 },
            new() { ["a"] = 0.02, ["b"] = 0.2, ["c"] = -50, ["d"] = 2, ["i_offset"] = 0.005 },
            new() { ["v"] = -65, ["u"] = -13 }, "Izhikevich"),
    };
}
