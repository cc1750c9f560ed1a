using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using Meta.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>The compiled step kernel of one neuron model.</summary>
internal delegate void NeuronKernel(int begin, int end, double[][] state, double[][] parameters, double[][] coefficients,
    double[] injected, double[] refractory, double[] refractorySteps, double[] spiked, double[][] ring, double[][] ringScale, double[][] draws, int slotOffset, double dt, double t);

/// <summary>Compiles generated kernels with Roslyn; identical sources are compiled once per process.</summary>
internal static class KernelCompiler
{
    private static readonly ConcurrentDictionary<string, Lazy<NeuronKernel>> s_cache = new();

    public static NeuronKernel Compile(ModelDefinition model, IReadOnlyDictionary<string, double> constants)
    {
        string className = "Kernel_" + new string(model.Name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
        string source = KernelGenerator.Generate(model, className, constants);
        // META_CPU_KERNEL_DIR=<folder> writes every generated kernel there, for inspection.
        if (Environment.GetEnvironmentVariable("META_CPU_KERNEL_DIR") is { Length: > 0 } dumpDir)
        {
            Directory.CreateDirectory(dumpDir);
            File.WriteAllText(Path.Combine(dumpDir, $"{className}_{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..8]}.cs"), source);
        }
        return s_cache.GetOrAdd(source, s => new Lazy<NeuronKernel>(() => Build(s, className, model.Name))).Value;
    }

    /// <summary>The generated source for a model (for inspection and docs).</summary>
    public static string SourceOf(ModelDefinition model) => KernelGenerator.Generate(model, "Kernel", new Dictionary<string, double>());

    private static NeuronKernel Build(string source, string className, string modelName)
    {
        var tree = CSharpSyntaxTree.ParseText(source);
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];
        var compilation = CSharpCompilation.Create($"Meta.Kernels.{hash}", [tree], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        if (!emitted.Success)
        {
            var errors = string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            throw new InvalidModelException($"Model '{modelName}' could not be compiled for the CPU backend:{Environment.NewLine}{errors}{Environment.NewLine}{source}");
        }
        stream.Position = 0;
        var context = AssemblyLoadContext.GetLoadContext(typeof(KernelCompiler).Assembly) ?? AssemblyLoadContext.Default;
        var assembly = context.LoadFromStream(stream);
        var method = assembly.GetType(className)!.GetMethod(KernelGenerator.MethodName, BindingFlags.Public | BindingFlags.Static)!;
        return method.CreateDelegate<NeuronKernel>();
    }

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var tpa = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        string[] wanted = ["System.Runtime.dll", "System.Private.CoreLib.dll", "netstandard.dll", "System.Numerics.Vectors.dll",
            "System.Memory.dll", "System.Runtime.Intrinsics.dll", "System.Runtime.InteropServices.dll"];
        var refs = tpa.Where(p => wanted.Contains(Path.GetFileName(p))).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        if (refs.Count == 0) refs.Add(MetadataReference.CreateFromFile(typeof(object).Assembly.Location));
        return refs.ToArray();
    });
}
