using Meta.Expressions;
using Meta.Nestml.Syntax;

namespace Meta.Nestml.Compilation;

/// <summary>The shapes of kernel Meta compiles into states: <c>c·exp(-t/τ)</c>, <c>c·t·exp(-t/τ)</c> and <c>delta(t)</c>.</summary>
internal enum KernelShape
{
    /// <summary><c>c·exp(-λt)</c>: one state, <c>x' = -λx</c>, jumping by the weight.</summary>
    Exponential,
    /// <summary><c>c·t·exp(-λt)</c>: two states, <c>y' = -λy</c> (jumping by the weight) and <c>x' = y - λx</c>.</summary>
    Alpha,
    /// <summary><c>delta(t)</c>: the weight jumps the state whose ODE holds the convolution.</summary>
    Delta,
    /// <summary>First-order ODEs with initial values (<c>g' = g$ - g/τ2, g$' = -g$/τ1</c>): one state per variable, each spike adding the weight times the initial values.</summary>
    OdeSystem,
}

/// <summary>
/// A kernel's shape, decay rate λ (1/ms) and amplitude c, in Meta's units; <paramref name="TimeConstant"/> is τ where the
/// kernel is written <c>exp(-t/τ)</c>, so its ODE reads <c>x' = -x/τ</c> as the standard cells' do.
/// </summary>
internal sealed record KernelForm(KernelShape Shape, Expr Rate, Expr Amplitude, Expr? TimeConstant = null)
{
    /// <summary>The decay term of state <paramref name="x"/>: <c>-x/τ</c> or <c>-λ*x</c>.</summary>
    public string Decay(string x) => TimeConstant is { } tau ? $"-{x}/({tau})" : $"-({Rate})*{x}";
}

/// <summary>Recognises kernel shapes and finds where <c>convolve()</c> is used, with the constant factors around it.</summary>
internal static class Kernels
{
    /// <summary>The form of kernel <paramref name="kernel"/>, or an error naming the shape Meta cannot compile.</summary>
    public static KernelForm Analyze(NKernel kernel, ExpressionTranslator translator, CompileContext context)
    {
        if (kernel.System is not null) return new KernelForm(KernelShape.OdeSystem, new NumberExpr(0), new NumberExpr(1));
        if (kernel.Value is null) throw context.Error(kernel.Line, $"the kernel '{kernel.Name}' has no value");
        if (kernel.Value is NCall { Function: "delta", Arguments: [NName { Name: "t" }] })
            return new KernelForm(KernelShape.Delta, new NumberExpr(0), new NumberExpr(1));
        var value = translator.Translate(kernel.Value);
        var numerator = new List<Expr>();
        var denominator = new List<Expr>();
        Factors(value, numerator, denominator, inverted: false);
        int powersOfT = 0;
        Expr? exponent = null;
        var amplitude = new List<Expr>();
        foreach (var f in numerator)
        {
            if (!f.Symbols().Contains("t")) amplitude.Add(f);
            else if (f is SymbolExpr { Name: "t" }) powersOfT++;
            else if (f is CallExpr { Function: "exp" } call && exponent is null) exponent = call.Arguments[0];
            else throw Shape(kernel, context);
        }
        if (exponent is null || powersOfT > 1 || denominator.Any(d => d.Symbols().Contains("t"))) throw Shape(kernel, context);
        var rate = new NegateExpr(exponent.Derivative("t")).Simplify();
        var atZero = exponent.Substitute("t", new NumberExpr(0)).Simplify();
        if (rate.Symbols().Contains("t") || !exponent.Derivative("t").Derivative("t").Simplify().Equals(new NumberExpr(0))) throw Shape(kernel, context);
        Expr c = amplitude.Count == 0 ? new NumberExpr(1) : amplitude.Aggregate((a, b) => new BinaryExpr(BinaryOperator.Multiply, a, b));
        if (denominator.Count > 0) c = new BinaryExpr(BinaryOperator.Divide, c, denominator.Aggregate((a, b) => new BinaryExpr(BinaryOperator.Multiply, a, b)));
        if (atZero is not NumberExpr { Value: 0 }) c = new BinaryExpr(BinaryOperator.Multiply, c, new CallExpr("exp", [atZero]));
        // exp(-t/tau): keep tau, so the decay reads -x/tau.
        Expr? tau = exponent is BinaryExpr { Operator: BinaryOperator.Divide, Left: NegateExpr { Operand: SymbolExpr { Name: "t" } } } d
                    && !d.Right.Symbols().Contains("t") ? d.Right : null;
        return new KernelForm(powersOfT == 0 ? KernelShape.Exponential : KernelShape.Alpha, rate, c.Simplify(), tau);
    }

    private static NestmlException Shape(NKernel kernel, CompileContext context) => context.Unsupported(kernel.Line,
        $"the kernel shape of '{kernel.Name}' (Meta compiles c*exp(-t/tau), c*t*exp(-t/tau) and delta(t))");

    private static void Factors(Expr e, List<Expr> numerator, List<Expr> denominator, bool inverted)
    {
        switch (e)
        {
            case BinaryExpr { Operator: BinaryOperator.Multiply } m:
                Factors(m.Left, numerator, denominator, inverted);
                Factors(m.Right, numerator, denominator, inverted);
                break;
            case BinaryExpr { Operator: BinaryOperator.Divide } d:
                Factors(d.Left, numerator, denominator, inverted);
                Factors(d.Right, numerator, denominator, !inverted);
                break;
            case NegateExpr n:
                (inverted ? denominator : numerator).Add(new NumberExpr(-1));
                Factors(n.Operand, numerator, denominator, inverted);
                break;
            default:
                (inverted ? denominator : numerator).Add(e);
                break;
        }
    }

    /// <summary>
    /// Every <c>convolve()</c> in <paramref name="e"/> with the factors it is multiplied by (divisors as <c>1/x</c>), or
    /// null where it sits inside a function, power, comparison or divisor (where its effect is not linear).
    /// </summary>
    public static IEnumerable<(NCall Call, IReadOnlyList<NExpr>? Factors)> ConvolveSites(NExpr e) => Sites(e, []);

    private static IEnumerable<(NCall, IReadOnlyList<NExpr>?)> Sites(NExpr e, IReadOnlyList<NExpr>? factors)
    {
        switch (e)
        {
            case NCall { Function: "convolve" } c:
                return [(c, factors)];
            case NBinary { Operator: "*" } m:
                return Sites(m.Left, factors is null ? null : [.. factors, m.Right])
                    .Concat(Sites(m.Right, factors is null ? null : [.. factors, m.Left]));
            case NBinary { Operator: "/" } d:
                return Sites(d.Left, factors is null ? null : [.. factors, new NBinary("/", new NNumber(1, d.Line), d.Right, d.Line)])
                    .Concat(Sites(d.Right, null));
            case NBinary { Operator: "+" or "-" } s:
                return Sites(s.Left, factors).Concat(Sites(s.Right, factors));
            case NUnary { Operator: "-" or "+" } u:
                return Sites(u.Operand, factors);
            case NBinary b:
                return Sites(b.Left, null).Concat(Sites(b.Right, null));
            case NUnary u:
                return Sites(u.Operand, null);
            case NConditional c:
                return Sites(c.Condition, null).Concat(Sites(c.Then, null)).Concat(Sites(c.Else, null));
            case NCall call:
                return call.Arguments.SelectMany(a => Sites(a, null));
            default:
                return [];
        }
    }
}
