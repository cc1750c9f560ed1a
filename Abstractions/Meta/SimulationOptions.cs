using Meta.Backends;

namespace Meta;

/// <summary>
/// Settings of a <see cref="Simulation"/>, PyNN's <c>setup()</c> arguments: <c>timestep</c>, <c>min_delay</c>,
/// <c>max_delay</c>, <c>spike_precision</c>, plus the seed, precision and backend.
/// </summary>
public sealed record SimulationOptions
{
    /// <summary>The integration time step in ms (PyNN's <c>timestep</c>, default 0.1).</summary>
    public double Timestep { get; init; } = 0.1;
    /// <summary>The smallest allowed delay in ms; null means "auto" (one time step). Also the default delay.</summary>
    public double? MinDelay { get; init; }
    /// <summary>The largest allowed delay in ms; null means "auto" (no limit).</summary>
    public double? MaxDelay { get; init; }
    /// <summary>
    /// Where spike times lie (PyNN's <c>spike_precision</c>: <c>"on_grid"</c>, the default, or <c>"off_grid"</c>; parse a
    /// name with <see cref="Network.SpikePrecisionNames.Parse"/>). Off the grid, the threshold crossing is found within the
    /// step and the spike time, the reset and the refractory period take it (docs/semantics.md, "Precise spike times").
    /// </summary>
    public Network.SpikePrecision SpikePrecision { get; init; }
    /// <summary>The seed for connectivity, random parameters and Poisson sources.</summary>
    public ulong Seed { get; init; } = 151985012;
    /// <summary>
    /// Arithmetic precision of the backend, or null for the backend's default on its device: float64 on CPUs, float32
    /// on GPUs (docs/semantics.md, Precision).
    /// </summary>
    public Precision? Precision { get; init; }
    /// <summary>The backend's name (used by hosts that choose the backend; <c>cpu</c> by default).</summary>
    public string Backend { get; init; } = "cpu";
    /// <summary>A backend device, or null for its default.</summary>
    public string? Device { get; init; }
    /// <summary>Worker threads for the backend; 0 lets it decide.</summary>
    public int Threads { get; init; }
    /// <summary>
    /// The ranks of a distributed run (docs/architecture.md, "Distributed runs"), e.g. an
    /// <see cref="Distributed.Mpi.MpiCommunicator"/> under <c>mpirun</c>; null runs the whole network in this process.
    /// </summary>
    public Distributed.ICommunicator? Communicator { get; init; }

    internal void Validate()
    {
        if (!(Timestep > 0) || double.IsInfinity(Timestep))
            throw new InvalidParameterValueException($"timestep must be a positive number of ms, got {Timestep}.");
        if (MinDelay is { } min && min < Timestep - 1e-12)
            throw new InvalidParameterValueException($"min_delay ({min} ms) must be at least the timestep ({Timestep} ms).");
        if (!Enum.IsDefined(SpikePrecision))
            throw new InvalidParameterValueException($"spike_precision must be one of {string.Join(", ", Network.SpikePrecisionNames.All)}, got {(int)SpikePrecision}.");
        if (SpikePrecision == Network.SpikePrecision.OffGrid && Communicator is not null)
            throw new InvalidParameterValueException("spike_precision \"off_grid\" is not supported in distributed runs yet (spike offsets are not gathered across ranks); use \"on_grid\" or one process.");
        if (MinDelay is { } lo && MaxDelay is { } hi && lo > hi)
            throw new InvalidParameterValueException($"min_delay ({lo} ms) is larger than max_delay ({hi} ms).");
    }
}
