using System.Diagnostics;

namespace Meta.Backends.Cpu;

/// <summary>
/// A fixed set of worker threads that share the chunks of one step's work with the calling thread, without allocating
/// per dispatch. Chunks are claimed from a shared counter (tagged with the dispatch's generation), so the caller simply
/// does every chunk itself when a worker is late: on a busy machine a step never waits for a thread that is not running.
/// Idle workers spin briefly, then yield, then block, so an idle engine costs no CPU. It counts, for the profile, how long
/// the workers worked, spun and blocked, and how long the calling thread waited for a late worker (<see cref="Counted"/>),
/// only when <c>META_CPU_PROFILE=1</c> (<see cref="Counting"/>): otherwise no dispatch pays for the clock reads and the
/// shared counters (written by every thread, next to the fields the workers poll).
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private Action<int>? _body;
    private int _chunks;
    private int _completed;
    private long _state; // generation << 32 | next chunk to claim
    private int _generation;
    private volatile bool _stopping;
    private volatile bool _hot;
    private Exception? _failure;
    private long _dispatches, _workerChunks, _workerBusy, _workerSpin, _workerBlocked, _mainWait;

    /// <summary>Whether the pool counts its dispatches and times (<see cref="PhaseProfile.Requested"/>, read once); all counts stay 0 otherwise.</summary>
    internal static readonly bool Counting = PhaseProfile.Requested;

    /// <summary>Times in <see cref="Stopwatch"/> ticks, summed over the workers, since the pool was made.</summary>
    /// <param name="Dispatches">Calls of <see cref="Run"/> that used the workers.</param>
    /// <param name="WorkerChunks">Chunks run by the workers (the rest the calling thread ran itself).</param>
    /// <param name="WorkerBusy">Time the workers spent running chunks.</param>
    /// <param name="WorkerSpin">Time the workers spent polling for the next dispatch (spinning or yielding).</param>
    /// <param name="WorkerBlocked">Time the workers spent blocked, waiting to be woken.</param>
    /// <param name="MainWait">Time the calling thread waited, its own chunks done, for the workers to finish theirs.</param>
    public readonly record struct Times(long Dispatches, long WorkerChunks, long WorkerBusy, long WorkerSpin, long WorkerBlocked, long MainWait)
    {
        /// <summary>The times between two snapshots.</summary>
        public static Times operator -(Times a, Times b) => new(a.Dispatches - b.Dispatches, a.WorkerChunks - b.WorkerChunks,
            a.WorkerBusy - b.WorkerBusy, a.WorkerSpin - b.WorkerSpin, a.WorkerBlocked - b.WorkerBlocked, a.MainWait - b.MainWait);
    }

    /// <summary>The pool's counts and times so far (read while no dispatch runs; a worker's last idle stretch counts once it ends); all 0 unless <see cref="Counting"/>.</summary>
    public Times Counted => new(Volatile.Read(ref _dispatches), Volatile.Read(ref _workerChunks), Volatile.Read(ref _workerBusy),
        Volatile.Read(ref _workerSpin), Volatile.Read(ref _workerBlocked), Volatile.Read(ref _mainWait));

    public WorkerPool(int workers)
    {
        Workers = Math.Max(1, workers);
        _threads = new Thread[Workers - 1];
        for (int w = 0; w < _threads.Length; w++)
        {
            _threads[w] = new Thread(Loop) { IsBackground = true, Name = $"meta-cpu-{w + 1}" };
            _threads[w].Start();
        }
    }

    /// <summary>Number of chunks a dispatch is split into.</summary>
    public int Workers { get; }

    /// <summary>
    /// While true, idle workers keep polling for the next dispatch instead of blocking. Set it for the length of a run and
    /// clear it afterwards.
    /// </summary>
    public bool Hot
    {
        get => _hot;
        set
        {
            _hot = value;
            if (!value) lock (_gate) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(c) for c in 0..Workers-1, in parallel where workers are free, and waits for all; returns
    /// whether a worker ran any chunk (false: the calling thread ran them all).
    /// </summary>
    public bool Run(Action<int> body)
    {
        if (Workers == 1) { body(0); return false; }
        _body = body;
        _chunks = Workers;
        Volatile.Write(ref _completed, 0);
        int generation;
        lock (_gate)
        {
            generation = ++_generation;
            Volatile.Write(ref _state, (long)generation << 32);
            Monitor.PulseAll(_gate);
        }
        int own = Participate(generation);
        long waitFrom = Counting ? Stopwatch.GetTimestamp() : 0;
        var spin = new SpinWait();
        // Never Sleep(1) here: a chunk takes tens of µs, and a 1 ms sleep would cost more than the whole step.
        while (Volatile.Read(ref _completed) != _chunks) spin.SpinOnce(sleep1Threshold: -1);
        if (Counting)
        {
            _mainWait += Stopwatch.GetTimestamp() - waitFrom;
            _dispatches++;
        }
        if (_failure is { } f)
        {
            _failure = null;
            throw new AggregateException("A CPU worker failed.", f);
        }
        return own < _chunks;
    }

    /// <summary>Claims and runs chunks of dispatch <paramref name="generation"/> until none is left; returns how many it ran.</summary>
    private int Participate(int generation)
    {
        int ran = 0;
        while (true)
        {
            long state = Volatile.Read(ref _state);
            if ((int)(state >> 32) != generation || (int)state >= _chunks) return ran;
            if (Interlocked.CompareExchange(ref _state, state + 1, state) != state) continue;
            try { _body!((int)state); }
            catch (Exception e) { _failure = e; }
            ran++;
            Interlocked.Increment(ref _completed);
        }
    }

    private void Loop()
    {
        int seen = 0;
        while (true)
        {
            var spin = new SpinWait();
            long idleFrom = Counting ? Stopwatch.GetTimestamp() : 0, blocked = 0;
            while (Volatile.Read(ref _generation) == seen && !_stopping)
            {
                if (_hot || spin.Count < 50) spin.SpinOnce(sleep1Threshold: -1);
                else
                {
                    long blockFrom = Counting ? Stopwatch.GetTimestamp() : 0;
                    lock (_gate) { while (_generation == seen && !_stopping && !_hot) Monitor.Wait(_gate); }
                    if (Counting) blocked += Stopwatch.GetTimestamp() - blockFrom;
                }
            }
            long busyFrom = Counting ? Stopwatch.GetTimestamp() : 0;
            if (Counting)
            {
                Interlocked.Add(ref _workerSpin, busyFrom - idleFrom - blocked);
                if (blocked > 0) Interlocked.Add(ref _workerBlocked, blocked);
            }
            if (_stopping) return;
            seen = Volatile.Read(ref _generation);
            int ran = Participate(seen);
            if (ran > 0 && Counting)
            {
                Interlocked.Add(ref _workerChunks, ran);
                Interlocked.Add(ref _workerBusy, Stopwatch.GetTimestamp() - busyFrom);
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var t in _threads) t.Join();
    }
}
