using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Models;

namespace Meta.Lowering.Kernels;

/// <summary>
/// Writes the step of one neuron model as a <see cref="CellKernel"/>, once for every backend (docs/semantics.md, "The order
/// of work in step k"): the states are read; the input arriving in the step is added to the receptor targets (voltage
/// jumps wait); for a crossing threshold the condition is taken on the start-of-step state; the exact linear subsystem
/// gives its mid-step and end-of-step values; refractory cells take their clamp values; the other states advance by the
/// plan's scheme; clamps hold again and voltage jumps land (not on a clamped target); the threshold is tested on the new
/// state (not in refractory cells); the cells that spiked are reset, restart their refractory counters and emit; the
/// states are written back. With precise spike times (<see cref="PreciseSpikeTimes"/>) the threshold, reset and refractory
/// phases take their off-grid form (NeuronKernelBuilder.Precise.cs).
/// </summary>
internal sealed partial class NeuronKernelBuilder
{
    /// <summary>The buffer of the refractory period in steps.</summary>
    public const string RefractoryStepsName = "__refractory_steps";

    /// <summary>The buffer of a receptor's weight scale.</summary>
    public static string ScaleName(string receptor) => "__scale__" + receptor;

    private readonly ModelDefinition _model;
    private readonly IntegrationPlan _plan;
    private readonly DerivedValues _derived;
    private readonly ExpressionLowering _lowering;
    private readonly CallSharing _sharing = new();
    private readonly HashSet<string> _linear;
    private readonly HashSet<string> _resetTargets;
    private readonly int _subSteps;
    private readonly bool _precise;
    private readonly bool _offGrid;
    private readonly IReadOnlyList<ExactDelivery.Plan>? _exactPlans;

    /// <param name="model">The model.</param>
    /// <param name="isUniform">Which parameters, coefficients, scales and the refractory period hold one value for the whole group.</param>
    /// <param name="dt">The time step (ms), which fixes the number of sub-steps (<see cref="IntegrationPlan.SubSteps"/>).</param>
    /// <param name="offGrid">
    /// Whether the run uses <c>spike_precision="off_grid"</c>: spike times are then found within the step where the model allows
    /// it (<see cref="PreciseSpikeTimes.AppliesTo"/>; a model it does not apply to keeps its spikes on the grid), and the
    /// receptors of <paramref name="exactPlans"/> read a second ring (exact delivery).
    /// </param>
    /// <param name="exactPlans">With <paramref name="offGrid"/>, the receptors that take spikes with offsets exactly (of the model's <see cref="ExactDelivery.For"/>); null: all of those.</param>
    public NeuronKernelBuilder(ModelDefinition model, Func<string, bool> isUniform, double dt, bool offGrid = false, IReadOnlyList<ExactDelivery.Plan>? exactPlans = null)
    {
        _exactPlans = exactPlans;
        _model = model;
        _precise = offGrid && PreciseSpikeTimes.AppliesTo(model);
        _offGrid = offGrid;
        _plan = IntegrationPlan.For(model);
        _subSteps = _plan.SubSteps(dt);
        _derived = new DerivedValues(isUniform);
        var values = model.KernelParameters.Concat(_plan.Coefficients.Select(c => c.Name)).Concat(model.Receptors.Select(r => ScaleName(r.Name)))
            .Append(RefractoryStepsName).ToHashSet(StringComparer.Ordinal);
        _lowering = new ExpressionLowering(n => values.Contains(n) || _derived.IsDerived(n), _derived);
        _linear = _plan.Linear.SelectMany(c => c.States).ToHashSet();
        // Linear states a reset or the update block after the integration assigns are read from their own local after it.
        _resetTargets = model.Reset.Select(r => r.Target)
            .Concat(model.AfterIntegration.Flatten().OfType<UpdateAssignment>().Select(a => a.Target).Where(t => model.FindState(t) is not null))
            .ToHashSet();
    }

    /// <summary>The values folded out of the kernel, valid once <see cref="Build"/> has run.</summary>
    public DerivedValues Derived => _derived;

