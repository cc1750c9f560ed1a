using Meta.Models;
using Meta.Expressions;
using Meta.Models.Standard;
using Meta.Parameters;
using Meta.Random;
using Meta.Spatial;

namespace Meta.Populations;

/// <summary>
/// A group of cells of one cell type (PyNN's <c>Population</c>). Parameters are stored per cell; defaults
/// come from the cell type. Create one with <see cref="Simulation.CreatePopulation(int, CellType, string?)"/>.
/// </summary>
public sealed class Population : CellCollection
{
    private readonly Dictionary<string, double[]> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double[][]> _sequences = new(StringComparer.Ordinal);
    // Explicit initial values and which cells have one, per state: made at the first explicit value of that state, so a
    // state left to the model's initial expression holds no per-cell array.
    private readonly Dictionary<string, double[]> _initial = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool[]> _initialSet = new(StringComparer.Ordinal);
    private readonly PopulationPart[] _parts;
    private double[,]? _positions;
    private Structure? _structure = new Line();

    internal Population(Simulation simulation, int index, int size, CellType cellType, string? label)
    {
        if (size <= 0) throw new InvalidParameterValueException($"A population needs at least one cell, got size {size}.");
        Simulation = simulation;
        Index = index;
        Size = size;
        CellType = cellType ?? throw new ArgumentNullException(nameof(cellType));
        Label = label ?? $"population{index}";
        _parts = [new PopulationPart(this, Enumerable.Range(0, size).ToArray())];
        var all = _parts[0].Indices;
        var model = cellType.Model;
        foreach (var p in model.Parameters)
        {
            if (p.Shape != ParameterShape.Sequence)
            {
                foreach (var name in p.KernelNames)
                {
                    var value = cellType.Values.TryGetValue(name, out var v) ? v : ParameterValue.Scalar(cellType.DefaultOf(name));
                    _parameters[name] = value.Evaluate(name, all, simulation.ParameterRandom);
                }
            }
            else
            {
                var seq = cellType.Sequences.TryGetValue(p.Name, out var s) ? s : SequenceValue.Shared(p.DefaultSequence?.ToArray() ?? []);
                var values = seq.Evaluate(p.Name, all);
                foreach (var cell in values) CheckSequence(p.Name, cell);
                _sequences[p.Name] = values;
            }
        }
        SpikeSources.Validate(model, Label, _parameters, _sequences);
        foreach (var p in model.Parameters)
            foreach (var name in p.KernelNames) CheckDomain(p, name, _parameters[name], i => $"cell {i}");
    }

    /// <inheritdoc />
    public override Simulation Simulation { get; }
    /// <summary>The position of this population in its simulation.</summary>
    public int Index { get; }
    /// <inheritdoc />
    public override int Size { get; }
    /// <summary>The cell type.</summary>
    public CellType CellType { get; }
    /// <inheritdoc />
    public override string Label { get; }
    /// <inheritdoc />
    public override IReadOnlyList<PopulationPart> Parts => _parts;

