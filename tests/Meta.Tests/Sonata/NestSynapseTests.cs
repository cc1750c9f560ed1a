using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.Models.Standard;
using Meta.Parameters;
using Meta.Plugins;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sonata;
using Meta.Sonata.Building;
using Meta.Sonata.Nest;
using Xunit.Abstractions;
using static Meta.Tests.Cli.CliTestSupport;
using N = Meta.Tests.Sonata.NestSynapseNetwork;

namespace Meta.Tests.Sonata;

/// <summary>
/// NEST's synapse templates (<c>tsodyks2_synapse</c>, <c>tsodyks_synapse</c>, <c>stdp_synapse</c>) through a SONATA network
/// written here (<see cref="NestSynapseNetwork"/>), on cpu, ilgpu and torch: identical to the same network built in C# from
/// Meta's synapse types, and every transmitted amount, state and learned weight equal to NEST's formulas recomputed on the
/// host from the input trains and the recorded post spikes.
/// </summary>
public sealed class NestSynapseTests(ITestOutputHelper output)
{
    private sealed record Result(double[][] Spikes, double[][] V, Dictionary<string, double[]> Synapses);

    private static Result Sonata(IBackend backend, double tstop = N.TStop)
    {
        using var net = new N();
        using var network = SonataNetworkBuilder.Build(net.Config, backend, new SonataBuildOptions { Threads = 1 });
        var cells = network.Groups.Single(g => !g.Virtual);
        cells.TauMinus.Should().Equal(15.0, 20.0, 20.0, 20.0);
        cells.Population.Record("v");
        var projections = network.Simulation.Projections.ToList();
        network.Simulation.Run(tstop);
        return Collect(cells.Population, projections);
    }

