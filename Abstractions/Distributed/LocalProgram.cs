using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Distributed;

/// <summary>
/// One rank's share of a step program (docs/architecture.md, "Distributed runs"). Groups 0…P−1 are the rank's blocks of the
/// P populations (<see cref="Placement"/>), with their per-cell values sliced and their global indices kept. Every
/// population that sends spikes also gets a relay group P+k: a <see cref="SpikeSourceKinds.Relay"/> source of the whole
/// population, whose spikes are those of all ranks, exchanged every <see cref="Lag"/> steps and emitted <see cref="Lag"/>
/// steps late. Each projection keeps only the connections onto the rank's cells, in their original order, from the relay
/// of its presynaptic population, with every delay shortened by <see cref="Lag"/> (to 0 for the smallest: a relay's spike
/// goes into the ring slot of the step about to be computed, so it lands at slot s + d of the original spike of step s).
/// Each target's ring therefore receives the same additions in the same order as in one process, so the spikes are
/// identical. Spike recorders of every relayed block (the exchange recorders) follow the user's recorders.
/// </summary>
public sealed class LocalProgram
{
    private LocalProgram(StepProgram global, StepProgram local, Placement placement, int rank, int lag, int[] relayOf,
        SpikeFeed?[] feeds, int[] userRecorder, int[] exchangeRecorder)
    {
        Global = global;
        Program = local;
        Placement = placement;
        Rank = rank;
        Lag = lag;
        RelayOf = relayOf;
        Feeds = feeds;
        UserRecorder = userRecorder;
        ExchangeRecorder = exchangeRecorder;
    }

    /// <summary>The program the rank was given: every population whole, and the connections onto this rank's cells (or all of them).</summary>
    public StepProgram Global { get; }
    /// <summary>This rank's program.</summary>
    public StepProgram Program { get; }
    /// <summary>Where cells live.</summary>
    public Placement Placement { get; }
    /// <summary>This rank.</summary>
    public int Rank { get; }
    /// <summary>
    /// How many steps late relays emit, which is also the longest interval between two exchanges: the smallest delay of the
    /// network, in steps (the minimum-delay interval of NEST and NEURON; 0 when no projection carries spikes).
    /// </summary>
    public int Lag { get; }
    /// <summary>Per population, the local group of its relay, or −1 when it sends no spikes.</summary>
    public IReadOnlyList<int> RelayOf { get; }
    /// <summary>Per population, the feed of its relay, or null.</summary>
    public IReadOnlyList<SpikeFeed?> Feeds { get; }
    /// <summary>Per recorder of the global program, the local recorder of this rank's cells, or −1 when it records none of them.</summary>
    public IReadOnlyList<int> UserRecorder { get; }
    /// <summary>Per population, the local spike recorder of this rank's block that feeds the exchange, or −1.</summary>
    public IReadOnlyList<int> ExchangeRecorder { get; }

    /// <summary>The first cell of population <paramref name="population"/> this rank owns.</summary>
    public int Start(int population) => Placement.Start(population, Rank);

