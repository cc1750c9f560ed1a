using Meta.Random;

namespace Meta.Parameters;

/// <summary>
/// A value for a per-cell parameter or initial value, in any of PyNN's forms: a scalar, an array with one
/// value per cell, a <see cref="RandomDistribution"/>, or a function of the cell index. Converts implicitly
/// from <c>double</c>, <c>double[]</c>, <see cref="RandomDistribution"/> and <c>Func&lt;int, double&gt;</c>.
/// </summary>
public sealed class ParameterValue
{
    private readonly double _scalar;
    private readonly double[]? _array;
    private readonly RandomDistribution? _distribution;
    private readonly Func<int, double>? _function;

    private ParameterValue(double scalar, double[]? array, RandomDistribution? distribution, Func<int, double>? function)
    {
        _scalar = scalar;
        _array = array;
        _distribution = distribution;
        _function = function;
    }

    /// <summary>A scalar value for every cell.</summary>
    public static ParameterValue Scalar(double value) => new(value, null, null, null);
    /// <summary>One value per cell.</summary>
    public static ParameterValue Array(double[] values) => new(0, values ?? throw new ArgumentNullException(nameof(values)), null, null);
    /// <summary>Values drawn from a distribution, one per cell, in cell order.</summary>
    public static ParameterValue Random(RandomDistribution distribution) => new(0, null, distribution ?? throw new ArgumentNullException(nameof(distribution)), null);
    /// <summary>A function of the cell index.</summary>
    public static ParameterValue Function(Func<int, double> function) => new(0, null, null, function ?? throw new ArgumentNullException(nameof(function)));

    /// <summary>Whether this is a single number for all cells.</summary>
    public bool IsScalar => _array is null && _distribution is null && _function is null;
    /// <summary>The scalar, if <see cref="IsScalar"/>.</summary>
    public double ScalarValue => IsScalar ? _scalar : throw new InvalidOperationException("Not a scalar.");

    /// <summary>Implicit conversion from a scalar.</summary>
    public static implicit operator ParameterValue(double value) => Scalar(value);
    /// <summary>Implicit conversion from an array.</summary>
    public static implicit operator ParameterValue(double[] values) => Array(values);
    /// <summary>Implicit conversion from a distribution.</summary>
    public static implicit operator ParameterValue(RandomDistribution distribution) => Random(distribution);
    /// <summary>Implicit conversion from a function of the index.</summary>
    public static implicit operator ParameterValue(Func<int, double> function) => Function(function);

    /// <summary>
    /// The value for each of <paramref name="indices"/> (cell indices in the population). Random draws come
    /// from the distribution's own stream if it has one, else from <paramref name="rng"/>.
    /// </summary>
    /// <param name="name">The parameter name, for error messages.</param>
    /// <param name="indices">The cells, as indices within their population.</param>
    /// <param name="rng">The simulation's stream for parameter draws.</param>
    public double[] Evaluate(string name, IReadOnlyList<int> indices, RandomStream rng)
    {
        int n = indices.Count;
        var result = new double[n];
        if (IsScalar) System.Array.Fill(result, _scalar);
        else if (_array is not null)
        {
            if (_array.Length != n)
                throw new InvalidDimensionsException($"'{name}': an array of {_array.Length} values was given for {n} cells.");
            _array.CopyTo(result, 0);
        }
        else if (_distribution is not null) result = _distribution.Next(n, _distribution.Rng ?? rng);
        else for (int i = 0; i < n; i++) result[i] = _function!(indices[i]);
        return result;
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsScalar ? _scalar.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : _array is not null ? $"array[{_array.Length}]"
        : _distribution is not null ? _distribution.ToString()
        : "function of index";
}
