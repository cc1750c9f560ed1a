using static TorchSharp.torch;

namespace Meta.Backends.Torch.Expressions;

/// <summary>
/// On the CPU device, the cells where a condition holds as a list of indices (<c>nonzero</c>), made once per mask tensor
/// and step and shared by every operation that reads that mask: masked assignments of a constant become
/// <c>index_fill_</c> over the few refractory or spiking cells instead of a <c>masked_fill_</c> over the population, the
/// refractory counters count down only where they run, and the spike emission takes the spiking cells' list as it is.
/// The values written are the same as the masked operations', bit for bit (they are copies). Not used on CUDA, where
/// <c>nonzero</c> is a host synchronisation and the masked kernels are cheap, nor for masks of fewer than
/// <paramref name="minCells"/> cells, where the libtorch calls the lists add cost more than the passes they save.
/// </summary>
internal sealed class SparseMasks(long minCells)
{
    private readonly List<(Tensor Mask, Tensor Cells)> _known = [];

    /// <summary>
    /// The default smallest mask worked on as a list: chosen between the sizes measured (slower at 4 000 cells, faster at
    /// 40 000; docs/benchmarks.md), not tuned.
    /// </summary>
    public const long DefaultMinCells = 10_000;

    /// <summary>
    /// The smallest mask worked on as a list: <c>META_TORCH_SPARSE_MIN_CELLS</c> (a whole number ≥ 0) or
    /// <see cref="DefaultMinCells"/>; read when an engine is made.
    /// </summary>
    public static long MinCellsRequested
    {
        get
        {
            string? text = Environment.GetEnvironmentVariable("META_TORCH_SPARSE_MIN_CELLS");
            if (string.IsNullOrWhiteSpace(text)) return DefaultMinCells;
            if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n)) return n;
            throw new MetaException($"META_TORCH_SPARSE_MIN_CELLS='{text}': expected a whole number of cells ≥ 0 (default {DefaultMinCells}).");
        }
    }

    /// <summary>
    /// Whether <c>META_TORCH_MASKED_OPS=1</c> asks for the whole-tensor masked operations the GPU devices use (so that path
    /// is testable and comparable on the CPU device); read when an engine is made.
    /// </summary>
    public static bool WholeTensorsRequested => Environment.GetEnvironmentVariable("META_TORCH_MASKED_OPS") == "1";

    /// <summary>
    /// The cells (int64 indices, in increasing order) where <paramref name="mask"/> holds, or null when the mask has fewer
    /// than the smallest size worked on as a list (use the whole-tensor operation); the list belongs to the dispose scope
    /// that is open on the first call for this mask (the step's).
    /// </summary>
    public Tensor? CellsOf(Tensor mask)
    {
        if (mask.numel() < minCells) return null;
        foreach (var (m, c) in _known)
            if (ReferenceEquals(m, mask)) return c;
        // On the host when the mask allows it (a scan of its bytes instead of libtorch's nonzero), else nonzero.
        var cells = HostIndexOps.Cells(mask) ?? mask.nonzero().view(-1);
        _known.Add((mask, cells));
        return cells;
    }

    /// <summary>
    /// The cells whose counter is above zero, as a bool mask whose list of cells is known already (both made in one pass on
    /// the host), or null where the counters are fewer than the smallest size worked on as a list or not in host memory.
    /// </summary>
    public Tensor? Positive(Tensor counters)
    {
        if (counters.numel() < minCells || HostIndexOps.Positive(counters) is not var (mask, cells)) return null;
        _known.Add((mask, cells));
        return mask;
    }

    /// <summary>The list made for <paramref name="mask"/> in this step, or null.</summary>
    public Tensor? Known(Tensor mask)
    {
        foreach (var (m, c) in _known)
            if (ReferenceEquals(m, mask)) return c;
        return null;
    }

    /// <summary>Forgets the lists (call when the step's dispose scope closes: their tensors and the masks die with it).</summary>
    public void Clear() => _known.Clear();
}
