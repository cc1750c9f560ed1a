namespace Meta.Backends.Cpu;

/// <summary>
/// A fixed set of worker threads that share the chunks of one step's work with the calling thread, without allocating
/// per dispatch. Chunks are claimed from a shared counter (tagged with the dispatch's generation), so the caller simply
/// does every chunk itself when a worker is late: on a busy machine a step never waits for a thread that is not running.
/// Idle workers spin briefly, then yield, then block, so an idle engine costs no CPU.
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

    /// <summary>Runs <paramref name="body"/>(c) for c in 0..Workers-1, in parallel where workers are free, and waits for all.</summary>
    public void Run(Action<int> body)
    {
        if (Workers == 1) { body(0); return; }
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
        Participate(generation);
        var spin = new SpinWait();
        // Never Sleep(1) here: a chunk takes tens of µs, and a 1 ms sleep would cost more than the whole step.
        while (Volatile.Read(ref _completed) != _chunks) spin.SpinOnce(sleep1Threshold: -1);
        if (_failure is { } f)
        {
            _failure = null;
            throw new AggregateException("A CPU worker failed.", f);
        }
    }

    /// <summary>Claims and runs chunks of dispatch <paramref name="generation"/> until none is left.</summary>
    private void Participate(int generation)
    {
        while (true)
        {
            long state = Volatile.Read(ref _state);
            if ((int)(state >> 32) != generation || (int)state >= _chunks) return;
            if (Interlocked.CompareExchange(ref _state, state + 1, state) != state) continue;
            try { _body!((int)state); }
            catch (Exception e) { _failure = e; }
            Interlocked.Increment(ref _completed);
        }
    }

    private void Loop()
    {
        int seen = 0;
        while (true)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _generation) == seen && !_stopping)
            {
                if (_hot || spin.Count < 50) spin.SpinOnce(sleep1Threshold: -1);
                else lock (_gate) { while (_generation == seen && !_stopping && !_hot) Monitor.Wait(_gate); }
            }
            if (_stopping) return;
            seen = Volatile.Read(ref _generation);
            Participate(seen);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var t in _threads) t.Join();
    }
}
