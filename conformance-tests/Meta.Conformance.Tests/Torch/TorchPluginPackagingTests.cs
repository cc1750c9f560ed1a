using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Torch;

/// <summary>
/// The torch plugin folder carries everything native it needs, the host needs none of it, and TorchSharp's native
/// library has its GLIBCXX_3.4.32 need marked weak (build/WeakGlibcxxVersion.targets) so it loads on Debian 12.
/// </summary>
public sealed class TorchPluginPackagingTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "plugins", "torch");

    [Fact]
    public void The_plugin_folder_carries_libtorch_and_the_host_loads_it_from_there()
    {
        foreach (var file in new[] { "Meta.Backends.Torch.dll", "TorchSharp.dll", "libLibTorchSharp.so", "libtorch.so", "libtorch_cpu.so", "libc10.so" })
            Assert.True(File.Exists(Path.Combine(Folder, file)), $"{file} is missing from {Folder}");
        foreach (var host in new[] { "Meta.Core.dll", "Meta.Backends.Contract.dll", "Meta.Models.dll", "Meta.Lowering.dll", "Meta.dll" })
            Assert.False(File.Exists(Path.Combine(Folder, host)), $"{host} must come from the host, not the plugin folder");
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so")), "the host folder must not carry libtorch");

        // The plugin's dependency manifest is for linux-x64 and names libtorch's native files.
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "Meta.Backends.Torch.deps.json")));
        string target = deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString()!;
        Assert.EndsWith("/linux-x64", target, StringComparison.Ordinal);
        var natives = deps.RootElement.GetProperty("targets").GetProperty(target).EnumerateObject()
            .Where(p => p.Value.TryGetProperty("native", out _))
            .SelectMany(p => p.Value.GetProperty("native").EnumerateObject().Select(n => Path.GetFileName(n.Name))).ToList();
        Assert.Contains("libtorch_cpu.so", natives);
        Assert.Contains("libLibTorchSharp.so", natives);

        // Listing devices loads libtorch: the mapped libraries are the plugin folder's.
        var backend = BackendUnderTest.Get("torch");
        Assert.Equal(Path.GetFullPath(Folder), Path.GetDirectoryName(backend.GetType().Assembly.Location));
        output.WriteLine($"devices: {string.Join(", ", backend.Devices)}");
        var mapped = File.ReadAllLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(p => p.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal) || p.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal))
            .Distinct().ToList();
        output.WriteLine($"mapped: {string.Join(", ", mapped)}");
        Assert.Equal(2, mapped.Count);
        Assert.All(mapped, p => Assert.StartsWith(Path.GetFullPath(Folder), p, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(Folder, "cpu")), "TorchSharp fell back to copying libtorch into a cpu/ folder");
    }

    [Fact]
    public void LibTorchSharp_needs_GLIBCXX_3_4_32_only_weakly()
    {
        var flags = VersionNeedFlags(File.ReadAllBytes(Path.Combine(Folder, "libLibTorchSharp.so")));
        output.WriteLine(string.Join(", ", flags.Select(f => $"{f.Key}: 0x{f.Value:x}")));
        Assert.True(flags.TryGetValue("GLIBCXX_3.4.32", out int weak), "no GLIBCXX_3.4.32 version need (TorchSharp changed?)");
        Assert.Equal(2, weak & 2); // VER_FLG_WEAK, as `readelf -V` shows "Flags: WEAK"
        Assert.All(flags.Where(f => f.Key != "GLIBCXX_3.4.32"), f => Assert.Equal(0, f.Value & 2));
    }

    /// <summary>Vernaux name to vna_flags for every version need of an ELF64 little-endian file.</summary>
    private static Dictionary<string, int> VersionNeedFlags(byte[] b)
    {
        ulong U(long at, int size)
        {
            ulong v = 0;
            for (int i = size - 1; i >= 0; i--) v = (v << 8) | b[at + i];
            return v;
        }
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        long shoff = (long)U(40, 8);
        int entry = (int)U(58, 2), count = (int)U(60, 2);
        for (int s = 0; s < count; s++)
        {
            long sh = shoff + (long)s * entry;
            if ((uint)U(sh + 4, 4) != 0x6ffffffe) continue;
            long offset = (long)U(sh + 24, 8);
            long strtab = shoff + (long)U(sh + 40, 4) * entry;
            long strings = (long)U(strtab + 24, 8);
            long need = offset;
            for (uint n = 0; n < (uint)U(sh + 44, 4); n++)
            {
                long aux = need + (long)U(need + 8, 4);
                for (int a = 0; a < (int)U(need + 2, 2); a++)
                {
                    long name = strings + (long)U(aux + 8, 4);
                    int end = Array.IndexOf(b, (byte)0, (int)name);
                    result[Encoding.ASCII.GetString(b, (int)name, end - (int)name)] = (int)U(aux + 4, 2);
                    aux += (long)U(aux + 12, 4);
                }
                need += (long)U(need + 12, 4);
            }
        }
        return result;
    }
}
