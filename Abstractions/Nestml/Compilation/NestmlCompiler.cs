using Meta.Expressions;
using Meta.Models;
using Meta.Nestml.Syntax;
using Meta.Nestml.Units;

namespace Meta.Nestml.Compilation;

/// <summary>
/// Compiles a parsed NESTML neuron model into a Meta <see cref="ModelDefinition"/> through <see cref="ModelBuilder"/>, the
/// way the standard cells are written: parameters and states in Meta's units, inlines as aliases, ODEs, kernels as
/// states with receptors, <c>onCondition</c> as threshold and reset, refractory timers and counters as Meta's
/// refractory period with clamps (docs/nestml.md).
/// </summary>
internal sealed partial class NestmlCompiler
{
    /// <summary>The symbol standing for the weight of the arriving spike while increments are analysed.</summary>
    private const string WeightSymbol = "__weight";
    /// <summary>The symbol standing for a delta-kernel convolution while an ODE is analysed.</summary>
    private const string DeltaSymbol = "__delta";

    private static readonly HashSet<string> Reserved = ["t", "dt", ModelDefinition.InjectedCurrent, ModelDefinition.NoiseSymbol, "spikes"];

    private readonly NModel _model;
    private readonly CompileContext _context;
    private readonly Scope _scope;
    private readonly ExpressionTranslator _translator;
    private readonly ModelBuilder _builder;
    private readonly Dictionary<string, double> _parameterDefaults = new(StringComparer.Ordinal);
    /// <summary>The names of the parameters the file declares.</summary>
    private HashSet<string> DeclaredParameters { get; }
    private readonly HashSet<string> _droppedParameters = new(StringComparer.Ordinal);
    private readonly List<Effect> _effects = [];
    private readonly Dictionary<(string Kernel, string Port), KernelUse> _kernelUses = [];

    private NestmlCompiler(NModel model, string file)
    {
        _model = model;
        _context = new CompileContext(file);
        _scope = new Scope(model, _context);
        _translator = new ExpressionTranslator(_scope, _context);
        _translator.DefineFunctions(model.Functions);
        DeclaredParameters = model.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        _builder = new ModelBuilder(model.Name).Describe($"NESTML model '{model.Name}' imported from {Path.GetFileName(file)}.");
    }

    /// <summary>Compiles <paramref name="model"/>; errors name <paramref name="file"/> and the line.</summary>
    public static ModelDefinition Compile(NModel model, string file) => new NestmlCompiler(model, file).Compile();

    /// <summary>One spike port's effect: arriving weights (Meta's units) times <see cref="Scale"/> are added to <see cref="Target"/>.</summary>
    private sealed record Effect(string Port, string Target, ReceptorKind Kind, Expr Scale, int Line);

    /// <summary>
    /// A kernel convolved with a spike port: the state holding the convolution, the other states of its dynamics (the alpha
    /// kernel's rising state, a kernel ODE system's further variables), the receptor kind and the kernel's form.
    /// </summary>
    private sealed record KernelUse(string State, IReadOnlyList<string> Auxiliaries, ReceptorKind Kind, KernelForm Form);

    private ModelDefinition Compile()
    {
        foreach (var s in _scope.All.Where(s => s.Kind is SymbolKind.Parameter or SymbolKind.State or SymbolKind.Inline))
            if (Reserved.Contains(s.Name) || ModelDefinition.IsNoiseSymbol(s.Name) || s.Name.StartsWith("__", StringComparison.Ordinal))
                throw _context.Error(s.Line, $"the name '{s.Name}' is reserved in Meta's models (reserved: {string.Join(", ", Reserved)}, xi_NAME, names starting with __)");
        if (_model.Inputs.Count(p => !p.Spike) > 1)
            throw _context.Unsupported(_model.Inputs.Where(p => !p.Spike).Skip(1).First().Line, "more than one continuous input port (Meta injects one current, i_inj)");

        RejectSynapseModels();
        var dynamics = AnalyzeUpdate();
        var spiking = AnalyzeOnCondition(dynamics);
        CheckIntegration(dynamics);
        DecideKernelKinds();
        OnReceive(dynamics);
        AfterIntegration(dynamics);
        dynamics.AfterUpdate.AddRange(dynamics.OnConditions);
        Parameters();
        States(dynamics);
        Inlines();
        Odes(dynamics);
        Receptors();
        if (spiking.Threshold is not null) _builder.Threshold(spiking.Threshold.ToString());
        if (spiking.Reset.Count > 0) _builder.Reset([.. spiking.Reset]);
        if (dynamics.Before.Count > 0) _builder.BeforeIntegration([.. dynamics.Before]);
        if (dynamics.AfterUpdate.Count > 0) _builder.AfterIntegration([.. dynamics.AfterUpdate]);
        if (dynamics.Timer is not null || dynamics.Counter is not null)
        {
            var clamp = dynamics.Frozen.Select(s => $"{s} = {s}").ToArray();
            _builder.Refractory(spiking.Period!.ToString(), clamp);
        }
        try
        {
            return _builder.Build();
        }
        catch (Exception e) when (e is InvalidModelException or ExpressionSyntaxException)
        {
            throw _context.Error(_model.Line, $"the compiled model is not valid: {e.Message}");
        }
    }

