using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.CPU;

namespace Meta.Backends.Ilgpu;

/// <summary>An ILGPU context with one accelerator, owned by one engine.</summary>
internal sealed class DeviceHandle(Context context, Accelerator accelerator, string name, bool isCpu) : IDisposable
{
    public Context Context { get; } = context;
    public Accelerator Accelerator { get; } = accelerator;
    /// <summary>The device name as listed by <see cref="IlgpuBackend.Devices"/>.</summary>
    public string Name { get; } = name;
    /// <summary>Whether this is ILGPU's CPU accelerator (the emulator).</summary>
    public bool IsCpu { get; } = isCpu;

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

/// <summary>
/// The devices this backend can use here: every CUDA device ILGPU finds, then ILGPU's CPU accelerator (a
/// multi-threaded emulator of the GPU programming model; correct but slow, meant for tests).
/// </summary>
internal static class DeviceCatalog
{
    /// <summary>The name of the CPU accelerator.</summary>
    public const string CpuAccelerator = "cpu-accelerator";

    private static readonly Lazy<IReadOnlyList<string>> s_cuda = new(FindCudaDevices);

    /// <summary>"cuda:N NAME" per CUDA device found.</summary>
    public static IReadOnlyList<string> CudaDevices => s_cuda.Value;

    /// <summary>All devices, CUDA first.</summary>
    public static IReadOnlyList<string> All => [.. CudaDevices, CpuAccelerator];

    private static IReadOnlyList<string> FindCudaDevices()
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!CudaProbe.Worthwhile(out string reason))
        {
            LoadLog.Write($"CUDA probe skipped in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms: {reason}");
            return [];
        }
        try
        {
            using var context = Context.Create(b => b.Cuda());
            var names = new List<string>();
            foreach (var device in context.GetCudaDevices()) names.Add($"cuda:{names.Count} {device.Name}");
            LoadLog.Write($"CUDA probed in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms ({reason}): {names.Count} device(s)");
            return names;
        }
#pragma warning disable CA1031 // No CUDA driver, or a broken one, means no CUDA devices; it must not fail discovery.
        catch (Exception)
#pragma warning restore CA1031
        {
            return [];
        }
    }

    /// <summary>
    /// Opens the device named by <paramref name="requested"/>: null for the default (a CUDA device, else the CPU accelerator;
    /// the first CUDA device, or in a distributed run the one <see cref="GpuChoice.ForLocalRank"/> gives
    /// <paramref name="localRank"/>), <c>cuda</c> or <c>cuda:N</c>, <c>cpu-accelerator</c> (or <c>cpu</c>). A device that is not here is
    /// refused with <see cref="NotSupportedByBackendException"/>; there is no silent fallback.
    /// </summary>
    public static DeviceHandle Open(string? requested, int threads, int? localRank = null)
    {
        string wanted = requested?.Trim() ?? "";
        var cuda = CudaDevices;
        // A rank of a distributed run takes its machine's GPUs in turn (GpuChoice); one process takes the first.
        if (wanted.Length == 0) return cuda.Count > 0 ? OpenCuda(GpuChoice.ForLocalRank(localRank, cuda.Count)) : OpenCpu(threads);
        if (wanted.Equals(CpuAccelerator, StringComparison.OrdinalIgnoreCase) || wanted.Equals("cpu", StringComparison.OrdinalIgnoreCase))
            return OpenCpu(threads);
        if (wanted.StartsWith("cuda", StringComparison.OrdinalIgnoreCase))
        {
            // "cuda", "cuda:N", or a full listing such as "cuda:0 NVIDIA H100".
            string rest = wanted[4..].Split(' ', 2)[0];
            int index = 0;
            if (rest.Length > 0 && !(rest[0] == ':' && int.TryParse(rest[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index)))
                throw Refuse(wanted, "write cuda or cuda:N");
            if (cuda.Count == 0) throw Refuse(wanted, "no CUDA device was found on this machine");
            if (index < 0 || index >= cuda.Count) throw Refuse(wanted, $"there are {cuda.Count} CUDA device(s)");
            return OpenCuda(index);
        }
        throw Refuse(wanted, "unknown device");
    }

    private static NotSupportedByBackendException Refuse(string device, string why) =>
        new(IlgpuBackend.BackendName, $"Device '{device}' ({why}; available: {string.Join(", ", All)})");

    private static DeviceHandle OpenCuda(int index)
    {
        var context = Context.Create(b => b.Cuda());
        try
        {
            var accelerator = context.CreateCudaAccelerator(index);
            return new DeviceHandle(context, accelerator, CudaDevices[index], isCpu: false);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static DeviceHandle OpenCpu(int threads)
    {
        // A small emulated device: one multiprocessor with one warp of 2 (or the requested power of two) threads. Launch
        // overhead grows with the emulated thread count, and the kernels loop over their work, so few threads are fastest.
        int warp = 2;
        while (warp * 2 <= Math.Min(threads, 64)) warp *= 2;
        var device = new CPUDevice(warp, 1, 1);
        var context = Context.Create(b => b.CPU(device));
        try
        {
            var accelerator = device.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
            return new DeviceHandle(context, accelerator, CpuAccelerator, isCpu: true);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }
}
