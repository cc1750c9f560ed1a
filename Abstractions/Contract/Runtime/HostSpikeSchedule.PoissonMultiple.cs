using Meta.Random;

namespace Meta.Backends.Runtime;

// The generation of SpikeSourcePoissonMultiple windows: step by step, cell by cell, already in window order.
public sealed partial class HostSpikeSchedule
{
    /// <summary>
    /// The spikes after which <see cref="WindowAt"/> ends a <c>SpikeSourcePoissonMultiple</c> window (at the end of the index
    /// that reaches it): 2^20. So a window holds at most 2^20 spikes plus the spikes of one index: 4 MiB of cells plus that
    /// index's, which grow with the number of cells and their rates.
    /// </summary>
    public const int WindowSpikes = 1 << 20;

    /// <summary>Per cell, its tail table (shared by the cells of one rate); empty where the rate is not positive.</summary>
    private PoissonTails[] _tailsOf = [];
    /// <summary>Per cell, start and start + duration (ms).</summary>
    private double[] _begin = [], _end = [];
    /// <summary>Per cell, its Philox stream, <c>RandomStreams.PoissonCell(g)</c>.</summary>
    private ulong[] _poissonStreams = [];

    /// <summary>Rebuilds the per-cell tables from the parameters; a table per distinct rate.</summary>
    /// <exception cref="InvalidParameterValueException">A cell's rate is a mean above 500 spikes per step; names the population and the cell.</exception>
    private void RestartPoissonMultiple()
    {
        var byRate = new Dictionary<double, PoissonTails>();
        var rate = _parameters["rate"];
        var tailsOf = new PoissonTails[rate.Length];
        for (int i = 0; i < rate.Length; i++)
        {
            if (byRate.TryGetValue(rate[i], out var table)) { tailsOf[i] = table; continue; }
            try
            {
                tailsOf[i] = byRate[rate[i]] = PoissonTails.Of(rate[i], _dt);
            }
            catch (InvalidParameterValueException e)
            {
                throw new InvalidParameterValueException($"Population '{Group.Label}', cell {i}: {e.Message}", e);
            }
        }
        _tailsOf = tailsOf;
        _begin = (double[])_parameters["start"].Clone();
        var duration = _parameters["duration"];
        _end = _begin.Select((b, i) => b + duration[i]).ToArray();
        if (_poissonStreams.Length != Size)
            _poissonStreams = Enumerable.Range(0, Size).Select(i => RandomStreams.PoissonCell(Group.FirstGlobalIndex + i)).ToArray();
    }

    /// <summary>
    /// The spikes of indices <c>[from, to)</c>, or of <c>[from, e)</c> where index e − 1 is the first to bring the window to
    /// <paramref name="budget"/> spikes; advances <see cref="Position"/> to the window's end. In step s, with
    /// u = <c>Philox.Uniform(seed, RandomStreams.PoissonCell(g), s)</c> (the draw of <c>SpikeSourcePoisson</c>), a cell inside
    /// its [start, start + duration) emits <see cref="PoissonTails.Count"/>(u) spikes, listed one after the other; cells in
    /// increasing order, so the window is in (index, cell) order without a sort.
    /// </summary>
    private SpikeWindow NextPoissonMultiple(long from, long to, int budget)
    {
        var tails = _tailsOf;
        var begin = _begin;
        var end = _end;
        var streams = _poissonStreams;
        ulong seed = _seed;
        var offsets = new int[to - from + 1];
        var cells = new int[InitialCapacity(from, to, budget)];
        int count = 0;
        long s = from;
        for (; s < to && count < budget; s++)
        {
            offsets[s - from] = count;
            double t = s * _dt;
            for (int i = 0; i < tails.Length; i++)
            {
                var table = tails[i];
                if (table.Length == 0 || t < begin[i] || t >= end[i]) continue;
                double u = Philox.Uniform(seed, streams[i], (ulong)s);
                if (!(u < table.First)) continue;
                int k = table.Count(u);
                long needed = (long)count + k;
                if (needed > cells.Length)
                {
                    if (needed > Array.MaxLength)
                        throw new InvalidParameterValueException(
                            $"SpikeSourcePoissonMultiple '{Group.Label}': at index {s} the window from index {from} would hold {needed} spikes, more than the {Array.MaxLength} an array can; ask for shorter windows, or use fewer cells or lower rates.");
                    Array.Resize(ref cells, (int)Math.Min(Array.MaxLength, Math.Max(2L * cells.Length, needed)));
                }
                cells.AsSpan(count, k).Fill(i);
                count += k;
            }
        }
        offsets[s - from] = count;
        if (s < to) Array.Resize(ref offsets, (int)(s - from + 1));
        if (cells.Length != count) Array.Resize(ref cells, count);
        Position = s;
        return new SpikeWindow(from, s, cells, offsets);
    }

    /// <summary>
    /// Room for the spikes of indices <c>[from, to)</c>: their mean with six standard deviations to spare, counting only the
    /// cells whose [start, start + duration) overlaps the indices' times (as if inside it at every one of them), and no
    /// more than the budget plus an index's worth. A silent window allocates 16 cells; the array grows if needed.
    /// </summary>
    private int InitialCapacity(long from, long to, int budget)
    {
        double first = from * _dt, last = (to - 1) * _dt;
        double perStep = 0;
        for (int i = 0; i < _tailsOf.Length; i++)
            if (_begin[i] <= last && _end[i] > first) perStep += _tailsOf[i].Mean;
        double mean = perStep * (to - from);
        double expected = mean + (6 * Math.Sqrt(mean)) + 16;
        double cap = budget + perStep + (6 * Math.Sqrt(perStep)) + 16;
        return (int)Math.Min(Math.Ceiling(Math.Min(expected, cap)), Array.MaxLength);
    }
}
