namespace Meta.Nestml.Units;

/// <summary>
/// NESTML's physical units, converted to Meta's (PyNN's) coherent system: mV, ms, nA (and mmol), and what follows from them (µS,
/// nF, MΩ). A unit's <see cref="Quantity.Factor"/> is its size in that system: <c>pA</c> is 0.001 (nA), <c>nS</c> 0.001
/// (µS), <c>pF</c> 0.001 (nF), <c>s</c> 1000 (ms), <c>GOhm</c> 1000 (MΩ), <c>mmol</c> 1 (ion amounts keep NEST's mmol). Because the system is coherent, an expression
/// in which every unit is replaced by its factor computes its value in Meta's units.
/// </summary>
internal static class NestmlUnits
{
    private static readonly (string Prefix, int Exponent)[] Prefixes =
        [("", 0), ("p", -12), ("n", -9), ("u", -6), ("µ", -6), ("m", -3), ("k", 3), ("M", 6), ("G", 9), ("f", -15)];

    private static readonly (string Name, Dimension Dimension)[] Bases =
    [
        ("V", Dimension.Voltage), ("s", Dimension.Time), ("A", Dimension.Current), ("S", Dimension.Conductance),
        ("F", Dimension.Capacitance), ("Ohm", Dimension.Resistance), ("Hz", Dimension.Time.Pow(-1)), ("Bq", Dimension.Time.Pow(-1)),
        ("C", Dimension.Time * Dimension.Current), ("mol", Dimension.Amount),
    ];

    private static readonly Dictionary<string, Quantity> s_units = Build();

    private static Dictionary<string, Quantity> Build()
    {
        var units = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (name, dimension) in Bases)
            foreach (var (prefix, exponent) in Prefixes)
                units.TryAdd(prefix + name, new Quantity(Math.Pow(10, exponent - MetaBaseExponent(dimension)), dimension));
        return units;
    }

    /// <summary>
    /// The power of ten that is the SI size of Meta's unit of <paramref name="d"/>: mV (10^-3 V), ms (10^-3 s), nA (10^-9 A).
    /// Whole powers of ten keep the factors exact (1000, not 1000.0000000000001).
    /// </summary>
    private static double MetaBaseExponent(Dimension d) => -3 * d.Volt - 3 * d.Second - 9 * d.Ampere - 3 * d.Mole;

    /// <summary>The unit called <paramref name="name"/>, if it is one.</summary>
    public static bool TryGet(string name, out Quantity unit) => s_units.TryGetValue(name, out unit!);

    /// <summary>Some of the unit names known, for error messages.</summary>
    public static string Examples => "mV, ms, s, pA, nA, nS, uS, pF, nF, GOhm, MOhm, Hz";
}

/// <summary>A unit's size in Meta's coherent units and its dimension.</summary>
/// <param name="Factor">The size: a value of 1 in this unit is <paramref name="Factor"/> in Meta's unit of the dimension.</param>
/// <param name="Dimension">The dimension.</param>
internal sealed record Quantity(double Factor, Dimension Dimension);
