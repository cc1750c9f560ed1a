using System.Collections.Concurrent;
using Meta.Backends;

namespace Meta.Conformance.References;

/// <summary>
/// The solution a reference scenario's traces are measured against (docs/accuracy.md): exact for the LIF cells under
/// current steps (<see cref="AnalyticLif"/>), otherwise the reference backend's float64 run at dt = 0.001 ms, which
/// moves by at most 0.011 ms in spike time and 0.0065 mV RMS when dt is halved again (measured for every scenario).
/// </summary>
/// <param name="Spikes">Spike times (ms).</param>
/// <param name="V">v sampled every <paramref name="Dt"/> ms from 0.</param>
/// <param name="Dt">The sampling interval (ms).</param>
/// <param name="Source">"analytic" or the backend and step of the converged run.</param>
public sealed record ConvergedSolution(double[] Spikes, double[] V, double Dt, string Source)
{
    /// <summary>The step of the converged runs (ms).</summary>
    public const double ConvergedDt = 0.001;

    private static readonly ConcurrentDictionary<string, Lazy<ConvergedSolution>> s_cache = new();

    /// <summary>The converged solution of <paramref name="reference"/>'s scenario, computed once per scenario and backend.</summary>
    public static ConvergedSolution For(ReferenceTrace reference, IBackend backend) =>
        s_cache.GetOrAdd($"{reference.Scenario}|{backend.Descriptor.Name}", _ => new(() => Compute(reference, backend))).Value;

    private static ConvergedSolution Compute(ReferenceTrace reference, IBackend backend)
    {
        if (AnalyticLif.Solves(reference))
        {
            var (spikes, v) = AnalyticLif.Solve(reference, new CellType(reference.CellType).Model, ConvergedDt);
            return new(spikes, v, ConvergedDt, "analytic");
        }
        var segment = ReferenceScenario.Run(backend, reference, ConvergedDt);
        return new(segment.SpikeTrains[0].Times, segment.Signal("v").Column(0), ConvergedDt, $"{backend.Descriptor.Name} at dt {ConvergedDt}");
    }
}
