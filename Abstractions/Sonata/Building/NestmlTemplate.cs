using Meta.Models;
using Meta.Nestml;
using Meta.Sonata.Nest;

namespace Meta.Sonata.Building;

/// <summary>
/// A NESTML model as a SONATA template (<c>model_template nestml:NAME</c>), as BMTK users point NEST at a NESTML-built
/// module: <c>dynamics_params</c> name the model's parameters and states in its declared units (<c>C_m</c> in pF,
/// <c>I_e</c> in pA), as NEST takes them; weights are NEST's (pA, nS, or mV for voltage-jump ports).
/// </summary>
public sealed class NestmlTemplate : ISonataCellTemplate
{
    private readonly IReadOnlyDictionary<string, double> _scales;

    private NestmlTemplate(string name, string file, ModelDefinition model, IReadOnlyDictionary<string, double> scales)
    {
        (Name, File, Model, _scales) = (name, file, model, scales);
        WeightScale = model.FindReceptor("excitatory")?.Kind == ReceptorKind.VoltageJump ? 1.0 : 1e-3;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The NESTML file.</summary>
    public string File { get; }

    /// <summary>The compiled model.</summary>
    public ModelDefinition Model { get; }

    /// <inheritdoc />
    public double WeightScale { get; }

    /// <inheritdoc />
    public double? FixedWeight => null;

    /// <summary>The prefix of a NESTML template.</summary>
    public const string Prefix = "nestml:";

    /// <summary>
    /// Resolves <c>nestml:NAME</c> against <paramref name="folders"/> (the config's <c>point_neuron_models_dir</c>, the
    /// <c>--components</c> folders, the config's own folder): <c>NAME</c>, then <c>NAME.nestml</c> in each. A missing
    /// file is an error naming the folders searched; a model Meta cannot compile is one naming the NESTML construct and line.
    /// </summary>
    public static NestmlTemplate Load(string template, IEnumerable<string> folders, string where)
    {
        string name = template[Prefix.Length..];
        var searched = folders.Distinct().ToList();
        string? path = Path.IsPathRooted(name) && System.IO.File.Exists(name) ? name
            : searched.SelectMany(f => new[] { Path.Combine(f, name), Path.Combine(f, name + ".nestml") }).FirstOrDefault(System.IO.File.Exists);
        if (path is null)
            throw new SonataException($"{where}: model_template '{template}': no file '{name}' or '{name}.nestml' in {string.Join(", ", searched)} " +
                "(point_neuron_models_dir, --components folders and the config's folder).");
        try
        {
            var (model, scales) = NestmlModel.LoadWithUnits(path);
            return new NestmlTemplate(template, path, model, scales);
        }
        catch (NestmlException e)
        {
            throw new SonataException($"{where}: model_template '{template}' ({path}): {e.Message}");
        }
    }

    /// <inheritdoc />
    public NestValues Convert(IEnumerable<KeyValuePair<string, double>> values, string where, ICollection<string>? warnings = null)
    {
        var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
        var initial = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            double scale = _scales.TryGetValue(name, out double s) ? s : 1.0;
            if (Model.FindParameter(name) is not null) parameters[name] = value * scale;
            else if (Model.FindState(name) is not null) initial[name] = value * scale;
            else throw new SonataException($"{where}: '{name}' is not a parameter or state of the NESTML model {Model.Name} ({File}; " +
                $"parameters: {string.Join(", ", Model.Parameters.Select(p => p.Name))}; states: {string.Join(", ", Model.States.Select(x => x.Name))}).");
        }
        return new NestValues(Model, parameters, initial);
    }
}
