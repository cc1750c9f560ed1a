namespace Meta.Backends.Cpu;

/// <summary>
/// A fixed set of worker threads that run one body per chunk index and wait in between, with no allocation
/// per dispatch. Workers spin briefly for the next step, then block, so an idle engine costs no CPU.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private Action<int>? _body;
    private int _generation;
    private int _pending;
    private volatile bool _stopping;
    private volatile bool _hot;
    private Exception? _failure;

    public WorkerPool(int workers)
    {
        Workers = Math.Max(1, workers);
        _threads = new Thread[Workers - 1];
        for (int w = 0; w < _threads.Length; w++)
        {
            int index = w + 1;
            _threads[w] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"meta-cpu-{index}" };
            _threads[w].Start();
        }
    }

    /// <summary>Number of chunks a dispatch runs (the calling thread runs chunk 0).</summary>
    public int Workers { get; }

    /// <summary>
    /// While true, idle workers spin instead of blocking, so each dispatch starts at once. Set it for the length of a
    /// run and clear it afterwards, so an idle engine costs no CPU.
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

    /// <summary>Runs <paramref name="body"/>(c) for c in 0..Workers-1 in parallel and waits for all.</summary>
    public void Run(Action<int> body)
    {
        if (Workers == 1) { body(0); return; }
        _body = body;
        Volatile.Write(ref _pending, Workers - 1);
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }
        body(0);
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0) spin.SpinOnce(-1);
        if (_failure is { } f)
        {
            _failure = null;
            throw new AggregateException("A CPU worker failed.", f);
        }
    }

    private void Loop(int index)
    {
        int seen = 0;
        while (true)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _generation) == seen && !_stopping)
            {
                // While a run is in progress (Hot) workers keep spinning: waking a blocked thread costs more than a step.
                if (_hot || spin.Count < 400) spin.SpinOnce(-1);
                else lock (_gate) { while (_generation == seen && !_stopping) Monitor.Wait(_gate); }
            }
            if (_stopping) return;
            seen = Volatile.Read(ref _generation);
            try { _body!(index); }
            catch (Exception e) { _failure = e; }
            Interlocked.Decrement(ref _pending);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var t in _threads) t.Join();
    }
}