    /// <summary>
    /// Builds rank <paramref name="rank"/>'s program of <paramref name="ranks"/>, or explains what a distributed run cannot do.
    /// <paramref name="global"/> holds every population whole and, per projection, the connections onto the rank's cells or
    /// all of them (those onto other ranks' cells are dropped here). <paramref name="smallestDelay"/> is the smallest delay in
    /// steps over all ranks' connections (<see cref="SmallestDelaySteps"/> of every rank; <see cref="int.MaxValue"/> when
    /// there is none); null takes it from <paramref name="global"/>, which is right when it holds every connection.
    /// </summary>
    /// <exception cref="NotSupportedException">The program has something distributed runs do not support yet.</exception>
    public static LocalProgram Build(StepProgram global, int rank, int ranks, int? smallestDelay = null)
    {
        ArgumentNullException.ThrowIfNull(global);
        Check(global, ranks);
        var placement = new Placement(global.Groups.Select(g => g.Size).ToArray(), ranks);
        int populations = global.Groups.Count;
        int lag = Interval(global, smallestDelay ?? SmallestDelaySteps(global));

        var groups = new List<CellGroupProgram>();
        for (int p = 0; p < populations; p++) groups.Add(Block(global.Groups[p], placement.Start(p, rank), placement.Count(p, rank)));
        // Relays draw nothing and are never logged by cell: their global indices follow the network's, so that every group's
        // range of global indices stays disjoint and increasing with the group (backends may rely on it).
        int nextRelayIndex = global.TotalCells;
        var relayOf = Enumerable.Repeat(-1, populations).ToArray();
        var feeds = new SpikeFeed?[populations];
        foreach (int p in global.Projections.Select(j => j.PreGroup).Distinct().Order())
        {
            var source = global.Groups[p];
            relayOf[p] = groups.Count;
            feeds[p] = new SpikeFeed();
            feeds[p]!.CompleteUntil(lag);
            groups.Add(new SpikeSourceProgram
            {
                Index = groups.Count, Label = $"{source.Label} (relay)", Size = source.Size, FirstGlobalIndex = nextRelayIndex,
                ModelName = "relay", Kind = SpikeSourceKinds.Relay, Parameters = new Dictionary<string, double[]>(),
                Sequences = new Dictionary<string, double[][]>(), Feed = feeds[p],
            });
            nextRelayIndex += source.Size;
        }

        var projections = global.Projections.Select(j => Projection(j, relayOf[j.PreGroup], placement.Start(j.PostGroup, rank),
            placement.Count(j.PostGroup, rank), lag)).ToArray();

        var recorders = new List<RecorderSpec>();
        var userRecorder = new int[global.Recorders.Count];
        foreach (var r in global.Recorders)
        {
            int a = placement.Start(r.Population, rank), c = placement.Count(r.Population, rank);
            var cells = r.Cells.Where(i => i >= a && i < a + c).Select(i => i - a).ToArray();
            userRecorder[r.Index] = cells.Length == 0 ? -1 : recorders.Count;
            if (cells.Length > 0)
                recorders.Add(new RecorderSpec { Index = recorders.Count, Population = r.Population, Variable = r.Variable, Cells = cells, IntervalSteps = r.IntervalSteps });
        }
        var exchangeRecorder = Enumerable.Repeat(-1, populations).ToArray();
        for (int p = 0; p < populations; p++)
        {
            if (relayOf[p] < 0) continue;
            exchangeRecorder[p] = recorders.Count;
            recorders.Add(new RecorderSpec
            {
                Index = recorders.Count, Population = p, Variable = "spikes", Cells = Enumerable.Range(0, placement.Count(p, rank)).ToArray(), IntervalSteps = 1,
            });
        }

        var local = global with
        {
            Groups = groups,
            Projections = projections,
            CurrentSources = CurrentSources(global.CurrentSources, placement, rank),
            Recorders = recorders,
        };
        return new LocalProgram(global, local, placement, rank, lag, relayOf, feeds, userRecorder, exchangeRecorder);
    }

    /// <summary>Slices per-cell values of group <paramref name="g"/> (the whole population) to cells [start, start + count).</summary>
    public IReadOnlyDictionary<string, double[]> SliceValues(int g, IReadOnlyDictionary<string, double[]> values)
    {
        int n = Global.Groups[g].Size, a = Start(g), c = Placement.Count(g, Rank);
        return values.ToDictionary(kv => kv.Key, kv => kv.Value.Length == n ? kv.Value[a..(a + c)] : kv.Value);
    }

    /// <summary>Refuses, with the reason, what a distributed run of <paramref name="ranks"/> ranks cannot do (before any rank waits for the others).</summary>
    /// <exception cref="NotSupportedException">The program has something distributed runs do not support yet.</exception>
    public static void Check(StepProgram global, int ranks)
    {
        ArgumentNullException.ThrowIfNull(global);
        if (global.BatchSize != 1) throw new NotSupportedException($"A distributed run of a batch of {global.BatchSize} network variants is not supported.");
        if (global.Couplings.Count > 0)
            throw new NotSupportedException($"Continuous couplings (gap junctions, graded synapses: '{global.Couplings[0].Label}') are not supported in distributed runs; run on one process.");
        foreach (var p in global.Projections)
            if (p.Kernel is not null || p.SynapseType != "StaticSynapse")
                throw new NotSupportedException($"Projection '{p.Label}' has synapse type {p.SynapseType}: distributed runs support StaticSynapse only; run on one process.");
        foreach (var g in global.Groups)
            if (g.Size < ranks)
                throw new NotSupportedException($"Population '{g.Label}' has {g.Size} cells, fewer than the {ranks} ranks: every rank must own at least one cell of every population.");
    }

    /// <summary>The smallest delay, in steps, of the connections in <paramref name="program"/>; <see cref="int.MaxValue"/> when it has none.</summary>
    public static int SmallestDelaySteps(StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        int min = int.MaxValue;
        foreach (var p in program.Projections)
        {
            if (p.DelaySteps is RepeatedValue<int> r) { if (r.Count > 0) min = Math.Min(min, r.Value); continue; }
            foreach (int d in p.DelaySteps) min = Math.Min(min, d);
        }
        return min;
    }

