using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Models;

namespace Meta.Lowering.Kernels;

/// <summary>
/// The statements of precise (off-grid) spike times (docs/semantics.md, "Precise spike times"), as NEST's <c>_ps</c>
/// models do it: the crossing time is the root of the cubic Hermite interpolant of g (the threshold function,
/// <see cref="PreciseSpikeTimes.CrossingFunction"/>) through its values and time derivatives at the two ends of the
/// interval searched (the start where g is already above the threshold there); the reset applies at that time, the
/// refractory period runs from it in ms (so it ends inside a step), and the states the reset or the clamp set are advanced
/// by one exponential Euler step: a clamped state over what is left of the step after the refractory period, the others
/// over what is left after the crossing.
/// </summary>
internal sealed partial class NeuronKernelBuilder
{
    private static readonly string Left = KernelSymbols.Local("#left");
    private static readonly string Ends = KernelSymbols.Local("#ends");
    private static readonly string Past = KernelSymbols.Local("#past");
    private static string P(string name) => KernelSymbols.Local("#ps_" + name);

    private Expr _crossing = null!;
    private Expr _crossingRate = null!;

    /// <summary>The model's right-hand side of state <paramref name="state"/> (aliases expanded), or null when it has no ODE.</summary>
    private Expr? RightHandSideOf(string state) =>
        _model.Odes.FirstOrDefault(o => o.State == state) is { } ode ? _model.ExpandAliases(ode.RightHandSide) : null;

    /// <summary>dg/dt along the model's ODEs: Σ ∂g/∂x·f_x over the states g reads (a state without an ODE counts 0).</summary>
    private Expr RateOf(Expr g)
    {
        Expr? sum = null;
        foreach (var x in g.Symbols().Where(n => _model.FindState(n) is not null).Distinct())
        {
            if (RightHandSideOf(x) is not { } f) continue;
            var term = g.Derivative(x) * f;
            sum = sum is null ? term : sum + term;
        }
        return sum ?? Expr.Const(0);
    }

    /// <summary>The states whose start-of-step value the reset reads (interpolated to the crossing time).</summary>
    private IEnumerable<string> ResetReads() =>
        _model.Reset.SelectMany(a => _model.ExpandAliases(a.Value).Symbols().Append(a.Target))
            .Where(n => _model.FindState(n) is not null).Distinct();

    /// <summary>End of the receive phase: g and dg/dt at the start of the step, and the start values the reset reads.</summary>
    private IEnumerable<Statement> PreciseStart()
    {
        _crossing = PreciseSpikeTimes.CrossingFunction(_model)!;
        _crossingRate = RateOf(_crossing);
        foreach (var x in ResetReads()) yield return new Let(S(x, "start"), Sym(S(x)));
        yield return new Let(P("g0"), K(_crossing, S));
        yield return new Let(P("dg0"), K(_crossingRate, S));
    }

    /// <summary>The refractory mask from the time left (ms) instead of a counter.</summary>
    private IEnumerable<Statement> PreciseRefractoryRead()
    {
        yield return new Let(Left, Sym(PreciseSpikeTimes.RefractoryLeft));
        yield return new LetMask(Refractory, new BinaryExpr(BinaryOperator.Greater, Sym(Left), 0.0));
    }

    /// <summary>
    /// After the clamp: cells whose refractory period ends inside this step (less than dt left) take g at that moment, and
    /// their clamped states advance from the clamp value over the rest of the step.
    /// </summary>
    private IEnumerable<Statement> PreciseRefractoryEnd(IReadOnlyCollection<string> clamped)
    {
        yield return new LetMask(Ends, new BinaryExpr(BinaryOperator.And, Sym(Refractory), new BinaryExpr(BinaryOperator.Less, Sym(Left), Dt)));
        yield return new Let(P("gc"), K(_crossing, AtEnd));
        yield return new Let(P("dgc"), K(_crossingRate, AtEnd));
        yield return new Let(P("hend"), new BinaryExpr(BinaryOperator.Subtract, Dt, Sym(Left)));
        var advanced = clamped.ToDictionary(x => x, x => P("end_" + x));
        foreach (var s in PartialStep(advanced.Keys.ToDictionary(x => x, x => S(x)), advanced, Sym(P("hend")), Add(T, Sym(Left))))
            yield return s;
        foreach (var (x, local) in advanced) yield return new Assign(S(x), Sym(local), Ends);
    }

