using Meta.Models;
using Meta.Models.Compartments;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Compartments;

/// <summary>
/// A passive two-compartment cell against its exact solution: a linear 2×2 system <c>dv/dt = A·v + c</c>, solved by
/// eigen-decomposition.
/// </summary>
public class PassiveTwoCompartmentTests
{
    private const double GLeak = 0.1, ELeak = -65, SomaArea = 1e-5, DendArea = 2e-5, IOffset = 0.01;

    /// <summary>A soma and a dendrite with a leak each, coupled by an absolute conductance <paramref name="axial"/> (µS).</summary>
    internal static ModelDefinition Cell(double axial) => new CompartmentalModelBuilder("Passive2")
        .Mechanism(new MechanismBuilder("Leak").Parameter("g", GLeak, "mS/cm2").Parameter("e", ELeak, "mV").Current("i", "g*(v - e)").Build())
        .Parameter("G", axial, "uS")
        .Compartment("soma", c => c.Area(SomaArea).V(-50).Insert("Leak"))
        .Compartment("dend", c => c.Area(DendArea).V(-70).Insert("Leak"))
        .Axial("soma", "dend", "G")
        .Build();

    /// <summary>The exact (soma, dend) potentials at <paramref name="t"/> with i_offset = <see cref="IOffset"/> nA.</summary>
    internal static (double Soma, double Dend) Exact(double axial, double t)
    {
        double ga = 0.001 * axial / SomaArea, gb = 0.001 * axial / DendArea, inj = 0.001 * IOffset / SomaArea;
        double a11 = -(GLeak + ga), a12 = ga, a21 = gb, a22 = -(GLeak + gb);
        double c1 = GLeak * ELeak + inj, c2 = GLeak * ELeak;
        double det = a11 * a22 - a12 * a21;
        double s1 = -(a22 * c1 - a12 * c2) / det, s2 = -(-a21 * c1 + a11 * c2) / det;       // steady state −A⁻¹c
        double half = (a11 + a22) / 2, root = Math.Sqrt(half * half - det);
        double l1 = half + root, l2 = half - root;
        // Eigenvectors (a12, λ − a11); coefficients from v0 − v*.
        double x1 = a12, y1 = l1 - a11, x2 = a12, y2 = l2 - a11;
        double d1 = -50 - s1, d2 = -70 - s2, den = x1 * y2 - x2 * y1;
        double k1 = (d1 * y2 - x2 * d2) / den, k2 = (x1 * d2 - d1 * y1) / den;
        return (s1 + k1 * x1 * Math.Exp(l1 * t) + k2 * x2 * Math.Exp(l2 * t), s2 + k1 * y1 * Math.Exp(l1 * t) + k2 * y2 * Math.Exp(l2 * t));
    }

    private static (double[] Soma, double[] Dend) Run(double axial, double dt, double duration)
    {
        using var sim = NewSimulation(dt);
        var cell = sim.CreatePopulation(1, new CellType(Cell(axial)).With("i_offset", IOffset), "cell");
        cell.Record(["soma.v", "dend.v"]);
        sim.Run(duration);
        return (Signal(cell, "soma.v").Column(0).ToArray(), Signal(cell, "dend.v").Column(0).ToArray());
    }

    private static double MaxError(double axial, double dt, double duration)
    {
        var (soma, dend) = Run(axial, dt, duration);
        double worst = 0;
        for (int k = 0; k < soma.Length; k++)
        {
            var (s, d) = Exact(axial, k * dt);
            worst = Math.Max(worst, Math.Max(Math.Abs(soma[k] - s), Math.Abs(dend[k] - d)));
        }
        return worst;
    }

    [Fact]
    public void Follows_the_exact_solution_with_second_order_convergence()
    {
        // G = 0.005 µS: 0.5 mS/cm² into the soma, 0.25 into the dendrite (coupling time constants 1.7 and 2.9 ms with the leak).
        double coarse = MaxError(0.005, 0.1, 50), fine = MaxError(0.005, 0.01, 50);
        fine.Should().BeLessThan(2e-4, "dt 0.01 ms: the exponential midpoint scheme's error (mV)");
        coarse.Should().BeLessThan(0.02, "dt 0.1 ms");
        (coarse / fine).Should().BeGreaterThan(50, "second order: ten times the step, about a hundred times the error");
    }

    [Fact]
    public void Stays_stable_and_reaches_the_exact_steady_state_when_the_coupling_is_stiff()
    {
        // G = 0.5 µS: 50 mS/cm² into the soma, dt·g/C = 5 at dt 0.1 ms, far beyond explicit Euler's limit of 2. The scheme
        // stays stable (each compartment's own coupling is inside its exponential factor) and its fixed point is exact, but
        // the slow (leak) mode relaxes too slowly while dt·g/C is not small: accuracy needs dt ≪ C/g_axial.
        var (soma, dend) = Run(0.5, 0.1, 400);
        var (s, d) = Exact(0.5, 400);
        soma.Concat(dend).Should().OnlyContain(v => double.IsFinite(v) && v > -80 && v < -40);
        Math.Abs(soma[^1] - s).Should().BeLessThan(1e-6);
        Math.Abs(dend[^1] - d).Should().BeLessThan(1e-6);
    }
}
