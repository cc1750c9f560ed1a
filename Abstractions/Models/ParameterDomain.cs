using System.Globalization;

namespace Meta.Models;

/// <summary>
/// The values a model parameter may take: an interval of the real line, each end open or closed. Every domain refuses
/// NaN. Checked when a population or projection is created and whenever a value is set (an
/// <c>InvalidParameterValueException</c> names the model, the parameter, the cell or connection, the value and the domain),
/// so a negative time constant or a zero capacitance never reaches a backend. <see cref="Any"/> is the default.
/// </summary>
/// <param name="Lower">The lower end (−∞ for none).</param>
/// <param name="LowerInclusive">Whether <paramref name="Lower"/> itself is allowed.</param>
/// <param name="Upper">The upper end (+∞ for none).</param>
/// <param name="UpperInclusive">Whether <paramref name="Upper"/> itself is allowed.</param>
public sealed record ParameterDomain(double Lower, bool LowerInclusive, double Upper, bool UpperInclusive)
{
    /// <summary>Any number but NaN (infinities included).</summary>
    public static ParameterDomain Any { get; } = new(double.NegativeInfinity, true, double.PositiveInfinity, true);

    /// <summary>Greater than 0 (+∞ included): time constants, capacitances, rates of change.</summary>
    public static ParameterDomain Positive { get; } = new(0, false, double.PositiveInfinity, true);

    /// <summary>0 or more: refractory periods, maximal conductances, amplitudes that may be switched off.</summary>
    public static ParameterDomain NonNegative { get; } = new(0, true, double.PositiveInfinity, true);

    /// <summary>From 0 to 1, both included: probabilities and fractions.</summary>
    public static ParameterDomain Probability { get; } = new(0, true, 1, true);

    /// <summary>The named domains, as the JSON format spells them (<c>"domain": "positive"</c>).</summary>
    public static IReadOnlyDictionary<string, ParameterDomain> Named { get; } = new Dictionary<string, ParameterDomain>(StringComparer.Ordinal)
    {
        ["any"] = Any,
        ["positive"] = Positive,
        ["non_negative"] = NonNegative,
        ["probability"] = Probability,
    };

    /// <summary>Whether <paramref name="value"/> lies in the domain (NaN never does).</summary>
    public bool Contains(double value) =>
        !double.IsNaN(value)
        && (LowerInclusive ? value >= Lower : value > Lower)
        && (UpperInclusive ? value <= Upper : value < Upper);

    /// <summary>The domain in words and symbols, e.g. <c>&gt; 0</c> or <c>in [0, 1]</c>.</summary>
    public override string ToString()
    {
        bool noLower = double.IsNegativeInfinity(Lower), noUpper = double.IsPositiveInfinity(Upper);
        if (noLower && noUpper) return "a number (not NaN)";
        if (noUpper) return $"{(LowerInclusive ? "≥" : ">")} {Format(Lower)}";
        if (noLower) return $"{(UpperInclusive ? "≤" : "<")} {Format(Upper)}";
        return $"in {(LowerInclusive ? "[" : "(")}{Format(Lower)}, {Format(Upper)}{(UpperInclusive ? "]" : ")")}";
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
