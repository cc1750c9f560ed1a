using Meta.Backends.Programs;
using Meta.Random;

namespace Meta.Backends.Runtime;

/// <summary>
/// The spikes of a window of time indices <c>[From, To)</c> of one host-scheduled spike source population, sorted by index,
/// then by cell; a cell appears once per spike, so several spikes of one cell in one index are all delivered.
/// </summary>
public sealed class SpikeWindow
{
    internal SpikeWindow(long from, long to, int[] cells, int[] offsets, double[]? spikeOffsets = null)
    {
        From = from;
        To = to;
        Cells = cells;
        Offsets = offsets;
        SpikeOffsets = spikeOffsets;
    }

    /// <summary>The first time index of the window.</summary>
    public long From { get; }
    /// <summary>The time index after the window's last.</summary>
    public long To { get; }
    /// <summary>The spiking cell of every spike, sorted by index, then cell.</summary>
    public int[] Cells { get; }
    /// <summary><c>To − From + 1</c> offsets into <see cref="Cells"/>: the spikes of index s are <c>Cells[Offsets[s − From] .. Offsets[s − From + 1])</c>.</summary>
    public int[] Offsets { get; }
    /// <summary>The number of spikes in the window.</summary>
    public int Count => Cells.Length;
    /// <summary>
    /// With precise spike times (<see cref="SpikeSourceProgram.PreciseTimes"/>), each spike's time minus its index times dt
    /// (ms, in (−dt, 0] up to rounding), in the order of <see cref="Cells"/>; null where the spikes are on the grid.
    /// </summary>
    public double[]? SpikeOffsets { get; }

    /// <summary>The offsets from the grid of the spikes of index <paramref name="s"/> (inside the window), or null on the grid.</summary>
    public ArraySegment<double>? SpikeOffsetsAt(long s)
    {
        if (SpikeOffsets is null) return null;
        var (offset, count) = Slice(s);
        return new ArraySegment<double>(SpikeOffsets, offset, count);
    }

    /// <summary>Whether index <paramref name="s"/> lies in the window.</summary>
    public bool Contains(long s) => s >= From && s < To;

    /// <summary>Where the spikes of index <paramref name="s"/> (inside the window) lie in <see cref="Cells"/>.</summary>
    public (int Offset, int Count) Slice(long s)
    {
        if (!Contains(s)) throw new ArgumentOutOfRangeException(nameof(s), s, $"Index outside the window [{From}, {To}).");
        int k = (int)(s - From);
        return (Offsets[k], Offsets[k + 1] - Offsets[k]);
    }

    /// <summary>The cells spiking at index <paramref name="s"/> (inside the window).</summary>
    public ReadOnlySpan<int> CellsAt(long s)
    {
        var (offset, count) = Slice(s);
        return Cells.AsSpan(offset, count);
    }
}

/// <summary>
/// The backend-neutral generator of the spike sources whose trains are made on the host: <c>SpikeSourceArray</c>,
/// <c>SpikeSourceGamma</c>, <c>SpikeSourcePoissonRefractory</c>, <c>SpikeSourceInhGamma</c> and <c>SpikeSourcePoissonMultiple</c>
/// (see <see cref="Handles"/>), and the relays of distributed runs, whose spikes come from a <see cref="SpikeFeed"/>.
/// It produces the spikes of successive windows of time indices, lazily and deterministically: the trains do not depend on
/// the window sizes or on how runs are split. docs/semantics.md states the processes; in short:
/// <list type="bullet">
/// <item>A spike at time t (ms) is emitted at index <c>round(t/dt)</c>, as for spike arrays; with precise spike times
/// (<see cref="SpikeSourceProgram.PreciseTimes"/>) at the first index whose time is not before t (<see cref="PreciseIndex"/>),
/// carrying its offset <c>t − index·dt</c> (<see cref="SpikeWindow.SpikeOffsets"/>).</item>
/// <item>Cell i's intervals are drawn in order from <c>RandomStream(seed, RandomStreams.SpikeTrainCell(g))</c>, g being its
/// global index; the process starts at <c>start</c> (first spike at start + one interval) and emits while t &lt; start + duration.</item>
/// <item>A parameter change (<see cref="SetParameter"/>, <see cref="SetSequence"/>) takes effect for the indices not produced
/// yet: each cell whose values changed restarts its process at the current time (max(start, (Position − 1)·dt)).</item>
/// <item><see cref="Reset"/> returns to index 0 and restarts every stream, so a run after a reset repeats the trains.</item>
/// </list>
/// Engines ask for each index in turn (<see cref="WindowAt"/>) and never beyond the last index of the current run, so that
/// changes between runs apply from the next index on. A schedule is used by one engine thread at a time: it is not
/// thread-safe (its position, current window and streams change on every call).
/// </summary>
public sealed partial class HostSpikeSchedule
{
    /// <summary>The longest window <see cref="WindowAt"/> produces at once, in time indices.</summary>
    public const int DefaultWindowSteps = 4096;

