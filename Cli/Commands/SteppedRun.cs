namespace Meta.Cli.Commands;

/// <summary>Why a run stopped before its end: cancelled (Ctrl-C, SIGTERM) or an error of the engine.</summary>
/// <param name="Reason">For messages and summary.json: "cancelled" or the error's message.</param>
/// <param name="Exception">The error, or null when cancelled.</param>
internal sealed record RunStop(string Reason, Exception? Exception);

/// <summary>
/// Runs a simulation in slices (about <see cref="Slices"/>, each a whole number of steps), checking between them whether
/// the run was cancelled, so that Ctrl-C or an engine failure stops it between steps and leaves everything recorded until
/// then in the simulation. Recording samples at absolute multiples of its interval, so slicing changes no data.
/// </summary>
internal sealed class SteppedRun(Simulation simulation, CancellationToken cancellation, Action<double>? observer)
{
    /// <summary>The number of slices a run is cut into (fewer when it has fewer steps).</summary>
    public const int Slices = 50;

    /// <summary>Runs <paramref name="durationMs"/>; returns null when it ran to its end, else why it stopped.</summary>
    public RunStop? Run(double durationMs, Action<double> progress)
    {
        double dt = simulation.Timestep, start = simulation.Time;
        long steps = (long)Math.Round(durationMs / dt);
        long perSlice = Math.Max(1, (steps + Slices - 1) / Slices);
        long done = 0;
        do
        {
            if (cancellation.IsCancellationRequested) return new RunStop("cancelled", null);
            long slice = Math.Min(perSlice, steps - done);
            long before = done;
            try
            {
                simulation.RunUntil(start + ((done + slice) * dt), f => Report(progress, (before + (f * slice)) / Math.Max(1, steps)));
            }
#pragma warning disable CA1031 // Any failure of the engine stops the run; the command writes what was recorded, then reports it.
            catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                return new RunStop(e.Message, e);
            }
            done += slice;
            Report(progress, (double)done / Math.Max(1, steps));
        }
        while (done < steps);
        return null;
    }

    private void Report(Action<double> progress, double fraction)
    {
        progress(fraction);
        observer?.Invoke(fraction);
    }
}
