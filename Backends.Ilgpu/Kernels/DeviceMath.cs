using ILGPU;

namespace Meta.Backends.Ilgpu.Kernels;

/// <summary>
/// The math functions of the model expression language, written with arithmetic, comparisons and bit casts only, so
/// that they compile for every ILGPU target. (ILGPU maps <c>Math.Exp</c> and friends to IR nodes that its PTX backend
/// cannot lower without libdevice or ILGPU.Algorithms, so generated kernels call these instead, on the CPU accelerator
/// too: tests run the same code the GPU runs.)
/// <para>
/// Accuracy (float64): <see cref="Exp(double)"/> and <see cref="Log(double)"/> within 2 ulp; <see cref="Sin(double)"/>,
/// <see cref="Cos(double)"/> within a few ulp for |x| below 1e6 (Cody–Waite reduction), less beyond; <see cref="Pow(double, double)"/>
/// as exp(b·log a), so its relative error grows like |b·log a|·1e-16. The float32 overloads evaluate the float64
/// functions and round once.
/// </para>
/// </summary>
public static class DeviceMath
{
    private const double Log2E = 1.4426950408889634;
    // ln 2 split so that k·Ln2Hi is exact for |k| < 2^20 (fdlibm's constants).
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double TwoOverPi = 0.63661977236758138243;
    // pi/2 = A + B + C: A and B of 33 bits (k·A, k·B exact for |k| < 2^20), C the rest (fdlibm's pio2_1, pio2_2, pio2_2t).
    private const double PiOver2A = 1.57079632673412561417e+00;
    private const double PiOver2B = 6.07710050630396597660e-11;
    private const double PiOver2C = 2.02226624879595063154e-21;

    /// <summary>2^k for -1022 ≤ k ≤ 1023, built from its bits.</summary>
    private static double Pow2(int k) => Interop.IntAsFloat((ulong)(k + 1023) << 52);

    /// <summary>p·2^k for -1100 &lt; k &lt; 2047.</summary>
    private static double Scale(double p, int k)
    {
        if (k > 1023) return p * Pow2(1023) * Pow2(k - 1023);
        if (k < -1022) return p * Pow2(-1022) * Pow2(k + 1022);
        return p * Pow2(k);
    }

    /// <summary>Rounds to the nearest integer, halves away from zero (|x| &lt; 2^31).</summary>
    private static int RoundToInt(double x) => (int)(x >= 0 ? x + 0.5 : x - 0.5);

