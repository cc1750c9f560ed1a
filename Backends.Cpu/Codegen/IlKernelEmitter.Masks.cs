using System.Reflection.Emit;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The IL kernel's condition locals, kept as recipes rather than as vectors. A condition local (<see cref="Programs.LetMask"/>,
/// <see cref="Programs.ReadRefractory"/>) is not stored: its comparisons' operands that can change later in the body are,
/// in number locals, when it is declared (constants, dt, t, uniforms and draws are emitted again instead), and each use
/// emits the comparisons again on those operands. The JIT then sees every comparison where it is used (in a
/// <c>ConditionalSelect</c>, an <c>and</c>, <c>ExtractMostSignificantBits</c>), so on AVX-512 it keeps the lane mask in a mask
/// register (<c>vcmppd k</c>, <c>vblendmpd {k}</c>, <c>kandb</c>) and its common-subexpression elimination computes each
/// comparison once. A mask stored in a vector local is instead converted to a vector (<c>vpmovm2q</c>) and selected bitwise
/// (<c>vpternlogq</c>); on the Xeon of docs/benchmarks.md ("Neuron kernels: lane masks in mask registers") that conversion
/// made the IF_curr_exp kernel's step cost 13 ns per vector instead of 7. The bits are the same: a comparison of the same
/// operands gives the same lanes wherever it is computed, and <c>and</c>, <c>or</c> and <c>not</c> are bitwise either way.
/// </summary>
internal sealed partial class IlKernelEmitter<T>
{
    /// <summary>
    /// The most expression nodes a condition's recipe may hold (its comparisons, its logical operators and the recipes of the
    /// conditions it reads); a larger one is computed once into a vector local, as before, rather than re-emitted at every use.
    /// </summary>
    internal const int MaskRecipeLimit = 24;

    private readonly Dictionary<string, (Action Emit, int Size)> _maskRecipes = new(StringComparer.Ordinal);

    /// <summary>How many condition locals were over <see cref="MaskRecipeLimit"/> and so computed once into a vector local.</summary>
    private int HeldAsVectors { get; set; }

    /// <summary>Whether <paramref name="name"/> is a condition local.</summary>
    private bool IsMask(string name) => _maskRecipes.ContainsKey(name);

    /// <summary>Pushes the lane mask of condition local <paramref name="name"/> (its recipe emitted again).</summary>
    /// <exception cref="IlNotSupportedException"><paramref name="name"/> is a number local, or no local the kernel has declared.</exception>
    private void LoadMask(string name)
    {
        if (_maskRecipes.TryGetValue(name, out var recipe)) { recipe.Emit(); return; }
        if (_locals.ContainsKey(name))
            throw new IlNotSupportedException($"Local '{name}' is used as a condition, but it is a number local, not a condition local.");
        throw new IlNotSupportedException($"Condition local '{name}' is used before it is declared (the condition locals declared so far: "
            + (_maskRecipes.Count == 0 ? "none" : string.Join(", ", _maskRecipes.Keys)) + ").");
    }

    /// <summary>Throws where <paramref name="name"/> is already a number or condition local of this kernel.</summary>
    private void CheckNew(string name)
    {
        if (_locals.ContainsKey(name) || IsMask(name)) throw new InvalidOperationException($"Local '{name}' is declared twice.");
    }

    /// <summary>
    /// Declares condition local <paramref name="name"/> as <paramref name="condition"/>: the numbers its comparisons read that
    /// can change later in the body (locals, stored values, received inputs, anything computed) are computed now, in the order
    /// <see cref="Mask"/> computes them, into number locals; constants, dt, t, the injected current, uniform parameters and
    /// draws are emitted again at each use (they hold one value for the whole body, and a local each would only lengthen
    /// the live ranges the register allocator must fit). The comparisons wait for the uses.
    /// </summary>
    private void DeclareMask(string name, Expr condition)
    {
        CheckNew(name);
        int size = RecipeSize(condition, ConditionSize);
        var emit = Recipe(condition);
        if (size > MaskRecipeLimit)
        {
            var local = Local(Ops.Mask);
            emit();
            _il.Emit(OpCodes.Stloc, local);
            emit = () => _il.Emit(OpCodes.Ldloc, local);
            size = 1;
            HeldAsVectors++;
        }
        _maskRecipes[name] = (emit, size);
    }

    /// <summary>
    /// Declares condition local <paramref name="name"/> as <c>GreaterThan(value, ZERO)</c> of the number local <paramref name="value"/>,
    /// read again at each use: <paramref name="value"/> (the refractory counter as read, <c>_refractory</c>) must never be
    /// assigned again in the body, or a later use would see another condition.
    /// </summary>
    private void DeclarePositive(string name, LocalBuilder value)
    {
        CheckNew(name);
        var greater = Ops.Compare("GreaterThan");
        _maskRecipes[name] = (() => { _il.Emit(OpCodes.Ldloc, value); _il.Emit(OpCodes.Ldloc, _zero); _il.Emit(OpCodes.Call, greater); }, 1);
    }

