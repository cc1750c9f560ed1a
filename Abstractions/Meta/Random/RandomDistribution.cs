using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace Meta.Random;

/// <summary>
/// PyNN's <c>RandomDistribution</c>: a distribution name with named parameters, used wherever a parameter value,
/// weight or delay may be drawn at random. Names, parameter names, parameter order and meanings are PyNN's:
/// <list type="bullet">
/// <item><c>uniform(low, high)</c>: uniform on [low, high).</item>
/// <item><c>uniform_int(low, high)</c>: uniform on the integers low, ..., high - 1 (high exclusive).</item>
/// <item><c>normal(mu, sigma)</c>: normal with mean mu and standard deviation sigma.</item>
/// <item><c>normal_clipped(mu, sigma, low, high)</c>: normal, values outside [low, high] redrawn (at most 1000
/// redraws per value, then <see cref="InvalidParameterValueException"/>).</item>
/// <item><c>normal_clipped_to_boundary(mu, sigma, low, high)</c>: normal, values outside [low, high] set to the
/// nearer bound.</item>
/// <item><c>exponential(beta)</c>: exponential with scale (mean) beta.</item>
/// <item><c>gamma(k, theta)</c>: gamma with shape k and scale theta.</item>
/// <item><c>lognormal(mu, sigma)</c>: exp of a normal with mean mu and standard deviation sigma.</item>
/// <item><c>poisson(lambda_)</c>: Poisson with mean lambda_.</item>
/// <item><c>binomial(n, p)</c>: number of successes in n trials of probability p.</item>
/// <item><c>vonmises(mu, kappa)</c>: von Mises with mean direction mu and concentration kappa, in [-pi, pi).</item>
/// </list>
/// Every draw comes from a <see cref="RandomStream"/>, so all backends reproduce it from one seed.
/// </summary>
public sealed class RandomDistribution
{
    /// <summary>The number of redraws of one value of <c>normal_clipped</c> after which drawing gives up.</summary>
    public const int MaxClippedRedraws = 1000;

    private enum Kind
    {
        Uniform,
        UniformInt,
        Normal,
        NormalClipped,
        NormalClippedToBoundary,
        Exponential,
        Gamma,
        Lognormal,
        Poisson,
        Binomial,
        VonMises,
    }

    private static readonly (string Name, Kind Kind, string[] Parameters)[] Table =
    [
        ("uniform", Kind.Uniform, ["low", "high"]),
        ("uniform_int", Kind.UniformInt, ["low", "high"]),
        ("normal", Kind.Normal, ["mu", "sigma"]),
        ("normal_clipped", Kind.NormalClipped, ["mu", "sigma", "low", "high"]),
        ("normal_clipped_to_boundary", Kind.NormalClippedToBoundary, ["mu", "sigma", "low", "high"]),
        ("exponential", Kind.Exponential, ["beta"]),
        ("gamma", Kind.Gamma, ["k", "theta"]),
        ("lognormal", Kind.Lognormal, ["mu", "sigma"]),
        ("poisson", Kind.Poisson, ["lambda_"]),
        ("binomial", Kind.Binomial, ["n", "p"]),
        ("vonmises", Kind.VonMises, ["mu", "kappa"]),
    ];

    /// <summary>The largest integer magnitude that doubles represent exactly (2^53).</summary>
    private const double MaxExactInteger = 9007199254740992.0;

    private readonly Kind _kind;
    private readonly string[] _names;
    private readonly double[] _values; // in the order of _names

    /// <summary>
    /// Every supported distribution name, mapped to its parameter names in PyNN's order (the order that the
    /// positional constructor expects). Each call site gets the same dictionary; its arrays are copies of the
    /// internal table, so changing them changes nothing else.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Distributions { get; } =
        new ReadOnlyDictionary<string, string[]>(Table.ToDictionary(t => t.Name, t => (string[])t.Parameters.Clone(), StringComparer.Ordinal));

    /// <summary>Creates a distribution from named parameters.</summary>
    /// <param name="name">The distribution name, one of <see cref="Distributions"/> (case-sensitive, as in PyNN).</param>
    /// <param name="parameters">Exactly the distribution's parameters, by name.</param>
    /// <param name="rng">The stream to draw from, or null to let the simulation supply its own seeded stream.</param>
    /// <exception cref="InvalidParameterValueException">
    /// The name is unknown, a parameter is missing or not expected, or a value is out of range.
    /// </exception>
    public RandomDistribution(string name, IReadOnlyDictionary<string, double> parameters, RandomStream? rng = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameters);
        (_kind, _names) = Lookup(name);
        Name = name;
        Rng = rng;

