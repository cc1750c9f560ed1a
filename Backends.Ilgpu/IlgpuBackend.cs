using Meta.Backends.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.Backends.Ilgpu;

/// <summary>The ILGPU backend's plugin entry point: registers <see cref="IlgpuBackend"/>.</summary>
public sealed class IlgpuPlugin : IMetaPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<IBackend, IlgpuBackend>();
}

/// <summary>
/// The GPU backend: step-program kernels emitted as C# and compiled with Roslyn and ILGPU, CSR
/// connection tables and delay rings on the device, parallel spike delivery with atomic adds, recordings kept on the
/// device and copied back in blocks. Runs on CUDA devices and, for tests, on ILGPU's CPU accelerator; float64 or float32.
/// </summary>
public sealed class IlgpuBackend : IBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "ilgpu";

    /// <inheritdoc />
    public BackendDescriptor Descriptor { get; } = new(
        BackendName,
        typeof(IlgpuBackend).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        Contract.Version,
        "GPU backend through ILGPU: generated kernels, device-resident synapses and recordings; CUDA, or ILGPU's CPU accelerator for tests.",
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
    public IReadOnlyList<string> Devices => DeviceCatalog.All;

    /// <inheritdoc />
    public ISimulationEngine CreateEngine(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Precision is { } asked && asked is not (Precision.Float64 or Precision.Float32))
            throw new NotSupportedByBackendException(BackendName, $"Precision {asked}");
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var device = DeviceCatalog.Open(options.Device, options.Threads, options.LocalRank);
        LoadLog.Write($"device '{device.Name}' opened in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
        try
        {
            // Unless asked, the precision follows the device: float32 on a GPU, float64 on the CPU accelerator.
            var precision = options.Precision ?? (device.IsCpu ? Precision.Float64 : Precision.Float32);
            return precision == Precision.Float32
                ? new IlgpuEngine<float>(device)
                : new IlgpuEngine<double>(device);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }
}
