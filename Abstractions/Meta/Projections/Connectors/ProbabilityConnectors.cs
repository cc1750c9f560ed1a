using System.Globalization;
using Meta.Expressions;
using Meta.Random;

namespace Meta.Projections.Connectors;

/// <summary>
/// The shared draw of the probability connectors: for each post cell j in order, one uniform u per pre cell i in order
/// (drawn for every pair, also for excluded self-connections, so the pattern of one pair does not depend on the others),
/// and the pair connects when <c>u &lt; p(i, j)</c>. A probability above 1 counts as 1, below 0 as 0; NaN is an error.
/// </summary>
internal static class ProbabilityDraw
{
    public static List<ConnectionPair> Connect(ConnectionContext context, RandomStream rng, bool allowSelfConnections,
        Func<int, int, double> probability, string connector)
    {
        var result = new List<ConnectionPair>();
        long above = 0, pairs = 0;
        double largest = 0;
        for (int j = 0, end = context.TargetEnd; j < end; j++)
        {
            // A position that is not a target draws its uniforms (the stream stays where one process has it) and nothing else.
            if (!context.IsTarget(j))
            {
                for (int i = 0; i < context.PreSize; i++) rng.NextDouble();
                continue;
            }
            for (int i = 0; i < context.PreSize; i++)
            {
                double u = rng.NextDouble();
                if (!allowSelfConnections && context.IsSameCell(i, j)) continue;
                double p = probability(i, j);
                if (double.IsNaN(p))
                    throw new ConnectionException($"{connector}: the connection probability of pre {i} → post {j} is NaN.");
                pairs++;
                if (p > 1)
                {
                    above++;
                    largest = Math.Max(largest, p);
                }
                if (u < p) result.Add(new ConnectionPair(i, j));
            }
        }
        if (above > 0)
            context.Warn?.Invoke($"{connector}: the connection probability exceeds 1 for {above} of {pairs} pairs (up to {Format(largest)}); " +
                                 "those pairs are always connected, as if it were 1. Scale the expression if that is not what you meant.");
        return result;
    }

    /// <summary>Parses an expression that may use only <paramref name="allowed"/>; errors name the connector and the allowed symbols.</summary>
    public static Expr Parse(string text, string connector, string parameter, IReadOnlyCollection<string> allowed, string meaning)
    {
        ArgumentNullException.ThrowIfNull(text);
        Expr e;
        try { e = Expr.Parse(text); }
        catch (ExpressionSyntaxException ex)
        {
            throw new InvalidParameterValueException($"{connector}: {parameter} '{text}' is not a valid expression: {ex.Message}");
        }
        var unknown = e.Symbols().Where(s => !allowed.Contains(s)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
            throw new InvalidParameterValueException(
                $"{connector}: {parameter} '{text}' uses unknown symbol{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                $"it may use only {string.Join(", ", allowed.Select(a => $"'{a}'"))} ({meaning}), numbers, pi and the functions " +
                $"{string.Join(", ", MathFunctions.Arity.Keys)}.");
        return e;
    }

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Connects each pair with a probability that is a function of the distance <c>d</c> between the cells, measured in
/// the projection's <see cref="Spatial.Space"/> (PyNN's <c>DistanceDependentProbabilityConnector</c>). The function is a
/// string expression in <c>d</c> (e.g. <c>"0.5*exp(-d/100)"</c>, parsed safely by Meta's expression parser: numbers,
/// <c>d</c>, <c>pi</c>, arithmetic, <c>**</c>, comparisons, conditionals and exp, log, sqrt, sin, cos, tan, tanh, abs,
/// floor, ceil, min, max, pow) or a C# function. As in PyNN it must be ≥ 0 at d = 0 and at d = 10¹².
/// Probabilities above 1 count as 1. Draws: for each post cell in order, one uniform per pre cell in order.
/// </summary>
public sealed class DistanceDependentProbabilityConnector : Connector
{
    private readonly Func<double, double> _probability;

    /// <summary>Creates the connector from an expression in <c>d</c>.</summary>
    /// <exception cref="InvalidParameterValueException">The expression does not parse, uses symbols other than <c>d</c>, or is negative or NaN at d = 0 or d = 10¹².</exception>
    public DistanceDependentProbabilityConnector(string dExpression, bool allowSelfConnections = true)
    {
        var e = ProbabilityDraw.Parse(dExpression, nameof(DistanceDependentProbabilityConnector), "d_expression", ["d"], "the distance");
        DExpression = dExpression;
        _probability = d => e.Evaluate(_ => d);
        AllowSelfConnections = allowSelfConnections;
        CheckRange();
    }

    /// <summary>Creates the connector from a C# function of the distance.</summary>
    /// <exception cref="InvalidParameterValueException">The function is negative or NaN at d = 0 or d = 10¹².</exception>
    public DistanceDependentProbabilityConnector(Func<double, double> dFunction, bool allowSelfConnections = true)
    {
        _probability = dFunction ?? throw new ArgumentNullException(nameof(dFunction));
        AllowSelfConnections = allowSelfConnections;
        CheckRange();
    }

    /// <summary>The expression, or null when a C# function was given.</summary>
    public string? DExpression { get; }
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; }

    /// <summary>The connection probability at distance <paramref name="d"/> (before clipping to [0, 1]).</summary>
    public double Probability(double d) => _probability(d);

    private void CheckRange()
    {
        foreach (double d in new[] { 0.0, 1e12 })
        {
            double p = _probability(d);
            if (!(p >= 0))
                throw new InvalidParameterValueException(
                    $"DistanceDependentProbabilityConnector: the probability must be ≥ 0 at d = 0 and d = 1e12, but {DExpression ?? "the function"} gives {ProbabilityDraw.Format(p)} at d = {(d == 0 ? "0" : "1e12")}.");
        }
    }

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context) =>
        ProbabilityDraw.Connect(context, Rng ?? context.Rng, AllowSelfConnections, (i, j) => _probability(context.Distance(i, j)),
            nameof(DistanceDependentProbabilityConnector));

