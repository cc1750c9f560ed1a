using Microsoft.Extensions.DependencyInjection;

namespace Meta.Backends;

/// <summary>The version of the backend contract. A plugin built against another version is refused by the host.</summary>
public static class Contract
{
    /// <summary>
    /// The contract version this assembly defines. Being a constant, it is compiled into every plugin, so the
    /// host can compare a plugin's value (reported through <see cref="BackendDescriptor.ContractVersion"/>) with its own.
    /// Version 6: a backend with continuous coupling runs it itself (<c>StepEngine.Couple</c>, <c>ReadCouplingBuffer</c>,
    /// <c>WriteCouplingBuffer</c>) instead of handing its cell states to the host (<c>ReadCellState</c>, removed).
    /// Version 7: spike sources of kind <c>relay</c> (<see cref="Programs.SpikeSourceProgram.Feed"/>), produced by
    /// <see cref="Runtime.HostSpikeSchedule"/> from spikes the host appends during a run (distributed runs).
    /// Version 8: a projection from a relay may have a delay of 0 steps: the spike emitted at index s is queued for arrival
    /// at step s, which the cells advance next (distributed runs exchange once per smallest delay).
    /// Version 9: exact delivery of off-grid spikes (<see cref="Programs.SynapseGroupProgram.OffGrid"/>): a projection may
    /// carry a second ring and per-connection decay rates, into which the backend adds <c>w·(1 − exp(offset·rate))</c>.
    /// Version 10: <see cref="Programs.OffGridDelivery.CellRates"/> holds the decay rates per post cell (read at each
    /// connection's post index), no longer per connection.
    /// Version 11: the host may release a static part's pre and post arrays once the engine is loaded
    /// (<see cref="Programs.SynapseGroupProgram.ReleaseConnections"/>); a backend reads them in <c>Load</c> and <c>Update</c>
    /// only, and <see cref="Programs.SynapseGroupProgram.Count"/> stays known.
    /// Version 12: <see cref="ISimulationEngine.RunIntervals"/>, a run cut into intervals with a host callback between two
    /// intervals (distributed runs exchange there), by default one <c>Run</c> per interval; <see cref="Runtime.StepEngine"/> implements it in one call.
    /// Version 13: <see cref="Programs.SynapseGroupProgram.RowStarts"/>, a part in row order given as row starts and post cells
    /// (a backend's table by pre cell may take them as they are); <see cref="Programs.SynapseGroupProgram.PreIndices"/> is no
    /// longer required: a part given row starts makes it from them at its first read.
    /// </summary>
    public const int Version = 13;
}

/// <summary>
/// The entry point of a plugin assembly: a public class with a parameterless constructor that registers its
/// backends (<see cref="IBackend"/> singletons) into the host's service collection.
/// </summary>
public interface IMetaPlugin
{
    /// <summary>Registers this plugin's services, typically <c>services.AddSingleton&lt;IBackend, MyBackend&gt;()</c>.</summary>
    void ConfigureServices(IServiceCollection services);
}

/// <summary>Floating-point precision of a backend's state and arithmetic.</summary>
public enum Precision
{
    /// <summary>Double precision (the default on CPU).</summary>
    Float64,
    /// <summary>Single precision (the usual choice on GPUs).</summary>
    Float32,
}

/// <summary>What a backend provides. Asking for anything else fails with <see cref="NotSupportedByBackendException"/>.</summary>
public sealed record BackendCapabilities
{
    /// <summary>
    /// Standard cell types by PyNN name, for a backend that runs some models only; empty for one that compiles every kernel
    /// (<see cref="UserDefinedModels"/>).
    /// </summary>
    public IReadOnlySet<string> CellTypes { get; init; } = new HashSet<string>();
    /// <summary>
    /// Whether every neuron model is compiled: the backend emits any kernel of the step program, so the standard cell types,
    /// composed models and user-defined models all run.
    /// </summary>
    public bool UserDefinedModels { get; init; }
    /// <summary>Optional features of the step program the backend implements (<see cref="BackendFeatures"/>).</summary>
    public IReadOnlySet<string> Features { get; init; } = new HashSet<string>();
    /// <summary>Spike generator kinds (<see cref="SpikeSourceKinds"/>).</summary>
    public IReadOnlySet<string> SpikeSources { get; init; } = new HashSet<string>();
    /// <summary>Current source class names.</summary>
    public IReadOnlySet<string> CurrentSources { get; init; } = new HashSet<string>();
    /// <summary>Synapse type class names.</summary>
    public IReadOnlySet<string> SynapseTypes { get; init; } = new HashSet<string>();
    /// <summary>Supported precisions.</summary>
    public IReadOnlySet<Precision> Precisions { get; init; } = new HashSet<Precision>();

