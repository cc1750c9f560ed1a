using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using Meta.Backends.CSharp;
using Meta.Backends.Programs;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// A cell kernel the IL emitter cannot express (a statement or function it does not know): the caller compiles it with
/// Roslyn instead (<see cref="IlgpuKernelEmitter"/>), never runs it half translated.
/// </summary>
internal sealed class IlgpuIlNotSupportedException(string message) : Exception(message);

/// <summary>
/// Which emitter writes the ILGPU backend's cell kernels. By default a kernel is emitted as IL into a static method of a
/// dynamic assembly (<see cref="IlgpuIlEmitter{T}"/>: no Roslyn, so a first load does not pay Roslyn's start-up), which ILGPU
/// reads like any compiled method; a kernel the IL emitter cannot express is compiled from C# with Roslyn.
/// <c>META_ILGPU_KERNEL_EMITTER</c> chooses otherwise: <c>il</c> (the default) or <c>roslyn</c> (every kernel from C#, as
/// before the IL emitter; for comparisons). <c>META_ILGPU_KERNEL_LOG=1</c> writes to standard error which emitter took each
/// kernel and how long the load's steps took (<see cref="LoadLog"/>). Synapse and coupling kernels are compiled from C# as
/// before. The emitted kernels, one per structure and precision, are kept for the process's lifetime (a dynamic assembly
/// frees nothing), as the cpu backend's IL kernels are; so are the emitter's refusals, so that a kernel it cannot express
/// leaves at most one unfinished type in the module.
/// </summary>
internal static class IlgpuIlKernels
{
    /// <summary>The environment variable that chooses the emitter.</summary>
    public const string EmitterVariable = "META_ILGPU_KERNEL_EMITTER";

    private static readonly Dictionary<(string Key, bool Single), MethodInfo> s_methods = [];
    private static readonly Dictionary<(string Key, bool Single), string> s_refusals = [];
    private static readonly Lazy<bool> s_enabled = new(() => Enabled(Environment.GetEnvironmentVariable(EmitterVariable)));
    private static readonly AsyncLocal<Scope?> s_scope = new();
    private static readonly Lazy<ModuleBuilder> s_module = new(CreateModule);
    private static readonly object s_lock = new();
    private static int s_types;

    /// <summary>
    /// Whether kernels are emitted as IL where they can be: the choice of the calling flow's <see cref="Use"/>, else the
    /// environment's (read once).
    /// </summary>
    public static bool On => s_scope.Value?.Il ?? s_enabled.Value;

    /// <summary>
    /// Runs <paramref name="action"/> with the emitter chosen by <paramref name="il"/> instead of the environment's, for the
    /// calling flow only (an <see cref="AsyncLocal{T}"/>: other threads' runs keep theirs; tasks the action starts inherit it),
    /// and returns the names of the cell kernel types the flow's loads took, in order (<see cref="Taken"/>): what a test needs
    /// to run one network with both emitters in one process and to see which emitter made each kernel.
    /// </summary>
    public static IReadOnlyList<string> Use(bool il, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var outer = s_scope.Value;
        var scope = new Scope(il);
        s_scope.Value = scope;
        try
        {
            action();
        }
        finally
        {
            s_scope.Value = outer;
        }
        lock (scope.Taken) return [.. scope.Taken];
    }

    /// <summary>Notes, in the calling flow's <see cref="Use"/> scope if there is one, that a load took <paramref name="method"/>.</summary>
    public static void Taken(MethodInfo method)
    {
        if (s_scope.Value is not { } scope) return;
        lock (scope.Taken) scope.Taken.Add(method.DeclaringType?.Name ?? method.Name);
    }

    private sealed record Scope(bool Il)
    {
        public List<string> Taken { get; } = [];
    }

    /// <summary>Whether <paramref name="choice"/> (the value of <see cref="EmitterVariable"/>) asks for IL.</summary>
    /// <exception cref="ArgumentException">The value names no emitter.</exception>
    public static bool Enabled(string? choice) => Meta.Backends.CSharp.KernelEmitterChoice.IsIl(EmitterVariable, "ILGPU", choice);

    /// <summary>
    /// The kernel's IL method, from the process's cache when a kernel of the same structure and precision was emitted before
    /// (<paramref name="emitted"/> says whether it was emitted now).
    /// </summary>
    /// <exception cref="IlgpuIlNotSupportedException">The IL emitter cannot express the kernel (now, or when it was asked before).</exception>
    public static MethodInfo Get(CellKernel kernel, bool single, out bool emitted)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var key = (kernel.Key, single);
        // A module builder is not thread-safe; emitting a kernel takes well under a millisecond of the lock.
        lock (s_lock)
        {
            emitted = false;
            if (s_methods.TryGetValue(key, out var method)) return method;
            if (s_refusals.TryGetValue(key, out string? reason)) throw new IlgpuIlNotSupportedException(reason);
            try
            {
                method = Emit(kernel, single);
            }
            catch (IlgpuIlNotSupportedException e)
            {
                s_refusals[key] = e.Message;
                throw;
            }
            s_methods[key] = method;
            emitted = true;
            return method;
        }
    }

    private static MethodInfo Emit(CellKernel kernel, bool single)
    {
        string name = "IlgpuKernelIl_" + KernelBodyWriter.Sanitize(kernel.Model) + (single ? "_f32_" : "_f64_") + s_types++;
        var type = s_module.Value.DefineType(name, TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);
        if (single) IlgpuIlEmitter<float>.Emit(kernel, type);
        else IlgpuIlEmitter<double>.Emit(kernel, type);
        return type.CreateType().GetMethod(IlgpuIlEmitter<double>.MethodName, BindingFlags.Public | BindingFlags.Static)
               ?? throw new InvalidOperationException($"The emitted kernel {name} has no method {IlgpuIlEmitter<double>.MethodName}.");
    }

    /// <summary>
    /// The process's dynamic module, in this backend's load context (the kernels refer to its argument types, and ILGPU
    /// resolves the kernels' tokens through the module, which a <see cref="DynamicMethod"/> would not allow). The assembly is
    /// not collectible: the backend is never loaded into a collectible context (one would refuse this assembly's references).
    /// </summary>
    private static ModuleBuilder CreateModule()
    {
        var backend = typeof(IlgpuIlKernels).Assembly;
        using var scope = AssemblyLoadContext.EnterContextualReflection(backend);
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Meta.Kernels.ilgpu.il"), AssemblyBuilderAccess.Run);
        return assembly.DefineDynamicModule("Meta.Kernels.ilgpu.il");
    }
}
