using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Meta.Backends.CSharp;

/// <summary>
/// Compiled kernel assemblies kept on disk between processes, so that a network whose models were compiled once (by any
/// earlier process) loads without Roslyn. An entry is named by the SHA-256 of everything the assembly depends on: this
/// cache's format version, the Roslyn and runtime versions, the backend, the identity (MVID) of every assembly the code is
/// compiled against, the class name and the generated source. Sources hold a kernel's structure only (values live in
/// buffers), so networks that differ in parameter values share entries.
/// <para>
/// Each file is the SHA-256 of the assembly followed by the assembly; a file whose checksum does not match (torn, truncated,
/// overwritten) is ignored, deleted and rebuilt. Files are written under a unique temporary name in the same folder and
/// renamed into place, so concurrent processes never read a partial entry (the last writer of identical bytes wins). When
/// the folder grows past its cap, the least recently used entries are deleted. Every disk failure degrades to compiling in
/// memory: the cache only ever saves time.
/// </para>
/// </summary>
public sealed class KernelDiskCache
{
    /// <summary>The environment variable naming the cache folder; <c>off</c> (or <c>0</c>, <c>none</c>) disables the cache.</summary>
    public const string FolderVariable = "META_KERNEL_CACHE";

    /// <summary>The environment variable giving the cache's size cap in MiB (default <see cref="DefaultCapMiB"/>).</summary>
    public const string CapVariable = "META_KERNEL_CACHE_MAX_MB";

    /// <summary>The default size cap in MiB.</summary>
    public const long DefaultCapMiB = 256;

    /// <summary>Bumped whenever the file layout or what the key covers changes: older entries are then never read.</summary>
    private const int FormatVersion = 1;

    private const string Extension = ".kernel";

    /// <summary>
    /// The version of Roslyn this assembly was built against, read from its references: asking Roslyn's own assembly would
    /// load Roslyn into a process that the cache otherwise keeps free of it. It is the version that compiles the kernels
    /// (Roslyn ships beside this assembly).
    /// </summary>
    private static readonly Lazy<Version?> s_roslynVersion = new(() => typeof(KernelDiskCache).Assembly.GetReferencedAssemblies()
        .FirstOrDefault(a => a.Name == "Microsoft.CodeAnalysis")?.Version);
    private const int ChecksumLength = 32;

    /// <summary>A cache in <paramref name="folder"/> holding at most <paramref name="capBytes"/> bytes.</summary>
    public KernelDiskCache(string folder, long capBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capBytes);
        Folder = folder;
        CapBytes = capBytes;
    }

    /// <summary>The folder holding the entries.</summary>
    public string Folder { get; }

    /// <summary>The size cap in bytes: past it, the least recently used entries are deleted.</summary>
    public long CapBytes { get; }

    /// <summary>
    /// The cache the environment asks for: <c>$META_KERNEL_CACHE</c>, else <c>$XDG_CACHE_HOME/meta/kernels</c>, else
    /// <c>~/.cache/meta/kernels</c>; null when <c>META_KERNEL_CACHE</c> is <c>off</c>, <c>0</c> or <c>none</c>, or no home
    /// folder is known.
    /// </summary>
    public static KernelDiskCache? FromEnvironment()
    {
        string? folder = Environment.GetEnvironmentVariable(FolderVariable);
        if (folder is { Length: > 0 })
        {
            if (folder.Trim().ToLowerInvariant() is "off" or "0" or "none" or "false") return null;
        }
        else
        {
            string? root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(root))
            {
                string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (string.IsNullOrEmpty(home)) return null;
                root = Path.Combine(home, ".cache");
            }
            folder = Path.Combine(root, "meta", "kernels");
        }
        long capMiB = long.TryParse(Environment.GetEnvironmentVariable(CapVariable), out long m) && m > 0 ? m : DefaultCapMiB;
        return new KernelDiskCache(folder, capMiB * 1024 * 1024);
    }

    /// <summary>
    /// The key of a kernel: a hex SHA-256 over the format version, the Roslyn and runtime versions, the backend, the MVIDs of
    /// <paramref name="dependencies"/>, <paramref name="className"/> and <paramref name="source"/>.
    /// </summary>
    public static string Key(string backend, string className, string source, IEnumerable<Assembly> dependencies)
    {
        var text = new StringBuilder();
        text.Append("format ").Append(FormatVersion).Append('\n');
        text.Append("roslyn ").Append(s_roslynVersion.Value).Append('\n');
        text.Append("runtime ").Append(Environment.Version).Append('\n');
        text.Append("backend ").Append(backend).Append('\n');
        foreach (var a in dependencies) text.Append("uses ").Append(a.GetName().Name).Append(' ').Append(a.ManifestModule.ModuleVersionId).Append('\n');
        text.Append("class ").Append(className).Append('\n');
        text.Append(source);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }

    /// <summary>The assembly stored under <paramref name="key"/>, or null when there is none or it is damaged (then deleted).</summary>
    public byte[]? TryRead(string key)
    {
        string path = PathOf(key);
        byte[] file;
        try
        {
            if (!File.Exists(path)) return null;
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (file.Length <= ChecksumLength || !SHA256.HashData(file.AsSpan(ChecksumLength)).AsSpan().SequenceEqual(file.AsSpan(0, ChecksumLength)))
        {
            Discard(key);
            return null;
        }
        try
        {
            // The modification time records use, for the size cap's least-recently-used order.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache still serves.
        }
        return file[ChecksumLength..];
    }

    /// <summary>Stores <paramref name="assembly"/> under <paramref name="key"/> (atomically), then trims the folder to its cap.</summary>
    /// <returns>Whether the entry was written.</returns>
    public bool Write(string key, ReadOnlySpan<byte> assembly)
    {
        string temporary = Path.Combine(Folder, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(Folder);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(SHA256.HashData(assembly));
                stream.Write(assembly);
            }
            File.Move(temporary, PathOf(key), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            return false;
        }
        Trim();
        return true;
    }

    /// <summary>Deletes the entry <paramref name="key"/> (a damaged one, or one that no longer loads).</summary>
    public void Discard(string key) => TryDelete(PathOf(key));

    /// <summary>Deletes the least recently used entries (and stale temporary files) until the folder is within its cap.</summary>
    public void Trim()
    {
        try
        {
            var folder = new DirectoryInfo(Folder);
            if (!folder.Exists) return;
            var cutoff = DateTime.UtcNow.AddHours(-1);
            foreach (var stale in folder.EnumerateFiles("*.tmp").Where(f => f.LastWriteTimeUtc < cutoff)) TryDelete(stale.FullName);
            var entries = folder.EnumerateFiles("*" + Extension).ToList();
            long total = entries.Sum(f => f.Length);
            if (total <= CapBytes) return;
            foreach (var oldest in entries.OrderBy(f => f.LastWriteTimeUtc))
            {
                if (total <= CapBytes) break;
                TryDelete(oldest.FullName);
                total -= oldest.Length;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another process may be trimming too; the next write tries again.
        }
    }

    private string PathOf(string key) => Path.Combine(Folder, key + Extension);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone already, or not ours to delete.
        }
    }
}
