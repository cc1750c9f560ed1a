using System.Collections.Concurrent;
using System.Numerics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The methods an IL kernel in lanes of <typeparamref name="T"/> calls, found once by reflection: the operators of the number
/// vector (<c>Vector&lt;T&gt;</c>, or, <see cref="Wide"/>, <c>Vector512&lt;T&gt;</c>) and of its mask vector, the functions of
/// <see cref="Vector"/> (<see cref="Vector512"/>) chosen as C# overload resolution chooses them for the generated source (a
/// non-generic overload of exactly these parameter types first, else the generic method), the reference helpers of
/// <see cref="Unsafe"/> and <see cref="MemoryMarshal"/>, and <see cref="KernelMath"/>.
/// </summary>
internal sealed class VectorMethods<T> where T : unmanaged
{
    private static readonly Lazy<VectorMethods<T>> s_narrow = new(() => new(wide: false));
    private static readonly Lazy<VectorMethods<T>> s_wide = new(() => new(wide: true));

    /// <summary>The methods of <c>Vector&lt;T&gt;</c> lanes (<paramref name="wide"/>: of <c>Vector512&lt;T&gt;</c> lanes).</summary>
    public static VectorMethods<T> Of(bool wide) => wide ? s_wide.Value : s_narrow.Value;

    private readonly Type _class;
    private readonly Type _generic;