    /// <summary>
    /// One exponential Euler step of length <paramref name="h"/> of the states in <paramref name="from"/> (name to the local
    /// holding its start value), the other states read at their end-of-step values: <c>x + f·φ(∂f/∂x, h)</c>, exact for a
    /// state whose inputs hold still over h (a LIF membrane under a constant current). Declares the locals of
    /// <paramref name="into"/>.
    /// </summary>
    private IEnumerable<Statement> PartialStep(IReadOnlyDictionary<string, string> from, IReadOnlyDictionary<string, string> into, Expr h, Expr time)
    {
        string State(string n) => from.TryGetValue(n, out var local) ? local : AtEnd(n);
        foreach (var (x, target) in into)
        {
            if (RightHandSideOf(x) is not { } f)
            {
                yield return new Let(target, Sym(from[x]));
                continue;
            }
            var factor = KernelSymbols.PhiCall(K(f.Derivative(x), State, time), h);
            yield return new Let(target, Add(Sym(from[x]), Mul(K(f, State, time), factor)));
        }
    }

    /// <summary>The spike condition: the threshold holds at the end of the step, in a cell not refractory or whose refractory period ended inside the step.</summary>
    private Expr PreciseSpikeCondition(Expr threshold, bool refractory) =>
        refractory
            ? new BinaryExpr(BinaryOperator.And, threshold, new BinaryExpr(BinaryOperator.Or, new NotExpr(Sym(Refractory)), Sym(Ends)))
            : threshold;

    /// <summary>
    /// The crossing time <c>#ps_tc</c> (ms after the start of the step): on [s0, dt] (s0 the end of the refractory period, or
    /// 0), the root of the cubic Hermite interpolant of g, from the linear estimate by two safeguarded Newton steps (a step
    /// that leaves [0, 1] is not taken); s0 itself where g is already at or above the threshold there.
    /// </summary>
    private IEnumerable<Statement> PreciseCrossing(bool refractory)
    {
        Expr Pick(string ended, string start) => refractory ? new ConditionalExpr(Sym(Ends), Sym(ended), Sym(start)) : Sym(start);
        Expr Sub(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Subtract, a, b);
        Expr Div(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Divide, a, b);
        Expr InUnit(Expr u) => new BinaryExpr(BinaryOperator.And, new BinaryExpr(BinaryOperator.GreaterOrEqual, u, 0.0), new BinaryExpr(BinaryOperator.LessOrEqual, u, 1.0));
        var ga = Sym(P("ga"));
        var gb = Sym(P("gb"));
        yield return new Let(P("ga"), Pick(P("gc"), P("g0")));
        yield return new Let(P("gb"), K(_crossing, AtEnd));
        yield return new Let(P("s0"), refractory ? new ConditionalExpr(Sym(Ends), Sym(Left), 0.0) : new NumberExpr(0));
        yield return new Let(P("len"), Sub(Dt, Sym(P("s0"))));
        // The linear estimate; where it is not in [0, 1] (g above the threshold from the start, or flat) the crossing is at the start or the end.
        yield return new Let(P("lin"), Div(ga, Sub(ga, gb)));
        yield return new LetMask(P("linok"), InUnit(Sym(P("lin"))));
        yield return new LetMask(P("above"), new BinaryExpr(BinaryOperator.GreaterOrEqual, ga, 0.0));
        yield return new Let(P("u0"), new ConditionalExpr(Sym(P("linok")), Sym(P("lin")), new ConditionalExpr(Sym(P("above")), 0.0, 1.0)));
        string u = P("u0");
        yield return new Let(P("ma"), Mul(Sym(P("len")), Pick(P("dgc"), P("dg0"))));
        yield return new Let(P("mb"), Mul(Sym(P("len")), K(_crossingRate, AtEnd)));
        var ma = Sym(P("ma"));
        var mb = Sym(P("mb"));
        for (int i = 1; i <= 2; i++)
        {
            var x = Sym(u);
            var x2 = Mul(x, x);
            var x3 = Mul(x2, x);
            // p(u) = h00·ga + h10·ma + h01·gb + h11·mb and its derivative in u.
            var p = Add(Add(Mul(Add(Sub(Mul(2.0, x3), Mul(3.0, x2)), 1.0), ga), Mul(Add(Sub(x3, Mul(2.0, x2)), x), ma)),
                Add(Mul(Add(Mul(-2.0, x3), Mul(3.0, x2)), gb), Mul(Sub(x3, x2), mb)));
            var dp = Add(Add(Mul(Sub(Mul(6.0, x2), Mul(6.0, x)), ga), Mul(Add(Sub(Mul(3.0, x2), Mul(4.0, x)), 1.0), ma)),
                Add(Mul(Add(Mul(-6.0, x2), Mul(6.0, x)), gb), Mul(Sub(Mul(3.0, x2), Mul(2.0, x)), mb)));
            string next = P($"n{i}");
            yield return new Let(next, Sub(x, Div(p, dp)));
            yield return new LetMask(P($"ok{i}"), InUnit(Sym(next)));
            yield return new Let(P($"u{i}"), new ConditionalExpr(Sym(P($"ok{i}")), Sym(next), x));
            u = P($"u{i}");
        }
        // A cell above the threshold at the start of the interval crossed it there: the Newton steps may have moved u inside
        // the interval (g dipping towards the threshold at the start), where no crossing lies.
        yield return new Let(P("u"), new ConditionalExpr(Sym(P("above")), 0.0, Sym(u)));
        yield return new Let(P("tc"), Add(Sym(P("s0")), Mul(Sym(P("u")), Sym(P("len")))));
        yield return new Let(P("rest"), Sub(Dt, Sym(P("tc"))));
    }