    /// <inheritdoc />
    public override bool DrawsPerTarget => true;

    /// <inheritdoc />
    public override string ToString() =>
        $"DistanceDependentProbabilityConnector(d_expression={(DExpression is null ? "<function>" : $"'{DExpression}'")}, allow_self_connections={AllowSelfConnections})";
}

/// <summary>
/// A value computed from the indices of a pre cell i and a post cell j (positions in the projection's pre and post
/// collections), PyNN's <c>IndexBasedExpression</c>: used by <see cref="IndexBasedProbabilityConnector"/>. Create one from a
/// C# function, from an expression in <c>i</c> and <c>j</c> (<see cref="Parse"/>), or derive from it; the
/// <see cref="ConnectionContext"/> gives what PyNN's <c>.projection</c> gives (sizes, distances, displacements).
/// </summary>
public abstract class IndexBasedExpression
{
    /// <summary>The value for pre position <paramref name="i"/> and post position <paramref name="j"/>.</summary>
    public abstract double Evaluate(int i, int j, ConnectionContext context);

    /// <summary>An expression from a C# function of (i, j).</summary>
    public static IndexBasedExpression FromFunction(Func<int, int, double> function) => new FunctionExpression(function ?? throw new ArgumentNullException(nameof(function)));

    /// <summary>An expression in <c>i</c> and <c>j</c> such as <c>"exp(-abs(i - j)/3)"</c>, parsed safely.</summary>
    /// <exception cref="InvalidParameterValueException">The text does not parse or uses other symbols.</exception>
    public static IndexBasedExpression Parse(string text) => new TextExpression(text,
        ProbabilityDraw.Parse(text, nameof(IndexBasedExpression), "the expression", ["i", "j"], "the pre and post indices"));

    /// <summary>Implicit conversion from a C# function of (i, j).</summary>
    public static implicit operator IndexBasedExpression(Func<int, int, double> function) => FromFunction(function);

    private sealed class FunctionExpression(Func<int, int, double> function) : IndexBasedExpression
    {
        public override double Evaluate(int i, int j, ConnectionContext context) => function(i, j);
        public override string ToString() => "<function of i, j>";
    }

    private sealed class TextExpression(string text, Expr expr) : IndexBasedExpression
    {
        public override double Evaluate(int i, int j, ConnectionContext context) => expr.Evaluate(s => s == "i" ? i : j);
        public override string ToString() => $"'{text}'";
    }
}

