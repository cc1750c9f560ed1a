using System.Globalization;

namespace Meta.Nestml.Units;

/// <summary>
/// A physical dimension as powers of volt, second, ampere and mole, the base quantities of the units neuron models use
/// (conductance is A/V, capacitance A·s/V, resistance V/A, charge A·s; mole for ion amounts such as <c>mmol</c>).
/// </summary>
/// <param name="Volt">The power of volt.</param>
/// <param name="Second">The power of second.</param>
/// <param name="Ampere">The power of ampere.</param>
/// <param name="Mole">The power of mole.</param>
internal readonly record struct Dimension(double Volt, double Second, double Ampere, double Mole = 0)
{
    /// <summary>A pure number.</summary>
    public static Dimension None => new(0, 0, 0);
    /// <summary>Voltage.</summary>
    public static Dimension Voltage => new(1, 0, 0);
    /// <summary>Time.</summary>
    public static Dimension Time => new(0, 1, 0);
    /// <summary>Current.</summary>
    public static Dimension Current => new(0, 0, 1);
    /// <summary>Conductance.</summary>
    public static Dimension Conductance => new(-1, 0, 1);
    /// <summary>Capacitance.</summary>
    public static Dimension Capacitance => new(-1, 1, 1);
    /// <summary>Resistance.</summary>
    public static Dimension Resistance => new(1, 0, -1);
    /// <summary>Amount of substance.</summary>
    public static Dimension Amount => new(0, 0, 0, 1);

    /// <summary>The product of two dimensions.</summary>
    public static Dimension operator *(Dimension a, Dimension b) => new(a.Volt + b.Volt, a.Second + b.Second, a.Ampere + b.Ampere, a.Mole + b.Mole);

    /// <summary>The quotient of two dimensions.</summary>
    public static Dimension operator /(Dimension a, Dimension b) => new(a.Volt - b.Volt, a.Second - b.Second, a.Ampere - b.Ampere, a.Mole - b.Mole);

    /// <summary>A power.</summary>
    public Dimension Pow(double exponent) => new(Volt * exponent, Second * exponent, Ampere * exponent, Mole * exponent);

    /// <summary>The same dimension without its time part (a rate of a current is "a current" for receptor kinds).</summary>
    public Dimension WithoutTime => this with { Second = 0 };

    /// <summary>
    /// The unit Meta writes for this dimension: PyNN's mV, ms, nA, uS, nF, MOhm where they apply, else a product of
    /// mV, ms, nA and mmol powers (<c>mV/ms</c>, <c>nA/mV^2</c>); "" for a pure number.
    /// </summary>
    public string MetaUnit()
    {
        if (this == None) return "";
        if (this == Voltage) return "mV";
        if (this == Time) return "ms";
        if (this == Current) return "nA";
        if (this == Conductance) return "uS";
        if (this == Capacitance) return "nF";
        if (this == Resistance) return "MOhm";
        if (this == Conductance / Time) return "uS/ms";
        var up = new List<string>();
        var down = new List<string>();
        void Part(string unit, double power)
        {
            if (power == 0) return;
            double p = Math.Abs(power);
            string text = p == 1 ? unit : $"{unit}^{p.ToString(CultureInfo.InvariantCulture)}";
            (power > 0 ? up : down).Add(text);
        }
        Part("mV", Volt);
        Part("nA", Ampere);
        Part("ms", Second);
        Part("mmol", Mole);
        string numerator = up.Count == 0 ? "1" : string.Join("*", up);
        return down.Count == 0 ? numerator : $"{numerator}/{string.Join("/", down)}";
    }

    /// <inheritdoc />
    public override string ToString() => this == None ? "a pure number" : MetaUnit();
}
