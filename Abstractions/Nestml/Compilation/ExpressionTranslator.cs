using System.Collections.Immutable;
using Meta.Expressions;
using Meta.Models;
using Meta.Nestml.Syntax;
using Meta.Nestml.Units;

namespace Meta.Nestml.Compilation;

/// <summary>
/// Translates NESTML expressions into Meta's expression trees in Meta's coherent units (<see cref="NestmlUnits"/>):
/// units become their factors, internals are substituted by their values, the continuous input port becomes
/// <c>i_inj</c>, <c>resolution()</c> becomes <c>dt</c>. What a spike port or <c>convolve()</c> becomes is decided by the
/// caller (<see cref="SpikePort"/>, <see cref="Convolve"/>); elsewhere they are errors.
/// </summary>
internal sealed class ExpressionTranslator(Scope scope, CompileContext context)
{
    private static readonly Dictionary<string, string> SameFunctions = new(StringComparer.Ordinal)
    {
        ["exp"] = "exp", ["log"] = "log", ["ln"] = "log", ["sqrt"] = "sqrt", ["sin"] = "sin", ["cos"] = "cos", ["tan"] = "tan",
        ["tanh"] = "tanh", ["abs"] = "abs", ["floor"] = "floor", ["ceil"] = "ceil", ["min"] = "min", ["max"] = "max", ["pow"] = "pow",
    };

    /// <summary>NESTML's built-in functions that <see cref="Call"/> translates besides <see cref="SameFunctions"/>; no model may redefine one.</summary>
    private static readonly HashSet<string> OtherBuiltIns = new(StringComparer.Ordinal)
    {
        "log10", "expm1", "resolution", "timestep", "convolve", "steps", "delta", "random_normal", "random_uniform", "random_poisson",
        "emit_spike", "integrate_odes",
    };

    /// <summary>Whether <paramref name="name"/> is one of NESTML's built-in functions.</summary>
    private static bool IsBuiltIn(string name) => SameFunctions.ContainsKey(name) || OtherBuiltIns.Contains(name);

    private readonly Dictionary<string, Expr> _internals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expanding = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NFunction> _functions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _calling = new(StringComparer.Ordinal);
    private Dictionary<string, Expr> _bindings = new(StringComparer.Ordinal);
    // The dimensions of the names that hide the model's where a call's arguments are translated: the block's locals, or
    // inside an inlined function its parameters and locals.
    private Dictionary<string, Dimension> _dimensions = new(StringComparer.Ordinal);

    /// <summary>The model's function definitions, inlined where they are called.</summary>
    public void DefineFunctions(IEnumerable<NFunction> functions)
    {
        foreach (var f in functions)
        {
            if (IsBuiltIn(f.Name))
                throw context.Error(f.Line, $"the function '{f.Name}' redefines a built-in function");
            if (!_functions.TryAdd(f.Name, f)) throw context.Error(f.Line, $"the function '{f.Name}' is defined twice (first at line {_functions[f.Name].Line})");
            var names = f.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            for (int i = 0; i < f.Body.Count; i++)
            {
                if (f.Body[i] is NLocal local) names.Add(local.Name);
                bool inlinable = f.Body[i] switch
                {
                    NLocal => true,
                    NAssignment { Primes: 0 } a => names.Contains(a.Target),
                    NReturn { Value: not null } => i == f.Body.Count - 1,
                    _ => false,
                };
                if (!inlinable)
                    throw context.Unsupported(f.Body[i].Line,
                        $"this statement in the function '{f.Name}' (Meta inlines functions made of local variables, assignments to them and parameters, and a final 'return value')");
            }
            if (f.Body.Count == 0 || f.Body[^1] is not NReturn) throw context.Error(f.Line, $"the function '{f.Name}' does not end with 'return value'");
        }
    }

    /// <summary>
    /// Translates <paramref name="e"/> with the names in <paramref name="bindings"/> standing for the given expressions
    /// (kernel variables, onCondition locals); they hide the model's names.
    /// </summary>
    public Expr Translate(NExpr e, IReadOnlyDictionary<string, Expr> bindings)
    {
        var saved = _bindings;
        _bindings = new Dictionary<string, Expr>(bindings, StringComparer.Ordinal);
        try { return Translate(e); }
        finally { _bindings = saved; }
    }

    /// <summary>What a bare spike port stands for (onReceive and update statements); null: an error.</summary>
    public Func<NName, Expr>? SpikePort { get; set; }

    /// <summary>What <c>convolve(kernel, port)</c> stands for; null: an error.</summary>
    public Func<NCall, Expr>? Convolve { get; set; }