    private static string S(string state) => KernelSymbols.Local(state);
    private static string S(string state, string variant) => KernelSymbols.Local($"{state}#{variant}");
    private static string In(int r) => KernelSymbols.Local($"#in{r}");
    private static string Jump(int r) => KernelSymbols.Local($"#jump{r}");
    private static string Decayed(int r) => KernelSymbols.Local($"#decayed{r}");
    private static string Charge(int r) => KernelSymbols.Local($"#charge{r}");
    private static readonly string Refractory = KernelSymbols.Local("#refractory");
    private static readonly string Spike = KernelSymbols.Local("#spike");
    private static readonly string Crossed = KernelSymbols.Local("#crossed");
    private static readonly string WasAbove = KernelSymbols.Local("#wasAbove");

    private static Expr Sym(string name) => Expr.Symbol(name);
    private static readonly Expr Dt = Expr.Symbol(KernelSymbols.Timestep);
    private static readonly Expr T = Expr.Symbol(KernelSymbols.Time);
    private static Expr HalfDt => new BinaryExpr(BinaryOperator.Multiply, 0.5, Dt);
    private static Expr MidTime => new BinaryExpr(BinaryOperator.Add, T, HalfDt);

    /// <summary>
    /// A model expression in kernel form: lowered (<see cref="ExpressionLowering"/>), then its states renamed to the locals
    /// <paramref name="state"/> gives and <c>t</c> replaced by <paramref name="time"/>.
    /// </summary>
    private Expr K(Expr modelExpr, Func<string, string> state, Expr? time = null)
    {
        var lowered = _lowering.Lower(_model.ExpandAliases(modelExpr));
        return lowered.Substitute(n =>
            n == KernelSymbols.Time ? time ?? T
            : _model.FindState(n) is not null ? Sym(state(n))
            : null);
    }

    /// <summary>After the linear update, linear states are read at their end-of-step value (unless a reset assigns them).</summary>
    private string AtEnd(string n) => _linear.Contains(n) && !_resetTargets.Contains(n) ? S(n, "end") : S(n);

    private static Expr Add(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Add, a, b);
    private static Expr Mul(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Multiply, a, b);

    /// <summary>Builds the kernel.</summary>
    public CellKernel Build()
    {
        var model = _model;
        var plan = _plan;
        var clamp = model.Refractory?.Clamp ?? [];
        var clamped = clamp.Select(a => a.Target).ToHashSet();
        bool refractory = model.Refractory is not null;
        var phases = new List<KernelPhase>();

        // Load.
        phases.Add(new(Phase.Load, model.States.Select(s => (Statement)new Let(S(s.Name), Sym(s.Name))).ToList()));

        // Receive events: synaptic receptors add their input to the target now, at the start of the step; voltage jumps
        // are added after the integration, so the jump is not decayed.
        var receive = new List<Statement>();
        // Off-grid spikes through exponentially decaying receptors (ExactDelivery): the decayed sum goes to the synaptic
        // state, the charge that flowed before the grid point to the other states (computed before any state changes).
        var exact = _offGrid ? (_exactPlans ?? ExactDelivery.For(model)).ToDictionary(p => p.Receptor) : new Dictionary<int, ExactDelivery.Plan>();
        var exactRing = exact.Keys.Order().Select((r, q) => (r, q)).ToDictionary(x => x.r, x => model.Receptors.Count + x.q);
        var charges = new List<(string State, string Local)>();
        foreach (var (r, p) in exact.OrderBy(e => e.Key))
        {
            var rec = model.Receptors[r];
            receive.Add(new ReceiveInput(In(r), r));
            receive.Add(new ReceiveInput(Decayed(r), exactRing[r]));
            // The second ring holds Σw·(1 − exp(−kΔ')): the charge that flowed before the grid point is scale·that/k.
            receive.Add(new Let(Charge(r), new BinaryExpr(BinaryOperator.Divide, Scaled(Sym(Decayed(r)), rec), K(p.Rate, S))));
            foreach (var (state, slope) in p.Slopes)
            {
                string local = S(state, $"charge{r}");
                receive.Add(new Let(local, Mul(K(slope, S), Sym(Charge(r)))));
                charges.Add((state, local));
            }
        }
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            var rec = model.Receptors[r];
            if (exact.ContainsKey(r))
            {
                // Σw·exp(−kΔ') = Σw − Σw·(1 − exp(−kΔ')): the state as if every spike had arrived at its own time.
                Expr sum = new BinaryExpr(BinaryOperator.Subtract, Sym(In(r)), Sym(Decayed(r)));
                receive.Add(new Assign(S(rec.Target), Add(Sym(S(rec.Target)), Scaled(sum, rec))));
                continue;
            }
            receive.Add(new ReceiveInput(In(r), r));
            var weighted = Scaled(Sym(In(r)), rec);
            if (rec.Kind == ReceptorKind.VoltageJump) receive.Add(new Let(Jump(r), weighted));
            else receive.Add(new Assign(S(rec.Target), Add(Sym(S(rec.Target)), weighted)));
        }
        foreach (var (state, local) in charges) receive.Add(new Assign(S(state), Add(Sym(S(state)), Sym(local))));

