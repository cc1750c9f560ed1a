using Meta.Expressions;

namespace Meta.Models;

/// <summary>
/// One statement of a model's update block (<see cref="ModelDefinition.BeforeIntegration"/>,
/// <see cref="ModelDefinition.AfterIntegration"/>): ordered, per-cell work around the integration, as NESTML's
/// <c>update</c> block and NEST's generated <c>update()</c> hold it. Expressions read parameters, states, aliases,
/// <c>t</c>, <c>dt</c>, <c>i_inj</c>, locals declared earlier in the same block, and (in conditions and values)
/// <see cref="ModelDefinition.RefractorySymbol"/>. The lowering turns each statement into kernel locals, masks and
/// masked assignments, so every backend compiles it with its existing emitter (docs/semantics.md, "Update blocks").
/// </summary>
public abstract record UpdateStatement;

/// <summary><c>Target = Value</c>: sets a state variable or a local declared earlier in the block.</summary>
/// <param name="Target">A state variable or a local.</param>
/// <param name="Value">The new value.</param>
public sealed record UpdateAssignment(string Target, Expr Value) : UpdateStatement
{
    /// <inheritdoc />
    public override string ToString() => $"{Target} = {Value}";
}

/// <summary>Declares the local <paramref name="Name"/> (one number per cell, for this step only) and sets it.</summary>
/// <param name="Name">The local's name; not a parameter, state, alias or another local of the model.</param>
/// <param name="Value">Its value.</param>
public sealed record UpdateLocal(string Name, Expr Value) : UpdateStatement
{
    /// <inheritdoc />
    public override string ToString() => $"local {Name} = {Value}";
}

/// <summary>One branch of an <see cref="UpdateIf"/>: a condition (null for <c>else</c>) and its statements.</summary>
/// <param name="Condition">The condition, or null for the final <c>else</c>.</param>
/// <param name="Body">The statements run where this branch is taken.</param>
public sealed record UpdateBranch(Expr? Condition, IReadOnlyList<UpdateStatement> Body);

/// <summary>
/// <c>if</c> / <c>elif</c> / <c>else</c>: the first branch whose condition holds runs (an <c>else</c> branch, with a null
/// condition, only as the last one). Locals declared inside a branch are known after it too, with their value where the
/// branch ran (undefined elsewhere: assign them in every branch, or declare them before the <c>if</c>).
/// </summary>
/// <param name="Branches">The branches in order.</param>
public sealed record UpdateIf(IReadOnlyList<UpdateBranch> Branches) : UpdateStatement
{
    /// <inheritdoc />
    public override string ToString() => $"if ({Branches.Count} branches)";
}

/// <summary>
/// The cell spikes in this step (NESTML's <c>emit_spike()</c> in the update block), independently of the threshold. Only
/// in <see cref="ModelDefinition.AfterIntegration"/>; the spike runs no reset and starts no refractory period (those
/// follow the threshold), and it is stamped at <c>t_{k+1}</c> like every spike.
/// </summary>
public sealed record UpdateEmitSpike : UpdateStatement
{
    /// <inheritdoc />
    public override string ToString() => "emit_spike()";
}

/// <summary>Helpers over update statements.</summary>
public static class UpdateStatements
{
    /// <summary>Every statement, nested ones included, in order.</summary>
    public static IEnumerable<UpdateStatement> Flatten(this IEnumerable<UpdateStatement> block) =>
        block.SelectMany(s => s is UpdateIf i ? i.Branches.SelectMany(b => b.Body.Flatten()).Prepend(s) : [s]);

    /// <summary>Every expression of the block (conditions and values), nested ones included, in order.</summary>
    public static IEnumerable<Expr> Expressions(this IEnumerable<UpdateStatement> block) => block.SelectMany(s => s switch
    {
        UpdateAssignment a => [a.Value],
        UpdateLocal l => [l.Value],
        UpdateIf i => i.Branches.SelectMany(b => (b.Condition is null ? [] : new[] { b.Condition }).Concat(b.Body.Expressions())),
        _ => Enumerable.Empty<Expr>(),
    });

    /// <summary>The same block with every expression mapped by <paramref name="map"/> (in order, nested ones included).</summary>
    public static IReadOnlyList<UpdateStatement> Map(this IEnumerable<UpdateStatement> block, Func<Expr, Expr> map) => block.Select(s => s switch
    {
        UpdateAssignment a => a with { Value = map(a.Value) },
        UpdateLocal l => l with { Value = map(l.Value) },
        UpdateIf i => new UpdateIf(i.Branches.Select(b => new UpdateBranch(b.Condition is null ? null : map(b.Condition), b.Body.Map(map))).ToList()),
        _ => s,
    }).ToList();
}
