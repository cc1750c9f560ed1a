using System.Collections;

namespace Meta.Backends.Programs;

/// <summary>
/// A read-only list of <see cref="Count"/> copies of one value, stored once: the per-connection weights or delays of a
/// projection whose connections all share one value (a scalar weight or delay, as in most PyNN scripts), which would
/// otherwise cost 8 (weights) or 4 (delay steps) bytes per synapse in the step program. A backend may read it as any list,
/// or test for it to store the value once in its own table.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class RepeatedValue<T> : IReadOnlyList<T>
{
    /// <summary>A list of <paramref name="count"/> copies of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public RepeatedValue(T value, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Value = value;
        Count = count;
    }

    /// <summary>The value every element has.</summary>
    public T Value { get; }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public T this[int index] => (uint)index < (uint)Count ? Value
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"Index {index} is outside the list's {Count} elements.");

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator()
    {
        for (int k = 0; k < Count; k++) yield return Value;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// <paramref name="values"/> as a <see cref="RepeatedValue{T}"/> when it has at least one element and every element is
    /// the first one bit for bit (so 0.0 and −0.0 differ), else <paramref name="values"/> itself.
    /// </summary>
    public static IReadOnlyList<T> Compact(IReadOnlyList<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values is RepeatedValue<T> || values.Count == 0) return values;
        var first = values[0];
        for (int k = 1; k < values.Count; k++)
            if (!SameBits(values[k], first)) return values;
        return new RepeatedValue<T>(first, values.Count);
    }

    private static bool SameBits(T a, T b) =>
        typeof(T) == typeof(double) ? BitConverter.DoubleToInt64Bits((double)(object)a!) == BitConverter.DoubleToInt64Bits((double)(object)b!)
        : EqualityComparer<T>.Default.Equals(a, b);
}
