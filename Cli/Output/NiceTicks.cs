using System.Globalization;

namespace Meta.Cli.Output;

/// <summary>Round ("nice") axis tick values — steps of 1, 2 or 5 times a power of ten — and their labels.</summary>
public static class NiceTicks
{
    /// <summary>The smallest nice step (1, 2, 5 x 10^k) that is at least <paramref name="rough"/>.</summary>
    public static double NiceStep(double rough)
    {
        if (!double.IsFinite(rough) || rough <= 0)
        {
            return 1;
        }
        double mag = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double f = rough / mag;
        double nice = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
        return nice * mag;
    }

    /// <summary>The next larger nice step (1 → 2 → 5 → 10 ...).</summary>
    public static double NextStep(double step) => NiceStep(step * 1.5);

    /// <summary>Multiples of <paramref name="step"/> within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static double[] Ticks(double min, double max, double step)
    {
        if (!(step > 0) || !double.IsFinite(min) || !double.IsFinite(max) || max < min)
        {
            return [];
        }
        double k0 = Math.Ceiling((min / step) - 1e-9);
        double k1 = Math.Floor((max / step) + 1e-9);
        if (k1 - k0 > 1000)
        {
            return [];
        }
        var ticks = new double[(int)(k1 - k0) + 1];
        for (int i = 0; i < ticks.Length; i++)
        {
            ticks[i] = (k0 + i) * step;
        }
        return ticks;
    }

    /// <summary>A label for tick value <paramref name="value"/> on an axis with spacing <paramref name="step"/>.</summary>
    public static string Format(double value, double step)
    {
        if (Math.Abs(value) < Math.Abs(step) * 1e-6)
        {
            value = 0;
        }
        double mag = Math.Max(Math.Abs(value), Math.Abs(step));
        if (mag >= 1e7 || (step > 0 && step < 1e-5))
        {
            return value == 0 ? "0" : value.ToString("0.###E+0", CultureInfo.InvariantCulture);
        }
        int decimals = step >= 1 || !(step > 0) ? 0 : Math.Min(10, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