    private readonly string _kind;
    private readonly double _dt;
    private readonly ulong _seed;
    private readonly Dictionary<string, double[]> _parameters;
    private readonly Dictionary<string, double[][]> _sequences;
    private readonly bool[] _dirty;
    private bool _anyDirty;
    private RandomStream[] _streams = [];
    private readonly double[] _next;   // the next spike time drawn (ms), +∞ when none
    private long[][] _arraySteps = [];
    private double[][] _arrayOffsets = [];
    private readonly bool _precise;
    private readonly int[] _arrayCursor;
    private SpikeWindow? _current;
    private readonly SpikeFeed? _feed;

    /// <summary>
    /// The kinds whose spike times are continuous and can be emitted with their offsets from the grid: arrays and the processes
    /// drawn in continuous time. <c>SpikeSourcePoisson</c> and <c>SpikeSourcePoissonMultiple</c> draw per time index and relays
    /// carry grid spikes, so they stay on the grid (docs/semantics.md, "Precise spike times").
    /// </summary>
    public static IReadOnlySet<string> PreciseKinds { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        SpikeSourceKinds.Array, SpikeSourceKinds.Gamma, SpikeSourceKinds.PoissonRefractory, SpikeSourceKinds.InhomogeneousGamma,
    };

    /// <summary>Whether spike sources of <paramref name="sourceKind"/> are generated by this class.</summary>
    public static bool Handles(string? sourceKind) => sourceKind is not null && Kinds.Contains(sourceKind);

    /// <summary>The spike source kinds generated on the host: a backend that uses this class supports them all.</summary>
    public static IReadOnlySet<string> Kinds { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        SpikeSourceKinds.Array, SpikeSourceKinds.Gamma, SpikeSourceKinds.PoissonRefractory, SpikeSourceKinds.InhomogeneousGamma,
        SpikeSourceKinds.PoissonMultiple, SpikeSourceKinds.Relay,
    };

