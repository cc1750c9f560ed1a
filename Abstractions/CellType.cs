using Meta.Models;
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

    /// <summary>A standard cell type by PyNN name (e.g. <c>IF_cond_exp</c>).</summary>
    public CellType(string standardName) : this(StandardModels.Get(standardName)) { }

    /// <summary>A cell type for any model definition, standard or user-defined.</summary>
    public CellType(ModelDefinition model) => Model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The model.</summary>
    public ModelDefinition Model { get; }

    /// <summary>The model's name.</summary>
    public string Name => Model.Name;

    /// <summary>Sets or gets a scalar parameter's value (defaults come from the model).</summary>
    public ParameterValue this[string name]
    {
        get => _values.TryGetValue(CheckScalar(name), out var v) ? v : Model.FindParameter(name)!.Default;
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
        var p = Model.FindParameter(name) ?? throw Unknown(name);
        if (p.Shape != ParameterShape.Scalar)
            throw new InvalidParameterValueException($"'{name}' of {Name} is a sequence parameter: use WithSequence.");
        return name;
    }

    private NonExistentParameterException Unknown(string name) =>
        new(name, Name, Model.Parameters.Select(p => p.Name));

    /// <inheritdoc />
    public override string ToString() => Name;
}
