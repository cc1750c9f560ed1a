using Meta.Backends.Runtime;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch;

/// <summary>The TorchSharp backend's plugin entry point: registers <see cref="TorchBackend"/>.</summary>
public sealed class TorchPlugin : IMetaPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<IBackend, TorchBackend>();
}

/// <summary>
/// Meta on TorchSharp (libtorch): every step-program kernel is run as tensor operations over whole populations, spikes are
/// delivered into delay-ring tensors with <c>index_add_</c>, float64 or float32, on the CPU build of libtorch here and on
/// CUDA where a CUDA libtorch is present. Nothing native is touched until a device is listed or an engine created.
/// </summary>
public sealed class TorchBackend : IBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "torch";

    /// <summary>libtorch's intra-op threads when <see cref="EngineOptions.Threads"/> is 0.</summary>
    public const int DefaultThreads = 1;

    private readonly Lazy<IReadOnlyList<string>> _devices = new(ListDevices);

    /// <inheritdoc />
    public BackendDescriptor Descriptor { get; } = new(
        BackendName,
        typeof(TorchBackend).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        Contract.Version,
        "TorchSharp/libtorch backend: kernels as tensor programs over whole populations, float64 or float32, CPU or CUDA.",
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
    public IReadOnlyList<string> Devices => _devices.Value;

    /// <inheritdoc />
    public ISimulationEngine CreateEngine(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Precision is { } asked && asked is not (Precision.Float64 or Precision.Float32))
            throw new NotSupportedByBackendException(BackendName, $"Precision {asked}");
        var device = ResolveDevice(options.Device, options.LocalRank);
        // Unless asked, the precision follows the device: float32 on CUDA, float64 on the CPU.
        var precision = options.Precision ?? (device.type == DeviceType.CUDA ? Precision.Float32 : Precision.Float64);
        // libtorch's intra-op threads are set explicitly (process-wide). By default one: the per-step operations act on a
        // population at a time, mostly below libtorch's parallel grain, and OpenMP barriers on busy cores cost far more
        // than they gain (left at libtorch's default, a COBA 4k step was up to 40 times slower on a loaded 2-core machine).
        torch.set_num_threads(options.Threads > 0 ? options.Threads : DefaultThreads);
        var dtype = precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64;
        return new TorchEngine(new TorchContext(device, dtype));
    }

    /// <summary>
    /// The libtorch device for a device name: null picks a CUDA device when CUDA is available (device 0, or in a distributed
    /// run the one <see cref="GpuChoice.ForLocalRank"/> gives <paramref name="localRank"/>), else the CPU;
    /// <c>cpu</c> (or an entry of <see cref="Devices"/>), <c>cuda</c> or <c>cuda:N</c>.
    /// </summary>
    private static Device ResolveDevice(string? requested, int? localRank)
    {
        EnsureNativeLoaded();
        bool cuda = torch.cuda.is_available();
        int count = cuda ? torch.cuda.device_count() : 0;
        // A rank of a distributed run takes its machine's GPUs in turn (GpuChoice); one process takes the first.
        if (requested is null) return cuda && count > 0 ? torch.device(DeviceType.CUDA, GpuChoice.ForLocalRank(localRank, count)) : torch.CPU;
        string name = requested.Trim();
        int space = name.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0) name = name[..space];
        if (name.Equals("cpu", StringComparison.OrdinalIgnoreCase)) return torch.CPU;
        if (name.StartsWith("cuda", StringComparison.OrdinalIgnoreCase))
        {
            int index = 0;
            bool valid = name.Length == 4
                || (name[4] == ':' && int.TryParse(name.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index));
            if (!valid) throw new NotSupportedByBackendException(BackendName, $"Device '{requested}' (write cuda or cuda:N)");
            if (!cuda)
                throw new NotSupportedByBackendException(BackendName,
                    $"Device '{requested}' (CUDA is not available: this libtorch is the CPU build or no CUDA device is visible; available: {string.Join(", ", ListDevices())})");
            if (index >= count)
                throw new NotSupportedByBackendException(BackendName, $"Device '{requested}' (there {(count == 1 ? "is 1 CUDA device" : $"are {count} CUDA devices")}; available: {string.Join(", ", ListDevices())})");
            return torch.device(DeviceType.CUDA, index);
        }
        throw new NotSupportedByBackendException(BackendName, $"Device '{requested}' (available: {string.Join(", ", ListDevices())})");
    }

    private static IReadOnlyList<string> ListDevices()
    {
        EnsureNativeLoaded();
        var devices = new List<string> { $"cpu ({Environment.ProcessorCount} cores)" };
        if (torch.cuda.is_available())
            for (int i = 0; i < torch.cuda.device_count(); i++) devices.Add($"cuda:{i}");
        return devices;
    }

    /// <summary>Loads libtorch (TorchSharp's static initialisation), turning a failure into a clear error.</summary>
    private static void EnsureNativeLoaded()
    {
        try
        {
            _ = torch.get_num_threads();
        }
        catch (TypeInitializationException e)
        {
            throw new MetaException(
                $"Backend '{BackendName}': libtorch could not be loaded from {Path.GetDirectoryName(typeof(TorchBackend).Assembly.Location)} " +
                $"({e.InnerException?.Message ?? e.Message}). The plugin folder must hold libLibTorchSharp.so and libtorch's .so files.", e);
        }
    }
}