    /// <summary>
    /// The exchange interval: the smallest delay of all ranks in steps, or 0 when no rank has a connection (nothing to
    /// exchange). Delays are at least one step (the lowering refuses less), so every interval holds at least one step.
    /// </summary>
    private static int Interval(StepProgram global, int min)
    {
        if (min == int.MaxValue) return 0;
        if (min < 1)
        {
            string which = global.Projections.FirstOrDefault(x => x.DelaySteps.Contains(min)) is { } p ? $"Projection '{p.Label}'" : "A projection (on another rank)";
            throw new ArgumentException($"{which} has a delay of {min} steps; delays are whole steps of at least 1 ({global.Timestep} ms).", nameof(global));
        }
        return min;
    }

    private static CellGroupProgram Block(CellGroupProgram g, int start, int count)
    {
        int end = start + count;
        return g switch
        {
            NeuronGroupProgram n => n with
            {
                Size = count,
                FirstGlobalIndex = n.FirstGlobalIndex + start,
                Values = n.Values.ToDictionary(kv => kv.Key, kv => n.Kernel.Buffer(kv.Key)?.Storage == Storage.Uniform ? kv.Value : kv.Value[start..end]),
            },
            SpikeSourceProgram s => s with
            {
                Size = count,
                FirstGlobalIndex = s.FirstGlobalIndex + start,
                Parameters = s.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value[start..end]),
                Sequences = s.Sequences.ToDictionary(kv => kv.Key, kv => kv.Value[start..end]),
            },
            _ => throw new NotSupportedException($"Group '{g.Label}' ({g.GetType().Name}) cannot be distributed."),
        };
    }

    /// <summary>
    /// The connections of <paramref name="p"/> onto cells [start, start + count) of its post population, from the relay, with
    /// delays shortened by <paramref name="lag"/>. A projection-wide weight or delay (<see cref="RepeatedValue{T}"/>) stays one
    /// value, and when every connection is kept the pre indices and per-connection weights are shared, not copied.
    /// </summary>
    private static SynapseGroupProgram Projection(SynapseGroupProgram p, int relay, int start, int count, int lag)
    {
        int n = p.Count, kept = 0;
        var postIndices = p.PostIndices;
        for (int i = 0; i < n; i++)
            if ((uint)(postIndices[i] - start) < (uint)count) kept++;
        bool all = kept == n;
        var pre = all ? p.PreIndices : new int[kept];
        var post = new int[kept];
        var weightsGiven = p.Weights as RepeatedValue<double>;
        var delaysGiven = p.DelaySteps as RepeatedValue<int>;
        var weights = weightsGiven is null && !all ? new double[kept] : null;
        var delays = delaysGiven is null ? new int[kept] : null;
        for (int i = 0, k = 0; i < n; i++)
        {
            int local = postIndices[i] - start;
            if ((uint)local >= (uint)count) continue;
            if (!all) pre[k] = p.PreIndices[i];
            post[k] = local;
            if (weights is not null) weights[k] = p.Weights[i];
            if (delays is not null) delays[k] = p.DelaySteps[i] - lag;
            k++;
        }
        return p with
        {
            PreGroup = relay,
            PreIndices = pre,
            PostIndices = post,
            Weights = weightsGiven is not null ? new RepeatedValue<double>(weightsGiven.Value, kept) : weights ?? p.Weights,
            DelaySteps = delaysGiven is not null ? new RepeatedValue<int>(delaysGiven.Value - lag, kept) : delays!,
        };
    }

    private static CurrentSourceSpec[] CurrentSources(IReadOnlyList<CurrentSourceSpec> sources, Placement placement, int rank)
    {
        var local = new List<CurrentSourceSpec>();
        foreach (var s in sources)
        {
            int a = placement.Start(s.Population, rank), c = placement.Count(s.Population, rank);
            var cells = s.Cells.Where(i => i >= a && i < a + c).Select(i => i - a).ToArray();
            if (cells.Length == 0) continue;
            local.Add(new CurrentSourceSpec
            {
                Index = local.Count, Kind = s.Kind, Population = s.Population, Cells = cells, ChangeSteps = s.ChangeSteps,
                Amplitudes = s.Amplitudes, Waveform = s.Waveform,
            });
        }
        return local.ToArray();
    }
}
