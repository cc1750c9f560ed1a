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
internal sealed class ReleasedConnections : IReleasedConnections
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
        if (Positions(preCellList) is null || Positions(postCellList) is null) return null;
        var partCells = parts.Select(p => new PartCells(p.PreGroup, p.PostGroup, p.PreIndices, p.PostIndices)).ToArray();
        var rankOf = new Dictionary<(int, int), int>();
        for (int r = 0; r < partCells.Length; r++)
            if (!rankOf.TryAdd((partCells[r].PreGroup, partCells[r].PostGroup), r)) return null;
        var partOf = partCells.Length == 1 ? null : new byte[pre.Length];
        var filled = new int[partCells.Length];
        // Consecutive connections mostly share their population pair, so its part is looked up on a change only (as
        // Simulation.PopulationParts does). The exact check compares cells, not positions: no cell is listed twice in either
        // collection (checked above), so a cell of the part's population stands for exactly one position, and the part's cell
        // equal to the connection's cell means the rebuilt position equals the connection's. It stays because the parts come
        // from the step program, whose order this class does not control; one compare per side is all it costs.
        (int Pre, int Post) last = (-1, -1);
        int rank = -1;
        for (int k = 0; k < pre.Length; k++)
        {
            var (prePopulation, preCell) = preCellList[pre[k]];
            var (postPopulation, postCell) = postCellList[post[k]];
            var key = (prePopulation.Index, postPopulation.Index);
            if (key != last)
            {
                if (!rankOf.TryGetValue(key, out rank)) return null;
                last = key;
            }
            var part = partCells[rank];
            int at = filled[rank]++;
            if (at >= part.Pre.Length || part.Pre[at] != preCell || part.Post[at] != postCell) return null;
            if (partOf is not null) partOf[k] = (byte)rank;
        }
        return new ReleasedConnections(partCells, partOf, preCells, postCells, pre.Length);
    }

    /// <summary>The pre and post positions per connection in connection order, as they were when released.</summary>
    public (int[] Pre, int[] Post) Rebuild()
    {
        var prePosition = Positions(_preCells.Cells.ToArray())!;
        var postPosition = Positions(_postCells.Cells.ToArray())!;
        // Each part's position arrays, taken once here rather than looked up per connection.
        var preOf = _parts.Select(p => prePosition.GetValueOrDefault(p.PreGroup, [])).ToArray();
        var postOf = _parts.Select(p => postPosition.GetValueOrDefault(p.PostGroup, [])).ToArray();
        var pre = new int[Count];
        var post = new int[Count];
        var filled = new int[_parts.Length];
        for (int k = 0; k < pre.Length; k++)
        {
            int r = _partOf?[k] ?? 0, at = filled[r]++;
            var part = _parts[r];
            pre[k] = preOf[r][part.Pre[at]];
            post[k] = postOf[r][part.Post[at]];
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
