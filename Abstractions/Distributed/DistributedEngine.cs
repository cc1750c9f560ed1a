using System.Diagnostics;
using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Distributed;

/// <summary>
/// Runs one rank's share of a network (<see cref="LocalProgram"/>) on any backend's engine and exchanges spikes with the
/// other ranks, so that together the ranks compute exactly the single-process run. A run is cut into intervals of at most
/// <see cref="LocalProgram.Lag"/> steps (the smallest delay, as NEST's and NEURON's minimum-delay interval); after each interval
/// every rank sends the spikes of its cells to all (one all-gather of fixed-size slots, <see cref="SpikeExchange"/>) and
/// appends them to the relays' feeds. The backend's engine runs a whole <see cref="Run"/> in one
/// <see cref="ISimulationEngine.RunIntervals"/> call with the exchange in its callback between two intervals: one step loop
/// for every backend built on <see cref="StepEngine"/>, one
/// <see cref="ISimulationEngine.Run"/> per interval for any other engine (the interface's default).
/// With <see cref="Overlapped"/> exchanges (<see cref="OverlapVariable"/>, Lag ≥ 2) the intervals are ⌊Lag / 2⌋ steps and
/// each exchange is non-blocking (<c>MPI_Iallgather</c>): started after its interval, completed after the next one, so a
/// rank computes an interval while the previous one's spikes travel (Arbor's double-buffered epochs of min_delay / 2).
/// <para>
/// Recordings stay on their rank during runs: <see cref="Run"/> returns the step range and the first divergence of any
/// rank (on every rank, an all-gather of six numbers per rank, so that all ranks stop together) but no spikes or samples. <see cref="GatherRecordings"/>, a collective that
/// the simulation calls when recorded data are read (and before a reset), gathers everything kept since the last gather to
/// rank 0 in global cell order, once, so that rank 0's recorders then hold exactly the single-process data; the other ranks
/// get empty results. <see cref="TakeOwnRecordings"/> instead hands each rank what it kept of its own cells, with nothing
/// exchanged (PyNN's <c>gather=False</c>; <c>meta run --gather false</c> writes one file per rank from it).
/// </para>
/// </summary>
public sealed class DistributedEngine : ISimulationEngine
{
    private readonly ISimulationEngine _inner;
    private readonly ICommunicator _communicator;
    private LocalProgram _local = null!;
    private SpikeExchange _exchange = null!;
    private long _step;
    private bool _initialDone;
    private bool _overlap;
    private LocalRecording? _kept;

