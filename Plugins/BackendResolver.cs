using Meta.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.Plugins;

/// <summary>Gets the <see cref="IBackend"/>s a plugin registered out of its service collection.</summary>
internal static class BackendResolver
{
    /// <summary>
    /// Resolves every (non-keyed) <see cref="IBackend"/> registration of <paramref name="services"/> from
    /// <paramref name="provider"/>. If that fails (a backend constructor throws, a dependency is missing), each
    /// registration is resolved on its own from a provider of its own (passed to <paramref name="own"/>), so one
    /// broken backend does not hide the others; each failure goes to <paramref name="report"/>.
    /// </summary>
    public static IReadOnlyList<IBackend> Resolve(
        IServiceProvider provider, IServiceCollection services, Type pluginType, Action<string> report, Action<IDisposable> own)
    {
        var registrations = services.Where(IsBackendRegistration).ToList();
        if (registrations.Count == 0)
        {
            report($"plugin {pluginType.FullName} registered no {nameof(IBackend)}");
            return [];
        }

        try
        {
            return provider.GetServices<IBackend>().ToList();
        }
        catch (Exception)
        {
            // Any failure falls back to resolving the backends one at a time, below.
        }

        var others = services.Where(d => !IsBackendRegistration(d)).ToList();
        var backends = new List<IBackend>();
        foreach (var registration in registrations)
        {
            try
            {
                IServiceCollection single = new ServiceCollection();
                foreach (var other in others)
                {
                    single.Add(other);
                }

                single.Add(registration);
                var singleProvider = single.BuildServiceProvider();
                own(singleProvider);
                backends.Add(singleProvider.GetRequiredService<IBackend>());
            }
            catch (Exception e)
            {
                // A broken backend becomes a reported problem.
                report($"creating backend {Describe(registration)} of plugin {pluginType.FullName} failed: {ExceptionText.Describe(e)}");
            }
        }

        return backends;
    }

    private static bool IsBackendRegistration(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(IBackend) && !descriptor.IsKeyedService;

    private static string Describe(ServiceDescriptor registration) =>
        registration.ImplementationType?.FullName
        ?? registration.ImplementationInstance?.GetType().FullName
        ?? "(factory registration)";
}
