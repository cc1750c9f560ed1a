using Meta.Expressions;
using Meta.Random;

namespace Meta.Projections;

/// <summary>
/// A value for a synapse attribute (weight, delay) in any of PyNN's forms: a scalar, a
/// <see cref="RandomDistribution"/>, a function of the pre–post distance <c>d</c> (a C# function or a
/// string expression such as <c>"0.2 + 0.3*d"</c>), a pre × post array (NaN where unconnected is ignored)
/// or a list with one value per connection in PyNN's list order: sorted by (pre, post), which is the order of the
/// non-NaN entries of the pre × post array read row by row; several synapses between one pair keep their creation order.
/// </summary>
public sealed class SynapseValue
{
    private readonly double _scalar;
    private readonly RandomDistribution? _distribution;
    private readonly Func<double, double>? _ofDistance;
    private readonly Expr? _expression;
    private readonly double[,]? _matrix;
    private readonly double[]? _list;

    private SynapseValue(double scalar = 0, RandomDistribution? distribution = null, Func<double, double>? ofDistance = null,
        Expr? expression = null, double[,]? matrix = null, double[]? list = null)
    {
        _scalar = scalar;
        _distribution = distribution;
        _ofDistance = ofDistance;
        _expression = expression;
        _matrix = matrix;
        _list = list;
    }

    /// <summary>The same value for every connection.</summary>
    public static SynapseValue Scalar(double value) => new(scalar: value);
    /// <summary>Values drawn from a distribution, one per connection in connection order.</summary>
    public static SynapseValue Random(RandomDistribution distribution) => new(distribution: distribution);
    /// <summary>A function of the distance between pre and post cells.</summary>
    public static SynapseValue OfDistance(Func<double, double> function) => new(ofDistance: function);
    /// <summary>
    /// An expression in <c>d</c>, the distance (e.g. <c>"0.2 + 0.3*d"</c>); parsed safely, no code is run.
    /// Throws <see cref="InvalidParameterValueException"/> if it is not a valid expression of <c>d</c>.
    /// </summary>
    public static SynapseValue Expression(string text)
    {
        Expr e;
        try { e = Expr.Parse(text); }
        catch (ExpressionSyntaxException ex) { throw new InvalidParameterValueException($"Bad distance expression: {ex.Message}"); }
        var other = e.Symbols().Where(s => s != "d").ToArray();
        if (other.Length > 0)
            throw new InvalidParameterValueException($"The expression '{text}' may use only 'd' (the distance), not {string.Join(", ", other)}.");
        return new(expression: e);
    }
    /// <summary>A pre × post array; entries for unconnected pairs are ignored.</summary>
    public static SynapseValue Matrix(double[,] values) => new(matrix: values);
    /// <summary>
    /// One value per connection, in PyNN's list order: connections sorted by (pre, post), the order of
    /// <see cref="Projection.GetList"/> (several synapses between one pair in creation order).
    /// </summary>
    public static SynapseValue List(double[] values) => new(list: values);

    /// <summary>Implicit conversion from a scalar.</summary>
    public static implicit operator SynapseValue(double value) => Scalar(value);
    /// <summary>Implicit conversion from a distribution.</summary>
    public static implicit operator SynapseValue(RandomDistribution distribution) => Random(distribution);
    /// <summary>Implicit conversion from a string expression in <c>d</c>.</summary>
    public static implicit operator SynapseValue(string expression) => Expression(expression);
    /// <summary>Implicit conversion from a function of distance.</summary>
    public static implicit operator SynapseValue(Func<double, double> function) => OfDistance(function);
    /// <summary>Implicit conversion from a pre × post array.</summary>
    public static implicit operator SynapseValue(double[,] values) => Matrix(values);
    /// <summary>Implicit conversion from a per-connection list.</summary>
    public static implicit operator SynapseValue(double[] values) => List(values);

    /// <summary>Whether this is a scalar.</summary>
    public bool IsScalar => _distribution is null && _ofDistance is null && _expression is null && _matrix is null && _list is null;
    /// <summary>
    /// Whether a connection's value depends on the other connections: a distribution draws the values in connection order from
    /// one stream, a list gives them in PyNN's list order. The other forms (scalar, function of distance, pre × post array)
    /// give every connection its value alone, so a distributed run's rank can evaluate its own connections only.
    /// </summary>
    public bool DependsOnOtherConnections => _distribution is not null || _list is not null;

    /// <summary>The scalar value (when <see cref="IsScalar"/>).</summary>
    public double ScalarValue => _scalar;

    /// <summary>Evaluates the value for each connection.</summary>
    /// <param name="name">The attribute name for error messages.</param>
    /// <param name="pre">Pre position per connection (in the projection's pre collection).</param>
    /// <param name="post">Post position per connection.</param>
    /// <param name="distance">The distance between the cells of a connection.</param>
    /// <param name="preSize">The pre collection's size.</param>
    /// <param name="postSize">The post collection's size.</param>
    /// <param name="rng">The stream for random draws when the distribution has none.</param>
    public double[] Evaluate(string name, int[] pre, int[] post, Func<int, int, double> distance, int preSize, int postSize, RandomStream rng)
    {
        int n = pre.Length;
        var result = new double[n];
        if (IsScalar) Array.Fill(result, _scalar);
        else if (_distribution is not null) result = _distribution.Next(n, _distribution.Rng ?? rng);
        else if (_list is not null)
        {
            if (_list.Length != n) throw new InvalidDimensionsException($"'{name}': {_list.Length} values were given for {n} connections.");
            var order = ListOrder(pre, post);
            for (int m = 0; m < n; m++) result[order[m]] = _list[m];
        }
        else if (_matrix is not null)
        {
            if (_matrix.GetLength(0) != preSize || _matrix.GetLength(1) != postSize)
                throw new InvalidDimensionsException($"'{name}': a {_matrix.GetLength(0)} × {_matrix.GetLength(1)} array was given for a {preSize} × {postSize} projection.");
            for (int k = 0; k < n; k++) result[k] = _matrix[pre[k], post[k]];
        }
        else if (_ofDistance is not null) for (int k = 0; k < n; k++) result[k] = _ofDistance(distance(pre[k], post[k]));
        else
        {
            for (int k = 0; k < n; k++)
            {
                double d = distance(pre[k], post[k]);
                result[k] = _expression!.Evaluate(_ => d);
            }
        }
        return result;
    }

    /// <summary>
    /// The connections sorted by (pre, post), stably: PyNN maps a list of values through the non-NaN mask of the
    /// pre × post array, row by row, so its k-th value belongs to the k-th connection in this order.
    /// </summary>
    public static int[] ListOrder(IReadOnlyList<int> pre, IReadOnlyList<int> post) =>
        Enumerable.Range(0, pre.Count).OrderBy(k => pre[k]).ThenBy(k => post[k]).ToArray();

    /// <inheritdoc />
    public override string ToString() =>
        IsScalar ? _scalar.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : _distribution?.ToString() ?? _expression?.ToString() ?? (_matrix is not null ? "array" : _list is not null ? "list" : "function of distance");
}
