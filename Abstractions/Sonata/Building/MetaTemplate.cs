using Meta.Models;
using Meta.Models.Library;
using Meta.Models.Standard;
using Meta.Sonata.Nest;

namespace Meta.Sonata.Building;

/// <summary>
/// A Meta standard or library model as a SONATA template (<c>model_template meta:IF_curr_exp</c>, as
/// <see cref="Writing.SonataNetworkWriter"/> writes them): <c>dynamics_params</c> name its parameters and states in
/// Meta's names and units, and weights are Meta's (nA, µS, mV), taken as they are.
/// </summary>
public sealed class MetaTemplate : ISonataCellTemplate
{
    private MetaTemplate(string name, ModelDefinition model) => (Name, Model) = (name, model);

    /// <summary>The prefix of a Meta template.</summary>
    public const string Prefix = "meta:";

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The model.</summary>
    public ModelDefinition Model { get; }

    /// <inheritdoc />
    public double WeightScale => 1.0;

    /// <inheritdoc />
    public double? FixedWeight => null;

    /// <summary>The model of <c>meta:NAME</c>; an unknown name is an error listing Meta's models.</summary>
    public static MetaTemplate Get(string template, string where)
    {
        string name = template[Prefix.Length..];
        return StandardModels.TryGet(name, out var m) || ModelLibrary.TryGet(name, out m) ? new MetaTemplate(template, m)
            : throw new SonataException($"{where}: unknown model_template '{template}' (Meta's models: " +
                $"{string.Join(", ", StandardModels.All.Select(x => x.Name).Concat(ModelLibrary.Names).Select(n => Prefix + n))}).");
    }

    /// <inheritdoc />
    public NestValues Convert(IEnumerable<KeyValuePair<string, double>> values, string where, ICollection<string>? warnings = null)
    {
        var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
        var initial = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (Model.FindParameter(name) is not null) parameters[name] = value;
            else if (Model.FindState(name) is not null) initial[name] = value;
            else if (name == NestModel.TauMinus) continue; // read by the stdp_synapse edges onto the node, as for nest: templates
            else throw new SonataException($"{where}: '{name}' is not a parameter or state of Meta's {Model.Name} (parameters: " +
                $"{string.Join(", ", Model.Parameters.Select(p => p.Name))}; states: {string.Join(", ", Model.States.Select(x => x.Name))}).");
        }
        return new NestValues(Model, parameters, initial);
    }
}