    /// <summary>A one-line summary for listings.</summary>
    public override string ToString() =>
        $"cells: {(UserDefinedModels ? "every model" : string.Join(", ", CellTypes.Order()))}; features: {string.Join(", ", Features.Order())}; " +
        $"sources: {string.Join(", ", SpikeSources.Order())}; currents: {string.Join(", ", CurrentSources.Order())}; " +
        $"synapses: {string.Join(", ", SynapseTypes.Order())}; precision: {string.Join(", ", Precisions.Order())}";
}

/// <summary>The names of optional step-program features a backend declares in <see cref="BackendCapabilities.Features"/>.</summary>
public static class BackendFeatures
{
    /// <summary>Standard normal draws in kernels: the noise terms of stochastic differential equations.</summary>
    public const string NoiseTerms = "noise-terms";

    /// <summary>
    /// Synapse kernels (<see cref="Programs.SynapseKernel"/>): per-synapse state and event code on pre and post spikes, i.e. every
    /// plastic and stochastic synapse type, standard or user-defined.
    /// </summary>
    public const string SynapseDynamics = "synapse-dynamics";

    /// <summary>Continuous coupling (<see cref="Programs.CouplingProgram"/>): gap junctions and graded synapses, every step.</summary>
    public const string ContinuousCoupling = "continuous-coupling";
}

/// <summary>Identifies a backend.</summary>
/// <param name="Name">The short name users select it by (<c>cpu</c>, <c>ilgpu</c>, <c>torch</c>).</param>
/// <param name="Version">The backend's version.</param>
/// <param name="ContractVersion">The <see cref="Contract.Version"/> it was built against.</param>
/// <param name="Description">A one-line description.</param>
/// <param name="Capabilities">What it supports.</param>
public sealed record BackendDescriptor(string Name, string Version, int ContractVersion, string Description, BackendCapabilities Capabilities);

/// <summary>Options for one engine instance.</summary>
public sealed record EngineOptions
{
    /// <summary>The arithmetic precision, or null for the backend's default on the chosen device (float64 on CPUs, float32 on GPUs).</summary>
    public Precision? Precision { get; init; }
    /// <summary>A device name from <see cref="IBackend.Devices"/>, or null for the backend's default.</summary>
    public string? Device { get; init; }
    /// <summary>Worker threads; 0 lets the backend decide.</summary>
    public int Threads { get; init; }
    /// <summary>
    /// In a distributed run, this rank's position among the ranks on its machine (Open MPI's <c>OMPI_COMM_WORLD_LOCAL_RANK</c>);
    /// null in one process. With no <see cref="Device"/> named, a backend with GPUs gives local rank k the GPU
    /// <see cref="GpuChoice.ForLocalRank"/> picks, so that the ranks of a machine share its GPUs instead of all using the first.
    /// </summary>
    public int? LocalRank { get; init; }
}

/// <summary>A simulation backend: the factory of engines, registered by a plugin.</summary>
public interface IBackend
{
    /// <summary>Name, version and capabilities.</summary>
    BackendDescriptor Descriptor { get; }
    /// <summary>The devices this backend can run on here (e.g. <c>cpu (8 threads)</c>, <c>cuda:0 NVIDIA H100</c>).</summary>
    IReadOnlyList<string> Devices { get; }
    /// <summary>Creates an engine; throws <see cref="NotSupportedByBackendException"/> for unsupported options.</summary>
    ISimulationEngine CreateEngine(EngineOptions options);
}
