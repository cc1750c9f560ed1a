using Meta.Expressions;
using Meta.Nestml.Syntax;

namespace Meta.Nestml.Compilation;

internal sealed partial class NestmlCompiler
{
    /// <summary>
    /// The local variables of an <c>onCondition</c> block while it is compiled into Meta's reset (a list of assignments run
    /// in order): each local stands for its value, an expression of the states as they were when it was set. A local
    /// computed from a state that a later assignment resets no longer has that value in Meta's terms, so reading it
    /// afterwards is refused.
    /// </summary>
    private sealed class ResetLocals
    {
        private readonly Dictionary<string, Expr> _values = new(StringComparer.Ordinal);
        private readonly HashSet<string> _stale = new(StringComparer.Ordinal);

        /// <summary>The locals' values, to translate expressions with.</summary>
        public IReadOnlyDictionary<string, Expr> Values => _values;

        /// <summary>Whether <paramref name="name"/> is a local of the block.</summary>
        public bool Has(string name) => _values.ContainsKey(name) || _stale.Contains(name);

        /// <summary>Locals that read a state reset since they were set.</summary>
        public IEnumerable<string> Stale => _stale;

        /// <summary>Sets local <paramref name="name"/> to <paramref name="value"/>.</summary>
        public void Set(string name, Expr value)
        {
            _stale.Remove(name);
            _values[name] = value;
        }

        /// <summary>State <paramref name="state"/> was reset: the locals computed from it are stale.</summary>
        public void Reset(string state)
        {
            foreach (var name in _values.Where(v => v.Value.Symbols().Contains(state)).Select(v => v.Key).ToList())
            {
                _values.Remove(name);
                _stale.Add(name);
            }
        }
    }

    /// <summary>
    /// One statement of <c>onCondition</c>, compiled into reset assignments: locals are substituted by their values, an
    /// assignment under an <c>if</c> becomes <c>x = guard ? value : x</c> (the guard: this branch's condition, the earlier
    /// branches' negated, the enclosing ones'). Conditions that read a state the <c>if</c> resets are refused (Meta's
    /// reset would test them again after the assignment).
    /// </summary>
    private void ResetStatement(NStatement statement, Expr? guard, ResetLocals locals, List<string> reset, Dynamics dynamics)
    {
        switch (statement)
        {
            case NLocal l:
                if (_scope.Find(l.Name) is not null) throw _context.Error(l.Line, $"the local variable '{l.Name}' has the name of a variable of the model");
                locals.Set(l.Name, Guarded(guard, TranslateReset(l.Value, locals), locals.Values.GetValueOrDefault(l.Name)));
                _translator.DeclareLocal(l.Name, l.Type);
                break;
            case NAssignment a when a.Primes == 0 && locals.Has(a.Target):
                {
                    var before = locals.Values.GetValueOrDefault(a.Target)
                                 ?? throw _context.Unsupported(a.Line, $"'{a.Target} {a.Operator} ...' on a local computed from a state reset since");
                    locals.Set(a.Target, Guarded(guard, Combine(a.Operator, before, TranslateReset(a.Value, locals), a.Line), before));
                    break;
                }
            case NAssignment a when a.Primes == 0 && (a.Target == dynamics.Timer || a.Target == dynamics.Counter):
                throw _context.Unsupported(a.Line, $"setting the refractory clock '{a.Target}' inside an 'if' in onCondition (Meta's refractory period starts with every spike)");
            case NAssignment a:
                {
                    string target = Scope.DerivativeName(a.Target, a.Primes);
                    if (_scope.Find(target)?.Kind != SymbolKind.State) throw _context.Error(a.Line, $"'{target}' is not a state variable");
                    var value = TranslateReset(a.Value, locals);
                    if (guard is null)
                        reset.Add(a.Operator switch
                        {
                            "=" => $"{target} = {value}",
                            "+=" => $"{target} += {value}",
                            "-=" => $"{target} += {new NegateExpr(value)}",
                            _ => $"{target} = {Combine(a.Operator, new SymbolExpr(target), value, a.Line)}",
                        });
                    else
                        reset.Add($"{target} = {Guarded(guard, Combine(a.Operator, new SymbolExpr(target), value, a.Line), new SymbolExpr(target))}");
                    locals.Reset(target);
                    break;
                }
            case NIf i:
                {
                    var assigned = ResetTargets(i.Branches.SelectMany(b => b.Body)).ToHashSet(StringComparer.Ordinal);
                    Expr? taken = null;
                    foreach (var (condition, body) in i.Branches)
                    {
                        Expr? test = condition is null ? null : TranslateReset(condition, locals);
                        if (test?.Symbols().FirstOrDefault(assigned.Contains) is { } read)
                            throw _context.Unsupported(condition!.Line, $"an 'if' in onCondition whose condition reads '{read}', which the 'if' resets");
                        Expr? branch = And(guard, And(taken is null ? null : new NotExpr(taken), test));
                        taken = test is null ? taken : taken is null ? test : new BinaryExpr(BinaryOperator.Or, taken, test);
                        foreach (var inner in body) ResetStatement(inner, branch, locals, reset, dynamics);
                    }
                    break;
                }
            case NCallStatement { Call.Function: "emit_spike" } emit when guard is not null:
                throw _context.Unsupported(emit.Line, "emit_spike() inside an 'if' in onCondition (Meta's threshold spikes whenever it holds)");
            default:
                throw _context.Unsupported(statement.Line, $"{Describe(statement)} in onCondition (Meta's reset is assignments, locals and if/elif/else)");
        }
    }

    private Expr TranslateReset(NExpr e, ResetLocals locals)
    {
        if (locals.Stale.FirstOrDefault(l => Mentions(e, l)) is { } stale)
            throw _context.Unsupported(e.Line, $"reading the local '{stale}' after a state it was computed from was reset in onCondition");
        return _translator.Translate(e, locals.Values);
    }

    private Expr Combine(string op, Expr before, Expr value, int line) => CompoundAssignment.Combine(op, before, value, _context, line);

    private static Expr Guarded(Expr? guard, Expr value, Expr? otherwise) =>
        guard is null || otherwise is null ? value : new ConditionalExpr(guard, value, otherwise);

    private static Expr? And(Expr? a, Expr? b) => a is null ? b : b is null ? a : new BinaryExpr(BinaryOperator.And, a, b);

    /// <summary>The states (Meta names) a list of onCondition statements assigns, nested ones included.</summary>
    private static IEnumerable<string> ResetTargets(IEnumerable<NStatement> body) => body.SelectMany(s => s switch
    {
        NAssignment a => [Scope.DerivativeName(a.Target, a.Primes)],
        NIf i => ResetTargets(i.Branches.SelectMany(b => b.Body)),
        _ => Enumerable.Empty<string>(),
    });
}
