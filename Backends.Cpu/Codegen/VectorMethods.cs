using System.Collections.Concurrent;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The methods an IL kernel in lanes of <typeparamref name="T"/> calls, found once by reflection: the operators of
/// <c>Vector&lt;T&gt;</c> and of its mask vector, the functions of <see cref="Vector"/> chosen as C# overload resolution
/// chooses them for the generated source (a non-generic overload of exactly these parameter types first, else the generic
/// method), the reference helpers of <see cref="Unsafe"/> and <see cref="MemoryMarshal"/>, and <see cref="KernelMath"/>.
/// </summary>
internal sealed class VectorMethods<T> where T : unmanaged
{
    public static VectorMethods<T> Instance { get; } = new();

    private VectorMethods()
    {
        Number = typeof(Vector<T>);
        MaskElement = typeof(T) == typeof(float) ? typeof(int) : typeof(long);
        Mask = typeof(Vector<>).MakeGenericType(MaskElement);
        Broadcast = Number.GetConstructor([typeof(T)]) ?? throw Missing("Vector<T>(T)");
        Zero = Getter(Number, "Zero");
        One = Getter(Number, "One");
        Count = Getter(Number, "Count");
        AllBits = Getter(Mask, "AllBitsSet");
        NoBits = Getter(Mask, "Zero");
        MaskItem = Mask.GetMethod("get_Item", [typeof(int)]) ?? throw Missing("Vector<mask>[int]");
        Add = Operator(Number, "op_Addition", 2);
        Subtract = Operator(Number, "op_Subtraction", 2);
        Multiply = Operator(Number, "op_Multiply", 2);
        Divide = Operator(Number, "op_Division", 2);
        Negate = Operator(Number, "op_UnaryNegation", 1);
        And = Operator(Mask, "op_BitwiseAnd", 2);
        Or = Operator(Mask, "op_BitwiseOr", 2);
        Not = Operator(Mask, "op_OnesComplement", 1);
        Select = Function("ConditionalSelect", Mask, Number, Number);
        EqualsAllMask = Function("EqualsAll", Mask, Mask);
        ArrayData = typeof(MemoryMarshal).GetMethods().Single(m => m.Name == nameof(MemoryMarshal.GetArrayDataReference) && m.IsGenericMethodDefinition)
            .MakeGenericMethod(typeof(T));
        AsVector = typeof(Unsafe).GetMethods().Single(m => m.Name == nameof(Unsafe.As) && m.GetGenericArguments().Length == 2)
            .MakeGenericMethod(typeof(T), Number);
        var add = typeof(Unsafe).GetMethods().Single(m => m.Name == nameof(Unsafe.Add) && m.GetParameters() is [{ ParameterType.IsByRef: true }, { ParameterType: var p }] && p == typeof(int));
        AddVector = add.MakeGenericMethod(Number);
        AddElement = add.MakeGenericMethod(typeof(T));
        Need = typeof(KernelMath).GetMethod(nameof(KernelMath.Need))!;
        BadRange = typeof(KernelMath).GetMethod(nameof(KernelMath.BadRange))!;
    }

    /// <summary><c>Vector&lt;T&gt;</c>.</summary>
    public Type Number { get; }
    /// <summary>The element of a lane mask: <c>long</c> (float64) or <c>int</c> (float32).</summary>
    public Type MaskElement { get; }
    /// <summary>The lane mask vector.</summary>
    public Type Mask { get; }
    public ConstructorInfo Broadcast { get; }
    public MethodInfo Zero { get; }
    public MethodInfo One { get; }
    public MethodInfo Count { get; }
    public MethodInfo AllBits { get; }
    public MethodInfo NoBits { get; }
    public MethodInfo MaskItem { get; }
    public MethodInfo Add { get; }
    public MethodInfo Subtract { get; }
    public MethodInfo Multiply { get; }
    public MethodInfo Divide { get; }
    public MethodInfo Negate { get; }
    public MethodInfo And { get; }
    public MethodInfo Or { get; }
    public MethodInfo Not { get; }
    public MethodInfo Select { get; }
    public MethodInfo EqualsAllMask { get; }
    /// <summary><c>MemoryMarshal.GetArrayDataReference(T[])</c>.</summary>
    public MethodInfo ArrayData { get; }
    /// <summary><c>Unsafe.As&lt;T, Vector&lt;T&gt;&gt;(ref T)</c>.</summary>
    public MethodInfo AsVector { get; }
    /// <summary><c>Unsafe.Add(ref Vector&lt;T&gt;, int)</c>.</summary>
    public MethodInfo AddVector { get; }
    /// <summary><c>Unsafe.Add(ref T, int)</c>.</summary>
    public MethodInfo AddElement { get; }
    public MethodInfo Need { get; }
    public MethodInfo BadRange { get; }

