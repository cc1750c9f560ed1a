using System.Collections.Immutable;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>How a CPU kernel computes a model function of its lanes.</summary>
internal enum KernelFunctionForm
{
    /// <summary>The vector class's own function: <c>Vector</c>'s, or in wide lanes <c>Vector512</c>'s.</summary>
    Vector,

    /// <summary>
    /// <c>Vector</c>'s function; in wide lanes applied to the two 256-bit halves by <see cref="KernelMath"/>'s wide overload,
    /// which both emitters call (no wide benchmark was run when the C# kernel's inline form was replaced by the call).
    /// </summary>
    Halves,

    /// <summary>A lane-by-lane helper of <see cref="KernelMath"/>.</summary>
    Helper,

    /// <summary><c>phi</c>: <see cref="KernelMath"/>'s <c>Phi</c>, or in the call-free loop its <c>PhiTaylor</c>.</summary>
    Phi,
}

/// <summary>A model function a CPU kernel can call.</summary>
/// <param name="Name">The function's name in kernel expressions (<c>exp</c>, <c>phi</c>, ...).</param>
/// <param name="Arity">The number of arguments it takes.</param>
/// <param name="Form">How the kernel computes it.</param>
/// <param name="Method">The method that computes it (of <c>Vector</c> or <see cref="KernelMath"/>, as <paramref name="Form"/> says).</param>
/// <param name="WideMethod">The method's name in <c>Vector512</c> where it differs from <paramref name="Method"/>.</param>
internal sealed record KernelFunction(string Name, int Arity, KernelFunctionForm Form, string Method, string? WideMethod = null)
{
    /// <summary>The method's name in the lanes' vector class (<c>Vector512</c>'s where <paramref name="wide"/>).</summary>
    public string MethodIn(bool wide) => wide ? WideMethod ?? Method : Method;
}

/// <summary>
/// The model functions of CPU kernels, one list for both emitters: the C# dialect (<see cref="VectorDialect.Call"/>) and the IL
/// emitter (<see cref="IlKernelEmitter{T}"/>, through <see cref="VectorMethods{T}.Function(KernelFunction)"/>) each translate
/// an entry by its <see cref="KernelFunctionForm"/>, so a function added here is known to both, and a function missing here is
/// refused by both with its name. tests/Meta.Tests/Cpu/IlKernelTests.cs runs a kernel that calls every function in this list
/// through both emitters and compares the bits.
/// </summary>
internal static class KernelFunctions
{
    /// <summary>Every function, in the order the documentation lists them.</summary>
    public static ImmutableArray<KernelFunction> All { get; } =
    [
        new("exp", 1, KernelFunctionForm.Halves, "Exp"),
        new("log", 1, KernelFunctionForm.Halves, "Log"),
        new("sqrt", 1, KernelFunctionForm.Vector, "SquareRoot", "Sqrt"),
        new("abs", 1, KernelFunctionForm.Vector, "Abs"),
        new("floor", 1, KernelFunctionForm.Vector, "Floor"),
        new("ceil", 1, KernelFunctionForm.Vector, "Ceiling"),
        new("min", 2, KernelFunctionForm.Halves, "Min"),
        new("max", 2, KernelFunctionForm.Halves, "Max"),
        new("sin", 1, KernelFunctionForm.Helper, "Sin"),
        new("cos", 1, KernelFunctionForm.Helper, "Cos"),
        new("tan", 1, KernelFunctionForm.Helper, "Tan"),
        new("tanh", 1, KernelFunctionForm.Helper, "Tanh"),
        new("pow", 2, KernelFunctionForm.Helper, "Pow"),
        new(KernelSymbols.Phi, 2, KernelFunctionForm.Phi, "Phi"),
    ];

    private static readonly Dictionary<string, KernelFunction> s_byName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The function named <paramref name="name"/>, or null where CPU kernels know none.</summary>
    public static KernelFunction? Find(string name) => s_byName.GetValueOrDefault(name);

    /// <summary>The names of every function, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(f => f.Name));
}