    /// <summary>The local variables of the update block translated so far: each stands for itself.</summary>
    public HashSet<string> Locals { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Records the declared type of a block's local variable (update block, onCondition), so that a call passing it to a
    /// model's function converts it as its unit requires (<c>real</c>, <c>integer</c>, <c>boolean</c>: no type).
    /// </summary>
    public void DeclareLocal(string name, NExpr? type) => _dimensions[name] = type is null ? Dimension.None : scope.UnitDimension(type);

    /// <summary>
    /// Whether <c>random_normal</c> and <c>random_uniform</c> may be used (update-block statements): they become draws of
    /// Meta's <c>uniform()</c>, numbered by the model builder (docs/nestml.md).
    /// </summary>
    public bool RandomAllowed { get; set; }

    /// <summary>The translation of <paramref name="e"/>.</summary>
    public Expr Translate(NExpr e) => e switch
    {
        NNumber n => new NumberExpr(n.Value),
        NName n => Name(n),
        NUnary { Operator: "-" } u => Negate(Translate(u.Operand)),
        NUnary { Operator: "+" } u => Translate(u.Operand),
        NUnary { Operator: "not" } u => new NotExpr(Translate(u.Operand)),
        NBinary b => new BinaryExpr(Operator(b), Translate(b.Left), Translate(b.Right)),
        NConditional c => new ConditionalExpr(Translate(c.Condition), Translate(c.Then), Translate(c.Else)),
        NCall c => Call(c),
        _ => throw context.Error(e.Line, $"cannot translate {e}"),
    };

    private static Expr Negate(Expr x) => x is NumberExpr n ? new NumberExpr(-n.Value) : new NegateExpr(x);

    private BinaryOperator Operator(NBinary b) => b.Operator switch
    {
        "+" => BinaryOperator.Add,
        "-" => BinaryOperator.Subtract,
        "*" => BinaryOperator.Multiply,
        "/" => BinaryOperator.Divide,
        "**" => BinaryOperator.Power,
        "<" => BinaryOperator.Less,
        "<=" => BinaryOperator.LessOrEqual,
        ">" => BinaryOperator.Greater,
        ">=" => BinaryOperator.GreaterOrEqual,
        "==" => BinaryOperator.Equal,
        "!=" => BinaryOperator.NotEqual,
        "and" => BinaryOperator.And,
        "or" => BinaryOperator.Or,
        _ => throw context.Unsupported(b.Line, $"the operator '{b.Operator}'"),
    };

    private Expr Name(NName n)
    {
        if (n.Primes == 0 && _bindings.TryGetValue(n.Name, out var bound)) return bound;
        if (n.Name.Contains('$', StringComparison.Ordinal))
            throw context.Unsupported(n.Line, $"the kernel variable '{n.Written}' outside its kernel's ODEs (use convolve() with the kernel)");
        var symbol = scope.Find(n.Primes == 0 ? n.Name : Scope.DerivativeName(n.Name, n.Primes));
        if (symbol is null && n.Primes > 0)
            throw context.Unsupported(n.Line, $"the derivative '{n.Written}' in an expression (declare '{n.Written}' as a state variable)");
        if (symbol is not null)
        {
            switch (symbol.Kind)
            {
                case SymbolKind.Parameter:
                case SymbolKind.Inline:
                case SymbolKind.State:
                    return new SymbolExpr(symbol.Name);
                case SymbolKind.Internal:
                    return Internal(symbol, n.Line);
                case SymbolKind.ContinuousPort:
                    return new SymbolExpr(ModelDefinition.InjectedCurrent);
                case SymbolKind.SpikePort:
                    return SpikePort?.Invoke(n) ?? throw context.Unsupported(n.Line,
                        $"the spike input port '{n.Name}' outside convolve() and onReceive (Meta's receptors take spikes as increments of a state variable)");
                case SymbolKind.Kernel:
                    throw context.Error(n.Line, $"the kernel '{n.Name}' is used outside convolve()");
            }
        }
        if (n.Primes == 0 && Locals.Contains(n.Name)) return new SymbolExpr(n.Name);
        if (NestmlUnits.TryGet(n.Name, out var unit)) return new NumberExpr(unit.Factor);
        return n.Name switch
        {
            "e" => new NumberExpr(Math.E),
            "pi" => new NumberExpr(Math.PI),
            "inf" => new NumberExpr(double.PositiveInfinity),
            "true" => new NumberExpr(1),
            "false" => new NumberExpr(0),
            "t" => new SymbolExpr("t"),
            _ => throw context.Error(n.Line, $"unknown name '{n.Name}' (not a parameter, state, internal, inline, input port or unit)"),
        };
    }

    /// <summary>An internal is replaced by its value (an expression of parameters), so it may appear where only parameters may.</summary>
    private Expr Internal(SymbolInfo symbol, int line)
    {
        if (_internals.TryGetValue(symbol.Name, out var done)) return done;
        var value = symbol.Declaration!.Value ?? throw context.Error(symbol.Line, $"the internal '{symbol.Name}' has no value");
        if (!_expanding.Add(symbol.Name)) throw context.Error(line, $"the internal '{symbol.Name}' is defined in terms of itself");
        try
        {
            var translated = Translate(value);
            _internals[symbol.Name] = translated;
            return translated;
        }
        finally { _expanding.Remove(symbol.Name); }
    }

    private Expr Call(NCall c)
    {
        if (SameFunctions.TryGetValue(c.Function, out var meta))
        {
            int arity = MathFunctions.Arity[meta];
            if (c.Arguments.Count != arity) throw context.Error(c.Line, $"{c.Function}() takes {arity} argument(s), got {c.Arguments.Count}");
            return new CallExpr(meta, c.Arguments.Select(Translate).ToImmutableArray());
        }
        switch (c.Function)
        {
            case "log10" when c.Arguments.Count == 1:
                return new BinaryExpr(BinaryOperator.Divide, new CallExpr("log", [Translate(c.Arguments[0])]), new NumberExpr(Math.Log(10)));
            case "expm1" when c.Arguments.Count == 1:
                return new BinaryExpr(BinaryOperator.Subtract, new CallExpr("exp", [Translate(c.Arguments[0])]), new NumberExpr(1));
            case "resolution" or "timestep" when c.Arguments.Count == 0:
                return new SymbolExpr("dt");
            case "convolve" when c.Arguments.Count == 2:
                return Convolve?.Invoke(c) ?? throw context.Unsupported(c.Line, "convolve() outside the equations block's inline expressions and ODEs");
            case "steps" when c.Arguments.Count == 1:
                // NEST's Time::get_steps() of a time: the nearest whole number of steps.
                return new CallExpr("floor", [new BinaryExpr(BinaryOperator.Add, new BinaryExpr(BinaryOperator.Divide, Translate(c.Arguments[0]), new SymbolExpr("dt")), new NumberExpr(0.5))]);
            case "random_normal" when RandomAllowed && c.Arguments.Count == 2:
                return RandomDraws.Normal(Translate(c.Arguments[0]), Translate(c.Arguments[1]));
            case "random_uniform" when RandomAllowed && c.Arguments.Count == 2:
                return RandomDraws.Uniform(Translate(c.Arguments[0]), Translate(c.Arguments[1]));
            case "random_normal" or "random_uniform" or "random_poisson":
                throw context.Unsupported(c.Line, RandomAllowed
                    ? $"random numbers ('{c.Function}()' with {c.Arguments.Count} arguments; Meta takes random_normal(mean, std) and random_uniform(low, high))"
                    : $"random numbers ('{c.Function}()') outside the update block");
            case "delta":
                throw context.Unsupported(c.Line, "delta() outside a kernel definition");
            case "emit_spike" or "integrate_odes":
                throw context.Error(c.Line, $"{c.Function}() is a statement, not a value");
            case var builtIn when OtherBuiltIns.Contains(builtIn):
                throw context.Error(c.Line, $"the built-in function {builtIn}() does not take {c.Arguments.Count} argument(s)");
            default:
                if (_functions.TryGetValue(c.Function, out var function)) return Inline(function, c);
                throw context.Unsupported(c.Line, $"the function '{c.Function}()' (not built in and not defined in the model)");
        }
    }

    /// <summary>
    /// A call of a model's function, inlined: its parameters stand for the translated arguments, its locals for their
    /// values, and the call for what it returns. Bodies of local declarations, assignments to them and one final
    /// <c>return</c> are inlined; other statements are refused with their line. A quantity passed to a parameter typed
    /// <c>real</c>, or returned as <c>real</c>, becomes NEST's number for it, its value in NEST's units (pA, nS, pF: the
    /// value in Meta's units times <see cref="NestNumberPerMetaValue"/>), as NEST computes with those numbers
    /// (<c>compute_synapse_constant(Tau_1, Tau_2, g_peak)</c> with <c>g_peak real</c> and an argument in nS).
    /// </summary>
    private Expr Inline(NFunction f, NCall call)
    {
        if (call.Arguments.Count != f.Parameters.Count)
            throw context.Error(call.Line, $"{f.Name}() takes {f.Parameters.Count} argument(s), got {call.Arguments.Count}");
        if (!_calling.Add(f.Name)) throw context.Unsupported(call.Line, $"a recursive call of the function '{f.Name}'");
        var arguments = call.Arguments.Select(Translate).ToList();
        var dimensions = new Dictionary<string, Dimension>(StringComparer.Ordinal);
        for (int i = 0; i < arguments.Count; i++)
        {
            var parameter = f.Parameters[i];
            dimensions[parameter.Name] = parameter.Type is null ? Dimension.None : scope.UnitDimension(parameter.Type);
            if (parameter.Type is null && ArgumentDimension(call, i) is var d && NestNumberPerMetaValue(d) != 1)
                arguments[i] = new BinaryExpr(BinaryOperator.Multiply, arguments[i], new NumberExpr(NestNumberPerMetaValue(d)));
        }
        var saved = _bindings;
        var savedDimensions = _dimensions;
        _bindings = new Dictionary<string, Expr>(StringComparer.Ordinal);
        _dimensions = dimensions;
        try
        {
            for (int i = 0; i < arguments.Count; i++) _bindings[f.Parameters[i].Name] = arguments[i];
            foreach (var statement in f.Body)
            {
                switch (statement)
                {
                    case NLocal local:
                        _bindings[local.Name] = Translate(local.Value);
                        dimensions[local.Name] = local.Type is null ? Dimension.None : scope.UnitDimension(local.Type);
                        break;
                    case NAssignment { Primes: 0 } a when _bindings.TryGetValue(a.Target, out var before):
                        var assigned = Translate(a.Value);
                        _bindings[a.Target] = CompoundAssignment.Combine(a.Operator, before, assigned, context, a.Line);
                        break;
                    case NReturn { Value: { } result } when ReferenceEquals(statement, f.Body[^1]):
                        var value = Translate(result);
                        if (f.ReturnType is null && ReturnDimension(f, statement.Line, result, dimensions) is var d && NestNumberPerMetaValue(d) != 1)
                            value = new BinaryExpr(BinaryOperator.Multiply, value, new NumberExpr(NestNumberPerMetaValue(d)));
                        return value;
                    default:
                        throw context.Unsupported(statement.Line,
                            $"this statement in the function '{f.Name}' (Meta inlines functions made of local variables, assignments to them and a final 'return value')");
                }
            }
            throw context.Error(f.Line, $"the function '{f.Name}' does not end with 'return value'");
        }
        finally
        {
            _bindings = saved;
            _dimensions = savedDimensions;
            _calling.Remove(f.Name);
        }
    }

    /// <summary>
    /// The dimension of argument <paramref name="i"/> of <paramref name="call"/> in the caller's scope: the model's names,
    /// and the caller's locals (an inlined function's parameters and locals, the block's locals) with their declared types.
    /// An argument whose unit cannot be told is an error naming the call, never passed unconverted (which would be 1000
    /// times off for a current or conductance).
    /// </summary>
    private Dimension ArgumentDimension(NCall call, int i)
    {
        string what = $"cannot tell the unit of argument {i + 1} of {call.Function}() (its parameter is typed real, which takes NEST's number for a quantity)";
        Dimension? dimension;
        try { dimension = scope.DimensionOf(call.Arguments[i], _dimensions); }
        catch (NestmlException e) { throw context.Error(call.Line, $"{what}: {e.Message}"); }
        return dimension ?? throw context.Error(call.Line, what);
    }

    /// <summary>
    /// The dimension of the value <paramref name="f"/> returns (at <paramref name="line"/>) as <c>real</c>, in the function's
    /// scope (<paramref name="dimensions"/>: its parameters and locals with their declared types). A value whose unit cannot be
    /// told is an error naming the function, never returned unconverted (which would be 1000 times off for a current or
    /// conductance), as for an argument (<see cref="ArgumentDimension"/>).
    /// </summary>
    private Dimension ReturnDimension(NFunction f, int line, NExpr result, Dictionary<string, Dimension> dimensions)
    {
        string what = $"cannot tell the unit of the value {f.Name}() returns (its return type is real, which gives NEST's number for a quantity)";
        Dimension? dimension;
        try { dimension = scope.DimensionOf(result, dimensions); }
        catch (NestmlException e) { throw context.Error(line, $"{what}: {e.Message}"); }
        return dimension ?? throw context.Error(line, what);
    }

    /// <summary>
    /// NEST's number for a quantity of dimension <paramref name="d"/> per Meta's: NEST computes in mV, ms, pA (so nS, pF)
    /// and mmol, Meta in mV, ms, nA (µS, nF) and mmol, so each power of the ampere is a factor 1000.
    /// </summary>
    private static double NestNumberPerMetaValue(Dimension d) => Math.Pow(1000, d.Ampere);
}