    /// <summary>
    /// Synapse models send weighted spikes (<c>emit_spike(w)</c>); Meta's synapse types are not NESTML models. Then the
    /// statements the parser kept as unsupported (local variables) are reported.
    /// </summary>
    private void RejectSynapseModels()
    {
        static IEnumerable<NStatement> All(IEnumerable<NStatement> body) =>
            body.SelectMany(s => s is NIf i ? i.Branches.SelectMany(b => All(b.Body)).Prepend(s) : [s]);
        var statements = All(_model.Update ?? []).Concat(_model.OnReceive.SelectMany(r => All(r.Body))).Concat(_model.OnCondition.SelectMany(c => All(c.Body)));
        if (statements.OfType<NCallStatement>().FirstOrDefault(c => c.Call.Function == "emit_spike" && c.Call.Arguments.Count > 0) is { } weighted)
            throw _context.Unsupported(weighted.Line,
                "emit_spike() with a weight, as synapse models send; Meta imports NESTML neuron models (Meta's synapse types are SynapseModel definitions)");
        if (statements.OfType<NUnsupported>().OrderBy(u => u.Line).FirstOrDefault() is { } unsupported)
            throw _context.Unsupported(unsupported.Line, unsupported.Construct);
    }

    private void Parameters()
    {
        foreach (var p in _model.Parameters)
        {
            if (_droppedParameters.Contains(p.Name)) continue;
            var value = p.Value ?? throw _context.Error(p.Line, $"the parameter '{p.Name}' has no default value");
            // A default may read a state's initial value (hh_cond_exp_destexhe's gating defaults read V_m, which starts at E_L).
            var expr = _translator.Translate(value).Substitute(StateInitialValue);
            foreach (var s in expr.Symbols().Where(s => !_parameterDefaults.ContainsKey(s)))
                throw _context.Error(p.Line, $"the default of '{p.Name}' uses '{s}', which is not a parameter declared before it");
            double v = expr.Evaluate(s => _parameterDefaults[s]);
            _parameterDefaults[p.Name] = v;
            _builder.Parameter(p.Name, v, Dimension(p).MetaUnit(), $"NESTML: {p.Name} {p.TypeText} (line {p.Line}).");
        }
    }

    /// <summary>The initial value of state <paramref name="name"/> as written (translated), or null for other names.</summary>
    private Expr? StateInitialValue(string name) =>
        _model.State.FirstOrDefault(s => s.Primes == 0 && s.Name == name) is { Value: { } v } && _scope.Find(name)?.Kind == SymbolKind.State
            ? _translator.Translate(v)
            : null;

    private Dimension Dimension(NDeclaration d) => d.Type is null ? Units.Dimension.None : _scope.UnitDimension(d.Type);