    private VectorMethods(bool wide)
    {
        Wide = wide;
        _class = wide ? typeof(Vector512) : typeof(Vector);
        _generic = wide ? typeof(Vector512<>) : typeof(Vector<>);
        Number = _generic.MakeGenericType(typeof(T));
        MaskElement = wide ? typeof(T) : typeof(T) == typeof(float) ? typeof(int) : typeof(long);
        Mask = _generic.MakeGenericType(MaskElement);
        if (wide) BroadcastCall = typeof(Vector512).GetMethod(nameof(Vector512.Create), [typeof(T)]) ?? throw Missing("Vector512.Create(T)");
        else BroadcastNew = Number.GetConstructor([typeof(T)]) ?? throw Missing("Vector<T>(T)");
        Zero = Getter(Number, "Zero");
        One = Getter(Number, "One");
        Count = Getter(Number, "Count");
        AllBits = Getter(Mask, "AllBitsSet");
        NoBits = Getter(Mask, "Zero");
        Add = Operator(Number, "op_Addition", 2);
        Subtract = Operator(Number, "op_Subtraction", 2);
        Multiply = Operator(Number, "op_Multiply", 2);
        Divide = Operator(Number, "op_Division", 2);
        Negate = Operator(Number, "op_UnaryNegation", 1);
        And = Operator(Mask, "op_BitwiseAnd", 2);
        Or = Operator(Mask, "op_BitwiseOr", 2);
        Not = Operator(Mask, "op_OnesComplement", 1);
        Select = Function("ConditionalSelect", Mask, Number, Number);
        if (wide)
        {
            MostSignificantBits = Function("ExtractMostSignificantBits", Mask);
            TrailingZeroCount = typeof(BitOperations).GetMethod(nameof(BitOperations.TrailingZeroCount), [typeof(ulong)]) ?? throw Missing("BitOperations.TrailingZeroCount(ulong)");
        }
        else
        {
            MaskItem = Mask.GetMethod("get_Item", [typeof(int)]) ?? throw Missing("Vector<mask>[int]");
            EqualsAllMask = Function("EqualsAll", Mask, Mask);
        }
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

    /// <summary>Whether lanes are <c>Vector512&lt;T&gt;</c> (masks then of the element type).</summary>
    public bool Wide { get; }
    /// <summary><c>Vector&lt;T&gt;</c> or <c>Vector512&lt;T&gt;</c>.</summary>
    public Type Number { get; }
    /// <summary>The element of a lane mask: <c>long</c> (float64) or <c>int</c> (float32); wide, the element type itself.</summary>
    public Type MaskElement { get; }
    /// <summary>The lane mask vector.</summary>
    public Type Mask { get; }
    /// <summary><c>new Vector&lt;T&gt;(T)</c> (narrow lanes).</summary>
    public ConstructorInfo? BroadcastNew { get; }
    /// <summary><c>Vector512.Create(T)</c> (wide lanes).</summary>
    public MethodInfo? BroadcastCall { get; }
    public MethodInfo Zero { get; }
    public MethodInfo One { get; }
    public MethodInfo Count { get; }
    public MethodInfo AllBits { get; }
    public MethodInfo NoBits { get; }
    /// <summary><c>mask[int]</c> (narrow lanes).</summary>
    public MethodInfo? MaskItem { get; }
    public MethodInfo Add { get; }
    public MethodInfo Subtract { get; }
    public MethodInfo Multiply { get; }
    public MethodInfo Divide { get; }
    public MethodInfo Negate { get; }
    public MethodInfo And { get; }
    public MethodInfo Or { get; }
    public MethodInfo Not { get; }
    public MethodInfo Select { get; }
    /// <summary><c>Vector.EqualsAll(mask, mask)</c> (narrow lanes).</summary>
    public MethodInfo? EqualsAllMask { get; }
    /// <summary><c>Vector512.ExtractMostSignificantBits(mask)</c> (wide lanes).</summary>
    public MethodInfo? MostSignificantBits { get; }
    /// <summary><c>BitOperations.TrailingZeroCount(ulong)</c> (wide lanes).</summary>
    public MethodInfo? TrailingZeroCount { get; }
    /// <summary><c>MemoryMarshal.GetArrayDataReference(T[])</c>.</summary>
    public MethodInfo ArrayData { get; }
    /// <summary><c>Unsafe.As&lt;T, V&gt;(ref T)</c> for the number vector V.</summary>
    public MethodInfo AsVector { get; }
    /// <summary><c>Unsafe.Add(ref V, int)</c>.</summary>
    public MethodInfo AddVector { get; }
    /// <summary><c>Unsafe.Add(ref T, int)</c>.</summary>
    public MethodInfo AddElement { get; }
    public MethodInfo Need { get; }
    public MethodInfo BadRange { get; }

    /// <summary>Pushes a vector with every lane the <typeparamref name="T"/> on the stack (<c>new Vector&lt;T&gt;(x)</c> or <c>Vector512.Create(x)</c>).</summary>
    public void Broadcast(ILGenerator il)
    {
        if (BroadcastNew is not null) il.Emit(OpCodes.Newobj, BroadcastNew);
        else il.Emit(OpCodes.Call, BroadcastCall!);
    }

    /// <summary>A comparison of two number vectors giving a mask (<c>LessThan</c>, <c>Equals</c>, ...).</summary>
    public MethodInfo Compare(string name) => _found.GetOrAdd("compare " + name, _ => Function(name, Number, Number));

    /// <summary>
    /// The method a kernel function calls, as the C# kernel calls it (<see cref="VectorDialect.Call"/>, both by the function's
    /// <see cref="KernelFunctionForm"/>): <see cref="Vector"/>'s (<see cref="Vector512"/>'s) own; exp, log, min and max of wide
    /// lanes through <see cref="KernelMath"/>'s halves; the lane-wise functions and phi from <see cref="KernelMath"/>.
    /// </summary>
    /// <exception cref="IlNotSupportedException">The function's form is one the IL emitter does not know.</exception>
    public MethodInfo Function(KernelFunction function) => _found.GetOrAdd($"function {function.Name}", _ => function.Form switch
    {
        KernelFunctionForm.Vector => Function(function.MethodIn(Wide), [.. Enumerable.Repeat(Number, function.Arity)]),
        KernelFunctionForm.Halves when !Wide => Function(function.Method, [.. Enumerable.Repeat(Number, function.Arity)]),
        KernelFunctionForm.Halves or KernelFunctionForm.Helper or KernelFunctionForm.Phi => Helper(function.Method, function.Arity),
        _ => throw new IlNotSupportedException($"Function '{function.Name}' is computed in a form ({function.Form}) the IL emitter does not know."),
    });

    /// <summary>A helper of <see cref="KernelMath"/> over number vectors.</summary>
    public MethodInfo Helper(string name, int arity) => _found.GetOrAdd($"helper {name} {arity}", _ =>
        typeof(KernelMath).GetMethod(name, Enumerable.Repeat(Number, arity).ToArray()) ?? throw Missing($"KernelMath.{name}"));

    /// <summary><c>KernelMath.PhiTaylor(V b, V h, ref M large)</c>.</summary>
    public MethodInfo PhiTaylor => _found.GetOrAdd("PhiTaylor", _ =>
        typeof(KernelMath).GetMethod(nameof(KernelMath.PhiTaylor), [Number, Number, Mask.MakeByRefType()]) ?? throw Missing("KernelMath.PhiTaylor"));

    private readonly ConcurrentDictionary<string, MethodInfo> _found = new(StringComparer.Ordinal);

    /// <summary>
    /// The vector class's <paramref name="name"/> as C# resolves a call with arguments of <paramref name="parameters"/>:
    /// a non-generic overload with exactly these parameter types is better than a generic one.
    /// </summary>
    private MethodInfo Function(string name, params Type[] parameters)
    {
        var exact = _class.GetMethod(name, BindingFlags.Public | BindingFlags.Static, parameters);
        if (exact is { IsGenericMethodDefinition: false }) return exact;
        var element = parameters[0].GetGenericArguments()[0];
        foreach (var m in _class.GetMember(name, MemberTypes.Method, BindingFlags.Public | BindingFlags.Static).Cast<MethodInfo>())
        {
            if (!m.IsGenericMethodDefinition || m.GetGenericArguments() is not [var g]) continue;
            // Only a method whose every parameter is V<T> of its one type parameter can match (no exception thrown for
            // the others: this runs at start-up).
            var ps = m.GetParameters();
            if (ps.Length != parameters.Length || !ps.All(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == _generic
                    && p.ParameterType.GetGenericArguments()[0] == g)) continue;
            MethodInfo closed;
            try { closed = m.MakeGenericMethod(element); }
            catch (ArgumentException) { continue; } // a constraint the element does not meet
            if (closed.GetParameters().Select(p => p.ParameterType).SequenceEqual(parameters)) return closed;
        }
        throw Missing($"{_class.Name}.{name}({string.Join(", ", parameters.Select(p => p.Name))})");
    }

    private static MethodInfo Getter(Type type, string property) => type.GetProperty(property)?.GetMethod ?? throw Missing($"{type.Name}.{property}");

    private static MethodInfo Operator(Type type, string name, int arity) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, Enumerable.Repeat(type, arity).ToArray()) ?? throw Missing($"{type.Name}.{name}");

    private static MissingMethodException Missing(string what) => new($"The IL kernel emitter needs {what}, which this runtime does not have.");
}
