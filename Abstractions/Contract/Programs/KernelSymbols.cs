using System.Collections.Immutable;
using Meta.Expressions;

namespace Meta.Backends.Programs;

/// <summary>
/// The reserved symbols and functions of kernel expressions, beside locals and buffers. Every emitter gives them the
/// meaning stated here (docs/architecture.md).
/// </summary>
public static class KernelSymbols
{
    /// <summary>The time step in ms.</summary>
    public const string Timestep = "dt";

    /// <summary>The time at the start of the step, <c>k·dt</c> ms.</summary>
    public const string Time = "t";

    /// <summary>The current injected into the cell in this step (nA): the sum over the current sources that target it.</summary>
    public const string InjectedCurrent = "i_inj";

    /// <summary>
    /// The prefix of locals. Model names never contain it, so a local never shadows a buffer of the same spelling; an
    /// emitter renames locals as its language needs.
    /// </summary>
    public const string LocalPrefix = "~";

    /// <summary>
    /// The function <c>phi(b, h)</c> = <c>(exp(b·h) − 1)/b</c> (h where b = 0), the factor of an exponential Euler step of
    /// length h; the second argument depends on <c>dt</c> only. With x = b·h, emitters take it from the Taylor series
    /// <c>h·(1 + x·(1/2 + x·(1/6 + …)))</c> where |x| &lt; 0.6 (relative error below 1e-11) and from <c>(exp(x) − 1)/b</c>
    /// elsewhere, because the closed form loses digits as x → 0. <see cref="PhiOf"/> is the reference: the series to x^10 by
    /// Horner's rule with fused multiply-adds (the CPU backend's form); an emitter may round differently in the last bits
    /// (the Torch backend applies the series to x^9 without fusing).
    /// </summary>
    public const string Phi = "phi";

    /// <summary>
    /// The Taylor coefficients of φ/h, 1/11! first: the order in which Horner's rule applies them. They are the constants of
    /// <see cref="PhiSeries"/>, which code that writes the series out term by term (the CPU backend's vector helpers) uses.
    /// </summary>
    public static ImmutableArray<double> PhiTaylor { get; } =
    [
        PhiSeries.X10, PhiSeries.X9, PhiSeries.X8, PhiSeries.X7, PhiSeries.X6, PhiSeries.X5, PhiSeries.X4, PhiSeries.X3, PhiSeries.X2, PhiSeries.X1, PhiSeries.X0,
    ];

    /// <summary>
    /// <see cref="PhiTaylor"/>'s coefficients as constants: <c>X<i>k</i></c> is the coefficient of x^k in φ/h, 1/(k + 1)!
    /// (a float32 emitter rounds each once, from these float64 values).
    /// </summary>
    public static class PhiSeries
    {
        /// <summary>1/11!.</summary>
        public const double X10 = 1.0 / 39916800;
        /// <summary>1/10!.</summary>
        public const double X9 = 1.0 / 3628800;
        /// <summary>1/9!.</summary>
        public const double X8 = 1.0 / 362880;
        /// <summary>1/8!.</summary>
        public const double X7 = 1.0 / 40320;
        /// <summary>1/7!.</summary>
        public const double X6 = 1.0 / 5040;
        /// <summary>1/6!.</summary>
        public const double X5 = 1.0 / 720;
        /// <summary>1/5!.</summary>
        public const double X4 = 1.0 / 120;
        /// <summary>1/4!.</summary>
        public const double X3 = 1.0 / 24;
        /// <summary>1/3!.</summary>
        public const double X2 = 1.0 / 6;
        /// <summary>1/2!.</summary>
        public const double X1 = 1.0 / 2;
        /// <summary>1/1!.</summary>
        public const double X0 = 1.0;
    }

    /// <summary>The bound on |b·h| below which φ is taken from its Taylor series.</summary>
    public const double PhiTaylorBound = 0.6;

    /// <summary>φ of one number, by the definition every emitter follows (<see cref="Phi"/>).</summary>
    public static double PhiOf(double b, double h)
    {
        double x = b * h;
        if (!(Math.Abs(x) < PhiTaylorBound)) return (Math.Exp(x) - 1.0) / b;
        double r = PhiTaylor[0];
        for (int i = 1; i < PhiTaylor.Length; i++) r = Math.FusedMultiplyAdd(r, x, PhiTaylor[i]);
        return r * h;
    }