    /// <summary>
    /// How the cells are placed (PyNN's <c>structure</c>; default <see cref="Line"/>, so x = index, y = z = 0). Setting a
    /// structure generates new positions at once (so a grid that does not fit fails here, with a clear message). Setting
    /// <see cref="Positions"/> explicitly makes this null (the positions no longer follow a structure).
    /// Random structures without their own stream draw from <see cref="RandomStreams.Structure"/>(<see cref="Index"/>).
    /// </summary>
    public Structure? Structure
    {
        get => _structure;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _positions = value.GeneratePositions(Size, StructureStream());
            _structure = value;
        }
    }

    /// <summary>
    /// Cell positions, 3 × Size (x, y, z per cell), generated from <see cref="Structure"/> on first use. The array returned
    /// is the population's own. Setting it copies the array and drops the structure (PyNN's semantics).
    /// </summary>
    public override double[,] Positions
    {
        get => _positions ??= _structure!.GeneratePositions(Size, StructureStream());
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.GetLength(0) != 3 || value.GetLength(1) != Size)
                throw new InvalidDimensionsException($"Positions must be 3 × {Size}, got {value.GetLength(0)} × {value.GetLength(1)}.");
            _positions = (double[,])value.Clone();
            _structure = null;
        }
    }

    private RandomStream StructureStream() => new(Simulation.Options.Seed, RandomStreams.Structure(Index));

    internal void SetPositionsAt(int[] indices, double[,] values, int offset)
    {
        var positions = Positions;
        for (int k = 0; k < indices.Length; k++)
            for (int a = 0; a < 3; a++) positions[a, indices[k]] = values[a, offset + k];
        _structure = null;
    }

    /// <inheritdoc />
    public override CellCollection Select(IReadOnlyList<int> positions) => new PopulationView(this, positions);

    /// <summary>A view of cells by index (PyNN's <c>p[[0, 3, 5]]</c>).</summary>
    public PopulationView this[params int[] indices] => new(this, indices);

    internal void SetParameterAt(string name, int[] indices, ReadOnlySpan<double> values)
    {
        var target = _parameters[name];
        if (CellType.Model.Kind == ModelKind.SpikeSource)
            for (int i = 0; i < indices.Length; i++) SpikeSources.CheckValue(CellType.Model, name, values[i], $"in '{Label}' (cell {indices[i]})");
        if (DefinitionOf(name) is { } definition) CheckDomain(definition, name, values, i => $"cell {indices[i]}");
        for (int i = 0; i < indices.Length; i++) target[indices[i]] = values[i];
        Simulation.MarkParameterChanged(this, name);
    }

    internal void SetSequenceAt(string name, int[] indices, ReadOnlySpan<double[]> values)
    {
        if (!_sequences.TryGetValue(name, out var target))
        {
            var model = CellType.Model;
            throw model.FindParameter(name) is null
                ? new NonExistentParameterException(name, model.Name, model.Parameters.Select(p => p.Name))
                : new InvalidParameterValueException($"'{name}' of {model.Name} is a scalar parameter, not a sequence.");
        }
        for (int i = 0; i < indices.Length; i++)
        {
            CheckSequence(name, values[i]);
            target[indices[i]] = values[i];
        }
        Simulation.MarkSequenceChanged(this, name);
    }

    internal void SetInitialAt(string name, int[] indices, ReadOnlySpan<double> values)
    {
        if (!_initial.TryGetValue(name, out var target))
        {
            if (CellType.Model.FindState(name) is null)
                throw new NonExistentParameterException(name, CellType.Name, CellType.Model.States.Select(s => s.Name));
            _initial[name] = target = new double[Size];
            _initialSet[name] = new bool[Size];
        }
        var set = _initialSet[name];
        for (int i = 0; i < indices.Length; i++)
        {
            target[indices[i]] = values[i];
            set[indices[i]] = true;
        }
    }

    /// <summary>The parameter a kernel symbol belongs to: the scalar parameter itself, or the array parameter of an element.</summary>
    private ParameterDefinition? DefinitionOf(string kernelName) =>
        CellType.Model.FindParameter(kernelName) ?? CellType.Model.Parameters.FirstOrDefault(p => p.KernelNames.Contains(kernelName));

    /// <summary>Refuses values outside the parameter's <see cref="ParameterDomain"/>, naming the cell type, population, cell and value.</summary>
    private void CheckDomain(ParameterDefinition definition, string name, ReadOnlySpan<double> values, Func<int, string> cell)
    {
        if (ParameterDomains.FirstViolation(definition, name, values, $"{CellType.Name} in '{Label}'", cell) is { } message)
            throw new InvalidParameterValueException(message);
    }

    internal IEnumerable<double> GetParameterAt(string name, int[] indices)
    {
        if (!_parameters.TryGetValue(name, out var values))
            throw new NonExistentParameterException(name, CellType.Name, CellType.Model.Parameters.Select(p => p.Name));
        return indices.Select(i => values[i]);
    }

    internal IEnumerable<double[]> GetSequenceAt(string name, int[] indices)
    {
        if (!_sequences.TryGetValue(name, out var values))
            throw new NonExistentParameterException(name, CellType.Name, CellType.Model.Parameters.Where(p => p.Shape == ParameterShape.Sequence).Select(p => p.Name));
        return indices.Select(i => (double[])values[i].Clone());
    }

    internal IEnumerable<double> GetInitialAt(string name, int[] indices)
    {
        if (CellType.Model.FindState(name) is null)
            throw new NonExistentParameterException(name, CellType.Name, CellType.Model.States.Select(s => s.Name));
        var all = InitialValues(name);
        return indices.Select(i => all[i]);
    }

    /// <summary>All scalar parameter arrays (live storage; used when resolving the network).</summary>
    internal IReadOnlyDictionary<string, double[]> ParameterArrays => _parameters;
    internal IReadOnlyDictionary<string, double[][]> SequenceArrays => _sequences;

    /// <summary>
    /// The initial values of a state: explicit ones where set, else the model's initial expression of each cell's parameters
    /// (and of <c>dt</c>, the simulation's time step).
    /// </summary>
    internal double[] InitialValues(string state)
    {
        var def = CellType.Model.FindState(state)!;
        var result = new double[Size];
        _initial.TryGetValue(state, out var explicitValues);
        _initialSet.TryGetValue(state, out var set);
        // One lookup for every cell (not a closure and a delegate per cell: 96 B each, 46 MB of garbage at 160k cells).
        int cell = 0;
        double dt = Simulation.Options.Timestep;
        Func<string, double> lookup = n => n == ModelDefinition.TimestepSymbol ? dt : _parameters[n][cell];
        for (; cell < Size; cell++)
            result[cell] = set is not null && set[cell] ? explicitValues![cell] : def.Initial.Evaluate(lookup);
        return result;
    }

    internal Dictionary<string, double[]> AllInitialValues() =>
        CellType.Model.States.ToDictionary(s => s.Name, s => InitialValues(s.Name));

    /// <summary>
    /// Checks the rules that tie a spike source's parameters together (<see cref="SpikeSources.Validate"/>); called at
    /// creation and before a run that follows changes, so that related parameters may be set one at a time.
    /// </summary>
    internal void ValidateParameters() => SpikeSources.Validate(CellType.Model, Label, _parameters, _sequences);

    private void CheckSequence(string name, double[] values)
    {
        if (CellType.Model.Kind == ModelKind.SpikeSource && name != "spike_times")
        {
            SpikeSources.CheckSequence(CellType.Model, name, values, $"in '{Label}'");
            return;
        }
        for (int i = 1; i < values.Length; i++)
            if (values[i] < values[i - 1])
                throw new InvalidParameterValueException(
                    $"'{name}' of {CellType.Name} in '{Label}' must be non-decreasing; got {values[i - 1]} before {values[i]}.");
        foreach (var v in values)
            if (double.IsNaN(v) || v < 0)
                throw new InvalidParameterValueException($"'{name}' of {CellType.Name} in '{Label}' must hold times ≥ 0 ms; got {v}.");
    }

    /// <inheritdoc />
    public override string ToString() => $"Population '{Label}' of {Size} {CellType.Name}";
}
