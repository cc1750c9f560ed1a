using Meta.Backends.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.Backends.Cpu;

/// <summary>The CPU backend's plugin entry point: registers <see cref="CpuBackend"/>.</summary>
public sealed class CpuPlugin : IMetaPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<IBackend, CpuBackend>();
}

/// <summary>
/// Meta's reference backend: plain C#, float64 (or float32 on request), step-program kernels emitted as SIMD C# and compiled
/// with Roslyn, CSR connection tables and delay ring buffers, neuron updates spread over threads. In float32 the states,
/// delay rings and weights are float32 (values computed in float64 on the host, rounded once); plastic synapses and
/// continuous couplings compute in float64 and exchange float32 values with the cells.
/// </summary>
public sealed class CpuBackend : IBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "cpu";

    /// <inheritdoc />
    public BackendDescriptor Descriptor { get; } = new(
        BackendName,
        typeof(CpuBackend).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        Contract.Version,
        "Reference CPU backend: generated C# kernels, float64 (float32 on request), multi-threaded neuron updates.",
        new BackendCapabilities
        {
            UserDefinedModels = true,
            Features = new HashSet<string> { BackendFeatures.NoiseTerms, BackendFeatures.SynapseDynamics, BackendFeatures.ContinuousCoupling },
            SpikeSources = new HashSet<string>(HostSpikeSchedule.Kinds) { SpikeSourceKinds.Poisson },
            CurrentSources = CurrentSchedule.Kinds,
            SynapseTypes = new HashSet<string> { "StaticSynapse" },
            Precisions = new HashSet<Precision> { Precision.Float64, Precision.Float32 },
        });

    /// <inheritdoc />
    public IReadOnlyList<string> Devices { get; } = [$"cpu ({Environment.ProcessorCount} threads)"];

    /// <summary>For tests: engines run every step of a large network on the workers, whatever the threading choice measures.</summary>
    internal bool ForceWorkers { get; init; }

    /// <summary>For tests: engines' kernels read every group's injected-current array, whether or not a source or coupling targets it.</summary>
    internal bool ForceInjectedRead { get; init; }

    /// <inheritdoc />
    public ISimulationEngine CreateEngine(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Precision is { } precision && precision is not (Precision.Float64 or Precision.Float32))
            throw new NotSupportedByBackendException(BackendName, $"Precision {precision}");
        if (options.Device is not null && !options.Device.StartsWith("cpu", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedByBackendException(BackendName, $"Device '{options.Device}' (available: cpu)");
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        // Unless asked, float64: the CPU backend is the reference the other backends are compared with.
        return options.Precision == Precision.Float32 ? new CpuEngine<float>(threads) { ForceWorkers = ForceWorkers, ForceInjectedRead = ForceInjectedRead }
            : new CpuEngine<double>(threads) { ForceWorkers = ForceWorkers, ForceInjectedRead = ForceInjectedRead };
    }
}