    /// <summary>
    /// The function <c>binomial(n, p, u)</c>: the number of successes of <c>m = floor(n + 0.5)</c> Bernoulli trials of
    /// probability p, drawn by inversion from the uniform number u (synapse event code only, where a model's
    /// <c>binomial(n, p)</c> takes its u from the event's next uniform draw). Every emitter computes it as
    /// <see cref="BinomialOf(double, double, double)"/> does, operation for operation, so that the count is the same on every
    /// backend: 0 where m ≤ 0 or p ≤ 0 (or NaN), m where p ≥ 1; otherwise with q = 1 − p and r = p/q, the probability of no
    /// success <c>f = q·q·…·q</c> (m factors, multiplied left to right) and the cumulative sum <c>c = f</c>; then for
    /// j = 0, 1, … while j &lt; m and u ≥ c: <c>f = f·(r·(m − j)/(j + 1))</c>, <c>c = c + f</c>; the count is the number of
    /// such steps. It is exact in distribution up to rounding; where q^m underflows (m in the hundreds with p near 1 is
    /// the case that matters) the count is biased, which the quantal release models it serves (a few sites) never meet.
    /// </summary>
    public const string Binomial = "binomial";

    /// <summary>The reference of <see cref="Binomial"/> in float64.</summary>
    public static double BinomialOf(double n, double p, double u)
    {
        double m = Math.Floor(n + 0.5);
        if (!(m > 0) || !(p > 0)) return 0;
        if (p >= 1) return m;
        double q = 1 - p, r = p / q, f = 1;
        for (double i = 0; i < m; i++) f *= q;
        double c = f, j = 0;
        while (j < m && u >= c)
        {
            f *= r * (m - j) / (j + 1);
            c += f;
            j++;
        }
        return j;
    }

    /// <summary>The reference of <see cref="Binomial"/> in float32 (the same operations, each rounded to float).</summary>
    public static float BinomialOf(float n, float p, float u)
    {
        float m = MathF.Floor(n + 0.5f);
        if (!(m > 0) || !(p > 0)) return 0;
        if (p >= 1) return m;
        float q = 1 - p, r = p / q, f = 1;
        for (float i = 0; i < m; i++) f *= q;
        float c = f, j = 0;
        while (j < m && u >= c)
        {
            f *= r * (m - j) / (j + 1);
            c += f;
            j++;
        }
        return j;
    }

    /// <summary>
    /// The symbol of the <paramref name="index"/>-th uniform draw of a cell in a step: <c>Philox.Uniform(seed,
    /// RandomStreams.NeuronDraw(g, index), k)</c> for the cell with global index g in step k.
    /// </summary>
    public static string UniformDraw(int index) => $"__uniform{index}";

    /// <summary>
    /// The symbol of the <paramref name="index"/>-th standard normal draw of a cell in a step (the noise terms):
    /// <c>Philox.Normal(seed, RandomStreams.NeuronNoise(g, index), k)</c>.
    /// </summary>
    public static string NormalDraw(int index) => $"__normal{index}";

    /// <summary>Whether <paramref name="name"/> is a local.</summary>
    public static bool IsLocal(string name) => name.StartsWith(LocalPrefix, StringComparison.Ordinal);

    /// <summary>The local named <paramref name="name"/> (the name with <see cref="LocalPrefix"/>).</summary>
    public static string Local(string name) => LocalPrefix + name;

    /// <summary>If <paramref name="name"/> is a uniform draw symbol, its index.</summary>
    public static bool TryUniformDraw(string name, out int index) => TryIndex(name, "__uniform", out index);

    /// <summary>If <paramref name="name"/> is a normal draw symbol, its index.</summary>
    public static bool TryNormalDraw(string name, out int index) => TryIndex(name, "__normal", out index);

    private static bool TryIndex(string name, string prefix, out int index)
    {
        index = -1;
        return name.StartsWith(prefix, StringComparison.Ordinal)
               && int.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }

    /// <summary>A call of <see cref="Phi"/>.</summary>
    public static Expr PhiCall(Expr b, Expr h) => new CallExpr(Phi, [b, h]);
}
