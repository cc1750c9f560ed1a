namespace Meta.Sonata.Nest;

/// <summary>
/// The gating rates of NEST's <c>hh_psc_alpha</c> (1/ms, V in mV) as model expressions, and their steady states, which
/// NEST takes as the initial m, h and n. The removable singularities of α_n (V = −55) and α_m (V = −40) take their limits.
/// </summary>
internal static class HhGates
{
    public const string AlphaN = "0.1 if abs(v + 55) < 1e-9 else 0.01*(v + 55)/(1 - exp(-(v + 55)/10))";
    public const string BetaN = "0.125*exp(-(v + 65)/80)";
    public const string AlphaM = "1.0 if abs(v + 40) < 1e-9 else 0.1*(v + 40)/(1 - exp(-(v + 40)/10))";
    public const string BetaM = "4*exp(-(v + 65)/18)";
    public const string AlphaH = "0.07*exp(-(v + 65)/20)";
    public const string BetaH = "1/(1 + exp(-(v + 35)/10))";

    private static double Linear(double scale, double x) => Math.Abs(x) < 1e-9 ? scale * 10 : scale * x / (1 - Math.Exp(-x / 10));

    /// <summary>m at rest at <paramref name="v"/> mV: α_m / (α_m + β_m).</summary>
    public static double SteadyM(double v) => Steady(Linear(0.1, v + 40), 4 * Math.Exp(-(v + 65) / 18));

    /// <summary>h at rest at <paramref name="v"/> mV.</summary>
    public static double SteadyH(double v) => Steady(0.07 * Math.Exp(-(v + 65) / 20), 1 / (1 + Math.Exp(-(v + 35) / 10)));

    /// <summary>n at rest at <paramref name="v"/> mV.</summary>
    public static double SteadyN(double v) => Steady(Linear(0.01, v + 55), 0.125 * Math.Exp(-(v + 65) / 80));

    private static double Steady(double alpha, double beta) => alpha / (alpha + beta);
}
