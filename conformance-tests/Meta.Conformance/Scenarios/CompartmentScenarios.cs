using Meta.Backends;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Multi-compartment cells (<see cref="Models.Compartments.CompartmentalModelBuilder"/>): a passive two-compartment cell
/// against its exact solution, and the de Gruijl et al. (2012) inferior-olive cell's subthreshold oscillation against the
/// reference backend and its converged run at dt/10.
/// </summary>
public static class CompartmentScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [PassiveTwoCompartments(), InferiorOliveOscillation()];

    private const double Axial = 0.005, PassiveDt = 0.01, PassiveDuration = 50;

    /// <summary>
    /// The passive cell of <see cref="PassiveTwoCompartmentCell"/> with G = 0.005 µS (0.5 mS/cm² into the soma, 0.25 into
    /// the dendrite) for 50 ms at dt 0.01 ms: both potentials within 2·10⁻⁵ mV of the exact solution (the exponential
    /// midpoint scheme's error at this step; 10⁻³ mV in float32).
    /// </summary>
    public static Scenario PassiveTwoCompartments() => new CheckScenario(
        "compartments/passive-two-compartment-analytic",
        "soma and dendrite within 2e-5 mV (float32: 1e-3 mV) of the exact solution of the linear 2×2 system over 50 ms at dt 0.01 ms",
        [],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, new SimulationOptions { Timestep = PassiveDt, MinDelay = PassiveDt, Seed = 3, Precision = ctx.Precision });
            var cell = sim.CreatePopulation(1, new CellType(PassiveTwoCompartmentCell.Create(Axial)).With("i_offset", PassiveTwoCompartmentCell.IOffset), "cell");
            cell.Record(["soma.v", "dend.v"]);
            sim.Run(PassiveDuration);
            var segment = cell.GetData().Segments[0];
            double error = PassiveTwoCompartmentCell.MaxError(Axial, PassiveDt, segment.Signal("soma.v").Column(0).ToArray(), segment.Signal("dend.v").Column(0).ToArray());
            double bound = ctx.Precision == Precision.Float32 ? 1e-3 : 2e-5;
            return ($"largest deviation from the exact solution {error:g3} mV", [(error <= bound, $"deviates from the exact solution by {error:g3} mV (bound {bound:g2})")]);
        });

    private const double Dt = 0.025, FineDt = 0.0025, Duration = 800, Settle = 300;

    private static (double[] Soma, double[] Ca) RunOlive(IBackend backend, Precision precision, double dt)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = dt, MinDelay = dt, Seed = 5, Precision = precision });
        var cell = sim.CreatePopulation(1, new CellType("DeGruijl2012"), "io");
        cell.Record(["soma.v", "dend.cai"]);
        sim.Run(Duration);
        var segment = cell.GetData().Segments[0];
        return (segment.Signal("soma.v").Column(0).ToArray(), segment.Signal("dend.cai").Column(0).ToArray());
    }

    /// <summary>
    /// The inferior-olive cell without input for 800 ms at dt 0.025 ms: its somatic subthreshold oscillation (frequency from
    /// mean crossings after 300 ms, peak-to-peak amplitude) against the reference backend at the same dt (identical in
    /// float64) and against the reference backend's converged run at dt/10 (frequency within 1 %, amplitude within 2 %).
    /// </summary>
    public static Scenario InferiorOliveOscillation() => new CheckScenario(
        "compartments/degruijl2012-oscillation",
        "float64: soma.v and dend.cai within 1e-9 of the reference backend at dt 0.025 ms; float32: soma.v within 0.01 mV; " +
        "both: oscillation frequency within 1 % and amplitude within 2 % of the reference backend at dt 0.0025 ms, no spikes, 2–20 Hz",
        [],
        ctx =>
        {
            var mine = RunOlive(ctx.Backend, ctx.Precision, Dt);
            var same = RunOlive(ctx.Reference!, Precision.Float64, Dt);
            var fine = RunOlive(ctx.Reference!, Precision.Float64, FineDt);
            var (f, a) = PassiveTwoCompartmentCell.Oscillation(mine.Soma, Dt, (int)(Settle / Dt));
            var (fFine, aFine) = PassiveTwoCompartmentCell.Oscillation(fine.Soma, FineDt, (int)(Settle / FineDt));
            double vDiff = mine.Soma.Zip(same.Soma, (x, y) => Math.Abs(x - y)).Max();
            double caDiff = mine.Ca.Zip(same.Ca, (x, y) => Math.Abs(x - y) / Math.Abs(y)).Max();
            double fError = Math.Abs(f - fFine) / fFine, aError = Math.Abs(a - aFine) / aFine;
            bool single = ctx.Precision == Precision.Float32;
            return ($"{f:F3} Hz, {a:F3} mV peak-to-peak (dt {FineDt} ms: {fFine:F3} Hz, {aFine:F3} mV); vs reference backend: v {vDiff:g3} mV, Ca {caDiff:g3} relative",
            [
                (f is >= 2 and <= 20 && mine.Soma.Max() < -20, $"no subthreshold oscillation: {f:F2} Hz, v up to {mine.Soma.Max():F1} mV"),
                (fError <= 0.01, $"frequency {f:F3} Hz is {fError:P2} from the converged run's {fFine:F3} Hz"),
                (aError <= 0.02, $"amplitude {a:F3} mV is {aError:P2} from the converged run's {aFine:F3} mV"),
                single ? (vDiff <= 0.01, $"soma.v differs from the reference backend's float64 run by {vDiff:g3} mV")
                       : (vDiff <= 1e-9 && caDiff <= 1e-9, $"differs from the reference backend at the same dt (v {vDiff:g3} mV, Ca {caDiff:g3} relative)"),
            ]);
        },
        needsReference: true);
}
