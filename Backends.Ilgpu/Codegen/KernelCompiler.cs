using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using Meta.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// Compiles generated kernel sources with Roslyn into in-memory assemblies, loaded into this plugin's load context so
/// that they see the same ILGPU and Meta.Backends.Ilgpu assemblies. Identical sources are compiled once per process;
/// the result is the kernel's <see cref="MethodInfo"/>, which each engine loads into its accelerator.
/// </summary>
internal static class KernelCompiler
{
    private static readonly ConcurrentDictionary<string, Lazy<MethodInfo>> s_cache = new();

    /// <summary>The kernel method of <paramref name="model"/> for the given folded constants and precision.</summary>
    public static MethodInfo Compile(ModelDefinition model, IReadOnlyDictionary<string, double> constants, bool single)
    {
        string className = "IlgpuKernel_" + new string(model.Name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()) + (single ? "_f32" : "_f64");
        string source = KernelGenerator.Generate(model, className, constants, single);
        // META_ILGPU_KERNEL_DIR=<folder> writes every generated kernel there, for inspection.
        if (Environment.GetEnvironmentVariable("META_ILGPU_KERNEL_DIR") is { Length: > 0 } dumpDir)
        {
            Directory.CreateDirectory(dumpDir);
            File.WriteAllText(Path.Combine(dumpDir, $"{className}_{Hash(source)[..8]}.cs"), source);
        }
        return s_cache.GetOrAdd(source, s => new Lazy<MethodInfo>(() => Build(s, className, model.Name))).Value;
    }

    /// <summary>The generated source of a model's kernel with nothing folded (for inspection and docs).</summary>
    public static string SourceOf(ModelDefinition model, bool single) =>
        KernelGenerator.Generate(model, "Kernel", new Dictionary<string, double>(), single);

    private static string Hash(string source) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)));

    private static MethodInfo Build(string source, string className, string modelName)
    {
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create($"Meta.IlgpuKernels.{Hash(source)[..16]}", [tree], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        if (!emitted.Success)
        {
            var errors = string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            throw new InvalidModelException($"Model '{modelName}' could not be compiled for the ILGPU backend:{Environment.NewLine}{errors}{Environment.NewLine}{source}");
        }
        stream.Position = 0;
        var context = AssemblyLoadContext.GetLoadContext(typeof(KernelCompiler).Assembly) ?? AssemblyLoadContext.Default;
        var assembly = context.LoadFromStream(stream);
        return assembly.GetType(className)!.GetMethod(KernelGenerator.MethodName, BindingFlags.Public | BindingFlags.Static)!;
    }

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var tpa = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        string[] wanted = ["System.Runtime.dll", "System.Private.CoreLib.dll", "netstandard.dll", "System.Memory.dll",
            "System.Runtime.InteropServices.dll"];
        var refs = tpa.Where(p => wanted.Contains(Path.GetFileName(p))).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        if (refs.Count == 0) refs.Add(MetadataReference.CreateFromFile(typeof(object).Assembly.Location));
        // The kernel argument types and ILGPU's views and intrinsics; Meta.Abstractions for completeness of the metadata.
        foreach (var assembly in new[] { typeof(KernelCompiler).Assembly, typeof(ILGPU.ArrayView<>).Assembly, typeof(ModelDefinition).Assembly })
        {
            if (string.IsNullOrEmpty(assembly.Location))
                throw new InvalidOperationException($"The ILGPU backend compiles kernels against {assembly.GetName().Name}, which was not loaded from a file.");
            refs.Add(MetadataReference.CreateFromFile(assembly.Location));
        }
        return refs.ToArray();
    });
}
