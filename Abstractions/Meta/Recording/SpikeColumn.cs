using Meta.Backends;

namespace Meta.Recording;

/// <summary>
/// The spikes of one population recorded in one segment: one flat column in the order they arrived (time order), the cell
/// index (int32) and the time (ms, float64) of each spike, 12 bytes a spike, appended in chunks that grow with the column
/// (at most an eighth of it unused). Per-cell trains are built only when asked (<see cref="TrainsOf"/>).
/// </summary>
internal sealed class SpikeColumn
{
    private const int MinChunk = 256, MaxChunk = 1 << 20;
    private readonly List<Chunk> _chunks = [];

    private sealed class Chunk(int capacity)
    {
        public int[] Cells { get; } = new int[capacity];
        public double[] Times { get; } = new double[capacity];
        public int Count { get; set; }
    }

    /// <summary>The number of spikes.</summary>
    public long Count { get; private set; }

    /// <summary>Appends the spikes of <paramref name="block"/> (in its order), their times at time step <paramref name="dt"/>.</summary>
    public void Append(SpikeBlock block, double dt)
    {
        int n = block.Cells.Length, i = 0;
        while (i < n)
        {
            var chunk = _chunks.Count > 0 && _chunks[^1].Count < _chunks[^1].Cells.Length ? _chunks[^1] : NewChunk();
            int take = Math.Min(n - i, chunk.Cells.Length - chunk.Count);
            Array.Copy(block.Cells, i, chunk.Cells, chunk.Count, take);
            for (int k = 0; k < take; k++) chunk.Times[chunk.Count + k] = block.TimeOf(i + k, dt);
            chunk.Count += take;
            Count += take;
            i += take;
        }
    }

    private Chunk NewChunk()
    {
        var chunk = new Chunk((int)Math.Clamp(Count / 8, MinChunk, MaxChunk));
        _chunks.Add(chunk);
        return chunk;
    }

    /// <summary>The chunks in column order: each chunk's first <c>Count</c> cells and times.</summary>
    public IEnumerable<(int[] Cells, double[] Times, int Count)> Chunks() => _chunks.Select(c => (c.Cells, c.Times, c.Count));

    /// <summary>The number of spikes of each cell of a population of <paramref name="populationSize"/> cells.</summary>
    public int[] CountsPerCell(int populationSize)
    {
        var counts = new int[populationSize];
        foreach (var chunk in _chunks)
            for (int k = 0; k < chunk.Count; k++) counts[chunk.Cells[k]]++;
        return counts;
    }

    /// <summary>
    /// The spike times of each of <paramref name="cells"/> (cell indices in a population of <paramref name="populationSize"/>
    /// cells, repeats allowed), each in column order; an empty array for a cell without spikes.
    /// </summary>
    public double[][] TrainsOf(IReadOnlyList<int> cells, int populationSize)
    {
        var result = new double[cells.Count][];
        var fill = CountsPerCell(populationSize);
        var owner = new int[populationSize];
        Array.Fill(owner, -1);
        for (int j = 0; j < cells.Count; j++)
        {
            int c = cells[j];
            if (owner[c] >= 0) continue;
            owner[c] = j;
            result[j] = fill[c] == 0 ? [] : new double[fill[c]];
            fill[c] = 0;
        }
        foreach (var chunk in _chunks)
            for (int k = 0; k < chunk.Count; k++)
            {
                int c = chunk.Cells[k];
                if (owner[c] >= 0) result[owner[c]][fill[c]++] = chunk.Times[k];
            }
        for (int j = 0; j < cells.Count; j++)
            if (owner[cells[j]] != j) result[j] = (double[])result[owner[cells[j]]].Clone();
        return result;
    }
}