        // value times the receptor's scale. A scale that is a constant of the model (the 1 of most receptors) is structure,
        // not a value: it stays in code (a 1 is left out).
        Expr Scaled(Expr value, ReceptorDefinition rec) => rec.Scale.Symbols().Count > 0 ? Mul(value, K(Sym(ScaleName(rec.Name)), S))
            : rec.Scale.Simplify() is NumberExpr { Value: 1 } ? value
            : Mul(value, rec.Scale.Simplify());
        // A crossing threshold fires only where the condition was false at the start of the step (after the input).
        if (model.ThresholdCrossing) receive.Add(new LetMask(WasAbove, K(model.Threshold!, S)));
        if (_precise) receive.AddRange(PreciseStart());
        phases.Add(new(Phase.ReceiveEvents, receive));

        // Integrate. An update block before the integration runs first (with the refractory mask read before it).
        var integrate = new List<Statement>();
        bool refractoryRead = false;
        if (model.HasUpdateBlock && refractory)
        {
            integrate.Add(new ReadRefractory(Refractory));
            refractoryRead = true;
        }
        var update = new UpdateBlockLowering(S, refractory ? Refractory : null);
        if (model.BeforeIntegration.Count > 0) integrate.AddRange(update.Lower(model.BeforeIntegration, e => K(e, S), "pre"));
        // The exact linear subsystem: mid-step values (where read) and end-of-step values, from the start values.
        foreach (var c in plan.Linear)
        {
            for (int i = 0; i < c.States.Count; i++)
            {
                var x = c.States[i];
                if (plan.MidStepNeeded.Contains(x)) integrate.Add(new Let(S(x, "mid"), K(c.Propagate(i, mid: true), S)));
                integrate.Add(new Let(S(x, "end"), K(c.Propagate(i, mid: false), S)));
            }
        }
        // Refractory cells: clamped states take their clamp value before the integration (and again after it).
        var clampLocals = new Dictionary<string, string>();
        if (refractory)
        {
            if (_precise) integrate.AddRange(PreciseRefractoryRead());
            else if (!refractoryRead) integrate.Add(new ReadRefractory(Refractory));
            foreach (var a in clamp)
            {
                var value = K(a.Value, AtEnd);
                if (a.Increment) value = Add(Sym(S(a.Target)), value);
                string local = S(a.Target, "clamp");
                clampLocals[a.Target] = local;
                integrate.Add(new Let(local, value));
                integrate.Add(new Assign(S(a.Target), Sym(local), Refractory));
            }
        }
        // The other states.
        integrate.AddRange(Integration());
        phases.Add(new(Phase.Integrate, integrate));

