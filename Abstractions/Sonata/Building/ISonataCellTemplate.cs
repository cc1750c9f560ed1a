using Meta.Sonata.Nest;

namespace Meta.Sonata.Building;

/// <summary>
/// What a node's <c>model_template</c> names: a model definition and how the node's <c>dynamics_params</c> (in the
/// template's own units) and the edges' weights onto it become Meta's values. NEST's and NEURON's models
/// (<see cref="NestModel"/>) and NESTML files (<see cref="NestmlTemplate"/>) are templates.
/// </summary>
public interface ISonataCellTemplate
{
    /// <summary>The template's name as the types table writes it.</summary>
    string Name { get; }

    /// <summary>Meta weight = SONATA (NEST) weight × this.</summary>
    double WeightScale { get; }

    /// <summary>When set, the Meta weight of every connection onto these cells, whatever the edges say.</summary>
    double? FixedWeight { get; }

    /// <summary>
    /// The definition, parameters and initial values (Meta units) for the given values (the template's units); a name
    /// the template lacks is an error naming the known ones.
    /// </summary>
    NestValues Convert(IEnumerable<KeyValuePair<string, double>> values, string where, ICollection<string>? warnings = null);
}
