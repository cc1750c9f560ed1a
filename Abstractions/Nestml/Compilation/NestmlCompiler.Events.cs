using Meta.Expressions;
using Meta.Models;
using Meta.Nestml.Syntax;

namespace Meta.Nestml.Compilation;

internal sealed partial class NestmlCompiler
{
    /// <summary>What the update block integrates, and how it is refractory.</summary>
    private sealed class Dynamics
    {
        /// <summary>The states integrated outside refractoriness; null: all of them (<c>integrate_odes()</c>).</summary>
        public HashSet<string>? Integrated { get; set; }
        /// <summary>The states integrated during refractoriness (the timer excluded).</summary>
        public HashSet<string> RefractoryIntegrated { get; } = new(StringComparer.Ordinal);
        /// <summary>A state counting refractory time down by its ODE (<c>refr_t' = -1</c>), or null.</summary>
        public string? Timer { get; set; }
        /// <summary>An integer state counting refractory steps down (<c>refr_counter -= 1</c>), or null.</summary>
        public string? Counter { get; set; }
        /// <summary>The states held during refractoriness (integrated outside it only).</summary>
        public List<string> Frozen { get; } = [];
        /// <summary>The statements after the integration.</summary>
        public List<NStatement> After { get; } = [];
        /// <summary>The statements of the refractory pattern's branches before their integrate_odes(): outside and during refractoriness.</summary>
        public List<NStatement> BeforeOutside { get; } = [];
        /// <summary>See <see cref="BeforeOutside"/>.</summary>
        public List<NStatement> BeforeDuring { get; } = [];
        /// <summary>The model's update statements before the integration (<see cref="ModelDefinition.BeforeIntegration"/>).</summary>
        public List<UpdateStatement> Before { get; } = [];
        /// <summary>The model's update statements after the integration (<see cref="ModelDefinition.AfterIntegration"/>).</summary>
        public List<UpdateStatement> AfterUpdate { get; } = [];
        /// <summary>Several onCondition blocks as statements run after <see cref="AfterUpdate"/> (<see cref="SequentialOnConditions"/>).</summary>
        public List<UpdateStatement> OnConditions { get; } = [];
    }

    /// <summary>The threshold, reset and refractory period from the onCondition block.</summary>
    private sealed record Spiking(Expr? Threshold, List<string> Reset, Expr? Period);

    private Dynamics AnalyzeUpdate()
    {
        var dynamics = new Dynamics();
        var update = _model.Update;
        if (update is null || update.Count == 0)
        {
            if (_model.Odes.Count > 0 || _model.Kernels.Count > 0)
                throw _context.Unsupported(_model.Line, "a model with equations but no update block with integrate_odes() (its ODEs would never be integrated)");
            dynamics.Integrated = [];
            return dynamics;
        }
        int point = update.FindIndex(Integrates);
        if (point < 0)
        {
            if (_model.Odes.Count > 0 || _model.Kernels.Count > 0)
                throw _context.Unsupported(_model.UpdateLine, "an update block without integrate_odes() in a model with equations (its ODEs would never be integrated)");
            dynamics.Integrated = [];
            dynamics.After.AddRange(update);
            return dynamics;
        }
        var before = update.Take(point).ToList();
        switch (update[point])
        {
            case NCallStatement { Call.Function: "integrate_odes" } call:
                dynamics.Integrated = IntegratedStates(call.Call);
                dynamics.Before.AddRange(TranslateBlock(before, dynamics, "before integrate_odes() in the update block"));
                break;
            case NIf branch when SeveralOnConditions:
                dynamics.Before.AddRange(TranslateBlock(before, dynamics, "before integrate_odes() in the update block"));
                BranchIntegration(branch, dynamics);
                break;
            case NIf branch:
                NestmlException? notRefractory = null;
                try { RefractoryBranch(branch, dynamics); }
                catch (NestmlException e) { notRefractory = e; }
                if (notRefractory is null)
                {
                    dynamics.Before.AddRange(TranslateBlock(before, dynamics, "before integrate_odes() in the update block"));
                    var refractory = new SymbolExpr(ModelDefinition.RefractorySymbol);
                    if (dynamics.BeforeDuring.Count > 0)
                        dynamics.Before.Add(new UpdateIf([new UpdateBranch(refractory, TranslateBlock(dynamics.BeforeDuring, dynamics, "in the update block"))]));
                    if (dynamics.BeforeOutside.Count > 0)
                        dynamics.Before.Add(new UpdateIf([new UpdateBranch(new NotExpr(refractory), TranslateBlock(dynamics.BeforeOutside, dynamics, "in the update block"))]));
                    break;
                }
                dynamics.Integrated = null;
                dynamics.Timer = dynamics.Counter = null;
                dynamics.RefractoryIntegrated.Clear();
                dynamics.BeforeOutside.Clear();
                dynamics.BeforeDuring.Clear();
                dynamics.Before.AddRange(TranslateBlock(before, dynamics, "before integrate_odes() in the update block"));
                if (!ConditionalIntegration(branch, dynamics)) throw notRefractory;
                break;
        }
        dynamics.After.AddRange(update.Skip(point + 1));
        return dynamics;
    }

