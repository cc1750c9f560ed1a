using Meta.Expressions;
using Meta.Models;

namespace Meta.Lowering.Kernels;

/// <summary>
/// Which models take precise (off-grid) spike times, and the names the lowering gives their extra state
/// (docs/semantics.md, "Precise spike times"). A model takes them when its threshold is a comparison of expressions without
/// random draws (<c>v &gt;= v_thresh</c>), it has a reset, no update block and no noise terms; any other model (HH-type
/// cells with a crossing threshold and no reset, GIF's stochastic threshold, NESTML update blocks) keeps its spikes on the
/// grid whatever the option says.
/// </summary>
public static class PreciseSpikeTimes
{
    /// <summary>The state buffer of the refractory time left at the end of the step (ms), replacing the counter in steps.</summary>
    public const string RefractoryLeft = "__refractory_left";

    /// <summary>The state buffer of the last spike's time minus the end of its step (ms, in (−dt, 0]).</summary>
    public const string SpikeOffset = "__spike_offset";

    /// <summary>The state buffers the lowering adds to a group with precise spike times, each starting at 0.</summary>
    public static IReadOnlyList<string> States { get; } = [RefractoryLeft, SpikeOffset];

    /// <summary>Whether <paramref name="model"/> takes precise spike times (see the class summary).</summary>
    public static bool AppliesTo(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Threshold is not null && !model.ThresholdCrossing && model.Reset.Count > 0 && !model.HasUpdateBlock
               && model.NoiseTerms.Count == 0 && model.RandomDraws == 0 && CrossingFunction(model) is not null;
    }

    /// <summary>
    /// The function g of the states whose sign change is the threshold crossing: <c>a − b</c> for a threshold <c>a &gt;= b</c>
    /// or <c>a &gt; b</c>, <c>b − a</c> for <c>a &lt;= b</c> or <c>a &lt; b</c>; null for a threshold of another form.
    /// </summary>
    public static Expr? CrossingFunction(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Threshold is null) return null;
        return model.ExpandAliases(model.Threshold) switch
        {
            BinaryExpr { Operator: BinaryOperator.Greater or BinaryOperator.GreaterOrEqual } b => b.Left - b.Right,
            BinaryExpr { Operator: BinaryOperator.Less or BinaryOperator.LessOrEqual } b => b.Right - b.Left,
            _ => null,
        };
    }
}