        // Clamp again; then voltage jumps, except where a refractory clamp holds the target (a clamped membrane ignores
        // input, as in NEST).
        var clampPhase = new List<Statement>();
        foreach (var x in clamped) clampPhase.Add(new Assign(S(x), Sym(clampLocals[x]), Refractory));
        if (_precise && refractory) clampPhase.AddRange(PreciseRefractoryEnd(clamped));
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            var rec = model.Receptors[r];
            if (rec.Kind != ReceptorKind.VoltageJump) continue;
            Expr jump = refractory && clamped.Contains(rec.Target) ? new ConditionalExpr(Sym(Refractory), 0.0, Sym(Jump(r))) : Sym(Jump(r));
            clampPhase.Add(new Assign(S(rec.Target), Add(Sym(S(rec.Target)), jump)));
        }
        phases.Add(new(Phase.Clamp, clampPhase));

        // Threshold, on the new state, not in refractory cells.
        var threshold = new List<Statement>();
        foreach (var x in _linear.Where(_resetTargets.Contains)) threshold.Add(new Assign(S(x), Sym(S(x, "end"))));
        // The update block after the integration, on the new state; emit_spike() there makes a spike of its own.
        string? emitted = null;
        if (model.AfterIntegration.Count > 0)
        {
            threshold.AddRange(update.Lower(model.AfterIntegration, e => K(e, AtEnd), "post"));
            emitted = update.EmitMask;
        }
        Expr spike = model.Threshold is null ? new NumberExpr(0) : K(model.Threshold, AtEnd);
        if (_precise) spike = PreciseSpikeCondition(spike, refractory);
        else if (model.Threshold is not null && refractory) spike = new BinaryExpr(BinaryOperator.And, spike, new NotExpr(Sym(Refractory)));
        if (model.Threshold is not null && model.ThresholdCrossing) spike = new BinaryExpr(BinaryOperator.And, spike, new NotExpr(Sym(WasAbove)));
        // With emit_spike() in the update block, the reset and the refractory period follow the threshold only.
        string crossed = emitted is null ? Spike : Crossed;
        threshold.Add(new LetMask(crossed, spike));
        if (emitted is not null) threshold.Add(new LetMask(Spike, new BinaryExpr(BinaryOperator.Or, Sym(Crossed), Sym(emitted))));
        if (_precise) threshold.AddRange(PreciseCrossing(refractory));
        phases.Add(new(Phase.Threshold, threshold));

        // Reset, refractory counters, emission.
        var reset = new List<Statement>();
        if (_precise) reset.AddRange(PreciseReset(crossed, clampLocals, refractory));
        else
        {
            foreach (var a in model.Reset)
            {
                var value = K(a.Value, AtEnd);
                if (a.Increment) value = Add(Sym(S(a.Target)), value);
                reset.Add(new Assign(S(a.Target), value, crossed));
            }
            if (refractory) reset.Add(new CountDown(Refractory, crossed, K(Sym(RefractoryStepsName), S)));
        }
        // With precise spike times the offset is stored before the emission, which may read it (a backend's spike log).
        if (_precise) reset.Add(PreciseOffsetStore(Spike));
        reset.Add(new EmitSpikes(Spike));
        phases.Add(new(Phase.Reset, reset));

        // Store.
        var store = model.States.Select(s => (Statement)new Store(s.Name, Sym(AtEnd(s.Name)))).ToList();
        if (_precise) store.Add(new Store(PreciseSpikeTimes.RefractoryLeft, refractory ? Sym(P("left")) : new NumberExpr(0)));
        phases.Add(new(Phase.Store, store));

        return new CellKernel
        {
            Model = model.Name,
            Buffers = Declarations(phases),
            Receptors = model.Receptors.Count + exact.Count,
            UniformDraws = model.RandomDraws,
            NormalDraws = model.NoiseTerms.Count,
            Refractory = refractory && !_precise,
            SpikeOffset = _precise ? PreciseSpikeTimes.SpikeOffset : null,
            Phases = phases,
            Summary = $"scheme {plan.Scheme}{(_subSteps > 1 ? $" in {_subSteps} sub-steps" : "")}; exactly integrated: {string.Join(", ", _linear)}"
                + (_precise ? "; precise spike times" : "") + (exact.Count > 0 ? "; exact off-grid delivery" : ""),
        };
    }

    /// <summary>The non-linear states' update by the plan's scheme.</summary>
    private List<Statement> Integration()
    {
        var plan = _plan;
        var result = new List<Statement>();
        var targets = plan.Nonlinear;
        if (targets.Count == 0) return result;
        if (_subSteps > 1) return SubStepped(_subSteps);
        var targetNames = targets.Select(t => t.Name).ToHashSet();
        string AtMid(string n) => _linear.Contains(n) ? S(n, "mid") : S(n);
        // The factor is a coefficient when B depends on parameters only, else phi(B) evaluated in the step.
        Expr Factor(NonlinearState x, Func<string, string> state, Expr time) =>
            x.Factor is SymbolExpr ? K(x.Factor, state, time) : KernelSymbols.PhiCall(K(x.SelfCoefficient!, state, time), Dt);

        if (plan.Scheme is IntegrationScheme.EulerMaruyama or IntegrationScheme.Milstein)
        {
            // x' = x + f·dt + Σ g_k·√dt·N_k (+ Milstein: ½·g_k·∂g_k/∂x·dt·(N_k² − 1)), everything at the start of the step.
            var block = targets.Select(x => new Let(S(x.Name, "d"), StochasticIncrement(x))).ToList();
            result.AddRange(_sharing.Share(block));
        }
        else if (plan.Scheme == IntegrationScheme.ExponentialEuler)
        {
            var block = targets.Select(x => new Let(S(x.Name, "d"), Mul(K(x.RightHandSide, AtMid, MidTime), Factor(x, AtMid, MidTime)))).ToList();
            result.AddRange(_sharing.Share(block));
        }
        else if (plan.Scheme == IntegrationScheme.ExponentialMidpoint)
        {
            // Predictor: an exponential Euler half step of every state from the start values (linear states at mid-step).
            var predictor = targets.Select(x => new Let(S(x.Name, "h"), Add(Sym(S(x.Name)),
                Mul(K(x.RightHandSide, AtMid), KernelSymbols.PhiCall(K(x.SelfCoefficient!, AtMid), HalfDt))))).ToList();
            result.AddRange(_sharing.Share(predictor));
            // Corrector: each state's full exponential step, its coefficients A and B taken at mid-step (its own start value).
            var corrector = targets.Select(x =>
            {
                string own = x.Name;
                string Mid(string n) => n == own ? S(n) : _linear.Contains(n) ? S(n, "mid") : targetNames.Contains(n) ? S(n, "h") : S(n);
                return new Let(S(x.Name, "d"), Mul(K(x.RightHandSide, Mid, MidTime), Factor(x, Mid, MidTime)));
            }).ToList();
            result.AddRange(_sharing.Share(corrector));
        }
        else
        {
            // Classical RK4 over the non-linear states; linear states at the start, middle and end of the step.
            string[] linearVariant = ["", "mid", "mid", "end"];
            Expr[] time = [T, MidTime, MidTime, Add(T, Dt)];
            Expr[] scale = [0.0, HalfDt, HalfDt, Dt];
            for (int stage = 0; stage < 4; stage++)
            {
                int st = stage;
                var stageStates = targetNames.ToDictionary(n => n, n => S(n, $"stage{st}"));
                var block = new List<Let>();
                if (st > 0)
                    foreach (var n in targets.Select(x => x.Name))
                        block.Add(new Let(stageStates[n], Add(Sym(S(n)), Mul(scale[st], Sym(S(n, $"k{st}"))))));
                string State(string n) =>
                    _linear.Contains(n) ? (st == 0 ? S(n) : S(n, linearVariant[st]))
                    : targetNames.Contains(n) && st > 0 ? stageStates[n]
                    : S(n);
                foreach (var x in targets) block.Add(new Let(S(x.Name, $"k{st + 1}"), K(x.RightHandSide, State, time[st])));
                result.AddRange(_sharing.Share(block));
            }
            foreach (var x in targets)
            {
                Expr k(int i) => Sym(S(x.Name, $"k{i}"));
                var sum = Add(Add(Add(k(1), Mul(2.0, k(2))), Mul(2.0, k(3))), k(4));
                result.Add(new Assign(S(x.Name), Add(Sym(S(x.Name)), Mul(Mul(Dt, 1.0 / 6), sum))));
            }
            return result;
        }
        foreach (var x in targets) result.Add(new Assign(S(x.Name), Add(Sym(S(x.Name)), Sym(S(x.Name, "d")))));
        return result;
    }

    /// <summary>
    /// The non-linear states' update in <paramref name="n"/> equal sub-steps of the plan's deterministic scheme
    /// (docs/semantics.md, "Sub-steps"). Inside the step the exact linear states are read from the quadratic through their
    /// start, mid-step and end-of-step values (exact to O(dt³)); the time is that of the sub-step's own stages.
    /// </summary>
    private List<Statement> SubStepped(int n)
    {
        var result = new List<Statement>();
        var targets = _plan.Nonlinear;
        var targetNames = targets.Select(t => t.Name).ToHashSet();
        var linearRead = targets.SelectMany(x => x.RightHandSide.Symbols()).Where(_linear.Contains).Distinct().ToList();
        Expr h = Mul(1.0 / n, Dt);
        Expr halfH = Mul(0.5 / n, Dt);
        Expr TimeAt(double s) => Add(T, Mul(s, Dt));
        // The local holding linear state x at fraction s of the step (declared on first use).
        var atFraction = new Dictionary<(string, double), string>();
        string LinearAt(string x, double s)
        {
            if (s == 0) return S(x);
            if (s == 0.5) return S(x, "mid");
            if (s == 1) return S(x, "end");
            if (atFraction.TryGetValue((x, s), out var name)) return name;
            name = S(x, $"at{atFraction.Count}");
            atFraction[(x, s)] = name;
            var value = Add(Add(Mul((2 * s - 1) * (s - 1), Sym(S(x))), Mul(4 * s * (1 - s), Sym(S(x, "mid")))), Mul(s * (2 * s - 1), Sym(S(x, "end"))));
            result.Add(new Let(name, value));
            return name;
        }
        for (int j = 0; j < n; j++)
        {
            double s0 = (double)j / n, sm = (j + 0.5) / n, s1 = (j + 1.0) / n;
            foreach (var x in linearRead) { LinearAt(x, sm); if (_plan.Scheme == IntegrationScheme.RungeKutta4) LinearAt(x, s1); }
            string Sub(string v) => $"{v}{j}";
            if (_plan.Scheme == IntegrationScheme.RungeKutta4)
            {
                double[] fraction = [s0, sm, sm, s1];
                Expr[] scale = [0.0, halfH, halfH, h];
                for (int stage = 0; stage < 4; stage++)
                {
                    int st = stage;
                    var block = new List<Let>();
                    if (st > 0)
                        foreach (var x in targets)
                            block.Add(new Let(S(x.Name, Sub($"stage{st}_")), Add(Sym(S(x.Name)), Mul(scale[st], Sym(S(x.Name, Sub($"k{st}_")))))));
                    string State(string v) =>
                        _linear.Contains(v) ? LinearAt(v, fraction[st])
                        : targetNames.Contains(v) && st > 0 ? S(v, Sub($"stage{st}_"))
                        : S(v);
                    foreach (var x in targets) block.Add(new Let(S(x.Name, Sub($"k{st + 1}_")), K(x.RightHandSide, State, TimeAt(fraction[st]))));
                    result.AddRange(_sharing.Share(block));
                }
                foreach (var x in targets)
                {
                    Expr k(int i) => Sym(S(x.Name, Sub($"k{i}_")));
                    var sum = Add(Add(Add(k(1), Mul(2.0, k(2))), Mul(2.0, k(3))), k(4));
                    result.Add(new Assign(S(x.Name), Add(Sym(S(x.Name)), Mul(Mul(h, 1.0 / 6), sum))));
                }
                continue;
            }
            string AtMid(string v) => _linear.Contains(v) ? LinearAt(v, sm) : S(v);
            if (_plan.Scheme == IntegrationScheme.ExponentialEuler)
            {
                var block = targets.Select(x => new Let(S(x.Name, Sub("d")),
                    Mul(K(x.RightHandSide, AtMid, TimeAt(sm)), KernelSymbols.PhiCall(K(x.SelfCoefficient!, AtMid, TimeAt(sm)), h)))).ToList();
                result.AddRange(_sharing.Share(block));
            }
            else
            {
                // The exponential midpoint of one sub-step: predictor half a sub-step, then the full exponential sub-step.
                var predictor = targets.Select(x => new Let(S(x.Name, Sub("h")), Add(Sym(S(x.Name)),
                    Mul(K(x.RightHandSide, AtMid, TimeAt(s0)), KernelSymbols.PhiCall(K(x.SelfCoefficient!, AtMid, TimeAt(s0)), halfH))))).ToList();
                result.AddRange(_sharing.Share(predictor));
                var corrector = targets.Select(x =>
                {
                    string own = x.Name;
                    string Mid(string v) => v == own ? S(v) : _linear.Contains(v) ? LinearAt(v, sm) : targetNames.Contains(v) ? S(v, Sub("h")) : S(v);
                    return new Let(S(x.Name, Sub("d")), Mul(K(x.RightHandSide, Mid, TimeAt(sm)), KernelSymbols.PhiCall(K(x.SelfCoefficient!, Mid, TimeAt(sm)), h)));
                }).ToList();
                result.AddRange(_sharing.Share(corrector));
            }
            foreach (var x in targets) result.Add(new Assign(S(x.Name), Add(Sym(S(x.Name)), Sym(S(x.Name, Sub("d"))))));
        }
        return result;
    }

    /// <summary>The increment of a state over the step by Euler–Maruyama or Milstein (docs/semantics.md, "Noise terms").</summary>
    private Expr StochasticIncrement(NonlinearState x)
    {
        Expr increment = Mul(K(x.RightHandSide, S), Dt);
        foreach (var term in x.Noise)
        {
            var normal = Sym(KernelSymbols.NormalDraw(term.Draw));
            var g = K(term.Coefficient, S);
            increment = Add(increment, Mul(Mul(g, new CallExpr("sqrt", [Dt])), normal));
            if (term.SelfDerivative is { } dg && dg is not NumberExpr { Value: 0 })
            {
                var squareMinusOne = new BinaryExpr(BinaryOperator.Subtract, Mul(normal, normal), 1.0);
                increment = Add(increment, Mul(Mul(Mul(0.5, g), K(dg, S)), Mul(Dt, squareMinusOne)));
            }
        }
        return increment;
    }

    /// <summary>The buffers the statements read or write: the states first, then the others in order of first use.</summary>
    private List<BufferDeclaration> Declarations(List<KernelPhase> phases)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in _model.States) if (seen.Add(s.Name)) names.Add(s.Name);
        if (_precise) foreach (var s in PreciseSpikeTimes.States) if (seen.Add(s)) names.Add(s);
        foreach (var statement in phases.SelectMany(p => p.Statements))
        {
            foreach (var e in statement.Expressions())
                foreach (var n in e.Symbols())
                    if (IsBuffer(n) && seen.Add(n)) names.Add(n);
        }
        return names.Select(n => new BufferDeclaration(n, RoleOf(n), _model.FindState(n) is not null || RoleOf(n) == BufferRole.State || !_derived.IsUniform(n) ? Storage.PerCell : Storage.Uniform)).ToList();
    }

    private bool IsBuffer(string n) =>
        !KernelSymbols.IsLocal(n) && n != KernelSymbols.Time && n != KernelSymbols.Timestep && n != KernelSymbols.InjectedCurrent
        && !KernelSymbols.TryUniformDraw(n, out _) && !KernelSymbols.TryNormalDraw(n, out _);

    private BufferRole RoleOf(string n) =>
        _model.FindState(n) is not null || (_precise && PreciseSpikeTimes.States.Contains(n)) ? BufferRole.State
        : _model.KernelParameters.Contains(n) ? BufferRole.Parameter
        : n.StartsWith("__derived", StringComparison.Ordinal) ? BufferRole.Derived
        : BufferRole.Coefficient;
}
