using Meta.Expressions;
using Meta.Models;
using Meta.Nestml.Syntax;

namespace Meta.Nestml.Compilation;

internal sealed partial class NestmlCompiler
{
    /// <summary>The local that records which branch of the update block's integrating <c>if</c> ran (1, 2, ...; 0 for none).</summary>
    private const string BranchLocal = "branch__";

    /// <summary>
    /// Whether the model has several <c>onCondition</c> blocks (NEST's <c>hill_tononi_neuron</c>). NESTML tests them in
    /// order after the update block, each on the state the blocks before it left, and any of them may set what another
    /// tests (the refractory clock included). Meta's threshold, reset and refractory period describe one block, so these
    /// models are compiled without them: each block is <c>if condition: body</c> after the integration, in order
    /// (<see cref="SequentialOnConditions"/>), and a refractory clock is an ordinary state whose ODE counts it down.
    /// </summary>
    private bool SeveralOnConditions => _model.OnCondition.Count > 1;

    /// <summary>
    /// The onCondition blocks, in the file's order, as statements run after the update block's: <c>if condition: body</c>
    /// each, where <c>emit_spike()</c> makes the cell spike in the step (docs/nestml.md, "Several onCondition blocks").
    /// </summary>
    private List<UpdateStatement> SequentialOnConditions(Dynamics dynamics)
    {
        var result = new List<UpdateStatement>();
        foreach (var block in _model.OnCondition)
        {
            var condition = Condition(block.Condition, dynamics);
            var body = TranslateBlock(block.Body, dynamics, "in onCondition");
            result.Add(new UpdateIf([new UpdateBranch(condition, body)]));
        }
        return result;
    }

    /// <summary>
    /// An <c>if</c> of the update block whose branches each end with <c>integrate_odes(S)</c> or integrate nothing, in a
    /// model compiled without Meta's refractory period (<see cref="SeveralOnConditions"/>): e.g. hill_tononi's
    /// <c>if refr_t &gt; 0 ms: integrate_odes(refr_t) else: integrate_odes(V_m, Theta, ...)</c>. Every ODE is integrated
    /// over the step, and the states the taken branch does not integrate are put back to their value before the step.
    /// That is NESTML's meaning exactly when no state a branch integrates has an ODE reading (through inlines too) a state
    /// the branch does not integrate, which is checked: NESTML holds those constant over the step where Meta would not.
    /// Kernel states are integrated in every branch, as in the refractory pattern (docs/nestml.md).
    /// </summary>
    private void BranchIntegration(NIf branch, Dynamics dynamics)
    {
        var all = AllOdeStates();
        _translator.Locals.Add(BranchLocal);
        dynamics.Before.Add(new UpdateLocal(BranchLocal, new NumberExpr(0)));
        var branches = new List<UpdateBranch>();
        var held = new List<(int Index, List<string> States)>();
        int index = 0;
        foreach (var (condition, body) in branch.Branches)
        {
            index++;
            var statements = body.ToList();
            var integrated = new HashSet<string>(StringComparer.Ordinal);
            if (statements is [.., NCallStatement { Call.Function: "integrate_odes" } call])
            {
                integrated = IntegratedStates(call.Call) ?? all;
                statements.RemoveAt(statements.Count - 1);
            }
            if (statements.FirstOrDefault(Integrates) is { } nested)
                throw _context.Unsupported(nested.Line, "integrate_odes() in a branch of the update block's if other than as the branch's last statement");
            var notIntegrated = all.Where(s => !integrated.Contains(s)).Order(StringComparer.Ordinal).ToList();
            foreach (var ode in _model.Odes.Where(o => integrated.Contains(o.State)))
                if (notIntegrated.FirstOrDefault(s => Reads(ode.RightHandSide, s, [])) is { } read)
                    throw _context.Unsupported(ode.Line,
                        $"integrate_odes() in a branch of the update block's if that integrates '{ode.State}' but not '{read}', which its ODE reads (NESTML holds '{read}' constant over the step)");
            var translated = TranslateBlock(statements, dynamics, "in the update block");
            translated.Add(new UpdateAssignment(BranchLocal, new NumberExpr(index)));
            branches.Add(new UpdateBranch(condition is null ? null : Condition(condition, dynamics), translated));
            if (notIntegrated.Count > 0) held.Add((index, notIntegrated));
        }
        // Where no branch runs (an if without else), nothing is integrated.
        if (branch.Branches[^1].Condition is not null && all.Count > 0) held.Add((0, all.Order(StringComparer.Ordinal).ToList()));
        dynamics.Before.Add(new UpdateIf(branches));
        foreach (var s in held.SelectMany(h => h.States).Distinct().Order(StringComparer.Ordinal))
        {
            _translator.Locals.Add(HeldLocal(s));
            dynamics.Before.Add(new UpdateLocal(HeldLocal(s), new SymbolExpr(s)));
        }
        foreach (var (i, states) in held)
            dynamics.AfterUpdate.Add(new UpdateIf([new UpdateBranch(
                new BinaryExpr(BinaryOperator.Equal, new SymbolExpr(BranchLocal), new NumberExpr(i)),
                states.Select(s => (UpdateStatement)new UpdateAssignment(s, new SymbolExpr(HeldLocal(s)))).ToList())]));
        dynamics.Integrated = null;
    }

    /// <summary>Whether <paramref name="e"/> reads <paramref name="name"/>, directly or through the inlines it uses.</summary>
    private bool Reads(NExpr e, string name, HashSet<string> seen) => e switch
    {
        NName n => n.Name == name
                   || (_model.Inlines.FirstOrDefault(i => i.Name == n.Name) is { Value: { } v } && seen.Add(n.Name) && Reads(v, name, seen)),
        NUnary u => Reads(u.Operand, name, seen),
        NBinary b => Reads(b.Left, name, seen) || Reads(b.Right, name, seen),
        NConditional c => Reads(c.Condition, name, seen) || Reads(c.Then, name, seen) || Reads(c.Else, name, seen),
        NCall c => c.Arguments.Any(a => Reads(a, name, seen)),
        _ => false,
    };
}