    private void States(Dynamics dynamics)
    {
        var initials = new Dictionary<string, Expr>(StringComparer.Ordinal);
        foreach (var s in _model.State)
        {
            string name = Scope.DerivativeName(s.Name, s.Primes);
            if (name == dynamics.Timer || name == dynamics.Counter) continue;
            var value = s.Value ?? throw _context.Error(s.Line, $"the state variable '{name}' has no initial value");
            // A state's initial value may read states declared before it (NEST evaluates it with their initial values).
            var init = _translator.Translate(value).Substitute(n => initials.GetValueOrDefault(n)).Simplify();
            initials[name] = init;
            // dt stands for the simulation's time step (steps(), resolution()), as NEST evaluates initial values at creation.
            foreach (var sym in init.Symbols().Where(x => !_parameterDefaults.ContainsKey(x) && x != ModelDefinition.TimestepSymbol))
                throw _context.Error(s.Line, $"the initial value of '{name}' uses '{sym}'; Meta's initial values are expressions of parameters and dt");
            string unit = Dimension(s).MetaUnit();
            if (init is NumberExpr n) _builder.State(name, n.Value, unit);
            else _builder.State(name, init.ToString(), unit);
        }
        foreach (var use in _kernelUses.Values)
        {
            string unit = use.Kind switch { ReceptorKind.Current => "nA", ReceptorKind.Conductance => "uS", _ => "mV" };
            _builder.State(use.State, 0.0, unit);
            foreach (var aux in use.Auxiliaries) _builder.State(aux, 0.0, unit, recordable: false);
        }
    }

    private void Inlines()
    {
        _translator.Convolve = KernelConvolution;
        foreach (var i in _model.Inlines)
        {
            var value = i.Value ?? throw _context.Error(i.Line, $"the inline '{i.Name}' has no value");
            _builder.Alias(i.Name, ConstantFolding.Fold(_translator.Translate(value)).ToString());
        }
        _translator.Convolve = null;
    }

    private void Odes(Dynamics dynamics)
    {
        foreach (var ode in _model.Odes)
        {
            string state = ode.Order == 1 ? ode.State : Scope.DerivativeName(ode.State, ode.Order - 1);
            if (state == dynamics.Timer) continue;
            var symbol = _scope.Find(state);
            if (symbol?.Kind != SymbolKind.State)
                throw _context.Error(ode.Line, $"the ODE of '{ode.State}{new string('\'', ode.Order)}' needs the state variable '{(ode.Order == 1 ? ode.State : ode.State + new string('\'', ode.Order - 1))}' in the state block");
            for (int k = 0; k < ode.Order - 1; k++)
            {
                string lower = Scope.DerivativeName(ode.State, k), higher = Scope.DerivativeName(ode.State, k + 1);
                if (_scope.Find(lower)?.Kind != SymbolKind.State) throw _context.Error(ode.Line, $"the ODE of order {ode.Order} needs the state '{lower}'");
                _builder.Ode(lower, higher);
            }
            _translator.Convolve = DeltaOrKernel;
            var rhs = _translator.Translate(ode.RightHandSide);
            _translator.Convolve = null;
            if (rhs.Symbols().Contains(DeltaSymbol))
            {
                var coefficient = rhs.Derivative(DeltaSymbol);
                if (coefficient.Symbols().Any(s => !_parameterDefaults.ContainsKey(s)))
                    throw _context.Unsupported(ode.Line, "a delta-kernel convolution multiplied by a state-dependent factor");
                rhs = rhs.Substitute(DeltaSymbol, new NumberExpr(0)).Simplify();
                foreach (var (port, line) in _deltaPorts) AddEffect(port, state, coefficient, line, perNestWeight: true);
                _deltaPorts.Clear();
            }
            _builder.Ode(state, ConstantFolding.Fold(rhs).ToString());
        }
    }

    private readonly List<(string Port, int Line)> _deltaPorts = [];

    /// <summary>A convolution in an ODE: a delta kernel's is a marker whose coefficient becomes a jump of the ODE's state.</summary>
    private Expr DeltaOrKernel(NCall call)
    {
        var (kernel, port) = ConvolveArguments(call);
        var form = Kernels.Analyze(kernel, _translator, _context);
        if (form.Shape != KernelShape.Delta) return KernelConvolution(call);
        _deltaPorts.Add((port.Name, call.Line));
        return new SymbolExpr(DeltaSymbol);
    }

    private (NKernel Kernel, NInputPort Port) ConvolveArguments(NCall call)
    {
        if (call.Arguments is not [NName { Primes: 0 } k, NName { Primes: 0 } p])
            throw _context.Error(call.Line, "convolve() takes a kernel and a spike input port: convolve(K, spikes)");
        var kernel = _model.Kernels.FirstOrDefault(x => x.Name == k.Name) ?? throw _context.Error(call.Line, $"'{k.Name}' is not a kernel");
        var port = _model.Inputs.FirstOrDefault(x => x.Name == p.Name && x.Spike) ?? throw _context.Error(call.Line, $"'{p.Name}' is not a spike input port");
        return (kernel, port);
    }

