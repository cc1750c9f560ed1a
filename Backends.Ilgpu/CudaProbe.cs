using System.Runtime.InteropServices;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// Whether ILGPU's CUDA probe is worth running: creating an ILGPU context only to be told there is no CUDA device costs
/// tens of milliseconds of a first load, so it is skipped where the machine plainly has no NVIDIA driver. The check must
/// never hide a device ILGPU would find: ILGPU looks the driver up its own way (on Linux it also registers a resolver for
/// WSL's <c>/usr/lib/wsl/lib</c> when it creates a context), so a driver library this check cannot load counts as "no
/// CUDA" only when there is also no NVIDIA device node (<c>/dev/nvidiactl</c> on Linux, <c>/dev/dxg</c> on WSL); where
/// either exists, ILGPU's full probe decides. The conformance tests call <see cref="Decide"/> through reflection.
/// </summary>
public static class CudaProbe
{
    /// <summary>The names and paths the driver library is tried under, in order, with the default search path.</summary>
    public static IReadOnlyList<string> DriverLibraries(bool windows) => windows
        ? ["nvcuda"]
        : ["libcuda.so.1", "libcuda.so", "cuda", "/usr/lib/wsl/lib/libcuda.so.1", "/usr/lib/wsl/lib/libcuda.so"];

    /// <summary>The device nodes an NVIDIA driver creates: the Linux driver's control node, and WSL's GPU paravirtualisation node.</summary>
    public static IReadOnlyList<string> DeviceNodes { get; } = ["/dev/nvidiactl", "/dev/dxg"];

    /// <summary>
    /// Whether to run ILGPU's probe: yes where a driver library of <see cref="DriverLibraries"/> loads
    /// (<paramref name="loads"/>), or, on Linux, where a node of <see cref="DeviceNodes"/> exists (<paramref name="exists"/>);
    /// no otherwise (on Windows, where the driver's <c>nvcuda.dll</c> lives in the system folder the default search reads,
    /// no such library means no CUDA). <paramref name="reason"/> says which.
    /// </summary>
    public static bool Decide(bool windows, Func<string, bool> loads, Func<string, bool> exists, out string reason)
    {
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(exists);
        foreach (string library in DriverLibraries(windows))
        {
            if (loads(library))
            {
                reason = $"the CUDA driver library loads as {library}";
                return true;
            }
        }
        if (!windows)
        {
            foreach (string node in DeviceNodes)
            {
                if (exists(node))
                {
                    reason = $"no CUDA driver library loads here, but {node} exists: ILGPU's own lookup decides";
                    return true;
                }
            }
        }
        reason = windows ? "no CUDA driver library" : "no CUDA driver library and no NVIDIA device node";
        return false;
    }

    /// <summary><see cref="Decide"/> on this machine: the libraries loaded with the default search path, the nodes looked up on disk.</summary>
    internal static bool Worthwhile(out string reason) => Decide(OperatingSystem.IsWindows(), TryLoad, File.Exists, out reason);

    private static bool TryLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, typeof(CudaProbe).Assembly, searchPath: null, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
