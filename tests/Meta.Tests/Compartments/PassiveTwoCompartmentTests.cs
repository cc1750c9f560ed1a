using Meta.Conformance.Scenarios;
using Xunit.Abstractions;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Compartments;

/// <summary>
/// A passive two-compartment cell (<see cref="PassiveTwoCompartmentCell"/>) against its exact solution, a linear 2×2 system
/// solved by eigen-decomposition, on the CPU backend.
/// </summary>
public class PassiveTwoCompartmentTests(ITestOutputHelper output)
{
    private static (double[] Soma, double[] Dend) Run(double axial, double dt, double duration)
    {
        using var sim = NewSimulation(dt);
        var cell = sim.CreatePopulation(1, new CellType(PassiveTwoCompartmentCell.Create(axial)).With("i_offset", PassiveTwoCompartmentCell.IOffset), "cell");
        cell.Record(["soma.v", "dend.v"]);
        sim.Run(duration);
        return (Signal(cell, "soma.v").Column(0).ToArray(), Signal(cell, "dend.v").Column(0).ToArray());
    }

    private static double MaxError(double axial, double dt, double duration)
    {
        var (soma, dend) = Run(axial, dt, duration);
        return PassiveTwoCompartmentCell.MaxError(axial, dt, soma, dend);
    }

    [Fact]
    public void Follows_the_exact_solution_with_second_order_convergence()
    {
        // G = 0.005 µS: 0.5 mS/cm² into the soma, 0.25 into the dendrite (coupling time constants 1.7 and 2.9 ms with the leak).
        double coarse = MaxError(0.005, 0.1, 50), fine = MaxError(0.005, 0.01, 50);
        output.WriteLine($"largest deviation from the exact solution: dt 0.1 ms {coarse:g3} mV, dt 0.01 ms {fine:g3} mV");
        fine.Should().BeLessThan(2e-5, "dt 0.01 ms: the exponential midpoint scheme's error (mV)");
        coarse.Should().BeLessThan(2e-3, "dt 0.1 ms");
        (coarse / fine).Should().BeGreaterThan(50, "second order: ten times the step, about a hundred times the error");
    }

    [Fact]
    public void Stays_stable_and_reaches_the_exact_steady_state_when_the_coupling_is_stiff()
    {
        // G = 0.5 µS: 50 mS/cm² into the soma, dt·g/C = 5 at dt 0.1 ms, far beyond explicit Euler's limit of 2. The scheme
        // stays stable (each compartment's own coupling is inside its exponential factor) and its fixed point is exact, but
        // the slow (leak) mode relaxes too slowly while dt·g/C is not small: accuracy needs dt ≪ C/g_axial.
        var (soma, dend) = Run(0.5, 0.1, 400);
        var (s, d) = PassiveTwoCompartmentCell.Exact(0.5, 400);
        output.WriteLine($"stiff coupling: largest deviation at dt 0.1 ms {PassiveTwoCompartmentCell.MaxError(0.5, 0.1, soma, dend):g3} mV, " +
                         $"at dt 0.01 ms {MaxError(0.5, 0.01, 100):g3} mV");
        soma.Concat(dend).Should().OnlyContain(v => double.IsFinite(v) && v > -80 && v < -40);
        Math.Abs(soma[^1] - s).Should().BeLessThan(1e-6);
        Math.Abs(dend[^1] - d).Should().BeLessThan(1e-6);
    }
}