    /// <summary>
    /// The reset at the crossing time, the refractory period from it, the advance of the reset and clamped states over what
    /// is left of the step, the time left in refractoriness, and the spike's offset from the end of the step.
    /// </summary>
    private IEnumerable<Statement> PreciseReset(string crossed, IReadOnlyDictionary<string, string> clampLocals, bool refractory)
    {
        Expr Sub(Expr a, Expr b) => new BinaryExpr(BinaryOperator.Subtract, a, b);
        // The states the reset reads, at the crossing time: linear in time between the start and the end of the step.
        var fraction = new BinaryExpr(BinaryOperator.Divide, Sym(P("tc")), Dt);
        var reads = ResetReads().ToList();
        foreach (var x in reads) yield return new Let(P("at_" + x), Add(Sym(S(x, "start")), Mul(fraction, Sub(Sym(AtEnd(x)), Sym(S(x, "start"))))));
        string AtCrossing(string n) => reads.Contains(n) ? P("at_" + n) : AtEnd(n);
        var start = new Dictionary<string, string>();
        foreach (var a in _model.Reset)
        {
            var value = K(a.Value, AtCrossing);
            if (a.Increment) value = Add(Sym(AtCrossing(a.Target)), value);
            string local = P("reset_" + a.Target);
            yield return new Let(local, value);
            start[a.Target] = local;
        }
        var rest = Sym(P("rest"));
        Expr clampedAdvance = rest;
        if (refractory)
        {
            yield return new Let(P("period"), K(_model.Refractory!.Period, S));
            yield return new LetMask(Past, new BinaryExpr(BinaryOperator.Greater, Sym(P("rest")), Sym(P("period"))));
            yield return new Let(P("h"), new ConditionalExpr(Sym(Past), Sub(Sym(P("rest")), Sym(P("period"))), 0.0));
            // A clamped state leaves the refractory period at its clamp value.
            foreach (var (x, local) in clampLocals) start[x] = local;
            clampedAdvance = Sym(P("h"));
        }
        // A clamped state advances over what is left of the step after the refractory period (#ps_h); a state the reset sets
        // and the clamp does not hold (AdEx's w += b) runs on from the crossing, over the rest of the step (#ps_rest).
        var advanced = start.Keys.ToDictionary(x => x, x => P("adv_" + x));
        bool Clamped(string x) => refractory && clampLocals.ContainsKey(x);
        var clampedPart = advanced.Where(e => Clamped(e.Key)).ToDictionary(e => e.Key, e => e.Value);
        var freePart = advanced.Where(e => !Clamped(e.Key)).ToDictionary(e => e.Key, e => e.Value);
        foreach (var s in PartialStep(start, clampedPart, clampedAdvance, Sub(Add(T, Dt), clampedAdvance))) yield return s;
        foreach (var s in PartialStep(start, freePart, rest, Sub(Add(T, Dt), rest))) yield return s;
        foreach (var (x, local) in advanced) yield return new Assign(S(x), Sym(local), crossed);
        if (refractory)
        {
            // Time left: the period from the crossing where it outlasts the step, else what was left less this step (not below 0).
            yield return new Let(P("left"), new ConditionalExpr(Sym(Refractory), Sub(Sym(Left), Dt), 0.0));
            yield return new LetMask(P("done"), new BinaryExpr(BinaryOperator.Less, Sym(P("left")), 0.0));
            yield return new Assign(P("left"), 0.0, P("done"));
            yield return new Assign(P("left"), new ConditionalExpr(Sym(Past), 0.0, Sub(Sym(P("period")), Sym(P("rest")))), crossed);
        }
    }

    /// <summary>The store of the spike's offset from the end of the step (0 where the cell did not spike).</summary>
    private Store PreciseOffsetStore(string spike) =>
        new(PreciseSpikeTimes.SpikeOffset, new ConditionalExpr(Sym(spike), new BinaryExpr(BinaryOperator.Subtract, Sym(P("tc")), Dt), 0.0));
}
