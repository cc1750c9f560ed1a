using Meta.Models;
using Meta.Models.Compartments;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// A passive two-compartment cell with its exact solution: a soma (area 10⁻⁵ cm², starting at −50 mV) and a dendrite
/// (2·10⁻⁵ cm², −70 mV), each with a leak of 0.1 mS/cm² to −65 mV, coupled by an absolute axial conductance G (µS), and
/// <see cref="IOffset"/> nA into the soma. The potentials obey the linear 2×2 system <c>dv/dt = A·v + c</c>, solved
/// exactly by eigen-decomposition.
/// </summary>
public static class PassiveTwoCompartmentCell
{
    private const double GLeak = 0.1, ELeak = -65, SomaArea = 1e-5, DendArea = 2e-5, SomaV0 = -50, DendV0 = -70;

    /// <summary>The current into the soma (nA), as <c>i_offset</c>.</summary>
    public const double IOffset = 0.01;

    /// <summary>The cell with axial conductance <paramref name="axial"/> (µS).</summary>
    public static ModelDefinition Create(double axial) => new CompartmentalModelBuilder("Passive2")
        .Mechanism(new MechanismBuilder("Leak").Parameter("g", GLeak, "mS/cm2").Parameter("e", ELeak, "mV").Current("i", "g*(v - e)").Build())
        .Parameter("G", axial, "uS")
        .Compartment("soma", c => c.Area(SomaArea).V(SomaV0).Insert("Leak"))
        .Compartment("dend", c => c.Area(DendArea).V(DendV0).Insert("Leak"))
        .Axial("soma", "dend", "G")
        .Build();

    /// <summary>The exact (soma, dendrite) potentials (mV) at <paramref name="t"/> ms.</summary>
    public static (double Soma, double Dend) Exact(double axial, double t)
    {
        double ga = 0.001 * axial / SomaArea, gb = 0.001 * axial / DendArea, inj = 0.001 * IOffset / SomaArea;
        double a11 = -(GLeak + ga), a12 = ga, a21 = gb, a22 = -(GLeak + gb);
        double c1 = GLeak * ELeak + inj, c2 = GLeak * ELeak;
        double det = a11 * a22 - a12 * a21;
        double s1 = -(a22 * c1 - a12 * c2) / det, s2 = -(-a21 * c1 + a11 * c2) / det;       // steady state −A⁻¹c
        double half = (a11 + a22) / 2, root = Math.Sqrt(half * half - det);
        double l1 = half + root, l2 = half - root;
        // Eigenvectors (a12, λ − a11); their coefficients from v0 − v*.
        double x1 = a12, y1 = l1 - a11, x2 = a12, y2 = l2 - a11;
        double d1 = SomaV0 - s1, d2 = DendV0 - s2, den = x1 * y2 - x2 * y1;
        double k1 = (d1 * y2 - x2 * d2) / den, k2 = (x1 * d2 - d1 * y1) / den;
        return (s1 + k1 * x1 * Math.Exp(l1 * t) + k2 * x2 * Math.Exp(l2 * t), s2 + k1 * y1 * Math.Exp(l1 * t) + k2 * y2 * Math.Exp(l2 * t));
    }

    /// <summary>The largest deviation (mV) of recorded soma and dendrite traces (sample k at k·dt) from the exact solution.</summary>
    public static double MaxError(double axial, double dt, IReadOnlyList<double> soma, IReadOnlyList<double> dend)
    {
        double worst = 0;
        for (int k = 0; k < soma.Count; k++)
        {
            var (s, d) = Exact(axial, k * dt);
            worst = Math.Max(worst, Math.Max(Math.Abs(soma[k] - s), Math.Abs(dend[k] - d)));
        }
        return worst;
    }

    /// <summary>
    /// The frequency (Hz, from upward crossings of the mean) and mean peak-to-peak amplitude (mV) of an oscillating trace
    /// sampled every <paramref name="dt"/> ms, after its first <paramref name="skip"/> samples.
    /// </summary>
    public static (double Frequency, double Amplitude) Oscillation(IReadOnlyList<double> v, double dt, int skip)
    {
        var tail = v.Skip(skip).ToArray();
        double mean = tail.Average();
        var ups = Enumerable.Range(1, tail.Length - 1).Where(k => tail[k - 1] < mean && tail[k] >= mean).ToArray();
        if (ups.Length < 3) return (0, tail.Max() - tail.Min());
        double period = (ups[^1] - ups[0]) * dt / (ups.Length - 1);
        return (1000 / period, Enumerable.Range(0, ups.Length - 1).Select(i => tail[ups[i]..ups[i + 1]]).Average(c => c.Max() - c.Min()));
    }
}
