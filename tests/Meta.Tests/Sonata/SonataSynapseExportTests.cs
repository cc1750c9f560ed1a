using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.Models.Standard;
using Meta.Parameters;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Sonata;
using Meta.Sonata.Building;
using Meta.Sonata.Nest;
using Meta.Sonata.Writing;
using Xunit.Abstractions;
using N = Meta.Tests.Sonata.NestSynapseNetwork;

namespace Meta.Tests.Sonata;

/// <summary>
/// Plastic synapses saved as SONATA: the NEST templates Meta reads (<c>tsodyks2_synapse</c>, <c>tsodyks_synapse</c>,
/// <c>stdp_synapse</c> with <c>tau_minus</c> on the target nodes) with their <c>dynamics_params</c>, read back into the same
/// network (same spikes, membrane traces and synapse states after a run, on cpu); what a template cannot carry is refused
/// with the reason.
/// </summary>
public sealed class SonataSynapseExportTests(ITestOutputHelper output)
{
    /// <summary>NestSynapseNetwork's network in C# (<see cref="N.Build"/>), with tsodyks_synapse's y and z away from 0.</summary>
    private static (Simulation Sim, Population Cells) Network()
    {
        var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = N.Dt, Seed = 1, Threads = 1, Precision = Precision.Float64 });
        var (cells, plastic) = N.Build(sim);
        var tsodyks = plastic.Single(p => p.Model == ShortTermPlasticity.TsodyksMarkram);
        tsodyks.Set("y", 0.05);
        tsodyks.Set("z", 0.15);
        cells.Record(["spikes", "v"]);
        return (sim, cells);
    }

    /// <summary>Every synapse state and parameter by (model, target cell), after a run.</summary>
    private static Dictionary<string, double> Synapses(Simulation sim)
    {
        var result = new Dictionary<string, double>();
        foreach (var prj in sim.Projections.Where(p => p.Model is not null))
        {
            var targets = prj.Post.Cells.ToArray();
            foreach (var name in prj.Model!.Parameters.Select(p => p.Name).Concat(prj.Model.States.Select(s => s.Name)).Distinct())
            {
                var column = prj.Get(name);
                for (int k = 0; k < prj.Size; k++) result[$"{prj.Model.Name}→{targets[prj.PostIndices[k]].Index}.{name}"] = column[k];
            }
        }
        return result;
    }

    [Fact]
    public void Plastic_synapses_saved_as_NEST_templates_run_back_the_same_on_cpu()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-synapse-export-{Guid.NewGuid():N}");
        try
        {
            var (original, cells) = Network();
            using (original)
            {
                string config = SonataNetworkWriter.Write(original, folder, new SonataExportOptions { Duration = N.TStop });
                var edgeTypes = File.ReadAllText(Path.Combine(folder, "network", "edge_types.csv"));
                output.WriteLine(edgeTypes);
                edgeTypes.Should().Contain("nest:tsodyks2_synapse").And.Contain("nest:tsodyks_synapse").And.Contain("nest:stdp_synapse").And.Contain("static_synapse");
                original.Run(N.TStop);
                using var network = SonataNetworkBuilder.Build(config, new CpuBackend(), new SonataBuildOptions { Seed = 1, Threads = 1 });
                var group = network.Groups.Single(g => g.SonataPopulation == "net");
                group.TauMinus.Should().Equal(15.0, 20.0, 20.0, 20.0);
                group.Population.Record(["spikes", "v"]);
                network.Simulation.Run(N.TStop);
                var before = cells.GetData().Segments[0];
                var after = group.Population.GetData().Segments[0];
                for (int c = 0; c < 4; c++)
                {
                    if (c < 2) before.SpikeTrains[c].Times.Length.Should().BePositive($"cell {c} fires (its teacher drives it)");
                    after.SpikeTrains[c].Times.Should().Equal(before.SpikeTrains[c].Times, $"cell {c}'s spikes");
                    after.Signal("v").Column(c).Should().Equal(before.Signal("v").Column(c), $"cell {c}'s v");
                }
                var a = Synapses(original);
                var b = Synapses(network.Simulation);
                output.WriteLine(string.Join("; ", a.Where(kv => kv.Key.EndsWith(".weight", StringComparison.Ordinal) || kv.Key.EndsWith(".u", StringComparison.Ordinal))
                    .Select(kv => $"{kv.Key} {kv.Value:G10}")));
                b.Keys.Should().BeEquivalentTo(a.Keys);
                foreach (var (key, value) in a)
                    b[key].Should().BeApproximately(value, 1e-12 * Math.Max(1, Math.Abs(value)), $"{key} (tsodyks's x = 1 − z − y is written and read back within rounding)");
                a["stdp_synapse→0.weight"].Should().NotBe(N.StdpWeight, "the STDP weights learned, so the comparison covers learning");
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void What_a_template_cannot_carry_is_refused_with_the_reason()
    {
        string Refusal(Action<Simulation, Population, Population> build)
        {
            using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 1 });
            var inputs = sim.CreatePopulation(2, new CellType("SpikeSourceArray"), "inputs");
            var cells = sim.CreatePopulation(2, new CellType("IF_curr_delta"), "net");
            build(sim, inputs, cells);
            string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-refused-{Guid.NewGuid():N}");
            try
            {
                return FluentActions.Invoking(() => SonataNetworkWriter.Write(sim, folder)).Should().Throw<SonataException>().Which.Message;
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }
        Refusal((s, i, c) => _ = new Projection(i, c, new AllToAllConnector(),
                new STDPMechanism(new SpikePairRule(), new AdditiveWeightDependence(0, 1), weight: 0.5, delay: 1.0), "excitatory", "pynn stdp"))
            .Should().Match("projection 'pynn stdp': its synapse type * has no SONATA edge template Meta reads back (export writes static_synapse and NEST's tsodyks_synapse, tsodyks2_synapse, stdp_synapse, stdp_synapse_hom).");
        Refusal((s, i, c) => _ = new Projection(i, c, new AllToAllConnector(), new ModelSynapse(NestSynapseModels.Tsodyks2, 1.0, 1.0,
                new Dictionary<string, SynapseValue> { ["U"] = SynapseValue.List([0.1, 0.2, 0.3, 0.4]) }), "excitatory", "varied"))
            .Should().StartWith("projection 'varied': 'U' differs between connections (0.1 and 0.");
        Refusal((s, i, c) =>
            {
                _ = new Projection(i[0..1], c[0..1], new AllToAllConnector(), new ModelSynapse(NestSynapseModels.Stdp, 1.0, 1.0,
                    new Dictionary<string, SynapseValue> { ["tau_minus"] = 15.0 }), "excitatory", "a");
                _ = new Projection(i[1..2], c[0..1], new AllToAllConnector(), new ModelSynapse(NestSynapseModels.Stdp, 1.0, 1.0,
                    new Dictionary<string, SynapseValue> { ["tau_minus"] = 25.0 }), "excitatory", "b");
            })
            .Should().Be("projection 'b': cell 0 of 'net' is the target of stdp_synapse connections with tau_minus 15 and 25 ms; SONATA (NEST) keeps one tau_minus per target node.");
        Refusal((s, i, c) =>
            {
                var p = new Projection(i, c, new AllToAllConnector(), new ModelSynapse(NestSynapseModels.Stdp, 1.0, 1.0), "excitatory", "traced");
                p.Set("Kminus", 0.5);
            })
            .Should().StartWith("projection 'traced': 'Kminus' is 0.5, but NEST's stdp_synapse as written would read back 0");
        Refusal((s, i, c) => _ = new Projection(i, c, new AllToAllConnector(), new ModelSynapse(NestSynapseModels.Tsodyks2, 1.0, 1.0, DendriticFraction: 0.5), "excitatory", "axonal"))
            .Should().StartWith("projection 'axonal': dendritic_delay_fraction 0.5");
    }
}
