namespace Meta.Parameters;

/// <summary>
/// A sequence-valued parameter such as <c>spike_times</c> (PyNN's <c>Sequence</c>): one sequence for all cells,
/// one per cell, or a function of the cell index.
/// </summary>
public sealed class SequenceValue
{
    private readonly double[]? _shared;
    private readonly double[][]? _perCell;
    private readonly Func<int, double[]>? _function;

    private SequenceValue(double[]? shared, double[][]? perCell, Func<int, double[]>? function)
    {
        _shared = shared;
        _perCell = perCell;
        _function = function;
    }

    /// <summary>The same sequence for every cell.</summary>
    public static SequenceValue Shared(params double[] values) => new(values, null, null);
    /// <summary>One sequence per cell.</summary>
    public static SequenceValue PerCell(double[][] values) => new(null, values, null);
    /// <summary>A sequence computed from the cell index.</summary>
    public static SequenceValue Function(Func<int, double[]> function) => new(null, null, function);

    /// <summary>Implicit conversion from one shared sequence.</summary>
    public static implicit operator SequenceValue(double[] values) => Shared(values);
    /// <summary>Implicit conversion from one sequence per cell.</summary>
    public static implicit operator SequenceValue(double[][] values) => PerCell(values);

    /// <summary>The sequence of each of <paramref name="indices"/>.</summary>
    public double[][] Evaluate(string name, IReadOnlyList<int> indices)
    {
        int n = indices.Count;
        if (_perCell is not null && _perCell.Length != n)
            throw new InvalidDimensionsException($"'{name}': {_perCell.Length} sequences were given for {n} cells.");
        var result = new double[n][];
        for (int i = 0; i < n; i++)
            result[i] = (double[])(_shared ?? _perCell?[i] ?? _function!(indices[i])).Clone();
        return result;
    }
}
