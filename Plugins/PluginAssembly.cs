using McMaster.NETCore.Plugins;
using Meta.Backends;

namespace Meta.Plugins;

/// <summary>
/// One loaded plugin assembly: its load context (<see cref="PluginLoader"/>), the service providers built for
/// its <see cref="IMetaPlugin"/>s and the backends they produced (not yet checked by <see cref="BackendAdmission"/>).
/// Disposing it disposes the providers (and so the backends they own), then the loader.
/// </summary>
internal sealed class PluginAssembly(string folder, string assemblyPath, PluginLoader loader) : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private bool _disposed;

    /// <summary>The plugin folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>The plugin assembly's full path.</summary>
    public string AssemblyPath { get; } = assemblyPath;

    /// <summary>The load context holding the plugin and its private dependencies.</summary>
    public PluginLoader Loader { get; } = loader;

    /// <summary>The backends the plugin registered, in registration order.</summary>
    public List<IBackend> Backends { get; } = [];

    /// <summary>Takes ownership of <paramref name="disposable"/>: it is disposed with this plugin.</summary>
    public void Own(IDisposable disposable) => _owned.Add(disposable);

    /// <summary>Disposes what it owns, last first, ignoring plugin exceptions, then the loader.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                _owned[i].Dispose();
            }
            catch (Exception)
            {
                // A plugin failing to clean up must not take the host down; the catalog is going away.
            }
        }

        Loader.Dispose();
    }
}
