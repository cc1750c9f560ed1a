using Meta.Expressions;
using Meta.Models;
using Meta.Nestml.Syntax;

namespace Meta.Nestml.Compilation;

internal sealed partial class NestmlCompiler
{
    /// <summary>The local that records, in a conditional integration, that the branch with <c>integrate_odes()</c> ran.</summary>
    private const string IntegratingLocal = "integrating__";

    /// <summary>The local that holds a state's value before a conditional integration.</summary>
    private static string HeldLocal(string state) => state + "__held";

    /// <summary>
    /// Translates update-block statements into Meta's update statements (docs/nestml.md, "Update blocks"): local
    /// declarations, assignments to states and locals, <c>if</c>/<c>elif</c>/<c>else</c>, <c>emit_spike()</c>, random
    /// numbers; the refractory clock's tests (<c>refr_t &gt; 0</c>, <c>refr_t &lt;= 0</c>) become Meta's refractory condition.
    /// </summary>
    private List<UpdateStatement> TranslateBlock(IEnumerable<NStatement> body, Dynamics dynamics, string where)
    {
        var result = new List<UpdateStatement>();
        _translator.RandomAllowed = true;
        try
        {
            foreach (var statement in body) result.Add(TranslateStatement(statement, dynamics, where));
        }
        finally { _translator.RandomAllowed = false; }
        return result;
    }

    private UpdateStatement TranslateStatement(NStatement statement, Dynamics dynamics, string where)
    {
        switch (statement)
        {
            case NLocal l when l.Type is not null && _scope.Find(l.Name)?.Kind == SymbolKind.State:
                // A declaration of a state variable's name in the update block (hh_cond_exp_destexhe's 'V_m_old mV = V_m'):
                // NESTML assigns the state.
                return TranslateStatement(new NAssignment(l.Name, 0, "=", l.Value, l.Line), dynamics, where);
            case NLocal l:
            {
                if (_scope.Find(l.Name) is not null || _translator.Locals.Contains(l.Name))
                    throw _context.Error(l.Line, $"the local variable '{l.Name}' has the name of a declared variable or of another local");
                var value = ConstantFolding.Fold(_translator.Translate(l.Value));
                _translator.Locals.Add(l.Name);
                _translator.DeclareLocal(l.Name, l.Type);
                return new UpdateLocal(l.Name, value);
            }
            case NAssignment a:
            {
                string target = Scope.DerivativeName(a.Target, a.Primes);
                if (target == dynamics.Timer || target == dynamics.Counter)
                    throw _context.Unsupported(a.Line, $"an assignment to the refractory clock '{target}' {where} (Meta counts the refractory period itself)");
                bool local = a.Primes == 0 && _translator.Locals.Contains(target);
                if (!local && _scope.Find(target)?.Kind != SymbolKind.State)
                    throw _context.Error(a.Line, $"'{target}' is not a state variable or a local variable");
                var value = _translator.Translate(a.Value);
                var result = CompoundAssignment.Combine(a.Operator, new SymbolExpr(target), value, _context, a.Line);
                return new UpdateAssignment(target, ConstantFolding.Fold(result));
            }
            case NIf i:
                return new UpdateIf(i.Branches.Select(b => new UpdateBranch(
                    b.Condition is null ? null : Condition(b.Condition, dynamics),
                    TranslateBlock(b.Body, dynamics, where))).ToList());
            case NCallStatement { Call.Function: "emit_spike" } emit:
                if (emit.Call.Arguments.Count > 0) throw _context.Unsupported(emit.Line, "emit_spike() with arguments");
                return new UpdateEmitSpike();
            case NCallStatement { Call.Function: "integrate_odes" } call:
                throw _context.Unsupported(call.Line, $"integrate_odes() {where} other than once, at the top level or as the one statement of an if branch");
            case NUnsupported u:
                throw _context.Unsupported(u.Line, u.Construct);
            default:
                throw _context.Unsupported(statement.Line, $"{Describe(statement)} {where}");
        }
    }

