namespace Meta.Backends.Cpu;

/// <summary>
/// One decision of <see cref="ThreadingChoice"/>, for the log: the step its measurement started at and the step it was
/// taken at (steps since the engine was loaded), why it was measured ("start", "planned", "slowdown", or "fallback": the
/// workers lost to the last single-thread measurement while they ran, so both ways were measured afresh), or "busy"
/// (other work filled the cores: nothing was measured, the figures are 0), the choice, the step times it compared (in the
/// unit the choice was given), the median ratio of
/// workers to single thread, the fraction of the workers' steps in which a worker ran a chunk, the steps timed, and the steps until the next planned measurement.
/// </summary>
internal readonly record struct ThreadingDecision(
    long MeasuredFrom, long Step, string Reason, bool Parallel, double SinglePerStep, double ParallelPerStep, double Ratio, double Helped, int Samples, int NextMeasurementIn);
