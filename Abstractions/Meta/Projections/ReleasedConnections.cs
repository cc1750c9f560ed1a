using Meta.Backends.Programs;
using Meta.Populations;

namespace Meta.Projections;

/// <summary>
/// A static projection's connections once its network is loaded, kept as the step program's own per-part arrays (pre and post
/// cells within their populations, one part per population pair) instead of the projection's second copy of them (pre and
/// post positions in connection order, 8 bytes a connection). What connection order needs beyond the parts is which part
/// each connection belongs to: one byte a connection, nothing when the projection is one part (a part keeps its connections
/// in connection order). <see cref="Rebuild"/> gives the projection's arrays back, equal element for element, for the
/// operations that read connections by position (<see cref="Projection.GetList"/>, <see cref="Projection.GetArray"/>,
/// <see cref="Projection.Set"/> with anything but one value, saving, exporting, re-resolving the network).
/// </summary>
internal sealed class ReleasedConnections
{
    private readonly PartCells[] _parts;
    private readonly byte[]? _partOf;
    private readonly CellCollection _preCells;
    private readonly CellCollection _postCells;

    /// <summary>One part's cells: its population pair and, per connection in connection order, the pre and post cell.</summary>
    private readonly record struct PartCells(int PreGroup, int PostGroup, int[] Pre, int[] Post);

    private ReleasedConnections(PartCells[] parts, byte[]? partOf, CellCollection preCells, CellCollection postCells, int count)
    {
        _parts = parts;
        _partOf = partOf;
        _preCells = preCells;
        _postCells = postCells;
        Count = count;
    }

    /// <summary>The number of connections.</summary>
    public int Count { get; }

    /// <summary>
    /// The connections of a projection from <paramref name="preCells"/> to <paramref name="postCells"/> with positions
    /// <paramref name="pre"/>, <paramref name="post"/>, kept as <paramref name="parts"/> (the loaded step program's parts of the
    /// projection, in the resolver's order); null when they cannot stand for the positions exactly: more than 256 parts, a
    /// cell listed twice in a collection (positions would be ambiguous), or any connection that would come back different
    /// (every one is checked here, once).
    /// </summary>
    public static ReleasedConnections? TryCreate(CellCollection preCells, CellCollection postCells, int[] pre, int[] post,
        IReadOnlyList<SynapseGroupProgram> parts)
    {
        if (parts.Count is 0 or > 256 || parts.Sum(p => (long)p.Count) != pre.Length) return null;
        var preCellList = preCells.Cells.ToArray();
        var postCellList = postCells.Cells.ToArray();
        var prePosition = Positions(preCellList);
        var postPosition = Positions(postCellList);
        if (prePosition is null || postPosition is null) return null;
        var partCells = parts.Select(p => new PartCells(p.PreGroup, p.PostGroup, p.PreIndices, p.PostIndices)).ToArray();
        var rankOf = new Dictionary<(int, int), int>();
        for (int r = 0; r < partCells.Length; r++)
            if (!rankOf.TryAdd((partCells[r].PreGroup, partCells[r].PostGroup), r)) return null;
        var partOf = partCells.Length == 1 ? null : new byte[pre.Length];
        var filled = new int[partCells.Length];
        for (int k = 0; k < pre.Length; k++)
        {
            var (prePopulation, _) = preCellList[pre[k]];
            var (postPopulation, _) = postCellList[post[k]];
            if (!rankOf.TryGetValue((prePopulation.Index, postPopulation.Index), out int r)) return null;
            var part = partCells[r];
            int at = filled[r]++;
            if (at >= part.Pre.Length || prePosition[part.PreGroup][part.Pre[at]] != pre[k] || postPosition[part.PostGroup][part.Post[at]] != post[k]) return null;
            if (partOf is not null) partOf[k] = (byte)r;
        }
        return new ReleasedConnections(partCells, partOf, preCells, postCells, pre.Length);
    }

    /// <summary>The pre and post positions per connection in connection order, as they were when released.</summary>
    public (int[] Pre, int[] Post) Rebuild()
    {
        var prePosition = Positions(_preCells.Cells.ToArray())!;
        var postPosition = Positions(_postCells.Cells.ToArray())!;
        var pre = new int[Count];
        var post = new int[Count];
        var filled = new int[_parts.Length];
        for (int k = 0; k < pre.Length; k++)
        {
            int r = _partOf?[k] ?? 0, at = filled[r]++;
            var part = _parts[r];
            pre[k] = prePosition[part.PreGroup][part.Pre[at]];
            post[k] = postPosition[part.PostGroup][part.Post[at]];
        }
        return (pre, post);
    }

    /// <summary>
    /// Per population index, each of its cells' position in <paramref name="cells"/> (−1 where absent); null when a cell is
    /// listed twice.
    /// </summary>
    private static Dictionary<int, int[]>? Positions((Population Population, int Index)[] cells)
    {
        var positions = new Dictionary<int, int[]>();
        for (int i = 0; i < cells.Length; i++)
        {
            var (population, cell) = cells[i];
            if (!positions.TryGetValue(population.Index, out var of))
            {
                positions[population.Index] = of = new int[population.Size];
                Array.Fill(of, -1);
            }
            if (of[cell] >= 0) return null;
            of[cell] = i;
        }
        return positions;
    }
}
