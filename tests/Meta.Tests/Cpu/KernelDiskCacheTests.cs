using FluentAssertions;
using Meta.Backends.CSharp;

namespace Meta.Tests.Cpu;

/// <summary>
/// Compiled kernels kept on disk between processes: a fresh compiler (standing for a later process) loads a kernel
/// another one compiled without compiling it again; damaged entries are rebuilt; the folder stays within its cap.
/// </summary>
public sealed class KernelDiskCacheTests : IDisposable
{
    private const string ClassName = "DiskCacheProbe";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "meta-kernel-cache-test-" + Guid.NewGuid().ToString("N"));

    private static string Source(int factor) =>
        $"public static class {ClassName} {{ public static int Times(int x) => x * {factor}; }}";

    private KernelCompiler Compiler(long capBytes = 1 << 20) =>
        new("test", typeof(KernelCompiler).Assembly, []) { DiskCache = new KernelDiskCache(_folder, capBytes) };

    private static int Invoke(System.Reflection.MethodInfo method, int x) => (int)method.Invoke(null, [x])!;

    private string[] Entries() => Directory.Exists(_folder) ? Directory.GetFiles(_folder, "*.kernel") : [];

    [Fact]
    public void A_fresh_compiler_loads_a_kernel_another_compiled_without_compiling_it()
    {
        var first = Compiler().Get(Source(7), ClassName, "Times", "probe", out bool compiledFirst);
        var second = Compiler().Get(Source(7), ClassName, "Times", "probe", out bool compiledSecond);

        compiledFirst.Should().BeTrue();
        compiledSecond.Should().BeFalse("the second compiler found the first one's assembly on disk");
        Invoke(first, 6).Should().Be(42);
        Invoke(second, 6).Should().Be(42);
        Entries().Should().ContainSingle();
        Directory.GetFiles(_folder, "*.tmp").Should().BeEmpty("a written entry is renamed into place");
    }

    [Fact]
    public void Different_sources_get_different_entries()
    {
        Invoke(Compiler().Get(Source(3), ClassName, "Times", "probe", out _), 5).Should().Be(15);
        Invoke(Compiler().Get(Source(4), ClassName, "Times", "probe", out bool compiled), 5).Should().Be(20);

        compiled.Should().BeTrue();
        Entries().Should().HaveCount(2);
    }

    [Fact]
    public void The_key_covers_the_source_the_class_and_the_backend()
    {
        string key = KernelDiskCache.Key("cpu", "K", Source(1), []);

        key.Should().MatchRegex("^[0-9a-f]{64}$");
        KernelDiskCache.Key("cpu", "K", Source(1), []).Should().Be(key);
        KernelDiskCache.Key("cpu", "K", Source(2), []).Should().NotBe(key);
        KernelDiskCache.Key("cpu", "L", Source(1), []).Should().NotBe(key);
        KernelDiskCache.Key("ilgpu", "K", Source(1), []).Should().NotBe(key);
        KernelDiskCache.Key("cpu", "K", Source(1), [typeof(KernelCompiler).Assembly]).Should().NotBe(key);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("empty")]
    public void A_damaged_entry_is_ignored_and_rebuilt(string damage)
    {
        Compiler().Get(Source(9), ClassName, "Times", "probe", out _);
        string path = Entries().Single();
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "flip": bytes[^10] ^= 0xFF; File.WriteAllBytes(path, bytes); break;
            case "truncate": File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]); break;
            default: File.WriteAllBytes(path, []); break;
        }

        var rebuilt = Compiler().Get(Source(9), ClassName, "Times", "probe", out bool compiled);
        Compiler().Get(Source(9), ClassName, "Times", "probe", out bool compiledAfterRepair);

        compiled.Should().BeTrue("the damaged entry was not used");
        Invoke(rebuilt, 2).Should().Be(18);
        compiledAfterRepair.Should().BeFalse("the rebuilt entry replaced the damaged one");
    }

    [Fact]
    public void A_checksummed_entry_that_is_not_an_assembly_is_discarded_and_rebuilt()
    {
        string key = KernelDiskCache.Key("test", ClassName, Source(5), [typeof(KernelCompiler).Assembly]);
        new KernelDiskCache(_folder, 1 << 20).Write(key, "not an assembly"u8).Should().BeTrue();

        var method = Compiler().Get(Source(5), ClassName, "Times", "probe", out bool compiled);

        compiled.Should().BeTrue();
        Invoke(method, 3).Should().Be(15);
        new KernelDiskCache(_folder, 1 << 20).TryRead(key)!.Length.Should().BeGreaterThan(100, "the entry now holds the compiled assembly");
    }

    [Fact]
    public void Past_its_cap_the_cache_deletes_the_least_recently_used_entries()
    {
        // Entries are 132 bytes (a 32-byte checksum and 100 bytes); three fit the roomy cache, two the small one.
        var roomy = new KernelDiskCache(_folder, 1 << 20);
        var cache = new KernelDiskCache(_folder, 300);
        var payload = new byte[100];
        string[] keys = ["a1", "b2", "c3"];
        for (int k = 0; k < keys.Length; k++)
        {
            roomy.Write(keys[k], payload).Should().BeTrue();
            File.SetLastWriteTimeUtc(Path.Combine(_folder, keys[k] + ".kernel"), DateTime.UtcNow.AddMinutes(k - 10));
        }
        // Reading "a1" makes it the most recently used; the next write must push the folder past its cap.
        cache.TryRead("a1").Should().NotBeNull();
        cache.Write("d4", payload).Should().BeTrue();

        Entries().Select(Path.GetFileNameWithoutExtension).Should().BeEquivalentTo(["a1", "d4"]);
    }

    [Fact]
    public void Concurrent_writers_of_one_entry_leave_a_sound_entry()
    {
        var cache = new KernelDiskCache(_folder, 1 << 20);
        var payload = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 31)).ToArray();

        Parallel.For(0, 16, _ => cache.Write("same", payload));

        cache.TryRead("same").Should().Equal(payload);
        Directory.GetFiles(_folder, "*.tmp").Should().BeEmpty();
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