        var missing = _names.Where(n => !parameters.ContainsKey(n)).ToArray();
        var extra = parameters.Keys.Where(k => Array.IndexOf(_names, k) < 0).OrderBy(k => k, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
        {
            var message = new StringBuilder();
            message.Append(CultureInfo.InvariantCulture, $"Distribution '{name}' takes the parameters ({string.Join(", ", _names)})");
            if (missing.Length > 0) message.Append(CultureInfo.InvariantCulture, $"; missing: {string.Join(", ", missing)}");
            if (extra.Length > 0) message.Append(CultureInfo.InvariantCulture, $"; not expected: {string.Join(", ", extra)}");
            message.Append('.');
            throw new InvalidParameterValueException(message.ToString());
        }

        _values = _names.Select(n => parameters[n]).ToArray();
        Validate();
        Parameters = BuildParameters();
    }

    /// <summary>Creates a distribution from parameters given in PyNN's order (see <see cref="Distributions"/>).</summary>
    /// <param name="name">The distribution name.</param>
    /// <param name="positional">The parameter values, in order.</param>
    /// <exception cref="InvalidParameterValueException">
    /// The name is unknown, the number of values is wrong, or a value is out of range.
    /// </exception>
    public RandomDistribution(string name, params double[] positional)
        : this(name, positional, null)
    {
    }

