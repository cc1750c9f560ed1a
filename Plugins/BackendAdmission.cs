using System.Diagnostics.CodeAnalysis;
using Meta.Backends;

namespace Meta.Plugins;

/// <summary>Checks a backend a plugin produced before the host accepts it.</summary>
internal static class BackendAdmission
{
    /// <summary>
    /// Reads the backend's descriptor once and checks that it is complete and was built against this host's
    /// <see cref="Contract.Version"/>. Returns the accepted backend, or false with a one-line <paramref name="reason"/>.
    /// </summary>
    public static bool TryAdmit(IBackend backend, string folder, string assemblyPath, [NotNullWhen(true)] out LoadedBackend? loaded, out string reason)
    {
        loaded = null;
        var type = backend.GetType().FullName;
        BackendDescriptor? descriptor;
        try
        {
            descriptor = backend.Descriptor;
        }
        catch (Exception e)
        {
            // A throwing Descriptor getter becomes a reported problem.
            reason = $"reading the descriptor of backend {type} failed: {ExceptionText.Describe(e)}";
            return false;
        }

        if (descriptor is null)
        {
            reason = $"backend {type} has no descriptor (Descriptor is null)";
            return false;
        }

        if (string.IsNullOrWhiteSpace(descriptor.Name))
        {
            reason = $"backend {type} has no name (Descriptor.Name is empty)";
            return false;
        }

        if (descriptor.ContractVersion != Contract.Version)
        {
            reason = $"backend '{descriptor.Name}' from {folder} was built against contract version {descriptor.ContractVersion}; " +
                     $"this host supports version {Contract.Version}";
            return false;
        }

        if (descriptor.Version is null || descriptor.Capabilities is null)
        {
            reason = $"backend '{descriptor.Name}' from {folder} has an incomplete descriptor " +
                     $"({(descriptor.Version is null ? "Version" : "Capabilities")} is null)";
            return false;
        }

        loaded = new LoadedBackend(backend, descriptor, folder, assemblyPath);
        reason = "";
        return true;
    }
}
