using Meta.Backends;

namespace Meta.Conformance.Scenarios;

/// <summary>
/// Ion concentrations in the model language: the Prinz et al. (2004) model neuron (<see cref="Models.Library.Prinz2004"/>),
/// whose intracellular calcium is driven by its calcium currents and sets their Nernst reversal potential.
/// </summary>
public static class ConcentrationScenarios
{
    private const double Dt = 0.025, FineDt = 0.0025, Duration = 150;

    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [CalciumBurster()];

    private static (double[] Spikes, double[] V, double[] Ca) Run(IBackend backend, Precision precision, double dt)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = dt, MinDelay = dt, Seed = 5, Precision = precision });
        var cell = sim.CreatePopulation(1, new CellType("Prinz2004", "AB/PD 1"), "abpd");
        cell.Record(["spikes", "v", "Ca"]);
        sim.Run(Duration);
        var segment = cell.GetData().Segments[0];
        return (segment.SpikeTrains[0].Times.ToArray(), segment.Signal("v").Column(0).ToArray(), segment.Signal("Ca").Column(0).ToArray());
    }

    /// <summary>
    /// The AB/PD 1 model neuron's first 150 ms (a burst of spikes while calcium builds up): against the reference backend at the
    /// same dt (identical in float64), and against the reference backend's converged run at dt/10 (spike times within 0.1 ms,
    /// calcium within 2 %: the error of the scheme at dt 0.025 ms).
    /// </summary>
    public static Scenario CalciumBurster() => new CheckScenario(
        "concentration/prinz2004-calcium",
        "float64: spikes identical and v, Ca within 1e-9 of the reference backend at dt 0.025 ms; float32: same spike count, times within 0.1 ms, Ca within 0.5 %; " +
        "both: the same spike count as the reference backend at dt 0.0025 ms, each spike within 0.1 ms, peak Ca within 2 %",
        [],
        ctx =>
        {
            var mine = Run(ctx.Backend, ctx.Precision, Dt);
            var same = Run(ctx.Reference!, Precision.Float64, Dt);
            var fine = Run(ctx.Reference!, Precision.Float64, FineDt);
            bool single = ctx.Precision == Precision.Float32;
            double SpikeShift(double[] a, double[] b) => a.Length == b.Length ? a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max() : double.PositiveInfinity;
            double shiftSame = SpikeShift(mine.Spikes, same.Spikes), shiftFine = SpikeShift(mine.Spikes, fine.Spikes);
            double vDiff = mine.V.Zip(same.V, (a, b) => Math.Abs(a - b)).Max();
            double caDiff = mine.Ca.Zip(same.Ca, (a, b) => Math.Abs(a - b) / b).Max();
            double peakError = Math.Abs(mine.Ca.Max() - fine.Ca.Max()) / fine.Ca.Max();
            var checks = new List<(bool, string)>
            {
                (mine.Spikes.Length >= 3, $"only {mine.Spikes.Length} spikes: the cell did not burst"),
                (shiftFine <= 0.1, $"spikes differ from the converged run (dt {FineDt} ms: {fine.Spikes.Length} spikes, this run {mine.Spikes.Length}; largest shift {shiftFine:g3} ms)"),
                (peakError <= 0.02, $"peak calcium {mine.Ca.Max():g5} µM, {peakError:P2} from the converged run's {fine.Ca.Max():g5}"),
            };
            if (single)
            {
                checks.Add((shiftSame <= 0.1, $"spikes differ from the reference backend's in float64 by {shiftSame:g3} ms"));
                checks.Add((caDiff <= 0.005, $"Ca differs from the reference backend's by {caDiff:P3}"));
            }
            else
            {
                checks.Add((shiftSame == 0 && vDiff <= 1e-9 && caDiff <= 1e-9, $"differs from the reference backend at the same dt (spikes {shiftSame:g3} ms, v {vDiff:g3} mV, Ca {caDiff:g3} relative)"));
            }
            return ($"{mine.Spikes.Length} spikes, Ca {mine.Ca.Min():g4}–{mine.Ca.Max():g4} µM; vs reference backend: spikes {shiftSame:g3} ms, v {vDiff:g3} mV, Ca {caDiff:g3} relative; " +
                    $"vs converged (dt {FineDt} ms): spikes {shiftFine:g3} ms, peak Ca {peakError:P2}", checks.ToArray());
        },
        needsReference: true);
}
