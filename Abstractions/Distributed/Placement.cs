namespace Meta.Distributed;

/// <summary>
/// Where cells live in a distributed run: every population is cut into one contiguous block per rank, of sizes differing by
/// at most one (rank r owns cells <c>[⌊n·r/R⌋, ⌊n·(r+1)/R⌋)</c> of a population of n cells). Blocks keep each cell's global
/// index (a block's first cell is a population's first global index plus the block's start), so every counter-based draw
/// keyed by a global cell index (noise, Poisson sources, spike trains) is the one the single-process run makes; that is why
/// Meta places blocks rather than NEST's round-robin, which would need a global index per cell in every backend.
/// </summary>
public sealed class Placement
{
    /// <summary>The placement of populations of <paramref name="sizes"/> cells on <paramref name="ranks"/> ranks.</summary>
    public Placement(IReadOnlyList<int> sizes, int ranks)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (ranks < 1) throw new ArgumentOutOfRangeException(nameof(ranks), ranks, "A run has at least one rank.");
        Sizes = sizes.ToArray();
        Ranks = ranks;
    }

    /// <summary>The number of ranks.</summary>
    public int Ranks { get; }

    /// <summary>The size of every population.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>The first cell of population <paramref name="population"/> that rank <paramref name="rank"/> owns.</summary>
    public int Start(int population, int rank) => BlockStart(Sizes[population], rank, Ranks);

    /// <summary>The first cell that rank <paramref name="rank"/> of <paramref name="ranks"/> owns in a population of <paramref name="size"/> cells.</summary>
    public static int BlockStart(int size, int rank, int ranks) => (int)((long)size * rank / ranks);

    /// <summary>Whether rank <paramref name="rank"/> of <paramref name="ranks"/> owns cell <paramref name="cell"/> of a population of <paramref name="size"/> cells.</summary>
    public static bool Owns(int size, int cell, int rank, int ranks) => cell >= BlockStart(size, rank, ranks) && cell < BlockStart(size, rank + 1, ranks);

    /// <summary>The number of cells of population <paramref name="population"/> that rank <paramref name="rank"/> owns.</summary>
    public int Count(int population, int rank) => Start(population, rank + 1) - Start(population, rank);

    /// <summary>The rank that owns cell <paramref name="cell"/> of population <paramref name="population"/>.</summary>
    public int Owner(int population, int cell)
    {
        int n = Sizes[population];
        if (cell < 0 || cell >= n) throw new ArgumentOutOfRangeException(nameof(cell), cell, $"Population {population} has {n} cells.");
        int r = (int)(((long)cell * Ranks + Ranks - 1) / n);
        while (r > 0 && Start(population, r) > cell) r--;
        while (r + 1 < Ranks && Start(population, r + 1) <= cell) r++;
        return r;
    }
}
