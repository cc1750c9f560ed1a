using System.Globalization;
using Meta.Backends;
using Meta.Populations;

namespace Meta.Diagnostics;

/// <summary>
/// Finds where a run diverged: the earliest recorded sample that is NaN or infinite, or a membrane potential (a state
/// <c>v</c> or <c>compartment.v</c> in mV) beyond <see cref="RunawayPotentialMv"/>; failing that, a cell state the backend
/// found diverged when the run ended (<see cref="RunResult.Divergence"/>). Recorded samples give the time it began; the
/// end-of-run scan catches cells nobody records, at the end of the run call.
/// </summary>
public static class DivergenceCheck
{
    /// <summary>The largest membrane potential magnitude (mV) taken as physical (<see cref="StateDivergence.RunawayPotentialMv"/>).</summary>
    public const double RunawayPotentialMv = StateDivergence.RunawayPotentialMv;

    /// <summary>Whether <paramref name="value"/> of <paramref name="variable"/> (in <paramref name="unit"/>) has diverged; the runaway bound applies to membrane potentials in mV only.</summary>
    public static bool IsDiverged(string variable, string? unit, double value) =>
        !double.IsFinite(value) || (unit == "mV" && StateDivergence.IsDiverged(variable, value));

    /// <summary>The exception for a divergence found in population <paramref name="population"/>.</summary>
    internal static SimulationDivergedException Diverged(Population population, int cell, string variable, double timeMs, double value, bool atRunEnd)
    {
        string what = double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? value.ToString(CultureInfo.InvariantCulture)
            : $"{value.ToString("G6", CultureInfo.InvariantCulture)} mV (beyond ±{RunawayPotentialMv:0} mV: a numerical runaway)";
        string when = atRunEnd
            ? $"at t = {Ms(timeMs)} ms, when the run call ended (record '{variable}' to see when it began)"
            : $"from t = {Ms(timeMs)} ms";
        return new SimulationDivergedException(
            $"The simulation diverged: '{variable}' of cell {cell} in '{population.Label}' ({population.CellType.Name}) is {what} {when}. " +
            "The run stopped there; data recorded until then are kept. Usual causes: a timestep too large for the model's " +
            "dynamics, an input current or weight far beyond the physiological range, or parameters that make the model unstable.",
            population.Label, cell, variable, timeMs, value);
    }

    private static string Ms(double t) => t.ToString("0.###", CultureInfo.InvariantCulture);
}