    /// <summary>e^x.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.782712893384) return double.PositiveInfinity;
        if (x < -745.1332191019412) return 0.0;
        int k = RoundToInt(x * Log2E);
        double kd = k;
        double r = (x - kd * Ln2Hi) - kd * Ln2Lo; // |r| <= 0.347
        double p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
            + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800
            + r * (1.0 / 479001600 + r * (1.0 / 6227020800.0)))))))))))));
        return Scale(p, k);
    }

    /// <summary>e^x − 1, accurate near 0.</summary>
    public static double Expm1(double x)
    {
        if (x > -0.35 && x < 0.35)
        {
            return x * (1.0 + x * (1.0 / 2 + x * (1.0 / 6 + x * (1.0 / 24 + x * (1.0 / 120 + x * (1.0 / 720 + x * (1.0 / 5040
                + x * (1.0 / 40320 + x * (1.0 / 362880 + x * (1.0 / 3628800 + x * (1.0 / 39916800 + x * (1.0 / 479001600
                + x * (1.0 / 6227020800.0)))))))))))));
        }
        return Exp(x) - 1.0;
    }

    /// <summary>The natural logarithm.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (x == double.PositiveInfinity) return x;
        ulong bits = Interop.FloatAsInt(x);
        int e = (int)((bits >> 52) & 0x7FF);
        if (e == 0)
        {
            // Subnormal: scale by 2^54 first.
            bits = Interop.FloatAsInt(x * 18014398509481984.0);
            e = (int)((bits >> 52) & 0x7FF) - 54;
        }
        e -= 1023;
        double m = Interop.IntAsFloat((bits & 0x000FFFFFFFFFFFFFUL) | 0x3FF0000000000000UL);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }
        // log(m) = 2·atanh(s), s = f/(2 + f), f = m − 1; |s| < 0.1716.
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double series = z * (1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z * (1.0 / 9 + z * (1.0 / 11 + z * (1.0 / 13 + z * (1.0 / 15
            + z * (1.0 / 17 + z * (1.0 / 19 + z * (1.0 / 21 + z * (1.0 / 23 + z * (1.0 / 25))))))))))));
        double logm = f - s * (f - 2.0 * series);
        double ed = e;
        return ed * Ln2Hi + (logm + ed * Ln2Lo);
    }

    /// <summary>a^b (exp(b·log a), with the signs and special cases of <c>Math.Pow</c> for finite arguments).</summary>
    public static double Pow(double a, double b)
    {
        if (b == 0) return 1.0;
        if (double.IsNaN(a) || double.IsNaN(b)) return double.NaN;
        if (a == 1.0) return 1.0;
        double sign = 1.0;
        if (a < 0)
        {
            double bi = Floor(b);
            if (bi != b) return double.NaN;
            double half = bi * 0.5;
            if (Floor(half) != half) sign = -1.0;
            a = -a;
        }
        if (a == 0) return b > 0 ? 0.0 * sign : sign * double.PositiveInfinity;
        return sign * Exp(b * Log(a));
    }

    /// <summary>The square root (a hardware instruction on every target).</summary>
    public static double Sqrt(double x) => Math.Sqrt(x);

    /// <summary>|x|.</summary>
    public static double Abs(double x) => x < 0 ? -x : x;

    /// <summary>The smaller of two numbers.</summary>
    public static double Min(double a, double b) => a < b ? a : b;

    /// <summary>The larger of two numbers.</summary>
    public static double Max(double a, double b) => a > b ? a : b;

    /// <summary>The largest integer not above x.</summary>
    public static double Floor(double x)
    {
        if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) return x; // already integral, or NaN
        double t = (long)x;
        return t > x ? t - 1.0 : t;
    }

    /// <summary>The smallest integer not below x.</summary>
    public static double Ceiling(double x)
    {
        if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) return x;
        double t = (long)x;
        return t < x ? t + 1.0 : t;
    }

    /// <summary>Reduces x to r in [-pi/4, pi/4] with x = k·pi/2 + r; returns k mod 4.</summary>
    private static int Reduce(double x, out double r)
    {
        double kd = Floor(x * TwoOverPi + 0.5);
        r = ((x - kd * PiOver2A) - kd * PiOver2B) - kd * PiOver2C;
        long k = (long)kd;
        return (int)(k & 3);
    }

    private static double SinKernel(double r)
    {
        double z = r * r;
        return r * (1.0 - z * (1.0 / 6 - z * (1.0 / 120 - z * (1.0 / 5040 - z * (1.0 / 362880 - z * (1.0 / 39916800
            - z * (1.0 / 6227020800.0 - z * (1.0 / 1307674368000.0 - z * (1.0 / 355687428096000.0)))))))));
    }

    private static double CosKernel(double r)
    {
        double z = r * r;
        return 1.0 - z * (1.0 / 2 - z * (1.0 / 24 - z * (1.0 / 720 - z * (1.0 / 40320 - z * (1.0 / 3628800
            - z * (1.0 / 479001600 - z * (1.0 / 87178291200.0 - z * (1.0 / 20922789888000.0 - z * (1.0 / 6402373705728000.0)))))))));
    }

    /// <summary>The sine.</summary>
    public static double Sin(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x)) return double.NaN;
        int q = Reduce(x, out double r);
        return q switch { 0 => SinKernel(r), 1 => CosKernel(r), 2 => -SinKernel(r), _ => -CosKernel(r) };
    }

    /// <summary>The cosine.</summary>
    public static double Cos(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x)) return double.NaN;
        int q = Reduce(x, out double r);
        return q switch { 0 => CosKernel(r), 1 => -SinKernel(r), 2 => -CosKernel(r), _ => SinKernel(r) };
    }

    /// <summary>The tangent.</summary>
    public static double Tan(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x)) return double.NaN;
        int q = Reduce(x, out double r);
        double s = SinKernel(r), c = CosKernel(r);
        return (q & 1) == 0 ? s / c : -c / s;
    }

    /// <summary>The hyperbolic tangent.</summary>
    public static double Tanh(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Abs(x);
        if (ax > 22) return x > 0 ? 1.0 : -1.0;
        double em = Expm1(2.0 * ax);
        double t = em / (em + 2.0);
        return x < 0 ? -t : t;
    }

    /// <summary>e^x in float32 (through float64).</summary>
    public static float Exp(float x) => (float)Exp((double)x);
    /// <summary>The natural logarithm in float32.</summary>
    public static float Log(float x) => (float)Log((double)x);
    /// <summary>a^b in float32.</summary>
    public static float Pow(float a, float b) => (float)Pow((double)a, (double)b);
    /// <summary>The square root in float32 (correctly rounded through float64).</summary>
    public static float Sqrt(float x) => (float)Math.Sqrt(x);
    /// <summary>|x| in float32.</summary>
    public static float Abs(float x) => x < 0 ? -x : x;
    /// <summary>The smaller of two float32 numbers.</summary>
    public static float Min(float a, float b) => a < b ? a : b;
    /// <summary>The larger of two float32 numbers.</summary>
    public static float Max(float a, float b) => a > b ? a : b;
    /// <summary>Floor in float32.</summary>
    public static float Floor(float x) => (float)Floor((double)x);
    /// <summary>Ceiling in float32.</summary>
    public static float Ceiling(float x) => (float)Ceiling((double)x);
    /// <summary>The sine in float32.</summary>
    public static float Sin(float x) => (float)Sin((double)x);
    /// <summary>The cosine in float32.</summary>
    public static float Cos(float x) => (float)Cos((double)x);
    /// <summary>The tangent in float32.</summary>
    public static float Tan(float x) => (float)Tan((double)x);
    /// <summary>The hyperbolic tangent in float32.</summary>
    public static float Tanh(float x) => (float)Tanh((double)x);
}
