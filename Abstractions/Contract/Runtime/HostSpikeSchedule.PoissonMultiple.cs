using Meta.Random;

namespace Meta.Backends.Runtime;

// The generation of SpikeSourcePoissonMultiple windows: step by step, cell by cell, already in window order.
public sealed partial class HostSpikeSchedule
{
    /// <summary>
    /// The spikes after which <see cref="WindowAt"/> ends a <c>SpikeSourcePoissonMultiple</c> window (at the end of the index
    /// that reaches it): 2^20, 4 MiB of cells, whatever the rate and the number of cells.
    /// </summary>
    public const int WindowSpikes = 1 << 20;

    /// <summary>Per cell, its tail table (shared by the cells of one rate); empty where the rate is not positive.</summary>
    private PoissonTails[] _tailsOf = [];
    /// <summary>Per cell, start and start + duration (ms).</summary>
    private double[] _begin = [], _end = [];
    /// <summary>Per cell, its Philox stream, <c>RandomStreams.PoissonCell(g)</c>.</summary>
    private ulong[] _poissonStreams = [];

    /// <summary>Rebuilds the per-cell tables from the parameters; a table per distinct rate.</summary>
    private void RestartPoissonMultiple()
    {
        var byRate = new Dictionary<double, PoissonTails>();
        var rate = _parameters["rate"];
        _tailsOf = rate.Select(r => byRate.TryGetValue(r, out var t) ? t : byRate[r] = PoissonTails.Of(r, _dt)).ToArray();
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
        var cells = new int[InitialCapacity(to - from, budget)];
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
                if (count + k > cells.Length) Array.Resize(ref cells, (int)Math.Min(Array.MaxLength, Math.Max(2L * cells.Length, (long)count + k)));
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
    /// Room for the spikes of <paramref name="steps"/> indices: their mean (every cell inside its window) with six standard
    /// deviations to spare, and no more than the budget plus an index's worth.
    /// </summary>
    private int InitialCapacity(long steps, int budget)
    {
        double perStep = 0;
        foreach (var table in _tailsOf) perStep += table.Mean;
        double mean = perStep * steps;
        double expected = mean + (6 * Math.Sqrt(mean)) + 16;
        double cap = budget + perStep + (6 * Math.Sqrt(perStep)) + 16;
        return (int)Math.Min(Math.Ceiling(Math.Min(expected, cap)), Array.MaxLength);
    }
}