    /// <summary>
    /// Creates the schedule of a spike source group, positioned at index 0. Its parameters are taken as valid: the front end
    /// checks them (PyNN's rules for each source) before a program is built or updated.
    /// </summary>
    /// <param name="group">The group; its kind must be one that <see cref="Handles"/>.</param>
    /// <param name="timestep">dt in ms.</param>
    /// <param name="seed">The simulation's seed.</param>
    public HostSpikeSchedule(SpikeSourceProgram group, double timestep, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!Handles(group.Kind))
            throw new ArgumentException($"{group.ModelName} is not a host-scheduled spike source.", nameof(group));
        if (!(timestep > 0)) throw new ArgumentOutOfRangeException(nameof(timestep), timestep, "dt must be > 0.");
        Group = group;
        _kind = group.Kind;
        _dt = timestep;
        _seed = seed;
        if (group.PreciseTimes && !PreciseKinds.Contains(group.Kind))
            throw new ArgumentException($"{group.ModelName} cannot take precise spike times (kinds that can: {string.Join(", ", PreciseKinds)}).", nameof(group));
        _precise = group.PreciseTimes;
        int n = group.Size;
        _parameters = group.Parameters.ToDictionary(p => p.Key, p => (double[])p.Value.Clone(), StringComparer.Ordinal);
        _sequences = group.Sequences.ToDictionary(p => p.Key, p => p.Value.Select(s => (double[])s.Clone()).ToArray(), StringComparer.Ordinal);
        _dirty = new bool[n];
        _next = new double[n];
        _arrayCursor = new int[n];
        _feed = group.Kind == SpikeSourceKinds.Relay
            ? group.Feed ?? throw new ArgumentException($"Relay group '{group.Label}' has no spike feed.", nameof(group))
            : null;
        Reset();
    }

    /// <summary>The group.</summary>
    public SpikeSourceProgram Group { get; }

    /// <summary>The number of cells.</summary>
    public int Size => Group.Size;

    /// <summary>The first time index not produced yet.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// Produces the spikes of indices <c>[Position, to)</c> and advances <see cref="Position"/> to <paramref name="to"/>.
    /// </summary>
    /// <param name="to">The index after the last one to produce, ≥ <see cref="Position"/>.</param>
    /// <returns>The window.</returns>
    /// <exception cref="InvalidParameterValueException">A <c>SpikeSourcePoissonMultiple</c> cell's rate is a mean above 500
    /// spikes per step, or the window's spikes would exceed the largest array.</exception>
    public SpikeWindow Next(long to)
    {
        long from = Position;
        if (to < from) throw new ArgumentOutOfRangeException(nameof(to), to, $"Indices before {from} were already produced.");
        if (to - from > int.MaxValue - 1) throw new ArgumentOutOfRangeException(nameof(to), to, "A window holds at most 2^31 − 2 indices.");
        if (_anyDirty) Restart(from);
        if (_kind == SpikeSourceKinds.PoissonMultiple) return NextPoissonMultiple(from, to, int.MaxValue);
        var keys = new List<long>();
        var times = _precise ? new List<double>() : null;
        long width = Size;
        _feed?.Take(from, to, width, keys);
        for (int i = 0; i < Size && _feed is null; i++)
        {
            if (_kind == SpikeSourceKinds.Array)
            {
                var steps = _arraySteps[i];
                ref int cursor = ref _arrayCursor[i];
                for (; cursor < steps.Length && steps[cursor] < to; cursor++)
                {
                    if (steps[cursor] < from) continue;
                    keys.Add((steps[cursor] - from) * width + i);
                    times?.Add(_arrayOffsets[i][cursor]);
                }
                continue;
            }
            while (_next[i] < double.PositiveInfinity)
            {
                long s = IndexOf(_next[i]);
                if (s >= to) break;
                // Only right after a restart can a spike round to an index already produced; it is dropped.
                if (s >= from)
                {
                    keys.Add((s - from) * width + i);
                    times?.Add(_next[i] - (s * _dt));
                }
                _next[i] = Draw(i, _next[i]);
            }
        }
        var sorted = keys.ToArray();
        var spikeOffsets = times?.ToArray();
        if (spikeOffsets is null) Array.Sort(sorted);
        else SortWithOffsets(sorted, spikeOffsets);
        var cells = new int[sorted.Length];
        var offsets = new int[to - from + 1];
        for (int k = 0; k < sorted.Length; k++)
        {
            cells[k] = (int)(sorted[k] % width);
            offsets[sorted[k] / width + 1]++;
        }
        for (int k = 1; k < offsets.Length; k++) offsets[k] += offsets[k - 1];
        Position = to;
        return new SpikeWindow(from, to, cells, offsets, spikeOffsets);
    }

    /// <summary>Sorts the keys (index, then cell) and their offsets with them; several spikes of one cell in one index by offset.</summary>
    private static void SortWithOffsets(long[] keys, double[] offsets)
    {
        Array.Sort(keys, offsets);
        for (int a = 0; a < keys.Length;)
        {
            int b = a + 1;
            while (b < keys.Length && keys[b] == keys[a]) b++;
            if (b - a > 1) Array.Sort(offsets, a, b - a);
            a = b;
        }
    }

    /// <summary>
    /// The index at which a spike at <paramref name="t"/> ms is emitted with precise spike times: the first index whose time
    /// <c>index·dt</c> is not before t, so that its offset <c>t − index·dt</c> lies in (−dt, 0] as a cell's does. A time
    /// within 1e-9 steps of a grid point (a multiple of dt written in decimal) takes that point, offset ≈ 0.
    /// </summary>
    public static long PreciseIndex(double t, double dt)
    {
        double x = t / dt;
        double r = Math.Round(x);
        return Math.Abs(x - r) <= 1e-9 * Math.Max(1.0, Math.Abs(x)) ? (long)r : (long)Math.Ceiling(x);
    }

    /// <summary>
    /// The window holding index <paramref name="s"/>: the current one, or a new one of at most
    /// <paramref name="maxSteps"/> indices that starts at <paramref name="s"/> and ends no later than
    /// <paramref name="lastIndex"/> (the last index of the current run). A <c>SpikeSourcePoissonMultiple</c> window also ends
    /// after the first index that brings it to <see cref="WindowSpikes"/> spikes, so it holds at most that many plus one
    /// index's spikes. Indices are asked for in increasing order. Skipped indices are produced and dropped, except for
    /// <c>SpikeSourcePoissonMultiple</c>, whose draws are counter-based: its skipped indices are not computed at all.
    /// </summary>
    /// <param name="s">The index, ≥ the previous call's.</param>
    /// <param name="lastIndex">The last index the engine will emit before parameters may change, ≥ s.</param>
    /// <param name="maxSteps">The longest window to produce.</param>
    /// <returns>The window containing s.</returns>
    /// <exception cref="InvalidParameterValueException">A <c>SpikeSourcePoissonMultiple</c> cell's rate is a mean above 500
    /// spikes per step (the message names the population and the cell), or a window would exceed the largest array.</exception>
    public SpikeWindow WindowAt(long s, long lastIndex, int maxSteps = DefaultWindowSteps)
    {
        if (_current is not null && _current.Contains(s)) return _current;
        if (s < Position) throw new InvalidOperationException($"Index {s} was already produced (the schedule is at {Position}).");
        if (lastIndex < s) throw new ArgumentOutOfRangeException(nameof(lastIndex), lastIndex, $"The last index must be ≥ {s}.");
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "maxSteps must be ≥ 1.");
        long to = Math.Min(lastIndex + 1, s + maxSteps);
        if (_kind == SpikeSourceKinds.PoissonMultiple)
        {
            // Counter-based draws: skipped indices need no work, and a window stops early once it holds WindowSpikes.
            if (_anyDirty) Restart(Position);
            Position = s;
            _current = NextPoissonMultiple(s, to, WindowSpikes);
            return _current;
        }
        if (s > Position) Next(s);
        _current = Next(to);
        return _current;
    }

    /// <summary>
    /// Sets a scalar parameter (one value per cell). Cells whose value changes restart their process at the current time
    /// when the next window is produced; the rules that tie parameters together are checked then.
    /// </summary>
    /// <exception cref="NonExistentParameterException">The source has no such scalar parameter.</exception>
    public void SetParameter(string name, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!_parameters.TryGetValue(name, out var old))
            throw new NonExistentParameterException(name, Group.ModelName, _parameters.Keys);
        CheckLength(name, values.Length);
        for (int i = 0; i < values.Length; i++)
            if (!old[i].Equals(values[i])) MarkDirty(i);
        _parameters[name] = (double[])values.Clone();
    }

    /// <summary>
    /// Sets a sequence parameter (one sequence per cell): <c>spike_times</c> of arrays (times at indices already produced
    /// are skipped), or <c>a</c>, <c>b</c>, <c>tbins</c> of inhomogeneous gamma sources (changed cells restart).
    /// </summary>
    /// <exception cref="NonExistentParameterException">The source has no such sequence parameter.</exception>
    public void SetSequence(string name, double[][] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!_sequences.TryGetValue(name, out var old))
            throw new NonExistentParameterException(name, Group.ModelName, _sequences.Keys);
        CheckLength(name, values.Length);
        for (int i = 0; i < values.Length; i++)
            if (!old[i].AsSpan().SequenceEqual(values[i])) MarkDirty(i);
        _sequences[name] = values.Select(v => (double[])v.Clone()).ToArray();
    }

    /// <summary>Returns to index 0 with every cell's random stream at its start: the trains repeat.</summary>
    public void Reset()
    {
        Position = 0;
        _current = null;
        if (_kind != SpikeSourceKinds.Array && _kind != SpikeSourceKinds.PoissonMultiple && _kind != SpikeSourceKinds.Relay)
            _streams = Enumerable.Range(0, Size).Select(i => new RandomStream(_seed, RandomStreams.SpikeTrainCell(Group.FirstGlobalIndex + i))).ToArray();
        for (int i = 0; i < Size; i++) MarkDirty(i);
    }

    private void MarkDirty(int cell)
    {
        _dirty[cell] = true;
        _anyDirty = true;
        _current = null;
    }

    private void CheckLength(string name, int length)
    {
        if (length != Size)
            throw new InvalidDimensionsException($"'{name}' of '{Group.Label}' needs {Size} values, one per cell; got {length}.");
    }

    private long IndexOf(double t) => _precise ? PreciseIndex(t, _dt) : (long)Math.Round(t / _dt);

    /// <summary>Restarts the changed cells at the time of index from − 1 (the last one emitted), or 0.</summary>
    private void Restart(long from)
    {
        double now = Math.Max(0, from - 1) * _dt;
        if (_kind == SpikeSourceKinds.Relay)
        {
            Array.Clear(_dirty);
            _anyDirty = false;
            return;
        }
        if (_kind == SpikeSourceKinds.PoissonMultiple)
        {
            RestartPoissonMultiple();
            Array.Clear(_dirty);
            _anyDirty = false;
            return;
        }
        if (_kind == SpikeSourceKinds.Array)
        {
            var spikeTimes = _sequences["spike_times"];
            _arraySteps = spikeTimes.Select(times => times.Select(IndexOf).ToArray()).ToArray();
            if (_precise)
                _arrayOffsets = spikeTimes.Select((times, i) => times.Select((t, j) => t - (_arraySteps[i][j] * _dt)).ToArray()).ToArray();
        }
        for (int i = 0; i < Size; i++)
        {
            if (!_dirty[i]) continue;
            _dirty[i] = false;
            if (_kind == SpikeSourceKinds.Array)
            {
                int cursor = 0;
                var steps = _arraySteps[i];
                while (cursor < steps.Length && steps[cursor] < from) cursor++;
                _arrayCursor[i] = cursor;
                continue;
            }
            double origin = Math.Max(_parameters["start"][i], now);
            if (_kind == SpikeSourceKinds.InhomogeneousGamma) origin = Math.Max(origin, _sequences["tbins"][i][0]);
            _next[i] = Draw(i, origin);
        }
        _anyDirty = false;
    }

    /// <summary>The spike after the one at <paramref name="t"/> (or after the process origin t), +∞ when the window is over.</summary>
    private double Draw(int i, double t)
    {
        double stop = _parameters["start"][i] + _parameters["duration"][i];
        double next;
        switch (_kind)
        {
            case SpikeSourceKinds.Gamma:
            {
                double alpha = _parameters["alpha"][i], beta = _parameters["beta"][i];
                next = beta > 0 ? t + _streams[i].NextGamma(alpha, 1000.0 / beta) : double.PositiveInfinity;
                break;
            }
            case SpikeSourceKinds.PoissonRefractory:
            {
                double rate = _parameters["rate"][i], tau = _parameters["tau_refrac"][i];
                next = rate > 0 ? t + tau + _streams[i].NextExponential(Math.Max(0, 1000.0 / rate - tau)) : double.PositiveInfinity;
                break;
            }
            default:
                next = NextInhomogeneousGamma(i, t, stop);
                break;
        }
        return next < stop ? next : double.PositiveInfinity;
    }

    /// <summary>
    /// The next spike of an inhomogeneous gamma process whose last spike (or origin) is at <paramref name="last"/>: the
    /// first time t at which the integrated hazard <c>∫ h(u − last; a(u), b(u)) du</c> from <c>last</c> reaches a standard
    /// exponential draw E, where h(τ; a, b) is the hazard of a gamma distribution of shape a and scale 1000·b ms. Within a
    /// bin the integral is <c>log Q(a, τ₀/θ) − log Q(a, τ/θ)</c>, so the time is found bin by bin and, in the last bin
    /// reached, by inverting Q.
    /// </summary>
    private double NextInhomogeneousGamma(int i, double last, double stop)
    {
        var a = _sequences["a"][i];
        var b = _sequences["b"][i];
        var bins = _sequences["tbins"][i];
        double remaining = _streams[i].NextExponential(1.0);
        double u = Math.Max(last, bins[0]);
        int j = Array.BinarySearch(bins, u);
        if (j < 0) j = ~j - 1;
        while (u < stop)
        {
            double scale = 1000.0 * b[j];
            double logQu = IncompleteGamma.LogQ(a[j], (u - last) / scale);
            double end = j + 1 < bins.Length ? bins[j + 1] : double.PositiveInfinity;
            double logQEnd = double.IsPositiveInfinity(end) ? double.NegativeInfinity : IncompleteGamma.LogQ(a[j], (end - last) / scale);
            double mass = logQu - logQEnd;
            if (mass >= remaining)
                return last + scale * IncompleteGamma.InverseLogQ(a[j], logQu - remaining);
            remaining -= mass;
            u = end;
            j++;
        }
        return double.PositiveInfinity;
    }
}
