using Meta.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.TestPlugins.Good;

/// <summary>A well-behaved plugin registering <see cref="GoodBackend"/>.</summary>
public sealed class GoodPlugin : IMetaPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<IBackend, GoodBackend>();
}

/// <summary>A backend that loads fine but cannot simulate anything.</summary>
public sealed class GoodBackend : IBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "test-good";

    /// <inheritdoc />
    public BackendDescriptor Descriptor { get; } =
        new(BackendName, "1.0.0", Contract.Version, "A test backend that loads but cannot simulate.", new BackendCapabilities());

    /// <inheritdoc />
    public IReadOnlyList<string> Devices { get; } = ["none"];

    /// <inheritdoc />
    public ISimulationEngine CreateEngine(EngineOptions options) => throw new NotSupportedByBackendException(BackendName, "simulation");
}
