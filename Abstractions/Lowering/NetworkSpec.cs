using Meta.Backends.Programs;
using Meta.Models;

namespace Meta.Network;

/// <summary>
/// A network resolved for a backend: plain arrays, no random draws left, identical for every backend.
/// Built by <c>Simulation</c> before the first run (layer 2 of ARCHITECTURE.md).
/// </summary>
public sealed class NetworkSpec
{
    /// <summary>The time step in ms.</summary>
    public required double Timestep { get; init; }
    /// <summary>The seed of the simulation; backends draw Poisson spikes from it (see docs/semantics.md).</summary>
    public required ulong Seed { get; init; }
    /// <summary>Where spike times lie: on the step grid (the default) or found within the step.</summary>
    public SpikePrecision SpikePrecision { get; init; }
    /// <summary>The populations, indexed by <see cref="PopulationSpec.Index"/>.</summary>
    public required IReadOnlyList<PopulationSpec> Populations { get; init; }
    /// <summary>The projections, as the step program holds them (explicit connection arrays, receptors resolved).</summary>
    public required IReadOnlyList<SynapseGroupProgram> Projections { get; init; }
    /// <summary>The continuous couplings (projections of a coupling type: gap junctions, graded synapses), with their kernels.</summary>
    public IReadOnlyList<CouplingProgram> Couplings { get; init; } = [];
    /// <summary>The current sources.</summary>
    public required IReadOnlyList<CurrentSourceSpec> CurrentSources { get; init; }
    /// <summary>The recording requests.</summary>
    public required IReadOnlyList<RecorderSpec> Recorders { get; init; }
}

/// <summary>One population: its model and per-cell parameter and initial-state arrays.</summary>
public sealed class PopulationSpec
{
    /// <summary>Position in <see cref="NetworkSpec.Populations"/>.</summary>
    public required int Index { get; init; }
    /// <summary>The label.</summary>
    public required string Label { get; init; }
    /// <summary>The number of cells.</summary>
    public required int Size { get; init; }
    /// <summary>The cell model.</summary>
    public required ModelDefinition Model { get; init; }
    /// <summary>Scalar parameters: name to one value per cell (every scalar parameter of the model is present).</summary>
    public required IReadOnlyDictionary<string, double[]> Parameters { get; init; }
    /// <summary>Sequence parameters (e.g. <c>spike_times</c>): name to one sequence per cell.</summary>
    public required IReadOnlyDictionary<string, double[][]> Sequences { get; init; }
    /// <summary>Initial values: state name to one value per cell (every state of the model is present).</summary>
    public required IReadOnlyDictionary<string, double[]> InitialValues { get; init; }
    /// <summary>The index of this population's first cell in a global numbering (for per-cell random streams).</summary>
    public required int FirstGlobalIndex { get; init; }
}
