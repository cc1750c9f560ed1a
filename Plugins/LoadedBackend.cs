using Meta.Backends;

namespace Meta.Plugins;

/// <summary>A backend that a plugin registered and the host accepted.</summary>
/// <param name="Backend">The backend.</param>
/// <param name="Descriptor">Its descriptor, read once when it was loaded and checked against <see cref="Contract.Version"/>.</param>
/// <param name="Folder">The plugin folder it came from.</param>
/// <param name="AssemblyPath">The plugin assembly that registered it.</param>
public sealed record LoadedBackend(IBackend Backend, BackendDescriptor Descriptor, string Folder, string AssemblyPath)
{
    /// <summary>The backend's name (<see cref="BackendDescriptor.Name"/>).</summary>
    public string Name => Descriptor.Name;

    /// <summary>The backend's version (<see cref="BackendDescriptor.Version"/>).</summary>
    public string Version => Descriptor.Version;
}