    /// <summary>The convolution of an exponential or alpha kernel: the factor from Meta's weights to NEST's times the kernel's state.</summary>
    private Expr KernelConvolution(NCall call)
    {
        var (kernel, port) = ConvolveArguments(call);
        if (!_kernelUses.TryGetValue((kernel.Name, port.Name), out var use))
            throw _context.Unsupported(call.Line, $"a delta kernel ('{kernel.Name}') outside an ODE: its convolution must appear in the ODE of the state it jumps");
        var factor = new BinaryExpr(BinaryOperator.Multiply, new NumberExpr(NestWeightPerMetaWeight(use.Kind)), use.Form.Amplitude).Simplify();
        return new BinaryExpr(BinaryOperator.Multiply, factor, new SymbolExpr(use.State));
    }

    /// <summary>NEST's weights are pA and nS where Meta's are nA and µS (PyNN's units); voltage jumps are mV in both.</summary>
    private static double NestWeightPerMetaWeight(ReceptorKind kind) => kind == ReceptorKind.VoltageJump ? 1.0 : 1000.0;

    /// <summary>Finds every convolution of an exponential or alpha kernel, tells current from conductance input, and makes its states.</summary>
    private void DecideKernelKinds()
    {
        var expressions = _model.Inlines.Where(i => i.Value is not null).Select(i => i.Value!).Concat(_model.Odes.Select(o => o.RightHandSide));
        foreach (var e in expressions)
        {
            foreach (var (call, factors) in Kernels.ConvolveSites(e))
            {
                var (kernel, port) = ConvolveArguments(call);
                var form = Kernels.Analyze(kernel, _translator, _context);
                if (form.Shape == KernelShape.Delta) continue;
                if (factors is null)
                    throw _context.Unsupported(call.Line, $"convolve({kernel.Name}, {port.Name}) inside a function, power, divisor or condition (Meta adds spikes linearly)");
                // The weight's unit is that of the constant factors multiplying the convolution (unit_psc, unit_psg); where
                // those alone do not tell, the divisors too (a convolution written straight into an ODE, over C_m).
                var constants = factors.Where(IsConstant).ToList();
                var multipliers = constants.Where(f => f is not NBinary { Operator: "/", Left: NNumber { Value: 1 } }).ToList();
                var dimension = Product(multipliers);
                if (dimension != Units.Dimension.Current && dimension != Units.Dimension.Conductance) dimension = Product(constants);
                var kind = dimension == Units.Dimension.Current ? ReceptorKind.Current
                    : dimension == Units.Dimension.Conductance ? ReceptorKind.Conductance
                    : throw _context.Unsupported(call.Line,
                        $"convolve({kernel.Name}, {port.Name}) scaled by a constant in {dimension}: Meta's kernel receptors take currents (pA) or conductances (nS)");
                if (_kernelUses.TryGetValue((kernel.Name, port.Name), out var before))
                {
                    if (before.Kind != kind) throw _context.Error(call.Line, $"convolve({kernel.Name}, {port.Name}) is used both as a current and as a conductance");
                    continue;
                }
                string state = $"{kernel.Name}__X__{port.Name}";
                if (form.Shape == KernelShape.OdeSystem)
                {
                    _kernelUses[(kernel.Name, port.Name)] = KernelSystem(kernel, port, state, kind, call.Line);
                    continue;
                }
                string? aux = form.Shape == KernelShape.Alpha ? state + "__y" : null;
                _kernelUses[(kernel.Name, port.Name)] = new KernelUse(state, aux is null ? [] : [aux], kind, form);
                if (form.Shape == KernelShape.Exponential)
                {
                    _builder.Ode(state, form.Decay(state));
                    AddEffect(port.Name, state, new NumberExpr(1), call.Line, perNestWeight: false, kind);
                }
                else
                {
                    _builder.Ode(aux!, form.Decay(aux!));
                    _builder.Ode(state, $"{aux} {form.Decay(state)}");
                    AddEffect(port.Name, aux!, new NumberExpr(1), call.Line, perNestWeight: false, kind);
                }
            }
        }
    }

    private Units.Dimension Product(IEnumerable<NExpr> factors) =>
        factors.Select(f => _scope.DimensionOf(f) ?? Units.Dimension.None).Aggregate(Units.Dimension.None, (a, b) => a * b).WithoutTime;