    /// <summary>Wraps <paramref name="inner"/>, a backend engine, for the ranks of <paramref name="communicator"/>.</summary>
    public DistributedEngine(ISimulationEngine inner, ICommunicator communicator)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _communicator = communicator ?? throw new ArgumentNullException(nameof(communicator));
    }

    /// <summary>
    /// Per recorder (its <see cref="RecorderSpec.Index"/> in the global program), the test of whether a recorded sample has
    /// diverged; each rank scans its own samples with it during a run and the earliest over all ranks is the run's
    /// <see cref="RunResult.Divergence"/> (<see cref="StateDivergence.FromSample"/>), as one process finds it in the samples
    /// it returns. Null: samples are not scanned (only the states when a run ends).
    /// </summary>
    public Func<int, Func<double, bool>>? SampleDivergedTest { get; init; }

    /// <summary>The number of ranks.</summary>
    public int Ranks => _communicator.Size;

    /// <summary>This process's rank.</summary>
    public int Rank => _communicator.Rank;

    /// <summary>Wall-clock seconds spent in spike exchanges (waiting for slower ranks included) since the load.</summary>
    public double ExchangeSeconds { get; private set; }

    /// <summary>Wall-clock seconds spent gathering recordings (and each run's divergence) to rank 0 since the load.</summary>
    public double GatherSeconds { get; private set; }

    /// <summary>
    /// Wall-clock seconds inside the backend's engine calls (this rank's own steps) since the load, without the exchanges and
    /// the keeping of recordings that run in <see cref="ISimulationEngine.RunIntervals"/>'s callback (<see cref="RecordSeconds"/>
    /// and <see cref="ExchangeSeconds"/>; the progress callback, if any, is counted here).
    /// </summary>
    public double EngineSeconds { get; private set; }

    /// <summary>
    /// The CPU seconds of the calling thread inside the engine calls that run whole chunks (<see cref="ISimulationEngine.RunIntervals"/>,
    /// without its callbacks; not the call of index 0 alone, which has no steps), by Linux's thread CPU clock: the engine's
    /// own worker threads, if any, are not counted, and it stays 0 where the clock cannot be read. <see cref="EngineSeconds"/> minus this is about the time the rank was descheduled (or waited on
    /// its workers) while it stepped.
    /// </summary>
    public double EngineCpuSeconds { get; private set; }

    /// <summary>Wall-clock seconds spent keeping this rank's recordings between engine runs (before the gather) since the load.</summary>
    public double RecordSeconds { get; private set; }

    /// <summary>The number of spike exchanges since the load.</summary>
    public long Exchanges { get; private set; }

    /// <summary>
    /// The number of exchanges since the load whose spikes did not all fit the fixed-size slot, so that a second collective
    /// carried the rest (<see cref="SpikeExchange"/>).
    /// </summary>
    public long ExchangeOverflows => _exchange?.Overflows ?? 0;

    /// <summary>The number of times recordings were gathered to rank 0 since the load.</summary>
    public long Gathers { get; private set; }

    /// <summary>
    /// The environment variable that sets how many spikes the exchange's first slot holds per rank (a positive integer;
    /// 64 when unset): a diagnostic, with which a small network makes the second round happen (tests, under
    /// <c>mpirun -x</c>). The ranks take the largest value any of them was given.
    /// </summary>
    public const string FirstSlotVariable = "META_EXCHANGE_FIRST_SLOT";

    /// <summary>The first slot's spikes that <paramref name="value"/> (the value of <see cref="FirstSlotVariable"/>) states.</summary>
    /// <exception cref="FormatException"><paramref name="value"/> is set but not a positive integer.</exception>
    public static int FirstSlotFrom(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return SpikeExchange.FirstSlotTriples;
        if (int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int triples)
            && triples is > 0 and <= 1 << 24)
            return triples;
        throw new FormatException($"{FirstSlotVariable} is '{value}': expected a positive integer up to {1 << 24} (the spikes per rank the exchange's first slot holds; unset: {SpikeExchange.FirstSlotTriples}).");
    }

    /// <summary>
    /// The environment variable that chooses how spikes are exchanged: <c>1</c> (or <c>true</c>, <c>on</c>) overlaps each
    /// exchange with the next interval whenever <see cref="LocalProgram.Lag"/> ≥ 2 (<see cref="Overlapped"/>); <c>0</c> (or
    /// <c>false</c>, <c>off</c>) exchanges blocking after every interval of <see cref="LocalProgram.Lag"/> steps. Unset: the
    /// default, <see cref="OverlapByDefault"/>. Every rank must be given the same choice (<c>mpirun -x</c>).
    /// </summary>
    public const string OverlapVariable = "META_EXCHANGE_OVERLAP";

    /// <summary>Whether exchanges overlap the next interval when <see cref="OverlapVariable"/> is unset (docs/benchmarks.md, "Overlapped exchanges").</summary>
    public const bool OverlapByDefault = false;

    /// <summary>The choice that <paramref name="value"/> (the value of <see cref="OverlapVariable"/>) states.</summary>
    /// <exception cref="FormatException"><paramref name="value"/> is set but none of the accepted words.</exception>
    public static bool OverlapFrom(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return OverlapByDefault;
        switch (value.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "on": return true;
            case "0" or "false" or "off": return false;
            default:
                throw new FormatException($"{OverlapVariable} is '{value}': expected 1, true or on (overlap each spike exchange with the next interval) or 0, false or off (blocking exchanges); unset: {(OverlapByDefault ? "on" : "off")}.");
        }
    }

    /// <summary>
    /// Whether this run's exchanges overlap the next interval (docs/architecture.md, "Overlapped exchanges"): chosen
    /// (<see cref="OverlapVariable"/>) and <see cref="LocalProgram.Lag"/> ≥ 2. Then the intervals are
    /// <see cref="Interval"/> = ⌊Lag / 2⌋ steps, the exchange of interval k's spikes is started after it and completed after
    /// interval k + 1, before interval k + 2, whose relays are the first to emit them.
    /// </summary>
    public bool Overlapped => _overlap && _local.Lag >= 2;

    /// <summary>The steps of an exchange interval: <see cref="LocalProgram.Lag"/>, or ⌊Lag / 2⌋ when <see cref="Overlapped"/> (0 when no projection carries spikes).</summary>
    public int Interval => Overlapped ? _local.Lag / 2 : _local.Lag;

    /// <summary>
    /// Chooses overlapped (<paramref name="on"/>) or blocking exchanges (tests: a process-wide variable cannot differ between
    /// tests that run at once); call it on every rank alike, after <see cref="Load"/> and before the first run.
    /// </summary>
    internal void OverlapExchanges(bool on)
    {
        if (_exchange.Pending || _initialDone) throw new InvalidOperationException("The exchange mode is chosen before the first run.");
        _overlap = on;
    }

    /// <summary>
    /// Restarts the exchange with a first slot of <paramref name="triples"/> spikes (tests: a small slot makes the second
    /// round happen); call it on every rank, after <see cref="Load"/> and before the first run.
    /// </summary>
    internal void StartSlotsAt(int triples) => _exchange = new SpikeExchange(_local, triples);

    /// <summary>Whether this rank keeps recorded data not yet gathered (the same on every rank: all run the same steps).</summary>
    public bool HasKeptRecordings => _kept is not null;

    /// <summary>This rank's share of the network (after <see cref="Load"/>).</summary>
    public LocalProgram Local => _local;

    /// <inheritdoc />
    public long CurrentStep => _step;

    /// <inheritdoc />
    public EngineStatistics Statistics => _inner.Statistics;

    /// <inheritdoc />
    public void Load(StepProgram program)
    {
        // Each rank's program may hold only the connections onto its own cells (Projection builds them per rank), so the
        // smallest delay, which sets the exchange interval, is agreed on by all ranks.
        LocalProgram.Check(program, _communicator.Size);
        int smallest = LocalProgram.SmallestDelaySteps(program);
        if (_communicator.Size > 1) smallest = _communicator.AllGather(smallest).Min();
        _local = LocalProgram.Build(program, _communicator.Rank, _communicator.Size, smallest);
        int slot = FirstSlotFrom(Environment.GetEnvironmentVariable(FirstSlotVariable));
        if (_communicator.Size > 1) slot = _communicator.AllGather(slot).Max(); // the slots must be equal on every rank
        _exchange = new SpikeExchange(_local, slot);
        _overlap = OverlapFrom(Environment.GetEnvironmentVariable(OverlapVariable));
        if (_communicator.Size > 1)
        {
            var choices = _communicator.AllGather(_overlap ? 1 : 0); // the ranks must run the same collectives
            if (choices.Min() != choices.Max())
                throw new InvalidOperationException($"{OverlapVariable} differs between the ranks ({string.Join(", ", choices.Select((c, r) => $"rank {r}: {(c == 1 ? "on" : "off")}"))}); give every rank the same value (mpirun -x {OverlapVariable}=…).");
        }
        _inner.Load(_local.Program);
        _step = 0;
        _initialDone = false;
        _kept = null;
        ExchangeSeconds = GatherSeconds = EngineSeconds = EngineCpuSeconds = RecordSeconds = 0;
        Exchanges = Gathers = 0;
    }

    /// <inheritdoc />
    public RunResult Run(long steps, Action<double>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        long start = _step, end = start + steps;
        var recording = _kept ??= new LocalRecording(_local, start, firstSample: _initialDone ? start + 1 : start, SampleDivergedTest);
        if (!_initialDone)
        {
            // Index 0 (initial samples, sources' spikes at t = 0) is emitted alone, so that its spikes are exchanged before
            // the relays must emit them, Lag steps later (an exchange of its own: the intervals then cover steps 1…L, L+1…2L, …;
            // overlapped, 1…I, I+1…2I, … with I = ⌊L/2⌋, and index 0's exchange completes after the first interval).
            // It scans the states only when the run has no steps (as a single process's Run(0)); the intervals' last one does.
            var stepEngine = _inner as Meta.Backends.Runtime.StepEngine;
            if (stepEngine is not null) stepEngine.ScanDivergence = steps == 0;
            Take(Timed(0), recording, 0);
            if (stepEngine is not null) stepEngine.ScanDivergence = true;
            _initialDone = true;
        }
        if (_step < end)
        {
            // One engine call for the whole chunk, the exchange between its intervals (an engine without its own
            // RunIntervals runs once per interval, ISimulationEngine's default). The engine's time is the call's wall time
            // less what Take timed in the callbacks (keeping recordings, exchanges).
            int interval = Interval > 0 ? Interval : int.MaxValue;
            double takenBefore = RecordSeconds + ExchangeSeconds;
            long since = Stopwatch.GetTimestamp(), cpuSince = ThreadCpuClock.Now(), cpuOutside = 0;
            _inner.RunIntervals(end - _step, interval, result =>
            {
                long cpuTook = ThreadCpuClock.Now();
                _step = result.EndStep;
                Take(result, recording, result.StartStep);
                progress?.Invoke((double)(_step - start) / Math.Max(1, steps));
                cpuOutside += ThreadCpuClock.Now() - cpuTook;
            });
            EngineSeconds += Stopwatch.GetElapsedTime(since).TotalSeconds - (RecordSeconds + ExchangeSeconds - takenBefore);
            EngineCpuSeconds += (ThreadCpuClock.Now() - cpuSince - cpuOutside) / 1e9;
        }
        if (_exchange.Pending)
        {
            // The last interval's exchange (or index 0's, in a run of no steps) completes before Run returns: the feeds
            // are then complete until the last step + Lag, as after a blocking exchange, so a later Run, a gather or a
            // Reset finds no collective pending.
            long since = Stopwatch.GetTimestamp();
            _exchange.Complete(_communicator);
            ExchangeSeconds += Stopwatch.GetElapsedTime(since).TotalSeconds;
        }
        var clock = Stopwatch.StartNew();
        var divergence = recording.GatherDivergence(_communicator);
        GatherSeconds += clock.Elapsed.TotalSeconds;
        return new RunResult { StartStep = start, EndStep = end, Spikes = [], Samples = [], Divergence = divergence };
    }

    /// <summary>
    /// Gathers the recordings every rank kept since the last gather (or the load, or a reset) to rank 0: a collective, which
    /// every rank calls at the same point. Rank 0 gets the single-process spikes and samples of the steps from the first of
    /// those runs to the last; the other ranks get empty blocks; null when nothing was kept (on every rank alike).
    /// </summary>
    public RunResult? GatherRecordings()
    {
        if (_kept is null) return null;
        var clock = Stopwatch.StartNew();
        var gathered = _kept.Gather(_communicator, _step);
        _kept = null;
        Gathers++;
        GatherSeconds += clock.Elapsed.TotalSeconds;
        return gathered;
    }

    /// <summary>
    /// Hands this rank the recordings it kept since the last gather, without gathering them (PyNN's <c>gather=False</c>;
    /// not a collective): the spikes of its own cells with their global indices, and its own columns of the recorded
    /// signals (<see cref="Placement"/>); null when nothing was kept.
    /// </summary>
    public RunResult? TakeOwnRecordings()
    {
        if (_kept is null) return null;
        var own = _kept.Own(_step);
        _kept = null;
        return own;
    }

    private RunResult Timed(long steps)
    {
        long since = Stopwatch.GetTimestamp();
        var result = _inner.Run(steps);
        EngineSeconds += Stopwatch.GetElapsedTime(since).TotalSeconds;
        return result;
    }

    private void Take(RunResult result, LocalRecording recording, long before)
    {
        long since = Stopwatch.GetTimestamp();
        recording.Add(result);
        RecordSeconds += Stopwatch.GetElapsedTime(since).TotalSeconds;
        if (_local.Lag == 0) return;
        var clock = Stopwatch.StartNew();
        if (Overlapped)
        {
            // Interval k + 1 has run: interval k's spikes (first emitted by the relays in interval k + 2) are completed now,
            // then this interval's are started, to be completed after the next one.
            _exchange.Complete(_communicator);
            _exchange.Start(_communicator, result, before);
        }
        else _exchange.Exchange(_communicator, result, before);
        Exchanges++;
        ExchangeSeconds += clock.Elapsed.TotalSeconds;
    }

    /// <inheritdoc />
    public void Update(ProgramUpdate update) =>
        throw new NotSupportedException("Changing a network between runs (parameters, weights, sources, recorders) is not supported in distributed runs yet; set everything before the first run.");

    /// <inheritdoc />
    public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues)
    {
        ArgumentNullException.ThrowIfNull(initialValues);
        var local = new List<IReadOnlyDictionary<string, double[]>>();
        for (int g = 0; g < _local.Program.Groups.Count; g++)
            local.Add(g < initialValues.Count ? _local.SliceValues(g, initialValues[g]) : new Dictionary<string, double[]>());
        _inner.Reset(local);
        // A run that threw (a progress callback, the engine) between an overlapped exchange's start and its completion left
        // it pending. It is completed here, before the feeds are cleared, rather than dropped: the next run's first exchange
        // would otherwise complete it into the cleared feeds (the abandoned run's spikes at its own steps); MPI may write into
        // its pinned buffers until it is waited for; and its counts set the next slot on every rank alike. Like the gather
        // before a reset (Simulation.Reset), this is a collective: every rank resets at the same point, as every rank that
        // threw at the same interval does (a rank that threw alone leaves the others blocked in a collective either way).
        if (_exchange.Pending)
        {
            long since = Stopwatch.GetTimestamp();
            _exchange.Complete(_communicator);
            ExchangeSeconds += Stopwatch.GetElapsedTime(since).TotalSeconds;
        }
        foreach (var feed in _local.Feeds)
        {
            feed?.Clear();
            feed?.CompleteUntil(_local.Lag);
        }
        _step = 0;
        _initialDone = false;
        _kept = null; // the simulation gathers what was kept before it resets (Simulation.Reset)
    }

    /// <inheritdoc />
    public double[] ReadSynapses(int projection, string name) =>
        throw new NotSupportedException("Reading synapse state is not supported in distributed runs (they support static synapses only).");

    /// <inheritdoc />
    public double[] ReadCoupling(int coupling, string name) =>
        throw new NotSupportedException("Continuous couplings are not supported in distributed runs.");

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();
}
