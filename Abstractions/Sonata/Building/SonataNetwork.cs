using Meta.Populations;
using Meta.Sonata.Config;
using Meta.Sonata.Reading;

namespace Meta.Sonata.Building;

/// <summary>
/// The Meta population holding some nodes of one SONATA node population: all nodes of one model template (or all virtual
/// nodes, as a <c>SpikeSourceArray</c>); <see cref="NodeIds"/>[i] is the node id of the population's cell i.
/// </summary>
public sealed record SonataCellGroup(string SonataPopulation, Population Population, int[] NodeIds, string Template, bool Virtual)
{
    /// <summary>Meta weight = SONATA (NEST) weight × this, for connections onto these cells.</summary>
    public double WeightScale { get; init; } = 1.0;

    /// <summary>When set, the Meta weight of every connection onto these cells (NEST's parrot_neuron ignores weights).</summary>
    public double? FixedWeight { get; init; }

    /// <summary>
    /// Each cell's <c>tau_minus</c> (ms) from its node's <c>dynamics_params</c> (NEST's default 20 ms), the decay of the
    /// trace of its spikes that NEST's <c>stdp_synapse</c> connections onto it read; null for virtual nodes.
    /// </summary>
    public double[]? TauMinus { get; init; }
}

/// <summary>Cells of a report: which cells of which group record the variable.</summary>
public sealed record SonataReportTarget(SonataReport Report, string MetaVariable, IReadOnlyList<(SonataCellGroup Group, int[] Positions)> Cells);

/// <summary>
/// A SONATA network built into a Meta <see cref="Meta.Simulation"/>: the groups of cells, the report targets, the
/// figures of the read (edges, read time) and the warnings (defaults used, parameters ignored). Disposing it disposes
/// the simulation.
/// </summary>
public sealed class SonataNetwork : IDisposable
{
    /// <summary>The simulation, ready to run.</summary>
    public required Simulation Simulation { get; init; }
    /// <summary>The config it was built from.</summary>
    public required SonataConfig Config { get; init; }
    /// <summary>The SONATA node populations read.</summary>
    public required IReadOnlyList<SonataNodePopulation> NodePopulations { get; init; }
    /// <summary>The Meta populations, one per (node population, template).</summary>
    public required IReadOnlyList<SonataCellGroup> Groups { get; init; }
    /// <summary>The reports asked for, with their cells.</summary>
    public required IReadOnlyList<SonataReportTarget> Reports { get; init; }
    /// <summary>The number of edges read.</summary>
    public required long EdgeCount { get; init; }
    /// <summary>Seconds spent reading the files.</summary>
    public required double ReadSeconds { get; init; }
    /// <summary>Seconds spent building the Meta network (populations, projections).</summary>
    public required double BuildSeconds { get; init; }
    /// <summary>The duration to run (<c>run.tstop</c>), or null when the config has none.</summary>
    public double? Duration => Config.TStop;
    /// <summary>Defaults used and values ignored, one line each.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <inheritdoc />
    public void Dispose() => Simulation.Dispose();
}
