namespace Meta.Populations;

/// <summary>
/// A subset of a population's cells (PyNN's <c>PopulationView</c>): a slice, index array or mask. Changes made
/// through a view act on the parent. Indices are sorted and duplicates removed.
/// </summary>
public sealed class PopulationView : CellCollection
{
    private readonly PopulationPart[] _parts;

    internal PopulationView(Population parent, IReadOnlyList<int> indices, string? label = null)
    {
        Parent = parent;
        var sorted = indices.Distinct().Order().ToArray();
        foreach (var i in sorted)
            if (i < 0 || i >= parent.Size)
                throw new IndexOutOfRangeException($"Index {i} is outside population '{parent.Label}' of size {parent.Size}.");
        Indices = sorted;
        _parts = [new PopulationPart(parent, sorted)];
        Label = label ?? $"view of '{parent.Label}' with size {sorted.Length}";
    }

    /// <summary>The population this view selects from (views of views resolve to the root population).</summary>
    public Population Parent { get; }
    /// <summary>The selected indices within <see cref="Parent"/>.</summary>
    public IReadOnlyList<int> Indices { get; }
    /// <inheritdoc />
    public override Simulation Simulation => Parent.Simulation;
    /// <inheritdoc />
    public override int Size => Indices.Count;
    /// <inheritdoc />
    public override string Label { get; }
    /// <inheritdoc />
    public override IReadOnlyList<PopulationPart> Parts => _parts;

    /// <inheritdoc />
    public override CellCollection Select(IReadOnlyList<int> positions) =>
        new PopulationView(Parent, positions.Select(p => p >= 0 && p < Size ? Indices[p]
            : throw new IndexOutOfRangeException($"Index {p} is outside view '{Label}' of size {Size}.")).ToArray());

    /// <summary>The index in the parent of the cell at <paramref name="position"/> in this view.</summary>
    public int IndexInParent(int position) => Indices[position];
}
