using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Models;

namespace Meta.Lowering.Kernels;

/// <summary>
/// Lowers a model's update block (<see cref="UpdateStatement"/>s) into kernel statements every emitter already knows:
/// locals become <see cref="Let"/>s, assignments <see cref="Assign"/>s on the state or local, an <c>if</c> becomes one
/// condition local per branch (taken where the enclosing branch runs, its own condition holds and no earlier one did),
/// and the assignments inside a branch are <see cref="Assign"/>s restricted to that mask; <c>emit_spike()</c> adds the
/// branch's mask to a spike mask (docs/semantics.md, "Update blocks"). All branch conditions of one <c>if</c> are taken
/// before any of its branches runs, which is the sequential meaning because only one branch runs per cell.
/// </summary>
/// <remarks>One instance lowers both blocks of a model, so the locals of the block before the integration are known after it.</remarks>
/// <param name="stateLocal">The kernel local holding a state's current value.</param>
/// <param name="refractoryMask">The condition local of refractory cells, or null where the model has none.</param>
internal sealed class UpdateBlockLowering(Func<string, string> stateLocal, string? refractoryMask)
{
    private Func<Expr, Expr> _lower = e => e;
    private string _prefix = "";
    private readonly Dictionary<string, string> _locals = new(StringComparer.Ordinal);
    private readonly List<Statement> _statements = [];
    private int _masks;

    /// <summary>The condition local of the cells that called <c>emit_spike()</c> in this block, or null if none can.</summary>
    public string? EmitMask { get; private set; }

    /// <summary>
    /// Lowers <paramref name="block"/>; returns its statements in order. <paramref name="lower"/> gives a model expression
    /// in kernel form with states read as this part of the step holds them (locals and
    /// <see cref="ModelDefinition.RefractorySymbol"/> are left as symbols and renamed here); <paramref name="prefix"/> keeps
    /// this block's locals apart from another block's (<c>pre</c>, <c>post</c>).
    /// </summary>
    public IReadOnlyList<Statement> Lower(IReadOnlyList<UpdateStatement> block, Func<Expr, Expr> lower, string prefix)
    {
        _lower = lower;
        _prefix = prefix;
        _statements.Clear();
        Block(block, null);
        return [.. _statements];
    }

    private Expr Value(Expr modelExpr) => _lower(modelExpr).Substitute(n =>
        n == ModelDefinition.RefractorySymbol && refractoryMask is not null ? Expr.Symbol(refractoryMask)
        : _locals.TryGetValue(n, out var local) ? Expr.Symbol(local)
        : null);

    private string NewMask(Expr condition)
    {
        string name = KernelSymbols.Local($"#{_prefix}mask{_masks++}");
        _statements.Add(new LetMask(name, condition));
        return name;
    }

    private static Expr And(string? mask, Expr condition) =>
        mask is null ? condition : new BinaryExpr(BinaryOperator.And, Expr.Symbol(mask), condition);

    private void Block(IReadOnlyList<UpdateStatement> block, string? mask)
    {
        foreach (var statement in block)
        {
            switch (statement)
            {
                case UpdateLocal l:
                {
                    string name = KernelSymbols.Local($"#{_prefix}local#{l.Name}");
                    var value = Value(l.Value);
                    _locals[l.Name] = name;
                    _statements.Add(new Let(name, value));
                    break;
                }
                case UpdateAssignment a:
                {
                    string target = _locals.TryGetValue(a.Target, out var local) ? local : stateLocal(a.Target);
                    _statements.Add(new Assign(target, Value(a.Value), mask));
                    break;
                }
                case UpdateIf i:
                {
                    // Every branch's mask first, from the values before any branch runs.
                    var masks = new List<string>();
                    string? rest = mask;
                    foreach (var branch in i.Branches)
                    {
                        if (branch.Condition is null) { masks.Add(rest ?? NewMask(new NumberExpr(1))); break; }
                        var condition = Value(branch.Condition);
                        masks.Add(NewMask(And(rest, condition)));
                        rest = NewMask(And(rest, new NotExpr(condition)));
                    }
                    for (int b = 0; b < masks.Count; b++) Block(i.Branches[b].Body, masks[b]);
                    break;
                }
                case UpdateEmitSpike:
                {
                    Expr emitted = mask is null ? new NumberExpr(1) : Expr.Symbol(mask);
                    if (EmitMask is not null) emitted = new BinaryExpr(BinaryOperator.Or, Expr.Symbol(EmitMask), emitted);
                    EmitMask = NewMask(emitted);
                    break;
                }
                default:
                    throw new InvalidOperationException($"Unknown update statement {statement}.");
            }
        }
    }
}