    /// <summary>The same network from C# (<see cref="N.Build"/>).</summary>
    private static Result CSharp(IBackend backend, double tstop = N.TStop)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = N.Dt, Seed = 1, Threads = 1 });
        var (cells, plastic) = N.Build(sim);
        cells.Record(["spikes", "v"]);
        sim.Run(tstop);
        return Collect(cells, plastic);
    }

    private static Result Collect(Population cells, List<Projection> projections)
    {
        var segment = cells.GetData().Segments[0];
        var synapses = new Dictionary<string, double[]>();
        foreach (var prj in projections.Where(p => p.Synapse.Model is not null))
        {
            if (prj.Synapse.Model!.Name != "stdp_synapse")
            {
                foreach (var state in prj.Synapse.Model.States.Select(s => s.Name)) synapses[$"{prj.Synapse.Model.Name}.{state}"] = prj.Get(state);
                continue;
            }
            // STDP connections by their target cell (SONATA: one projection onto cells 0 and 1, each connection with its
            // target's tau_minus; C#: one projection per cell), with the tau_minus they decay Kminus with.
            var targets = prj.Post.Cells.ToList();
            for (int k = 0; k < prj.Size; k++)
            {
                int cell = targets[prj.PostIndices[k]].Index;
                foreach (var state in prj.Synapse.Model.States.Select(s => s.Name).Append("tau_minus")) synapses[$"stdp→{cell}.{state}"] = [prj.Get(state)[k]];
            }
        }
        var v = segment.Signal("v");
        return new Result(segment.SpikeTrains.Select(s => s.Times).ToArray(), [.. Enumerable.Range(0, 4).Select(v.Column)], synapses);
    }

    [Fact]
    public void Templates_match_the_CSharp_network_and_NESTs_formulas_on_cpu_ilgpu_and_torch()
    {
        using var catalog = PluginHost.Load(new PluginHostOptions { IncludeDefaultFolder = false, IncludeEnvironment = false, AdditionalFolders = [CliPluginsFolder] });
        Result? cpu = null;
        foreach (var name in new[] { "cpu", "ilgpu", "torch" })
        {
            catalog.Names.Should().Contain(name, $"the Cli build deploys the {name} plugin to {CliPluginsFolder}");
            var sonata = Sonata(catalog.Get(name));
            var csharp = CSharp(catalog.Get(name));
            for (int c = 0; c < 4; c++)
            {
                sonata.Spikes[c].Should().Equal(csharp.Spikes[c], $"{name}: cell {c}'s spikes, SONATA vs C#");
                sonata.V[c].Should().Equal(csharp.V[c], $"{name}: cell {c}'s v, SONATA vs C#");
            }
            sonata.Synapses.Keys.Should().BeEquivalentTo(csharp.Synapses.Keys);
            foreach (var (key, values) in sonata.Synapses) values.Should().Equal(csharp.Synapses[key], $"{name}: {key}, SONATA vs C#");
            CheckAgainstNest(name, sonata);
            output.WriteLine($"{name}: spikes per cell {string.Join(", ", sonata.Spikes.Select(s => s.Length))}; " +
                $"stdp weights {sonata.Synapses["stdp→0.weight"][0]:R}, {sonata.Synapses["stdp→1.weight"][0]:R}");
            if (cpu is null) { cpu = sonata; continue; }
            for (int c = 0; c < 4; c++)
            {
                sonata.Spikes[c].Should().Equal(cpu.Spikes[c], $"{name}: cell {c}'s spikes vs cpu");
                sonata.V[c].Zip(cpu.V[c]).Max(q => Math.Abs(q.First - q.Second)).Should().BeLessThan(1e-9, $"{name}: cell {c}'s v vs cpu");
            }
            foreach (var (key, values) in sonata.Synapses)
                Math.Abs(values[0] - cpu.Synapses[key][0]).Should().BeLessThan(1e-12, $"{name}: {key} vs cpu");
        }
    }

    /// <summary>Every amount and state against NEST's code recomputed on the host.</summary>
    private void CheckAgainstNest(string backend, Result r)
    {
        // iaf_psc_delta between inputs: v relaxes to E_L = −70 mV with tau_m 10 ms; a jump adds to the sample after arrival.
        double decay = Math.Exp(-N.Dt / 10.0);
        double Jump(int cell, double spikeTime, double delay)
        {
            int k = (int)Math.Round((spikeTime + delay) / N.Dt);
            return r.V[cell][k + 1] + 70.0 - ((r.V[cell][k] + 70.0) * decay);
        }

        // tsodyks2_synapse (models/tsodyks2_synapse.h): transmit w·x·u, then x, u for the next spike from the interval to the previous one.
        var t2 = N.Tsodyks2;
        double x = t2["x"], u = t2["u"], last = 0;
        foreach (double s in N.Inputs[0])
        {
            Jump(2, s, N.FastDelay).Should().BeApproximately(N.Tsodyks2Weight * x * u, 1e-9, $"{backend}: tsodyks2 amount at {s} ms");
            double h = s - last;
            x = 1 + ((x - (x * u) - 1) * Math.Exp(-h / t2["tau_rec"]));
            u = t2["U"] + (u * (1 - t2["U"]) * Math.Exp(-h / t2["tau_fac"]));
            last = s;
        }
        r.Synapses["tsodyks2_synapse.x"][0].Should().BeApproximately(x, 1e-12);
        r.Synapses["tsodyks2_synapse.u"][0].Should().BeApproximately(u, 1e-12);

        // tsodyks_synapse (models/tsodyks_synapse.h): propagate u, x, y over h, then u += U(1 − u), release u·x.
        var t1 = N.Tsodyks;
        double tu = t1["u"], tx = 1, ty = 0;
        last = 0;
        foreach (double s in N.Inputs[1])
        {
            double h = s - last;
            double puu = Math.Exp(-h / t1["tau_fac"]), pyy = Math.Exp(-h / t1["tau_psc"]), pzz = Math.Exp(-h / t1["tau_rec"]);
            double pxy = (((pzz - 1) * t1["tau_rec"]) - ((pyy - 1) * t1["tau_psc"])) / (t1["tau_psc"] - t1["tau_rec"]);
            double z = 1 - tx - ty;
            tu *= puu;
            tx += (pxy * ty) + ((1 - pzz) * z);
            ty *= pyy;
            tu += t1["U"] * (1 - tu);
            double released = tu * tx;
            tx -= released;
            ty += released;
            Jump(3, s, N.FastDelay).Should().BeApproximately(N.TsodyksWeight * released, 1e-9, $"{backend}: tsodyks amount at {s} ms");
            last = s;
        }
        r.Synapses["TsodyksMarkramSynapse.u"][0].Should().BeApproximately(tu, 1e-12);
        r.Synapses["TsodyksMarkramSynapse.y"][0].Should().BeApproximately(ty, 1e-12);

        // stdp_synapse: Meta's order (the weight after every event) exactly; NEST's order differs only at cell 0's coincidence.
        for (int c = 0; c < 2; c++)
        {
            var (meta, nest) = StdpWeights(r.Spikes[c], N.TauMinus[c]);
            double w = r.Synapses[$"stdp→{c}.weight"][0];
            w.Should().BeApproximately(meta, 1e-12, $"{backend}: cell {c}'s STDP weight, events in Meta's order");
            output.WriteLine($"{backend} cell {c}: weight {w:R}; NEST's order gives {nest:R} (difference {w - nest:E2})");
            if (c == 1) w.Should().BeApproximately(nest, 1e-12, "no post event falls in a pre event's step onto cell 1, so the orders agree");
            else Math.Abs(w - nest).Should().BeGreaterThan(1e-9, "cell 0 has a post event in the step of the pre spike at 78.1 ms");
        }
    }

    private static double Facilitate(double w, double kplus)
    {
        var p = N.Stdp;
        double norm = (w / p["Wmax"]) + (p["lambda"] * Math.Pow(1 - (w / p["Wmax"]), p["mu_plus"]) * kplus);
        return norm < 1 ? norm * p["Wmax"] : p["Wmax"];
    }

    private static double Depress(double w, double kminus)
    {
        var p = N.Stdp;
        double norm = (w / p["Wmax"]) - (p["alpha"] * p["lambda"] * Math.Pow(w / p["Wmax"], p["mu_minus"]) * kminus);
        return norm > 0 ? norm * p["Wmax"] : 0;
    }

    /// <summary>
    /// The final weight by NEST's stdp_synapse::send (facilitation for the post spikes in (t_last − d, t_spike − d], then
    /// depression with the post trace strictly before t_spike − d; the facilitations after the last pre spike applied as the
    /// next pre spike would), and the same updates in Meta's event order (at one step, the pre event first).
    /// Times in whole steps, as both simulators stamp them.
    /// </summary>
    private static (double Meta, double Nest) StdpWeights(double[] postSpikes, double tauMinus)
    {
        double tauPlus = N.Stdp["tau_plus"];
        int d = (int)Math.Round(N.StdpDelay / N.Dt);
        int[] pre = [.. N.Inputs[2].Select(t => (int)Math.Round(t / N.Dt))];
        int[] arrivals = [.. postSpikes.Select(t => (int)Math.Round(t / N.Dt) + d)];
        int end = (int)Math.Round(N.TStop / N.Dt);

        double w = N.StdpWeight, kplus = 0;
        int last = 0;
        foreach (int s in pre)
        {
            foreach (int a in arrivals.Where(a => a > last && a <= s)) w = Facilitate(w, kplus * Math.Exp((last - a) * N.Dt / tauPlus));
            w = Depress(w, arrivals.Where(a => a < s).Sum(a => Math.Exp(-(s - a) * N.Dt / tauMinus)));
            kplus = (kplus * Math.Exp((last - s) * N.Dt / tauPlus)) + 1;
            last = s;
        }
        foreach (int a in arrivals.Where(a => a > last && a <= end)) w = Facilitate(w, kplus * Math.Exp((last - a) * N.Dt / tauPlus));
        double nest = w;

        w = N.StdpWeight;
        var events = pre.Select(s => (Step: s, Pre: true)).Concat(arrivals.Where(a => a <= end).Select(a => (Step: a, Pre: false)))
            .OrderBy(e => e.Step).ThenBy(e => e.Pre ? 0 : 1);
        foreach (var (step, isPre) in events)
        {
            // A pre event sees the post events of earlier steps; a post event the pre events of earlier steps (Kplus − 1 for one of its own step).
            w = isPre
                ? Depress(w, arrivals.Where(a => a < step).Sum(a => Math.Exp(-(step - a) * N.Dt / tauMinus)))
                : Facilitate(w, pre.Where(s => s < step).Sum(s => Math.Exp(-(step - s) * N.Dt / tauPlus)));
        }
        return (w, nest);
    }

    [Fact]
    public void A_few_weight_updates_by_hand()
    {
        // Cell 1 until 31 ms: pre 10 (no post yet: unchanged), post 9.1 seen at 11.1 (facilitation with the pre trace of
        // 10 ms), pre 30.5 (depression with the post trace of 11.1 ms, tau_minus 20).
        var r = Sonata(new CpuBackend(), 31.0);
        r.Spikes[1].Should().Equal([9.1], (a, b) => Math.Abs(a - b) < 1e-9);
        double w = 1.0;
        w = 3.0 * Math.Min((w / 3.0) + (0.05 * Math.Pow(1 - (w / 3.0), 1.0) * Math.Exp(-1.1 / 16.8)), 1.0);
        double afterPost = w;
        w = 3.0 * Math.Max((w / 3.0) - (1.1 * 0.05 * Math.Pow(w / 3.0, 0.5) * Math.Exp(-(30.5 - 11.1) / 20.0)), 0.0);
        output.WriteLine($"after the post event {afterPost:R}, after the pre spike at 30.5 ms {w:R}");
        r.Synapses["stdp→1.weight"][0].Should().BeApproximately(w, 1e-12);
        (afterPost - 1.0).Should().BeApproximately(0.05 * (2.0 / 3.0) * 3.0 * Math.Exp(-1.1 / 16.8), 1e-12);
    }

    [Fact]
    public void Unknown_synapse_templates_and_parameters_name_the_known_ones()
    {
        using (var net = new N("edge_type_id model_template delay\n100 nest:quantal_stp_synapse 1\n101 static_synapse 1\n102 static_synapse 2\n103 static_synapse 1\n"))
            FluentActions.Invoking(() => SonataNetworkBuilder.Build(net.Config, new CpuBackend())).Should().Throw<SonataException>()
                .WithMessage("*edge type 100: unknown synapse model_template 'nest:quantal_stp_synapse' (known: nest:static_synapse, nest:tsodyks_synapse, " +
                    "nest:tsodyks2_synapse, nest:stdp_synapse, nest:stdp_synapse_hom).");
        FluentActions.Invoking(() => NestSynapseCatalogue.Get("stdp_synapse", "t").Convert(new Dictionary<string, double> { ["tau_minus"] = 20 }, "t"))
            .Should().Throw<SonataException>().WithMessage("t: 'tau_minus' is not a parameter of NEST's stdp_synapse (known: weight, delay, tau_plus, lambda, alpha, mu_plus, mu_minus, Wmax, Kplus).");
    }

    [Fact]
    public void Wmax_is_converted_like_the_weight()
    {
        // Onto iaf_cond_exp the weight (nS) becomes µS (/1000), and so does Wmax; stdp_synapse_hom is the same rule.
        string types = "edge_type_id model_template delay dynamics_params\n100 nest:tsodyks2_synapse 1 tsodyks2.json\n101 static_synapse 1 NONE\n" +
            "102 nest:stdp_synapse_hom 2 stdp.json\n103 static_synapse 1 NONE\n";
        using var net = new N(types, "nest:iaf_cond_exp");
        using var network = SonataNetworkBuilder.Build(net.Config, new CpuBackend());
        var stdp = network.Simulation.Projections.Single(p => p.Synapse.Model?.Name == "stdp_synapse");
        stdp.Size.Should().Be(2);
        var tauMinus = stdp.Get("tau_minus");
        for (int k = 0; k < 2; k++)
        {
            tauMinus[k].Should().Be(N.TauMinus[stdp.PostIndices[k]], "each connection decays Kminus with its target's tau_minus (15 and 20 ms)");
            stdp.Get("Wmax")[k].Should().BeApproximately(3.0e-3, 1e-15, "nS → µS");
            stdp.Get("weight")[k].Should().BeApproximately(1.0e-3, 1e-15);
            stdp.Get("lambda")[k].Should().Be(0.05);
        }
    }
}
