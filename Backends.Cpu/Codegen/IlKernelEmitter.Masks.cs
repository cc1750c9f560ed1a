using System.Reflection.Emit;
using Meta.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// The IL kernel's condition locals, kept as recipes rather than as vectors. A condition local (<see cref="Programs.LetMask"/>,
/// <see cref="Programs.ReadRefractory"/>) is not stored: its comparisons' operands are, in number locals, when it is declared,
/// and each use emits the comparisons again on those operands. The JIT then sees every comparison where it is used (in a
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

    /// <summary>Whether <paramref name="name"/> is a condition local.</summary>
    private bool IsMask(string name) => _maskRecipes.ContainsKey(name);

    /// <summary>Pushes the lane mask of condition local <paramref name="name"/> (its recipe emitted again).</summary>
    private void LoadMask(string name)
    {
        if (!_maskRecipes.TryGetValue(name, out var recipe)) throw new InvalidOperationException($"Condition local '{name}' is used before it is declared.");
        recipe.Emit();
    }

    /// <summary>
    /// Declares condition local <paramref name="name"/> as <paramref name="condition"/>: the numbers its comparisons read are
    /// computed now, in the order <see cref="Mask"/> computes them, into number locals; the comparisons wait for the uses.
    /// </summary>
    private void DeclareMask(string name, Expr condition)
    {
        if (_maskRecipes.ContainsKey(name) || _locals.ContainsKey(name)) throw new InvalidOperationException($"Local '{name}' is declared twice.");
        var recipe = Recipe(condition);
        if (recipe.Size > MaskRecipeLimit)
        {
            var local = Local(Ops.Mask);
            recipe.Emit();
            _il.Emit(OpCodes.Stloc, local);
            recipe = (() => _il.Emit(OpCodes.Ldloc, local), 1);
        }
        _maskRecipes[name] = recipe;
    }

    /// <summary>Declares condition local <paramref name="name"/> as <c>GreaterThan(value, ZERO)</c> of the number local <paramref name="value"/>.</summary>
    private void DeclarePositive(string name, LocalBuilder value)
    {
        if (_maskRecipes.ContainsKey(name) || _locals.ContainsKey(name)) throw new InvalidOperationException($"Local '{name}' is declared twice.");
        var greater = Ops.Compare("GreaterThan");
        _maskRecipes[name] = (() => { _il.Emit(OpCodes.Ldloc, value); _il.Emit(OpCodes.Ldloc, _zero); _il.Emit(OpCodes.Call, greater); }, 1);
    }

    /// <summary>The recipe of a condition: the IL that pushes its mask from operands held in locals, and its size in nodes.</summary>
    private (Action Emit, int Size) Recipe(Expr expr)
    {
        switch (expr)
        {
            case SymbolExpr s when IsMask(s.Name): return _maskRecipes[s.Name];
            case NotExpr u:
            {
                var operand = Recipe(u.Operand);
                return (() => { operand.Emit(); _il.Emit(OpCodes.Call, Ops.Not); }, operand.Size + 1);
            }
            case BinaryExpr { Operator: BinaryOperator.And or BinaryOperator.Or } b:
            {
                var left = Recipe(b.Left);
                var right = Recipe(b.Right);
                var op = b.Operator == BinaryOperator.And ? Ops.And : Ops.Or;
                return (() => { left.Emit(); right.Emit(); _il.Emit(OpCodes.Call, op); }, left.Size + right.Size + 1);
            }
            case BinaryExpr { Operator: >= BinaryOperator.Less } b:
            {
                var left = Held(b.Left);
                var right = Held(b.Right);
                var compare = Ops.Compare(ComparisonName(b.Operator));
                bool not = b.Operator == BinaryOperator.NotEqual;
                return (() =>
                {
                    _il.Emit(OpCodes.Ldloc, left);
                    _il.Emit(OpCodes.Ldloc, right);
                    _il.Emit(OpCodes.Call, compare);
                    if (not) _il.Emit(OpCodes.Call, Ops.Not);
                }, not ? 2 : 1);
            }
            case NumberExpr n:
            {
                var constant = n.Value != 0 ? _all : _none;
                return (() => _il.Emit(OpCodes.Ldloc, constant), 1);
            }
            default:
            {
                // ~Vector.Equals(number, ZERO)
                var value = Held(expr);
                var equals = Ops.Compare("Equals");
                return (() => { _il.Emit(OpCodes.Ldloc, value); _il.Emit(OpCodes.Ldloc, _zero); _il.Emit(OpCodes.Call, equals); _il.Emit(OpCodes.Call, Ops.Not); }, 2);
            }
        }
    }

    /// <summary>A number computed now into a local of its own (the value a comparison of the condition reads at every use).</summary>
    private LocalBuilder Held(Expr value)
    {
        var local = Local(Ops.Number);
        Number(value);
        _il.Emit(OpCodes.Stloc, local);
        return local;
    }

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