/// <summary>
/// Connects each pair (i, j) with the probability given by an <see cref="IndexBasedExpression"/> of the pre and post
/// positions (PyNN's <c>IndexBasedProbabilityConnector</c>). Probabilities above 1 count as 1, below 0 as 0.
/// Draws: for each post cell in order, one uniform per pre cell in order.
/// </summary>
public sealed class IndexBasedProbabilityConnector(IndexBasedExpression indexExpression, bool allowSelfConnections = true) : Connector
{
    /// <summary>The probability as a function of (i, j).</summary>
    public IndexBasedExpression IndexExpression { get; } = indexExpression ?? throw new ArgumentNullException(nameof(indexExpression));
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; } = allowSelfConnections;

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context) =>
        ProbabilityDraw.Connect(context, Rng ?? context.Rng, AllowSelfConnections, (i, j) => IndexExpression.Evaluate(i, j, context),
            nameof(IndexBasedProbabilityConnector));

    /// <inheritdoc />
    public override bool DrawsPerTarget => true;

    /// <inheritdoc />
    public override string ToString() => $"IndexBasedProbabilityConnector(index_expression={IndexExpression}, allow_self_connections={AllowSelfConnections})";
}

/// <summary>
/// Connects each pair with a probability that is a function of the displacement (dx, dy, dz) from the pre cell to the
/// post cell (PyNN's <c>DisplacementDependentProbabilityConnector</c>, whose function receives <c>post.positions −
/// pre.positions</c>). The displacement is measured in the projection's <see cref="Spatial.Space"/>: with the default space
/// exactly PyNN's; scale factor, offset and periodic boundaries apply as for distances, unselected axes give 0.
/// The function is a C# function or a string expression in <c>dx</c>, <c>dy</c>, <c>dz</c>. Probabilities above 1 count
/// as 1, below 0 as 0. Draws: for each post cell in order, one uniform per pre cell in order.
/// </summary>
public sealed class DisplacementDependentProbabilityConnector : Connector
{
    private readonly Func<double, double, double, double> _probability;

    /// <summary>Creates the connector from a C# function of (dx, dy, dz).</summary>
    public DisplacementDependentProbabilityConnector(Func<double, double, double, double> dispFunction, bool allowSelfConnections = true)
    {
        _probability = dispFunction ?? throw new ArgumentNullException(nameof(dispFunction));
        AllowSelfConnections = allowSelfConnections;
    }

    /// <summary>Creates the connector from an expression in <c>dx</c>, <c>dy</c> and <c>dz</c> such as <c>"exp(-(dx*dx + 4*dy*dy)/50)"</c>.</summary>
    /// <exception cref="InvalidParameterValueException">The expression does not parse or uses other symbols.</exception>
    public DisplacementDependentProbabilityConnector(string dispExpression, bool allowSelfConnections = true)
    {
        var e = ProbabilityDraw.Parse(dispExpression, nameof(DisplacementDependentProbabilityConnector), "disp_function", ["dx", "dy", "dz"],
            "the displacement from pre to post cell");
        DispExpression = dispExpression;
        _probability = (dx, dy, dz) => e.Evaluate(s => s switch { "dx" => dx, "dy" => dy, _ => dz });
        AllowSelfConnections = allowSelfConnections;
    }

    /// <summary>The expression, or null when a C# function was given.</summary>
    public string? DispExpression { get; }
    /// <summary>Whether a cell may connect to itself.</summary>
    public bool AllowSelfConnections { get; }

    /// <inheritdoc />
    public override IEnumerable<ConnectionPair> Connect(ConnectionContext context)
    {
        var displacement = context.Displacement
            ?? throw new ConnectionException("DisplacementDependentProbabilityConnector needs cell positions, which this connection context does not give.");
        return ProbabilityDraw.Connect(context, Rng ?? context.Rng, AllowSelfConnections, (i, j) =>
        {
            var (dx, dy, dz) = displacement(i, j);
            return _probability(dx, dy, dz);
        }, nameof(DisplacementDependentProbabilityConnector));
    }

    /// <inheritdoc />
    public override bool DrawsPerTarget => true;

    /// <inheritdoc />
    public override string ToString() =>
        $"DisplacementDependentProbabilityConnector(disp_function={(DispExpression is null ? "<function>" : $"'{DispExpression}'")}, allow_self_connections={AllowSelfConnections})";
}
