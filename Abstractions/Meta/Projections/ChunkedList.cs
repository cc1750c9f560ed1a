namespace Meta.Projections;

/// <summary>
/// An append-only list of values of unknown final count that is turned into one exact-size array at the end. It grows by
/// fixed-size chunks, so, unlike <see cref="List{T}"/>, it never copies what it holds while growing and leaves no
/// doubled buffers behind: building an array of n values holds at most n values plus one chunk before <see cref="ToArray"/>,
/// and 2n during it (a <see cref="List{T}"/> holds up to 4n, its discarded buffers included).
/// </summary>
internal sealed class ChunkedList<T>
{
    /// <summary>Values per chunk (64 Ki): the most a list holds beyond its values.</summary>
    private const int ChunkSize = 1 << 16;

    private readonly List<T[]> _chunks = [];
    private int _inLast = ChunkSize;

    /// <summary>The number of values added.</summary>
    public long Count { get; private set; }

    /// <summary>Appends <paramref name="value"/>.</summary>
    public void Add(T value)
    {
        if (_inLast == ChunkSize)
        {
            _chunks.Add(new T[ChunkSize]);
            _inLast = 0;
        }
        _chunks[^1][_inLast++] = value;
        Count++;
    }

    /// <summary>
    /// The values in order, as one array of exactly <see cref="Count"/> elements; the chunks are released as they are copied,
    /// so the list is empty afterwards.
    /// </summary>
    public T[] ToArray()
    {
        if (Count > Array.MaxLength) throw new InvalidOperationException($"{Count} values do not fit in one array (at most {Array.MaxLength}).");
        var result = new T[Count];
        int at = 0;
        for (int c = 0; c < _chunks.Count; c++)
        {
            int n = c == _chunks.Count - 1 ? _inLast : ChunkSize;
            Array.Copy(_chunks[c], 0, result, at, n);
            at += n;
            _chunks[c] = null!;
        }
        _chunks.Clear();
        _inLast = ChunkSize;
        Count = 0;
        return result;
    }
}