    private static string Describe(NStatement s) => s switch
    {
        NAssignment a => $"the assignment '{a.Target}{new string('\'', a.Primes)} {a.Operator} ...'",
        NCallStatement c => $"the call {c.Call.Function}()",
        NIf => "an if statement",
        NLocal l => $"a local variable declaration ('{l.Name} {l.TypeText} = ...')",
        _ => "a statement",
    };

    /// <summary>The states <c>integrate_odes(...)</c> names (with their derivative states); null for all.</summary>
    private HashSet<string>? IntegratedStates(NCall call)
    {
        if (call.Arguments.Count == 0) return null;
        var states = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in call.Arguments)
        {
            if (a is not NName { Primes: 0 } n || _scope.Find(n.Name)?.Kind != SymbolKind.State)
                throw _context.Error(call.Line, "integrate_odes() takes state variables");
            states.Add(n.Name);
            for (int k = 1; _scope.Find(Scope.DerivativeName(n.Name, k)) is not null; k++) states.Add(Scope.DerivativeName(n.Name, k));
        }
        return states;
    }

    /// <summary>
    /// <c>if refr_t &gt; 0 ms: integrate_odes(A) else: integrate_odes(B)</c> (a timer counted down by its ODE), or
    /// <c>if refr_counter &gt; 0: refr_counter -= 1 else: integrate_odes(B)</c> (a step counter).
    /// </summary>
    private void RefractoryBranch(NIf branch, Dynamics dynamics)
    {
        NestmlException Other() => _context.Unsupported(branch.Line,
            "an if statement in the update block other than the refractory patterns 'if refr_t > 0 ms: integrate_odes(...) else: integrate_odes(...)' " +
            "and 'if counter > 0: counter -= 1 else: integrate_odes(...)'");
        if (branch.Branches.Count != 2 || branch.Branches[1].Condition is not null) throw Other();
        if (branch.Branches[0].Condition is not NBinary { Operator: ">" or "!=" } test || test.Left is not NName { Primes: 0 } variable || !IsZero(test.Right))
            throw Other();
        if (_scope.Find(variable.Name)?.Kind != SymbolKind.State) throw Other();
        var then = branch.Branches[0].Body;
        var otherwise = branch.Branches[1].Body;
        // Statements before a branch's integrate_odes() run before the integration where that branch is taken.
        if (otherwise is not [.., NCallStatement { Call.Function: "integrate_odes" } integrate] || otherwise.Take(otherwise.Count - 1).Any(Integrates)) throw Other();
        dynamics.BeforeOutside.AddRange(otherwise.Take(otherwise.Count - 1));
        if (then is [.., NCallStatement { Call.Function: "integrate_odes" }] && then.Count > 1 && !then.Take(then.Count - 1).Any(Integrates))
        {
            dynamics.BeforeDuring.AddRange(then.Take(then.Count - 1));
            then = [then[^1]];
        }
        dynamics.Integrated = IntegratedStates(integrate.Call);
        if (then is [NCallStatement { Call.Function: "integrate_odes" } during])
        {
            var timerOde = _model.Odes.FirstOrDefault(o => o.State == variable.Name && o.Order == 1);
            if (timerOde is null || _translator.Translate(timerOde.RightHandSide).Simplify() is not NumberExpr { Value: -1 })
                throw _context.Unsupported(branch.Line, $"the refractory timer '{variable.Name}' must count down in real time: {variable.Name}' = -1 (e.g. -1e3 * ms/s)");
            dynamics.Timer = variable.Name;
            var inRefractoriness = IntegratedStates(during.Call) ?? AllOdeStates();
            inRefractoriness.Remove(variable.Name);
            dynamics.RefractoryIntegrated.UnionWith(inRefractoriness);
            dynamics.Integrated?.Remove(variable.Name);
        }
        else if (then is [NAssignment { Operator: "-=", Value: NNumber { Value: 1 } } countDown] && countDown.Target == variable.Name && countDown.Primes == 0)
        {
            if (_model.Odes.Any(o => o.State == variable.Name)) throw Other();
            dynamics.Counter = variable.Name;
        }
        else throw Other();
    }

    private HashSet<string> AllOdeStates() => _model.Odes
        .SelectMany(o => Enumerable.Range(0, o.Order).Select(k => Scope.DerivativeName(o.State, k)))
        .ToHashSet(StringComparer.Ordinal);

    private bool IsZero(NExpr e)
    {
        try { return _translator.Translate(e).Simplify() is NumberExpr { Value: 0 }; }
        catch (NestmlException) { return false; }
    }

    /// <summary>Checks that every ODE is integrated, and finds the states held during refractoriness.</summary>
    private void CheckIntegration(Dynamics dynamics)
    {
        var all = AllOdeStates();
        all.Remove(dynamics.Timer ?? "");
        var outside = dynamics.Integrated ?? all;
        foreach (var s in all.Where(s => !outside.Contains(s)))
            throw _context.Unsupported(_model.UpdateLine, $"the ODE of '{s}' is integrated only during refractoriness or never (integrate_odes lists it outside refractoriness only where Meta can follow)");
        if (dynamics.Timer is null && dynamics.Counter is null) return;
        foreach (var s in all.Where(s => !dynamics.RefractoryIntegrated.Contains(s)).OrderBy(s => s, StringComparer.Ordinal))
            dynamics.Frozen.Add(s);
    }

    private Spiking AnalyzeOnCondition(Dynamics dynamics)
    {
        if (_model.OnCondition.Count == 0)
        {
            if (dynamics.Timer is not null || dynamics.Counter is not null)
                throw _context.Unsupported(_model.UpdateLine, "a refractory timer without an onCondition block that starts it");
            return new Spiking(null, [], null);
        }
        if (SeveralOnConditions)
        {
            dynamics.OnConditions.AddRange(SequentialOnConditions(dynamics));
            return new Spiking(null, [], null);
        }
        var block = _model.OnCondition[0];
        string? clock = dynamics.Timer ?? dynamics.Counter;
        var conjuncts = new List<NExpr>();
        Conjuncts(block.Condition, conjuncts);
        var kept = new List<NExpr>();
        foreach (var c in conjuncts)
        {
            if (clock is not null && Mentions(c, clock))
            {
                if (c is NBinary { Operator: "<=" or "==" } test && test.Left is NName n && n.Name == clock && IsZero(test.Right)) continue;
                throw _context.Unsupported(c.Line, $"a condition on the refractory clock '{clock}' other than '{clock} <= 0'");
            }
            kept.Add(c);
        }
        if (kept.Count == 0) throw _context.Unsupported(block.Line, "an onCondition that depends on the refractory clock only");
        var threshold = kept.Select(_translator.Translate).Aggregate((a, b) => new BinaryExpr(BinaryOperator.And, a, b));

        var reset = new List<string>();
        var locals = new ResetLocals();
        Expr? period = null;
        bool emits = false;
        foreach (var statement in block.Body)
        {
            switch (statement)
            {
                case NCallStatement { Call.Function: "emit_spike" } emit:
                    if (emit.Call.Arguments.Count > 0) throw _context.Unsupported(emit.Line, "emit_spike() with arguments");
                    emits = true;
                    break;
                case NAssignment a when a.Primes == 0 && a.Target == dynamics.Timer:
                    if (a.Operator != "=") throw _context.Unsupported(a.Line, $"'{a.Target} {a.Operator} ...' on the refractory timer");
                    period = _translator.Translate(a.Value).Simplify();
                    break;
                case NAssignment a when a.Primes == 0 && a.Target == dynamics.Counter:
                    if (a.Operator != "=") throw _context.Unsupported(a.Line, $"'{a.Target} {a.Operator} ...' on the refractory counter");
                    period = StepsArgument(a.Value);
                    break;
                default:
                    ResetStatement(statement, null, locals, reset, dynamics);
                    break;
            }
        }
        if (!emits) throw _context.Unsupported(block.Line, "an onCondition block without emit_spike() (Meta's threshold is a spike condition)");
        if (clock is not null && period is null)
            throw _context.Unsupported(block.Line, $"an onCondition block that does not start the refractory clock '{clock}'");
        if (period is not null && period.Symbols().Any(s => !DeclaredParameters.Contains(s)))
            throw _context.Unsupported(block.Line, $"a refractory period '{period}' that is not an expression of parameters");
        return new Spiking(threshold, reset, period);
    }

    /// <summary>The refractory period a counter is set to: the argument of <c>steps(...)</c>, directly or through an internal.</summary>
    private Expr StepsArgument(NExpr value)
    {
        var e = value;
        if (e is NName { Primes: 0 } n && _scope.Find(n.Name) is { Kind: SymbolKind.Internal } s && s.Declaration?.Value is { } v) e = v;
        if (e is NCall { Function: "steps", Arguments: [var argument] }) return _translator.Translate(argument).Simplify();
        throw _context.Unsupported(value.Line, "a refractory counter set to something other than steps(period)");
    }

    private static void Conjuncts(NExpr e, List<NExpr> into)
    {
        if (e is NBinary { Operator: "and" } b)
        {
            Conjuncts(b.Left, into);
            Conjuncts(b.Right, into);
        }
        else into.Add(e);
    }

    private static bool Mentions(NExpr e, string name) => e switch
    {
        NName n => n.Name == name,
        NUnary u => Mentions(u.Operand, name),
        NBinary b => Mentions(b.Left, name) || Mentions(b.Right, name),
        NConditional c => Mentions(c.Condition, name) || Mentions(c.Then, name) || Mentions(c.Else, name),
        NCall c => c.Arguments.Any(a => Mentions(a, name)),
        _ => false,
    };

    private void OnReceive(Dynamics dynamics)
    {
        foreach (var block in _model.OnReceive)
        {
            var port = _model.Inputs.FirstOrDefault(p => p.Name == block.Port && p.Spike)
                       ?? throw _context.Error(block.Line, $"onReceive({block.Port}): '{block.Port}' is not a spike input port");
            foreach (var statement in block.Body)
            {
                if (statement is NIf { Branches: [(NBinary { Operator: "==" } test, var body)] } guard
                    && dynamics.Counter is not null && test.Left is NName n && n.Name == dynamics.Counter && IsZero(test.Right))
                {
                    // Spikes dropped during refractoriness: Meta drops voltage jumps onto clamped states.
                    foreach (var inner in body)
                    {
                        var effect = Increment(inner, port.Name, "onReceive");
                        if (_effects[^1].Kind != ReceptorKind.VoltageJump || !dynamics.Frozen.Contains(effect))
                            throw _context.Unsupported(guard.Line, "spikes ignored during refractoriness other than voltage jumps onto a state held during refractoriness");
                    }
                    continue;
                }
                Increment(statement, port.Name, "onReceive");
            }
        }
    }

    /// <summary>
    /// The statements after integrate_odes(): voltage jumps by spike ports become receptors, bounds that are infinite are
    /// dropped, and the others are the model's update statements after the integration.
    /// </summary>
    private void AfterIntegration(Dynamics dynamics)
    {
        foreach (var statement in dynamics.After)
        {
            if (statement is NAssignment { Operator: "=", Value: NCall { Function: "max" or "min", Arguments: [var x, var y] } bound } a
                && a.Primes == 0 && (IsState(x, a.Target) || IsState(y, a.Target)))
            {
                var limit = IsState(x, a.Target) ? y : x;
                double noBound = bound.Function == "max" ? double.NegativeInfinity : double.PositiveInfinity;
                if (limit is NName { Primes: 0 } p && _model.Parameters.FirstOrDefault(q => q.Name == p.Name) is { } parameter
                    && parameter.Value is not null && EvaluatesTo(parameter.Value, noBound) && !MentionedElsewhere(p.Name, statement))
                {
                    // An infinite bound does nothing; Meta has no assignments after the integration, so the parameter goes.
                    _droppedParameters.Add(p.Name);
                    continue;
                }
            }
            if (statement is NAssignment { Operator: "+=" or "-=" } increment && Mentions(increment.Value, _model.Inputs.Where(i => i.Spike).Select(i => i.Name)))
            {
                var port = _model.Inputs.First(i => i.Spike && Mentions(increment.Value, i.Name));
                Increment(statement, port.Name, "the update block");
                continue;
            }
            dynamics.AfterUpdate.AddRange(TranslateBlock([statement], dynamics, "after integrate_odes() in the update block"));
        }
    }

    private bool IsState(NExpr e, string name) => e is NName { Primes: 0 } n && n.Name == name && _scope.Find(name)?.Kind == SymbolKind.State;

    private bool EvaluatesTo(NExpr e, double value)
    {
        try { return _translator.Translate(e).Simplify() is NumberExpr n && n.Value.Equals(value); }
        catch (NestmlException) { return false; }
    }

    private static bool Mentions(NExpr e, IEnumerable<string> names) => names.Any(n => Mentions(e, n));

    /// <summary>Whether <paramref name="name"/> appears in any expression of the model outside <paramref name="except"/>.</summary>
    private bool MentionedElsewhere(string name, NStatement except)
    {
        IEnumerable<NExpr> Statements(IEnumerable<NStatement> body) => body.Where(s => !ReferenceEquals(s, except)).SelectMany(s => s switch
        {
            NAssignment a => [a.Value],
            NCallStatement c => c.Call.Arguments,
            NIf i => i.Branches.SelectMany(b => (b.Condition is null ? [] : new[] { b.Condition }).Concat(Statements(b.Body))),
            _ => [],
        });
        var all = _model.State.Concat(_model.Parameters).Concat(_model.Internals).Concat(_model.Inlines).Where(d => d.Value is not null).Select(d => d.Value!)
            .Concat(_model.Odes.Select(o => o.RightHandSide)).Concat(_model.Kernels.SelectMany(k => k.System is null ? [k.Value!] : k.System.SelectMany(v => new[] { v.RightHandSide, v.Initial! })))
            .Concat(Statements(_model.Update ?? []))
            .Concat(_model.OnReceive.SelectMany(r => Statements(r.Body)))
            .Concat(_model.OnCondition.SelectMany(c => Statements(c.Body).Prepend(c.Condition)));
        return all.Any(e => Mentions(e, name));
    }

    /// <summary>
    /// <c>X += c * port * s</c>: spikes add a constant multiple of their weight to state X (a receptor). Returns X's Meta name.
    /// A port's value is its weight per second (NESTML's unit 1/s), so <c>port * s</c> is the weight.
    /// </summary>
    private string Increment(NStatement statement, string port, string where)
    {
        if (statement is not NAssignment { Operator: "+=" or "-=" } a)
            throw _context.Unsupported(statement.Line, $"{Describe(statement)} in {where} (Meta's receptors add a multiple of the weight to a state: 'X += c * {port} * s')");
        string target = Scope.DerivativeName(a.Target, a.Primes);
        if (_scope.Find(target)?.Kind != SymbolKind.State) throw _context.Error(a.Line, $"'{target}' is not a state variable");
        _translator.SpikePort = n => n.Name == port
            ? new BinaryExpr(BinaryOperator.Divide, new SymbolExpr(WeightSymbol), new NumberExpr(1000))
            : throw _context.Unsupported(n.Line, $"the spike port '{n.Name}' in the handler of '{port}'");
        Expr value;
        try { value = _translator.Translate(a.Value); }
        finally { _translator.SpikePort = null; }
        if (a.Operator == "-=") value = new NegateExpr(value);
        var coefficient = value.Derivative(WeightSymbol);
        bool linear = !coefficient.Symbols().Contains(WeightSymbol)
                      && value.Substitute(WeightSymbol, new NumberExpr(0)).Simplify() is NumberExpr { Value: 0 };
        if (!linear) throw _context.Unsupported(a.Line, $"an increment of '{target}' that is not proportional to the spike weight ('{target} += c * {port} * s')");
        foreach (var s in coefficient.Symbols().Where(s => !DeclaredParameters.Contains(s)))
            throw _context.Unsupported(a.Line, $"an increment per spike weight that depends on '{s}' (Meta's receptor scales are expressions of parameters)");
        AddEffect(port, target, coefficient, a.Line, perNestWeight: true);
        return target;
    }
}