    /// <summary>Creates a distribution from parameters given in PyNN's order, drawing from <paramref name="rng"/>.</summary>
    /// <param name="name">The distribution name.</param>
    /// <param name="positional">The parameter values, in order.</param>
    /// <param name="rng">The stream to draw from, or null to let the simulation supply its own seeded stream.</param>
    /// <exception cref="InvalidParameterValueException">
    /// The name is unknown, the number of values is wrong, or a value is out of range.
    /// </exception>
    public RandomDistribution(string name, double[] positional, RandomStream? rng)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(positional);
        (_kind, _names) = Lookup(name);
        Name = name;
        Rng = rng;
        if (positional.Length != _names.Length)
            throw new InvalidParameterValueException(
                $"Distribution '{name}' takes {_names.Length} positional parameter{(_names.Length == 1 ? "" : "s")} " +
                $"({string.Join(", ", _names)}), got {positional.Length}.");
        _values = (double[])positional.Clone();
        Validate();
        Parameters = BuildParameters();
    }

    /// <summary>The distribution name, e.g. <c>normal</c>.</summary>
    public string Name { get; }

    /// <summary>The parameters by name (enumerated in PyNN's order).</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; }

    /// <summary>The stream to draw from; null when the simulation supplies its own seeded stream.</summary>
    public RandomStream? Rng { get; }

    /// <summary>One draw from <see cref="Rng"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Rng"/> is null.</exception>
    public double Next() => Next(RequireRng());

    /// <summary><paramref name="n"/> draws from <see cref="Rng"/>, in order.</summary>
    /// <param name="n">The number of values, &gt;= 0.</param>
    /// <returns>The values.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Rng"/> is null.</exception>
    public double[] Next(int n) => Next(n, RequireRng());

    /// <summary>One draw from <paramref name="rng"/> (which overrides <see cref="Rng"/>).</summary>
    /// <param name="rng">The stream to draw from.</param>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidParameterValueException">
    /// <c>normal_clipped</c> found no value in [low, high] after <see cref="MaxClippedRedraws"/> redraws.
    /// </exception>
    public double Next(RandomStream rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double[] v = _values;
        switch (_kind)
        {
            case Kind.Uniform:
                return rng.NextDouble(v[0], v[1]);
            case Kind.UniformInt:
                return rng.NextInt((long)v[0], (long)v[1]);
            case Kind.Normal:
                return v[0] + v[1] * rng.NextNormal();
            case Kind.NormalClipped:
                for (int attempt = 0; attempt <= MaxClippedRedraws; attempt++)
                {
                    double x = v[0] + v[1] * rng.NextNormal();
                    if (x >= v[2] && x <= v[3]) return x;
                }
                throw new InvalidParameterValueException(
                    $"normal_clipped: no value in [low, high] = [{Format(v[2])}, {Format(v[3])}] after {MaxClippedRedraws} redraws " +
                    $"from a normal with mu={Format(v[0])}, sigma={Format(v[1])}; the interval holds too little of the distribution.");
            case Kind.NormalClippedToBoundary:
                return Math.Clamp(v[0] + v[1] * rng.NextNormal(), v[2], v[3]);
            case Kind.Exponential:
                return rng.NextExponential(v[0]);
            case Kind.Gamma:
                return rng.NextGamma(v[0], v[1]);
            case Kind.Lognormal:
                return Math.Exp(v[0] + v[1] * rng.NextNormal());
            case Kind.Poisson:
                return rng.NextPoisson(v[0]);
            case Kind.Binomial:
                return rng.NextBinomial((long)v[0], v[1]);
            case Kind.VonMises:
                return rng.NextVonMises(v[0], v[1]);
            default:
                throw new InvalidOperationException($"Unhandled distribution {_kind}.");
        }
    }

    /// <summary><paramref name="n"/> draws from <paramref name="rng"/>, in order.</summary>
    /// <param name="n">The number of values, &gt;= 0.</param>
    /// <param name="rng">The stream to draw from.</param>
    /// <returns>The values.</returns>
    public double[] Next(int n, RandomStream rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(rng);
        var result = new double[n];
        for (int i = 0; i < n; i++) result[i] = Next(rng);
        return result;
    }

    /// <summary>PyNN-style text, e.g. <c>RandomDistribution('normal', mu=0, sigma=1)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder("RandomDistribution('").Append(Name).Append('\'');
        for (int i = 0; i < _names.Length; i++)
            sb.Append(", ").Append(_names[i]).Append('=').Append(Format(_values[i]));
        return sb.Append(')').ToString();
    }

    private RandomStream RequireRng() =>
        Rng ?? throw new InvalidOperationException($"{this} has no random stream; pass one to Next.");

    private static (Kind, string[]) Lookup(string name)
    {
        foreach (var entry in Table)
            if (string.Equals(entry.Name, name, StringComparison.Ordinal)) return (entry.Kind, entry.Parameters);
        throw new InvalidParameterValueException(
            $"Unknown distribution '{name}'. Valid distributions are: {string.Join(", ", Table.Select(t => t.Name))}.");
    }

    private ReadOnlyDictionary<string, double> BuildParameters()
    {
        var dict = new Dictionary<string, double>(_names.Length, StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++) dict.Add(_names[i], _values[i]);
        return new ReadOnlyDictionary<string, double>(dict);
    }

    private static string Format(double x) =>
        double.IsPositiveInfinity(x) ? "inf"
        : double.IsNegativeInfinity(x) ? "-inf"
        : double.IsNaN(x) ? "nan"
        : x.ToString("R", CultureInfo.InvariantCulture);

    private InvalidParameterValueException Invalid(int index, string requirement) =>
        new($"Invalid value for parameter '{_names[index]}' of distribution '{Name}': {Format(_values[index])} ({requirement}).");

    private void Validate()
    {
        double[] v = _values;
        for (int i = 0; i < v.Length; i++)
            if (double.IsNaN(v[i])) throw Invalid(i, $"{_names[i]} must be a number");

        bool clippedBounds = _kind is Kind.NormalClipped or Kind.NormalClippedToBoundary;
        for (int i = 0; i < v.Length; i++)
        {
            bool mayBeInfinite = clippedBounds && i >= 2;
            if (!mayBeInfinite && !double.IsFinite(v[i])) throw Invalid(i, $"{_names[i]} must be finite");
        }

        switch (_kind)
        {
            case Kind.Uniform:
                if (!(v[0] < v[1])) throw Invalid(0, "low must be less than high");
                if (!double.IsFinite(v[1] - v[0])) throw Invalid(1, "high - low must be finite");
                break;
            case Kind.UniformInt:
                for (int i = 0; i < 2; i++)
                    if (Math.Floor(v[i]) != v[i] || Math.Abs(v[i]) > MaxExactInteger)
                        throw Invalid(i, $"{_names[i]} must be an integer with magnitude at most 2^53");
                if (!(v[0] < v[1])) throw Invalid(0, "low must be less than high (high is exclusive)");
                break;
            case Kind.Normal:
            case Kind.Lognormal:
                if (v[1] < 0) throw Invalid(1, "sigma must be >= 0");
                break;
            case Kind.NormalClipped:
            case Kind.NormalClippedToBoundary:
                if (v[1] < 0) throw Invalid(1, "sigma must be >= 0");
                if (!(v[2] < v[3])) throw Invalid(2, "low must be less than high");
                break;
            case Kind.Exponential:
                if (v[0] <= 0) throw Invalid(0, "beta must be > 0");
                break;
            case Kind.Gamma:
                if (v[0] <= 0) throw Invalid(0, "k must be > 0");
                if (v[1] <= 0) throw Invalid(1, "theta must be > 0");
                break;
            case Kind.Poisson:
                if (v[0] < 0) throw Invalid(0, "lambda_ must be >= 0");
                break;
            case Kind.Binomial:
                if (v[0] < 0 || Math.Floor(v[0]) != v[0] || v[0] > MaxExactInteger)
                    throw Invalid(0, "n must be an integer in [0, 2^53]");
                if (v[1] < 0 || v[1] > 1) throw Invalid(1, "p must be in [0, 1]");
                break;
            case Kind.VonMises:
                if (v[1] < 0) throw Invalid(1, "kappa must be >= 0");
                break;
        }
    }
}
