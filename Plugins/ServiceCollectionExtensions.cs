using Meta.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.Plugins;

/// <summary>Registers loaded plugins with a dependency-injection container.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Loads the plugins now (<see cref="PluginHost.Load"/>) and registers the <see cref="PluginCatalog"/> as a
    /// singleton, owned and disposed by the container once resolved, and each loaded backend as an
    /// <see cref="IBackend"/> singleton. Plugin problems are in the catalog's <see cref="PluginCatalog.Problems"/>.
    /// </summary>
    /// <param name="services">The container's services.</param>
    /// <param name="options">Where to search; null for the defaults.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="InvalidOperationException">A plugin catalog is already registered.</exception>
    public static IServiceCollection AddMetaPlugins(this IServiceCollection services, PluginHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        EnsureNotRegistered(services);
        var catalog = PluginHost.Load(options);
        services.AddSingleton(_ => catalog);
        return AddBackends(services, catalog);
    }

    /// <summary>
    /// Registers an already loaded <paramref name="catalog"/> (which the caller keeps owning) as a singleton and each
    /// of its backends as an <see cref="IBackend"/> singleton.
    /// </summary>
    /// <param name="services">The container's services.</param>
    /// <param name="catalog">The loaded plugins.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="InvalidOperationException">A plugin catalog is already registered.</exception>
    public static IServiceCollection AddMetaPlugins(this IServiceCollection services, PluginCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(catalog);
        EnsureNotRegistered(services);
        services.AddSingleton(catalog);
        return AddBackends(services, catalog);
    }

    private static IServiceCollection AddBackends(IServiceCollection services, PluginCatalog catalog)
    {
        foreach (var loaded in catalog.Backends)
        {
            services.AddSingleton(loaded.Backend);
        }

        return services;
    }

    private static void EnsureNotRegistered(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PluginCatalog)))
        {
            throw new InvalidOperationException("Meta plugins are already registered in this service collection.");
        }
    }
}