    /// <summary>A condition of the update block; a test of the refractory clock against 0 is Meta's refractory condition.</summary>
    private Expr Condition(NExpr condition, Dynamics dynamics)
    {
        string? clock = dynamics.Timer ?? dynamics.Counter;
        if (clock is not null && condition is NBinary { Left: NName { Primes: 0 } n } test && n.Name == clock && IsZero(test.Right))
        {
            var refractory = new SymbolExpr(ModelDefinition.RefractorySymbol);
            return test.Operator switch
            {
                ">" or "!=" => refractory,
                "<=" or "==" => new NotExpr(refractory),
                _ => throw _context.Unsupported(condition.Line, $"the test '{clock} {test.Operator} 0' of the refractory clock"),
            };
        }
        if (clock is not null && Mentions(condition, clock))
            throw _context.Unsupported(condition.Line, $"a test of the refractory clock '{clock}' other than '{clock} > 0' or '{clock} <= 0'");
        return ConstantFolding.Fold(_translator.Translate(condition));
    }

    /// <summary>Whether <paramref name="s"/> is, or is an if containing anywhere, an integrate_odes() call.</summary>
    private static bool Integrates(NStatement s) => s switch
    {
        NCallStatement { Call.Function: "integrate_odes" } => true,
        NIf i => i.Branches.Any(b => b.Body.Any(Integrates)),
        _ => false,
    };

    /// <summary>
    /// An if with one branch that is exactly <c>integrate_odes(S)</c> and no integration in the others (NEST's
    /// <c>iaf_psc_exp_htum</c>): every ODE is integrated, and the states S are put back to their value before the step
    /// where that branch did not run. Exact when no state integrated everywhere reads a state of S (checked).
    /// </summary>
    private bool ConditionalIntegration(NIf branch, Dynamics dynamics)
    {
        var integrating = branch.Branches.Where(b => b.Body is [NCallStatement { Call.Function: "integrate_odes" }]).ToList();
        if (integrating.Count != 1 || branch.Branches.Where(b => !integrating.Contains(b)).Any(b => b.Body.Any(Integrates))) return false;
        var call = ((NCallStatement)integrating[0].Body[0]).Call;
        var held = IntegratedStates(call) ?? AllOdeStates();
        dynamics.Integrated = held;
        foreach (var ode in _model.Odes.Where(o => !held.Contains(o.State)))
            if (held.Any(s => Mentions(ode.RightHandSide, s)))
                throw _context.Unsupported(call.Line, $"integrate_odes() of some states inside an if, where the ODE of '{ode.State}', always integrated, reads one of them");
        // Before: the flag, the if (the integrating branch sets the flag), then the values to put back.
        _translator.Locals.Add(IntegratingLocal);
        dynamics.Before.Add(new UpdateLocal(IntegratingLocal, new NumberExpr(0)));
        var branches = new List<UpdateBranch>();
        foreach (var (condition, body) in branch.Branches)
        {
            var translatedCondition = condition is null ? null : Condition(condition, dynamics);
            var statements = integrating.Any(b => ReferenceEquals(b.Body, body))
                ? [new UpdateAssignment(IntegratingLocal, new NumberExpr(1))]
                : TranslateBlock(body, dynamics, "in the update block");
            branches.Add(new UpdateBranch(translatedCondition, statements));
        }
        dynamics.Before.Add(new UpdateIf(branches));
        foreach (var s in held.Order(StringComparer.Ordinal))
        {
            _translator.Locals.Add(HeldLocal(s));
            dynamics.Before.Add(new UpdateLocal(HeldLocal(s), new SymbolExpr(s)));
        }
        // After: where the branch did not run, the states keep their value.
        dynamics.AfterUpdate.Add(new UpdateIf([new UpdateBranch(
            new BinaryExpr(BinaryOperator.Equal, new SymbolExpr(IntegratingLocal), new NumberExpr(0)),
            held.Order(StringComparer.Ordinal).Select(s => (UpdateStatement)new UpdateAssignment(s, new SymbolExpr(HeldLocal(s)))).ToList())]));
        return true;
    }
}