    /// <summary>A comparison of two number vectors giving a mask (<c>LessThan</c>, <c>Equals</c>, ...).</summary>
    public MethodInfo Compare(string name) => _found.GetOrAdd("compare " + name, _ => Function(name, Number, Number));

    /// <summary>A function of <see cref="Vector"/> over number vectors (<c>Exp</c>, <c>Min</c>, <c>SquareRoot</c>, ...).</summary>
    public MethodInfo Unary(string name) => _found.GetOrAdd("unary " + name, _ => Function(name, Number));

    /// <summary>A function of <see cref="Vector"/> over two number vectors.</summary>
    public MethodInfo Binary(string name) => _found.GetOrAdd("binary " + name, _ => Function(name, Number, Number));

    /// <summary>A helper of <see cref="KernelMath"/> over number vectors.</summary>
    public MethodInfo Helper(string name, int arity) => _found.GetOrAdd($"helper {name} {arity}", _ =>
        typeof(KernelMath).GetMethod(name, Enumerable.Repeat(Number, arity).ToArray()) ?? throw Missing($"KernelMath.{name}"));

    private readonly ConcurrentDictionary<string, MethodInfo> _found = new(StringComparer.Ordinal);

    /// <summary>
    /// <see cref="Vector"/>'s <paramref name="name"/> as C# resolves a call with arguments of <paramref name="parameters"/>:
    /// a non-generic overload with exactly these parameter types is better than a generic one.
    /// </summary>
    private static MethodInfo Function(string name, params Type[] parameters)
    {
        var exact = typeof(Vector).GetMethod(name, BindingFlags.Public | BindingFlags.Static, parameters);
        if (exact is { IsGenericMethodDefinition: false }) return exact;
        var element = parameters[0].GetGenericArguments()[0];
        foreach (var m in typeof(Vector).GetMember(name, MemberTypes.Method, BindingFlags.Public | BindingFlags.Static).Cast<MethodInfo>())
        {
            if (!m.IsGenericMethodDefinition || m.GetGenericArguments() is not [var g]) continue;
            // Only a method whose every parameter is Vector<T> of its one type parameter can match (no exception thrown for
            // the others: this runs at start-up).
            var ps = m.GetParameters();
            if (ps.Length != parameters.Length || !ps.All(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(Vector<>)
                    && p.ParameterType.GetGenericArguments()[0] == g)) continue;
            MethodInfo closed;
            try { closed = m.MakeGenericMethod(element); }
            catch (ArgumentException) { continue; } // a constraint the element does not meet
            if (closed.GetParameters().Select(p => p.ParameterType).SequenceEqual(parameters)) return closed;
        }
        throw Missing($"Vector.{name}({string.Join(", ", parameters.Select(p => p.Name))})");
    }

    private static MethodInfo Getter(Type type, string property) => type.GetProperty(property)?.GetMethod ?? throw Missing($"{type.Name}.{property}");

    private static MethodInfo Operator(Type type, string name, int arity) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, Enumerable.Repeat(type, arity).ToArray()) ?? throw Missing($"{type.Name}.{name}");

    private static MissingMethodException Missing(string what) => new($"The IL kernel emitter needs {what}, which this runtime does not have.");
}
