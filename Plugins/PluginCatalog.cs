using System.Diagnostics.CodeAnalysis;
using Meta.Backends;

namespace Meta.Plugins;

/// <summary>
/// The backends the host loaded, the problems it met and where it looked. Backend names are matched
/// case-insensitively. Disposing the catalog disposes the plugins' service providers (and so the backends they
/// own) and their loaders.
/// </summary>
public sealed class PluginCatalog : IDisposable
{
    private readonly Dictionary<string, LoadedBackend> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlyList<IDisposable> _owned;
    private bool _disposed;

    /// <summary>
    /// Creates a catalog of given backends, e.g. to test a host without loading plugins. It owns nothing: disposing
    /// it does not dispose the backends.
    /// </summary>
    /// <param name="backends">The backends; their names must be distinct (case-insensitively).</param>
    /// <param name="problems">Problems to report, if any.</param>
    /// <param name="searchedFolders">The folders searched, if any.</param>
    /// <exception cref="ArgumentException">Two backends have the same name.</exception>
    public PluginCatalog(IEnumerable<LoadedBackend> backends, IEnumerable<PluginProblem>? problems = null, IEnumerable<string>? searchedFolders = null)
        : this(backends, problems, searchedFolders, [])
    {
    }

    internal PluginCatalog(
        IEnumerable<LoadedBackend> backends, IEnumerable<PluginProblem>? problems, IEnumerable<string>? searchedFolders,
        IReadOnlyList<IDisposable> owned)
    {
        ArgumentNullException.ThrowIfNull(backends);
        Backends = backends.ToList();
        foreach (var backend in Backends)
        {
            if (!_byName.TryAdd(backend.Name, backend))
            {
                throw new ArgumentException($"Two backends are named '{backend.Name}'.", nameof(backends));
            }
        }

        Problems = problems?.ToList() ?? [];
        SearchedFolders = searchedFolders?.ToList() ?? [];
        Names = Backends.Select(b => b.Name).ToList();
        _owned = owned;
    }

    /// <summary>The accepted backends, in load order.</summary>
    public IReadOnlyList<LoadedBackend> Backends { get; }

    /// <summary>The names of <see cref="Backends"/>, in load order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Every folder, plugin or backend that was refused, with the reason.</summary>
    public IReadOnlyList<PluginProblem> Problems { get; }

    /// <summary>The search roots, as full paths in search order, including ones that turned out not to exist.</summary>
    public IReadOnlyList<string> SearchedFolders { get; }

    /// <summary>The backend named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="BackendNotFoundException">
    /// No loaded backend has that name; the message lists those that do and the folders searched.
    /// </exception>
    public IBackend Get(string name) =>
        TryGet(name, out var backend) ? backend : throw new BackendNotFoundException(name, Names, SearchedFolders);

    /// <summary>Looks a backend up by name (case-insensitive).</summary>
    /// <returns>Whether a backend of that name is loaded.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out IBackend? backend)
    {
        backend = Find(name)?.Backend;
        return backend is not null;
    }

    /// <summary>The loaded backend named <paramref name="name"/> (case-insensitive) with where it came from, or null.</summary>
    public LoadedBackend? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>Releases the plugins this catalog loaded; the backends must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }
}