    /// <summary>Whether <paramref name="e"/> is built from parameters, internals, units and numbers only.</summary>
    private bool IsConstant(NExpr e) => e switch
    {
        NNumber => true,
        NName n => n.Primes == 0 && (_scope.Find(n.Name)?.Kind is SymbolKind.Parameter or SymbolKind.Internal
                                     || (_scope.Find(n.Name) is null && n.Name != "t")),
        NUnary u => IsConstant(u.Operand),
        NBinary b => IsConstant(b.Left) && IsConstant(b.Right),
        NConditional c => IsConstant(c.Condition) && IsConstant(c.Then) && IsConstant(c.Else),
        NCall c => c.Function != "convolve" && c.Arguments.All(IsConstant),
        _ => false,
    };

    /// <summary>The receptor kind of a state that spikes increment: by its unit, per unit of time or not.</summary>
    private ReceptorKind KindOfTarget(string target, int line)
    {
        var d = (_scope.Find(target)?.Dimension ?? Units.Dimension.None).WithoutTime;
        if (d == Units.Dimension.Current) return ReceptorKind.Current;
        if (d == Units.Dimension.Conductance) return ReceptorKind.Conductance;
        if (d == Units.Dimension.Voltage) return ReceptorKind.VoltageJump;
        throw _context.Unsupported(line, $"spikes incrementing '{target}', whose unit is {d}: Meta's receptors add currents (pA), conductances (nS) or voltage jumps (mV)");
    }

    /// <summary>
    /// Records that spikes on <paramref name="port"/> add to <paramref name="target"/>. <paramref name="perNestWeight"/>: the
    /// coefficient is per NEST weight (pA, nS, mV), so it is converted to Meta's weights.
    /// </summary>
    private void AddEffect(string port, string target, Expr coefficient, int line, bool perNestWeight, ReceptorKind? kind = null)
    {
        var k = kind ?? KindOfTarget(target, line);
        var scale = new BinaryExpr(BinaryOperator.Multiply, new NumberExpr(perNestWeight ? NestWeightPerMetaWeight(k) : 1.0), coefficient).Simplify();
        _effects.Add(new Effect(port, target, k, scale, line));
    }

    /// <summary>One receptor per spike port that drives a state (PyNN's names where the ports' qualifiers allow).</summary>
    private void Receptors()
    {
        var used = _effects.GroupBy(e => e.Port).ToList();
        foreach (var g in used.Where(g => g.Select(e => e.Target).Distinct().Count() > 1))
            throw _context.Unsupported(g.Skip(1).First().Line,
                $"spike port '{g.Key}' drives several state variables ({string.Join(", ", g.Select(e => e.Target).Distinct())}); a Meta receptor adds each weight to one");
        string? Qualifier(string port)
        {
            var q = _model.Inputs.First(p => p.Name == port).Qualifiers.Distinct().ToList();
            return q.Count == 1 ? q[0] : null;
        }
        var receptors = new List<(string Name, Effect Effect)>();
        if (used.Count == 1 && Qualifier(used[0].Key) is null)
        {
            // One port for both signs, as NEST's: PyNN's two receptor names, each adding its (signed) weight.
            var e = used[0].First();
            receptors.Add(("excitatory", e));
            receptors.Add(("inhibitory", e));
        }
        else
        {
            var qualifiers = used.Select(g => Qualifier(g.Key)).ToList();
            bool byQualifier = qualifiers.All(q => q is not null) && qualifiers.Distinct().Count() == qualifiers.Count;
            foreach (var g in used)
            {
                var e = g.First();
                string name = byQualifier ? Qualifier(g.Key)! : g.Key;
                // NESTML's inhibitory ports receive the weights' magnitudes, where Meta's inhibitory current and voltage
                // weights are negative (PyNN's rule); receptors named by port take weights >= 0, as given.
                if (name == "inhibitory" && e.Kind != ReceptorKind.Conductance)
                    e = e with { Scale = new NegateExpr(e.Scale).Simplify() };
                receptors.Add((name, e));
            }
        }
        foreach (var (name, e) in receptors.OrderBy(r => r.Name == "excitatory" ? 0 : r.Name == "inhibitory" ? 1 : 2))
            _builder.Receptor(name, e.Target, e.Kind, ConstantFolding.Fold(e.Scale).ToString());
    }

}
