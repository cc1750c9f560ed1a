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
    /// <summary>The populations, indexed by <see cref="PopulationSpec.Index"/>.</summary>
    public required IReadOnlyList<PopulationSpec> Populations { get; init; }
    /// <summary>The projections.</summary>
    public required IReadOnlyList<ProjectionSpec> Projections { get; init; }
    /// <summary>The current sources.</summary>
    public required IReadOnlyList<CurrentSourceSpec> CurrentSources { get; init; }
    /// <summary>The recording requests.</summary>
    public required IReadOnlyList<RecorderSpec> Recorders { get; init; }
    /// <summary>The largest delay in steps over all projections (at least 1); computed once.</summary>
    public int MaxDelaySteps => _maxDelaySteps ??=
        Projections.Count == 0 ? 1 : Math.Max(1, Projections.Max(p => p.DelaySteps.Length == 0 ? 1 : p.DelaySteps.Max()));

    private int? _maxDelaySteps;
    /// <summary>Total number of cells.</summary>
    public int TotalCells => Populations.Sum(p => p.Size);
    /// <summary>Total number of synapses.</summary>
    public long TotalSynapses => Projections.Sum(p => (long)p.Count);
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

/// <summary>
/// One projection as explicit connection arrays, sorted by presynaptic index then by creation order.
/// Weights are in the receptor's unit (nA, µS or mV); delays in whole steps (≥ 1).
/// </summary>
public sealed class ProjectionSpec
{
    /// <summary>Position in <see cref="NetworkSpec.Projections"/>.</summary>
    public required int Index { get; init; }
    /// <summary>The label.</summary>
    public required string Label { get; init; }
    /// <summary>The presynaptic population index.</summary>
    public required int PrePopulation { get; init; }
    /// <summary>The postsynaptic population index.</summary>
    public required int PostPopulation { get; init; }
    /// <summary>The receptor name on the postsynaptic model.</summary>
    public required string Receptor { get; init; }
    /// <summary>The synapse type's name (<c>StaticSynapse</c> in this version).</summary>
    public string SynapseType { get; init; } = "StaticSynapse";
    /// <summary>Presynaptic cell index (within the pre population) per connection.</summary>
    public required int[] PreIndices { get; init; }
    /// <summary>Postsynaptic cell index (within the post population) per connection.</summary>
    public required int[] PostIndices { get; init; }
    /// <summary>Weight per connection.</summary>
    public required double[] Weights { get; init; }
    /// <summary>Delay in steps per connection.</summary>
    public required int[] DelaySteps { get; init; }
    /// <summary>The number of connections.</summary>
    public int Count => PreIndices.Length;
}
