namespace Meta.Backends.CSharp;

/// <summary>
/// A thread-safe cache of at most <see cref="Capacity"/> values made on demand, forgetting the least recently asked for beyond
/// that. A value is made once, outside the cache's lock (a second caller of the same key waits for the first); a factory that
/// throws leaves nothing cached, so every later caller of that key gets the error anew.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class LruCache<TKey, TValue> where TKey : notnull
{
    private readonly object _gate = new();
    // Guarded by _gate: each value by key, with its node in _recent (most recently asked for first).
    private readonly Dictionary<TKey, (Lazy<TValue> Value, LinkedListNode<TKey> Node)> _entries = [];
    private readonly LinkedList<TKey> _recent = new();
    private readonly Action<TValue>? _onEvict;

    /// <param name="capacity">The most values kept (at least 1).</param>
    /// <param name="onEvict">Called (under the cache's lock) with a made value as it is forgotten, or null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1.</exception>
    public LruCache(int capacity, Action<TValue>? onEvict = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _onEvict = onEvict;
    }

    /// <summary>The most values kept.</summary>
    public int Capacity { get; }

    /// <summary>The number of keys held now (values made or being made).</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>
    /// The value of <paramref name="key"/>: the cached one, or made now by <paramref name="factory"/> (then
    /// <paramref name="created"/> is true for this caller).
    /// </summary>
    /// <exception cref="Exception">Whatever <paramref name="factory"/> throws; the key is then not cached.</exception>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> factory, out bool created)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Lazy<TValue> entry;
        created = false;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var found))
            {
                _recent.Remove(found.Node);
                _recent.AddFirst(found.Node);
                entry = found.Value;
            }
            else
            {
                created = true;
                entry = new Lazy<TValue>(() => factory(key));
                _entries[key] = (entry, _recent.AddFirst(key));
                while (_entries.Count > Capacity)
                {
                    var oldest = _recent.Last!;
                    _recent.RemoveLast();
                    if (_entries.Remove(oldest.Value, out var evicted) && evicted.Value.IsValueCreated) _onEvict?.Invoke(evicted.Value.Value);
                }
            }
        }
        try
        {
            return entry.Value;
        }
        catch
        {
            // Only this very entry is dropped: a later caller may have cached a new one under the key since.
            lock (_gate)
            {
                if (_entries.TryGetValue(key, out var found) && ReferenceEquals(found.Value, entry))
                {
                    _entries.Remove(key);
                    _recent.Remove(found.Node);
                }
            }
            throw;
        }
    }
}