    /// <summary>The recipe size of a condition local declared so far, or null where <paramref name="name"/> is none.</summary>
    private int? ConditionSize(string name) => _maskRecipes.TryGetValue(name, out var recipe) ? recipe.Size : null;

    /// <summary>
    /// The size in expression nodes of a condition's recipe: its comparisons (<c>!=</c> and the test of a plain number count
    /// two, the comparison and its negation), its logical operators and constants, and the sizes <paramref name="condition"/>
    /// gives for the condition locals it reads (1 for one held in a vector local). Over <see cref="MaskRecipeLimit"/>, the
    /// condition is held in a vector local.
    /// </summary>
    internal static int RecipeSize(Expr expr, Func<string, int?> condition) => expr switch
    {
        SymbolExpr s when condition(s.Name) is int size => size,
        NotExpr u => RecipeSize(u.Operand, condition) + 1,
        BinaryExpr { Operator: BinaryOperator.And or BinaryOperator.Or } b => RecipeSize(b.Left, condition) + RecipeSize(b.Right, condition) + 1,
        BinaryExpr { Operator: >= BinaryOperator.Less } b => b.Operator == BinaryOperator.NotEqual ? 2 : 1,
        NumberExpr => 1,
        _ => 2,
    };

    /// <summary>The recipe of a condition: the IL that pushes its mask from operands held in locals or emitted again.</summary>
    private Action Recipe(Expr expr)
    {
        switch (expr)
        {
            case SymbolExpr s when IsMask(s.Name): return _maskRecipes[s.Name].Emit;
            case NotExpr u:
            {
                var operand = Recipe(u.Operand);
                return () => { operand(); _il.Emit(OpCodes.Call, Ops.Not); };
            }
            case BinaryExpr { Operator: BinaryOperator.And or BinaryOperator.Or } b:
            {
                var left = Recipe(b.Left);
                var right = Recipe(b.Right);
                var op = b.Operator == BinaryOperator.And ? Ops.And : Ops.Or;
                return () => { left(); right(); _il.Emit(OpCodes.Call, op); };
            }
            case BinaryExpr { Operator: >= BinaryOperator.Less } b:
            {
                var left = Operand(b.Left);
                var right = Operand(b.Right);
                var compare = Ops.Compare(ComparisonName(b.Operator));
                bool not = b.Operator == BinaryOperator.NotEqual;
                return () =>
                {
                    left();
                    right();
                    _il.Emit(OpCodes.Call, compare);
                    if (not) _il.Emit(OpCodes.Call, Ops.Not);
                };
            }
            case NumberExpr n:
            {
                var constant = n.Value != 0 ? _all : _none;
                return () => _il.Emit(OpCodes.Ldloc, constant);
            }
            default:
            {
                // ~Vector.Equals(number, ZERO)
                var value = Operand(expr);
                var equals = Ops.Compare("Equals");
                return () => { value(); _il.Emit(OpCodes.Ldloc, _zero); _il.Emit(OpCodes.Call, equals); _il.Emit(OpCodes.Call, Ops.Not); };
            }
        }
    }

    /// <summary>
    /// A comparison's operand: emitted again at each use where it holds one value for the whole body (<see cref="Invariant"/>),
    /// else computed now into a number local of its own, which each use loads.
    /// </summary>
    private Action Operand(Expr value)
    {
        if (Invariant(value)) return () => Number(value);
        var local = Local(Ops.Number);
        Number(value);
        _il.Emit(OpCodes.Stloc, local);
        return () => _il.Emit(OpCodes.Ldloc, local);
    }

    /// <summary>
    /// Whether <paramref name="value"/> is a constant, dt, t, the injected current (read once before the body), a uniform
    /// parameter or a draw: leaves <see cref="Symbol"/> reads from nothing the body writes. A local, a condition, a per-cell
    /// buffer (a later store replaces what it reads) and any computed expression are not.
    /// </summary>
    private bool Invariant(Expr value) => value switch
    {
        NumberExpr => true,
        SymbolExpr { Name: var name } => !KernelSymbols.IsLocal(name) && !IsMask(name)
            && (name == KernelSymbols.Timestep || name == KernelSymbols.Time || name == KernelSymbols.InjectedCurrent
                || (_perCell.IndexOf(name) < 0
                    && (KernelSymbols.TryUniformDraw(name, out _) || KernelSymbols.TryNormalDraw(name, out _) || _uniform.Contains(name)))),
        _ => false,
    };

    /// <summary>The vector class's comparison that <paramref name="op"/> calls (<c>!=</c> is <c>Equals</c>, negated).</summary>
    private static string ComparisonName(BinaryOperator op) => op switch
    {
        BinaryOperator.Less => "LessThan",
        BinaryOperator.LessOrEqual => "LessThanOrEqual",
        BinaryOperator.Greater => "GreaterThan",
        BinaryOperator.GreaterOrEqual => "GreaterThanOrEqual",
        BinaryOperator.Equal or BinaryOperator.NotEqual => "Equals",
        _ => throw new IlNotSupportedException($"Comparison {op} is not known to the IL emitter."),
    };
}
