using Meta.Conformance.References;

namespace Meta.Conformance.Scenarios;

/// <summary>Every conformance scenario, in report order.</summary>
public static class ConformanceCatalog
{
    /// <summary>All scenarios; reference-trace ones only when the reference directory is found.</summary>
    public static IReadOnlyList<Scenario> All(string? referenceDirectory = null) =>
    [
        .. ReferenceTraceScenario.All(referenceDirectory ?? ReferenceTrace.FindDirectory()),
        .. SingleCellScenarios.All(),
        .. PreciseSpikeScenarios.All(),
        .. PreciseResetScenarios.All(),
        .. OffGridDeliveryScenarios.All(),
        .. StandardCellScenarios.All(),
        .. SystemScenarios.All(),
        .. CellTypeScenarios.All(),
        .. NestmlScenarios.All(),
        .. SourceAndRecordingScenarios.All(),
        .. CurrentSourceScenarios.All(),
        .. SpikeSourceScenarios.All(),
        PoissonMultipleScenario.Create(),
        .. NetworkScenarios.All(),
        .. SpaceAndConnectorScenarios.All(),
        .. NoiseScenarios.All(),
        .. SynapseScenarios.All(),
        .. ConcentrationScenarios.All(),
        .. CouplingScenarios.All(),
        .. CompartmentScenarios.All(),
        .. KernelCacheScenarios.All(),
        .. SweepScenarios.All(),
        .. SweepMeasureScenarios.All(),
        .. ErrorScenarios.All(),
    ];

    /// <summary>The scenario with the given name.</summary>
    public static Scenario Get(string name) =>
        All().FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"No conformance scenario named '{name}'.");
}
