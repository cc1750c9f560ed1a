using Meta.Models;
using Meta.Nestml;

namespace Meta.Tests.Nestml;

/// <summary>
/// Every NESTML fixture either compiles into a valid model definition or is rejected naming its first unsupported
/// construct and its line: the table docs/nestml.md shows.
/// </summary>
public class NestmlFixtureStatusTests
{
    /// <summary>Fixture, and for rejected ones the line and a fragment of the message naming the construct.</summary>
    public static TheoryData<string, int, string> Fixtures => new()
    {
        { "neurons/aeif_cond_alpha_alt_neuron.nestml", 0, "" },
        { "neurons/aeif_cond_alpha_neuron.nestml", 0, "" },
        { "neurons/aeif_cond_exp_neuron.nestml", 0, "" },
        { "neurons/aeif_psc_alpha_neuron.nestml", 0, "" },
        { "neurons/iaf_cond_exp_neuron.nestml", 0, "" },
        { "neurons/iaf_cond_exp_sfa_rr_neuron.nestml", 0, "" },
        { "neurons/iaf_psc_alpha_neuron.nestml", 0, "" },
        { "neurons/iaf_psc_delta_fixed_timestep_neuron.nestml", 0, "" },
        { "neurons/iaf_psc_delta_neuron.nestml", 0, "" },
        { "neurons/iaf_psc_exp_neuron.nestml", 0, "" },
        { "neurons/izhikevich_neuron.nestml", 0, "" },
        { "neurons/izhikevich_psc_alpha_neuron.nestml", 0, "" },
        { "neurons/hh_cond_exp_destexhe_neuron.nestml", 0, "" },
        { "neurons/hh_moto_5ht_neuron.nestml", 0, "" },
        { "neurons/hh_psc_alpha_neuron.nestml", 0, "" },
        { "neurons/hill_tononi_neuron.nestml", 0, "" },
        { "neurons/iaf_chxk_2008_neuron.nestml", 0, "" },
        { "neurons/iaf_cond_beta_neuron.nestml", 0, "" },
        { "neurons/iaf_psc_exp_htum_neuron.nestml", 0, "" },
        { "neurons/ignore_and_fire_neuron.nestml", 0, "" },
        { "neurons/mat2_psc_exp_neuron.nestml", 0, "" },
        { "neurons/terub_gpe_neuron.nestml", 0, "" },
        { "neurons/terub_stn_neuron.nestml", 0, "" },
        { "neurons/traub_cond_multisyn_neuron.nestml", 0, "" },
        { "neurons/traub_psc_alpha_neuron.nestml", 0, "" },
        { "neurons/wb_cond_multisyn_neuron.nestml", 0, "" },
        { "synapses/neuromodulated_stdp_synapse.nestml", 99, "emit_spike() with a weight, as synapse models send" },
        { "synapses/noisy_synapse.nestml", 45, "emit_spike() with a weight, as synapse models send" },
        { "synapses/static_synapse.nestml", 39, "emit_spike() with a weight, as synapse models send" },
        { "synapses/stdp_nn_pre_centered_synapse.nestml", 121, "emit_spike() with a weight, as synapse models send" },
        { "synapses/stdp_nn_restr_symm_synapse.nestml", 118, "emit_spike() with a weight, as synapse models send" },
        { "synapses/stdp_nn_symm_synapse.nestml", 117, "emit_spike() with a weight, as synapse models send" },
        { "synapses/stdp_synapse.nestml", 102, "emit_spike() with a weight, as synapse models send" },
        { "synapses/stdp_triplet_synapse.nestml", 100, "emit_spike() with a weight, as synapse models send" },
        { "synapses/stdsp_synapse.nestml", 101, "emit_spike() with a weight, as synapse models send" },
        { "synapses/tsodyks_synapse.nestml", 127, "emit_spike() with a weight, as synapse models send" },
    };

    [NestmlTheory]
    [MemberData(nameof(Fixtures))]
    public void A_fixture_compiles_or_is_rejected_naming_its_construct_and_line(string fixture, int line, string construct)
    {
        string path = NestmlFixtures.File(fixture);
        if (line == 0)
        {
            var model = NestmlModel.Load(path);
            model.Name.Should().Be(Path.GetFileNameWithoutExtension(fixture));
            (model.Threshold is not null || model.AfterIntegration.Flatten().OfType<Meta.Models.UpdateEmitSpike>().Any())
                .Should().BeTrue("every supported fixture spikes, by a threshold or by emit_spike() in its update block");
            // ignore_and_fire declares a spike port it ignores (as its name says) and has no ODEs: it counts steps.
            if (model.Name != "ignore_and_fire_neuron")
            {
                model.Receptors.Should().NotBeEmpty("every supported fixture but ignore_and_fire takes spike input");
                model.Odes.Should().NotBeEmpty();
            }
            return;
        }
        var error = FluentActions.Invoking(() => NestmlModel.Load(path)).Should().Throw<NestmlException>().Which;
        error.Line.Should().Be(line);
        error.Message.Should().StartWith($"{path}:{line}: unsupported NESTML construct: ").And.Contain(construct);
    }

    [NestmlFact]
    public void The_table_covers_every_fixture()
    {
        var listed = Fixtures.Select(row => (string)row[0]).ToHashSet();
        var present = Directory.GetFiles(NestmlFixtures.Folder!, "*.nestml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(NestmlFixtures.Folder!, f).Replace('\\', '/'));
        present.Should().BeSubsetOf(listed);
    }
}
