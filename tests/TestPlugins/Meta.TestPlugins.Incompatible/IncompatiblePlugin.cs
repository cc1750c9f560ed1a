using Meta.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.TestPlugins.Incompatible;

/// <summary>A plugin whose backend claims a newer contract version than the host's.</summary>
public sealed class IncompatiblePlugin : IMetaPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<IBackend, IncompatibleBackend>();
}

/// <summary>A backend built (it says) against <c>Contract.Version + 1</c>.</summary>
public sealed class IncompatibleBackend : IBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "test-incompatible";

    /// <inheritdoc />
    public BackendDescriptor Descriptor { get; } =
        new(BackendName, "1.0.0", Contract.Version + 1, "A test backend from the future.", new BackendCapabilities());

    /// <inheritdoc />
    public IReadOnlyList<string> Devices { get; } = ["none"];

    /// <inheritdoc />
    public ISimulationEngine CreateEngine(EngineOptions options) => throw new NotSupportedByBackendException(BackendName, "simulation");
}
