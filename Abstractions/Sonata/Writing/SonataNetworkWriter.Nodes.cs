using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Meta.Models;
using Meta.Populations;
using Meta.Sonata.Nest;
using PureHDF;

namespace Meta.Sonata.Writing;

public static partial class SonataNetworkWriter
{
    private const int FirstNodeType = 100;

    private static void WriteNodes(Simulation sim, string folder, Dictionary<Population, string> names, JsonObject nodeSets, JsonObject inputs)
    {
        var tauMinus = SynapseTemplateWriter.TargetTauMinus(sim);
        var nodes = new H5Group();
        var types = new StringBuilder("node_type_id model_type model_template pop_name\n");
        for (int k = 0; k < sim.Populations.Count; k++)
        {
            var pop = sim.Populations[k];
            var model = pop.CellType.Model;
            string name = names[pop];
            int type = FirstNodeType + k;
            bool isVirtual = model.Name == "SpikeSourceArray";
            if (!isVirtual && !IsWritable(model))
                throw new SonataException($"population '{pop.Label}': its model '{model.Name}' is not one of Meta's standard or library models, " +
                    "which SONATA export writes as meta:NAME templates (a NESTML or hand-built model has no name another reader could resolve).");
            types.Append(CultureInfo.InvariantCulture, $"{type} {(isVirtual ? "virtual" : "point_neuron")} {(isVirtual ? "NONE" : TemplatePrefix + model.Name)} {name}\n");
            var group = new H5Group();
            if (!isVirtual)
            {
                var dynamics = new H5Group();
                foreach (var p in model.Parameters)
                {
                    if (p.Shape != ParameterShape.Scalar)
                        throw new SonataException($"population '{pop.Label}': parameter '{p.Name}' of {model.Name} is a {p.Shape.ToString().ToLowerInvariant()}; " +
                            "SONATA export writes scalar parameters only.");
                    dynamics[p.Name] = pop.Get(p.Name);
                }
                foreach (var s in model.States) dynamics[s.Name] = pop.GetInitialValues(s.Name);
                // The tau_minus of the stdp_synapse edges onto these cells (NEST keeps it on the neuron), NEST's default elsewhere.
                if (tauMinus.TryGetValue(pop, out var tau))
                {
                    if (model.FindParameter(NestModel.TauMinus) is not null || model.FindState(NestModel.TauMinus) is not null)
                        throw new SonataException($"population '{pop.Label}': {model.Name} has its own '{NestModel.TauMinus}', which the tau_minus of the stdp_synapse edges onto it would clash with.");
                    dynamics[NestModel.TauMinus] = tau.Select(t => double.IsNaN(t) ? NestSynapseCatalogue.DefaultTauMinus : t).ToArray();
                }
                group["dynamics_params"] = dynamics;
            }
            nodes[name] = new H5Group
            {
                ["node_id"] = Enumerable.Range(0, pop.Size).Select(i => (ulong)i).ToArray(),
                ["node_type_id"] = Enumerable.Repeat(type, pop.Size).ToArray(),
                ["node_group_id"] = new int[pop.Size],
                ["node_group_index"] = Enumerable.Range(0, pop.Size).ToArray(),
                ["0"] = group,
            };
            nodeSets[name] = new JsonObject { ["population"] = name };
            if (isVirtual) inputs[name + "_spikes"] = WriteSpikeInput(pop, name, folder);
        }
        new H5File { ["nodes"] = nodes }.Write(Path.Combine(folder, "network", "nodes.h5"));
        File.WriteAllText(Path.Combine(folder, "network", "node_types.csv"), types.ToString());
    }

    private static bool IsWritable(ModelDefinition model) =>
        (Meta.Models.Standard.StandardModels.TryGet(model.Name, out var standard) && ReferenceEquals(standard, model))
        || (Meta.Models.Library.ModelLibrary.TryGet(model.Name, out var library) && ReferenceEquals(library, model));

    private static JsonObject WriteSpikeInput(Population pop, string name, string folder)
    {
        var trains = pop.GetSequence("spike_times");
        var spikes = trains.SelectMany((train, id) => train.Select(t => (Id: (ulong)id, T: t))).OrderBy(s => s.T).ThenBy(s => s.Id).ToArray();
        var timestamps = new H5Dataset(spikes.Select(s => s.T).ToArray());
        timestamps.Attributes["units"] = "ms";
        var group = new H5Group { ["timestamps"] = timestamps, ["node_ids"] = spikes.Select(s => s.Id).ToArray() };
        group.Attributes["sorting"] = "by_time";
        string file = $"{name}_spikes.h5";
        new H5File { ["spikes"] = new H5Group { [name] = group } }.Write(Path.Combine(folder, "inputs", file));
        return new JsonObject { ["input_type"] = "spikes", ["module"] = "sonata", ["input_file"] = $"$BASE_DIR/inputs/{file}", ["node_set"] = name };
    }
}
