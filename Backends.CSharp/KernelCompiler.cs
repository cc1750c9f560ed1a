using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;

namespace Meta.Backends.CSharp;

/// <summary>
/// Compiles generated kernel classes with Roslyn and keeps them in a cache keyed by their source. Sources are written from
/// a kernel's structure only (values live in buffers), so a network that differs from an earlier one only in parameter
/// values reuses its compiled kernels, and a parameter change between runs compiles nothing. Each compiled assembly lives
/// in a collectible load context of its own; the cache holds at most <see cref="Capacity"/> of them, and unloads the least
/// recently used beyond that (the context goes once no engine uses its kernel any more). Compiled assemblies are also kept
/// on disk (<see cref="KernelDiskCache"/>), so a later process loads a known kernel without starting Roslyn.
/// </summary>
/// <param name="backend">The backend's name, for messages and assembly names.</param>
/// <param name="backendAssembly">
/// The backend's own assembly: its load context resolves what the generated code refers to (a plugin's context, which also
/// holds this assembly's copy when the host shares it).
/// </param>
/// <param name="references">The assemblies the generated code refers to beside the runtime's own.</param>
public sealed class KernelCompiler(string backend, Assembly backendAssembly, IReadOnlyList<Assembly> references)
{
    /// <summary>The most compiled kernels kept at once.</summary>
    public const int Capacity = 256;

    // Keyed by source (string keys compare ordinally); a kernel's context is unloaded as it is forgotten.
    private readonly LruCache<string, (MethodInfo Method, KernelLoadContext Context, bool Compiled)> _cache = new(Capacity, kernel => kernel.Context.Unload());
    private static readonly Lazy<KernelDiskCache?> s_environmentDisk = new(KernelDiskCache.FromEnvironment);
    // Created on the first compile only: a process served by the disk cache never loads Roslyn.
    private readonly Lazy<RoslynKernelCompilation> _roslyn = new(() => new RoslynKernelCompilation(backend, references));

    /// <summary>
    /// The on-disk cache consulted before compiling and filled after (by default the one the environment names, see
    /// <see cref="KernelDiskCache.FromEnvironment"/>); null compiles in memory only.
    /// </summary>
    public KernelDiskCache? DiskCache { get; init; } = s_environmentDisk.Value;

    /// <summary>
    /// The static method <paramref name="method"/> of class <paramref name="className"/> in <paramref name="source"/>, compiled
    /// now with Roslyn or taken from the process's cache or the disk cache (<paramref name="compiled"/> says which).
    /// </summary>
    /// <exception cref="InvalidModelException">The source does not compile (a bug in an emitter or a model the emitter cannot express).</exception>
    public MethodInfo Get(string source, string className, string method, string model, out bool compiled)
    {
        ArgumentNullException.ThrowIfNull(source);
        var kernel = _cache.GetOrAdd(source, _ => Load(source, className, method, model), out bool created);
        compiled = created && kernel.Compiled;
        return kernel.Method;
    }

    /// <summary>Dumps generated sources into <paramref name="variable"/>'s folder when that environment variable is set.</summary>
    public static void Dump(string variable, string className, string source)
    {
        if (Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{className}_{Hash(source)[..8]}.cs"), source);
    }

    private static string Hash(string source) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)));

    /// <summary>The kernel from the disk cache when it holds a sound entry, else compiled (and stored there).</summary>
    private (MethodInfo, KernelLoadContext, bool Compiled) Load(string source, string className, string method, string model)
    {
        var disk = DiskCache;
        string? key = disk is null ? null : KernelDiskCache.Key(backend, className, source, references.Prepend(backendAssembly));
        if (disk is not null && disk.TryRead(key!) is { } bytes)
        {
            try
            {
                var (info, context) = LoadAssembly(bytes, Hash(source)[..16], className, method);
                return (info, context, false);
            }
            catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or FileLoadException)
            {
                // An entry that no longer loads is rebuilt below.
                disk.Discard(key!);
            }
        }
        var image = _roslyn.Value.Compile(source, Hash(source)[..16], model);
        disk?.Write(key!, image);
        var (built, builtContext) = LoadAssembly(image, Hash(source)[..16], className, method);
        return (built, builtContext, true);
    }

    private (MethodInfo, KernelLoadContext) LoadAssembly(byte[] image, string hash, string className, string method)
    {
        var context = new KernelLoadContext(hash, AssemblyLoadContext.GetLoadContext(backendAssembly) ?? AssemblyLoadContext.Default);
        try
        {
            using var stream = new MemoryStream(image, writable: false);
            var assembly = context.LoadFromStream(stream);
            var info = assembly.GetType(className)?.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
                       ?? throw new InvalidOperationException($"The generated kernel has no method {className}.{method}.");
            return (info, context);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    /// <summary>A collectible context for one kernel assembly; everything else resolves from the backend's own context.</summary>
    private sealed class KernelLoadContext(string name, AssemblyLoadContext parent) : AssemblyLoadContext($"Meta kernel {name}", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName) => parent.LoadFromAssemblyName(assemblyName);
    }
}
