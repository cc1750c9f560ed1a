namespace Meta.Populations;

/// <summary>
/// Several populations or views treated as one (PyNN's <c>Assembly</c>, made with <c>p1 + p2</c>).
/// Operations delegate to the members; data are concatenated in member order.
/// </summary>
public sealed class Assembly : CellCollection
{
    private readonly CellCollection[] _members;
    private readonly PopulationPart[] _parts;

    /// <summary>Creates an assembly of the given members (a duplicate member is ignored).</summary>
    public Assembly(IEnumerable<CellCollection> members, string? label = null)
    {
        var list = new List<CellCollection>();
        foreach (var m in members)
        {
            if (m is Assembly a) list.AddRange(a._members);
            else list.Add(m);
        }
        _members = list.Distinct().ToArray();
        if (_members.Length == 0) throw new InvalidParameterValueException("An assembly needs at least one population.");
        if (_members.Select(m => m.Simulation).Distinct().Count() > 1)
            throw new InvalidParameterValueException("All members of an assembly must belong to one simulation.");
        _parts = _members.SelectMany(m => m.Parts).ToArray();
        Label = label ?? $"assembly of {string.Join(", ", _members.Select(m => m.Label))}";
    }

    internal static Assembly Combine(CellCollection a, CellCollection b) => new([a, b]);

    /// <summary>The members.</summary>
    public IReadOnlyList<CellCollection> Members => _members;
    /// <inheritdoc />
    public override Simulation Simulation => _members[0].Simulation;
    /// <inheritdoc />
    public override int Size => _parts.Sum(p => p.Indices.Length);
    /// <inheritdoc />
    public override string Label { get; }
    /// <inheritdoc />
    public override IReadOnlyList<PopulationPart> Parts => _parts;

    /// <summary>The member with the given label; throws <see cref="KeyNotFoundException"/> if absent.</summary>
    public CellCollection GetPopulation(string label) =>
        _members.FirstOrDefault(m => m.Label == label)
        ?? throw new KeyNotFoundException($"No member labelled '{label}' (members: {string.Join(", ", _members.Select(m => m.Label))}).");

    /// <inheritdoc />
    public override CellCollection Select(IReadOnlyList<int> positions)
    {
        var flat = Cells.ToArray();
        var chosen = positions.Distinct().Order().Select(p => p >= 0 && p < flat.Length ? flat[p]
            : throw new IndexOutOfRangeException($"Index {p} is outside assembly '{Label}' of size {flat.Length}."));
        var views = chosen.GroupBy(c => c.Population).Select(g => (CellCollection)new PopulationView(g.Key, g.Select(c => c.Index).ToArray()));
        return new Assembly(views);
    }
}
