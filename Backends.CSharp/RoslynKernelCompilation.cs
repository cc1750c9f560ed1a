using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Meta.Backends.CSharp;

/// <summary>
/// Roslyn's part of <see cref="KernelCompiler"/>: compiles one generated kernel class into an assembly image. Every use of
/// Roslyn's types lives here, so that a process whose kernels all come from the disk cache never loads Roslyn
/// (<see cref="KernelCompiler"/> creates this only when it must compile).
/// </summary>
/// <param name="backend">The backend's name, for messages and assembly names.</param>
/// <param name="references">The assemblies the generated code refers to beside the runtime's own.</param>
internal sealed class RoslynKernelCompilation(string backend, IReadOnlyList<Assembly> references)
{
    private readonly Lazy<MetadataReference[]> _references = new(() => MetadataReferences(references));

    /// <summary>The assembly image of <paramref name="source"/>, named after <paramref name="hash"/>.</summary>
    /// <exception cref="InvalidModelException">The source does not compile.</exception>
    public byte[] Compile(string source, string hash, string model)
    {
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create($"Meta.Kernels.{backend}.{hash}", [tree], _references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        if (!emitted.Success)
        {
            var errors = string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            throw new InvalidModelException($"Model '{model}' could not be compiled for the {backend} backend:{Environment.NewLine}{errors}{Environment.NewLine}{source}");
        }
        return stream.ToArray();
    }

    private static MetadataReference[] MetadataReferences(IReadOnlyList<Assembly> extra)
    {
        var tpa = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        string[] wanted = ["System.Runtime.dll", "System.Private.CoreLib.dll", "netstandard.dll", "System.Numerics.Vectors.dll",
            "System.Memory.dll", "System.Runtime.Intrinsics.dll", "System.Runtime.InteropServices.dll"];
        var refs = tpa.Where(p => wanted.Contains(Path.GetFileName(p))).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        if (refs.Count == 0) refs.Add(MetadataReference.CreateFromFile(typeof(object).Assembly.Location));
        foreach (var assembly in extra)
        {
            if (string.IsNullOrEmpty(assembly.Location))
                throw new InvalidOperationException($"Generated kernels are compiled against {assembly.GetName().Name}, which was not loaded from a file.");
            refs.Add(MetadataReference.CreateFromFile(assembly.Location));
        }
        return refs.ToArray();
    }
}
