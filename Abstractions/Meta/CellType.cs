using Meta.Models;
using Meta.Models.Library;
using Meta.Models.Standard;
using Meta.Parameters;

namespace Meta;

/// <summary>
/// A cell type with parameter values: PyNN's <c>IF_cond_exp(tau_m=10)</c> is
/// <c>new CellType("IF_cond_exp") { ["tau_m"] = 10 }</c>. Names are checked against the model:
/// an unknown one raises <see cref="NonExistentParameterException"/> listing the valid names.
/// </summary>
public sealed class CellType
{
    private readonly Dictionary<string, ParameterValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SequenceValue> _sequences = new(StringComparer.Ordinal);

    /// <summary>
    /// A standard cell type by PyNN name (e.g. <c>IF_cond_exp</c>), or a published model of <see cref="ModelLibrary"/> by
    /// name (e.g. <c>Prinz2004</c>).
    /// </summary>
    public CellType(string standardName) : this(Resolve(standardName)) { }

    /// <summary>
    /// A published model with one of its named parameter sets, e.g. <c>new CellType("Prinz2004", "AB/PD 1")</c>; the error
    /// lists the valid presets.
    /// </summary>
    public CellType(string modelName, string preset) : this(Resolve(modelName))
    {
        var presets = ModelLibrary.Presets(modelName);
        if (!presets.TryGetValue(preset ?? throw new ArgumentNullException(nameof(preset)), out var values))
            throw new InvalidModelException(presets.Count == 0
                ? $"Cell type '{modelName}' has no named parameter sets."
                : $"Unknown parameter set '{preset}' of {modelName} (valid: {string.Join(", ", presets.Keys)}).");
        foreach (var (name, value) in values) this[name] = value;
    }

    private static ModelDefinition Resolve(string name) =>
        StandardModels.TryGet(name, out var standard) ? standard
        : ModelLibrary.TryGet(name, out var published) ? published
        : throw new InvalidModelException($"Unknown cell type '{name}' (standard cell types: {string.Join(", ", StandardModels.All.Select(m => m.Name).Order())}; " +
            $"published models: {string.Join(", ", ModelLibrary.Names)}).");

    /// <summary>A cell type for any model definition, standard or user-defined.</summary>
    public CellType(ModelDefinition model) => Model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The model.</summary>
    public ModelDefinition Model { get; }

    /// <summary>The model's name.</summary>
    public string Name => Model.Name;

    /// <summary>Sets or gets a scalar parameter's value (defaults come from the model).</summary>
    public ParameterValue this[string name]
    {
        get => _values.TryGetValue(CheckScalar(name), out var v) ? v : DefaultOf(name);
        set => _values[CheckScalar(name)] = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Sets a sequence parameter (e.g. <c>spike_times</c>).</summary>
    public CellType WithSequence(string name, SequenceValue value)
    {
        var p = Model.FindParameter(name) ?? throw Unknown(name);
        if (p.Shape != ParameterShape.Sequence)
            throw new InvalidParameterValueException($"'{name}' of {Name} is a scalar parameter, not a sequence.");
        _sequences[name] = value;
        return this;
    }

    /// <summary>
    /// Sets an array parameter (PyNN's <c>ArrayParameter</c>, e.g. GIF's <c>tau_eta=[1, 10, 100]</c>) for every cell.
    /// Its elements are also scalar parameters, <c>tau_eta__0</c>, ..., which can be set per cell.
    /// </summary>
    public CellType WithArray(string name, params double[] elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var p = Model.FindParameter(name) ?? throw Unknown(name);
        if (p.Shape != ParameterShape.Array)
            throw new InvalidParameterValueException($"'{name}' of {Name} is not an array parameter.");
        if (elements.Length != p.Length)
            throw new InvalidParameterValueException($"'{name}' of {Name} takes exactly {p.Length} values, got {elements.Length}.");
        for (int i = 0; i < elements.Length; i++) _values[ParameterDefinition.ElementName(name, i)] = elements[i];
        return this;
    }

    /// <summary>Sets a scalar parameter and returns this cell type (for chaining).</summary>
    public CellType With(string name, ParameterValue value)
    {
        this[name] = value;
        return this;
    }

    /// <summary>The scalar values set explicitly.</summary>
    public IReadOnlyDictionary<string, ParameterValue> Values => _values;
    /// <summary>The sequence values set explicitly.</summary>
    public IReadOnlyDictionary<string, SequenceValue> Sequences => _sequences;

    private string CheckScalar(string name)
    {
        if (Model.KernelParameters.Contains(name) && Model.FindParameter(name) is null) return name; // an array element
        var p = Model.FindParameter(name) ?? throw Unknown(name);
        if (p.Shape == ParameterShape.Array)
            throw new InvalidParameterValueException($"'{name}' of {Name} is an array parameter: use WithArray.");
        if (p.Shape != ParameterShape.Scalar)
            throw new InvalidParameterValueException($"'{name}' of {Name} is a sequence parameter: use WithSequence.");
        return name;
    }

    /// <summary>The model's default of a scalar parameter or array element.</summary>
    internal double DefaultOf(string kernelName) => Model.KernelParameterDefaults[kernelName];

    private NonExistentParameterException Unknown(string name) =>
        new(name, Name, Model.Parameters.Select(p => p.Name));

    /// <inheritdoc />
    public override string ToString() => Name;
}
