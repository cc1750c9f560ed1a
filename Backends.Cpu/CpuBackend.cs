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
/// Meta's reference backend: plain C#, float64, step-program kernels emitted as SIMD C# and compiled
/// with Roslyn, CSR connection tables and delay ring buffers, neuron updates spread over threads.
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
        "Reference CPU backend: generated C# kernels, float64, multi-threaded neuron updates.",
        new BackendCapabilities
        {
            UserDefinedModels = true,
            Features = new HashSet<string> { BackendFeatures.NoiseTerms, BackendFeatures.SynapseDynamics, BackendFeatures.ContinuousCoupling },
            SpikeSources = new HashSet<string>(HostSpikeSchedule.Kinds) { SpikeSourceKinds.Poisson },
            CurrentSources = CurrentSchedule.Kinds,
            SynapseTypes = new HashSet<string> { "StaticSynapse" },
            Precisions = new HashSet<Precision> { Precision.Float64 },
        });

    /// <inheritdoc />
    public IReadOnlyList<string> Devices { get; } = [$"cpu ({Environment.ProcessorCount} threads)"];

    /// <inheritdoc />
    public ISimulationEngine CreateEngine(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Precision is { } precision && precision != Precision.Float64)
            throw new NotSupportedByBackendException(BackendName, $"Precision {precision}");
        if (options.Device is not null && !options.Device.StartsWith("cpu", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedByBackendException(BackendName, $"Device '{options.Device}' (available: cpu)");
        return new CpuEngine(options.Threads > 0 ? options.Threads : Environment.ProcessorCount);
    }
}
