using Meta.Models;
using Meta.Expressions;

namespace Meta.Lowering;

/// <summary>
/// The backend-neutral integration scheme of one model over one step of length <c>dt</c>, derived from its
/// equations (docs/semantics.md). Every backend generates its update code from this plan, so all
/// backends integrate a model the same way.
/// <list type="bullet">
/// <item>States whose ODEs are linear with parameter-only coefficients among themselves (synaptic
/// variables) form the <see cref="Linear"/> subsystem, advanced exactly by per-cell propagator
/// coefficients <c>x' = P(dt)·x</c>; their mid-step values <c>P(dt/2)·x</c> feed the other states.</item>
/// <item>The remaining integrated states (<see cref="Nonlinear"/>) use exponential Euler
/// (<c>x' = x + f·(exp(B·dt) − 1)/B</c>, B = ∂f/∂x, linear states at mid-step) or classical RK4, or, for stochastic
/// equations, Euler–Maruyama or Milstein (linear states at the start of the step).</item>
/// </list>
/// Symbols in the plan's expressions: parameter and state names, <see cref="CoefficientDefinition"/> names,
/// <c>NAME__mid</c> for mid-step linear states, <c>NAME__end</c> for end-of-step linear states, <c>dt</c>,
/// <c>t</c> (time at the start of the step) and <c>i_inj</c>.
/// </summary>
public sealed class IntegrationPlan
{
    /// <summary>The suffix of mid-step values of linear states.</summary>
    public const string MidSuffix = "__mid";
    /// <summary>The suffix of end-of-step values of linear states.</summary>
    public const string EndSuffix = "__end";

    internal IntegrationPlan(ModelDefinition model, IReadOnlyList<LinearComponent> linear, IReadOnlyList<NonlinearState> nonlinear,
        IntegrationScheme scheme, IReadOnlyList<CoefficientDefinition> coefficients, IReadOnlySet<string> midNeeded)
    {
        Model = model;
        Linear = linear;
        Nonlinear = nonlinear;
        Scheme = scheme;
        Coefficients = coefficients;
        MidStepNeeded = midNeeded;
    }

    /// <summary>The model planned.</summary>
    public ModelDefinition Model { get; }
    /// <summary>Connected components of the exactly integrated linear subsystem.</summary>
    public IReadOnlyList<LinearComponent> Linear { get; }
    /// <summary>The other integrated states, in declaration order.</summary>
    public IReadOnlyList<NonlinearState> Nonlinear { get; }
    /// <summary>The scheme for <see cref="Nonlinear"/>: exponential Euler, exponential midpoint, RK4, Euler–Maruyama or Milstein.</summary>
    public IntegrationScheme Scheme { get; }
    /// <summary>Per-cell numbers computed once from the parameters and dt (propagators and factors).</summary>
    public IReadOnlyList<CoefficientDefinition> Coefficients { get; }
    /// <summary>Linear states whose mid-step value the nonlinear update reads.</summary>
    public IReadOnlySet<string> MidStepNeeded { get; }

    /// <summary>
    /// How many equal sub-steps the non-linear states take in a time step of <paramref name="dt"/> ms:
    /// <c>ceil(dt/MaxSubstep)</c> for a model with <see cref="ModelDefinition.MaxSubstep"/>, else 1.
    /// </summary>
    public int SubSteps(double dt) =>
        Model.MaxSubstep is { } h && dt > h ? (int)Math.Ceiling(dt / h - 1e-9) : 1;

    /// <summary>Analyses <paramref name="model"/>; the result is cached per model instance.</summary>
    public static IntegrationPlan For(ModelDefinition model) => IntegrationPlanner.Plan(model);

    /// <summary>
    /// Computes every coefficient for one cell. <paramref name="parameter"/> gives the cell's parameter values.
    /// Returns values in the order of <see cref="Coefficients"/>.
    /// </summary>
    public double[] ComputeCoefficients(Func<string, double> parameter, double dt)
    {
        var result = new double[Coefficients.Count];
        var index = Coefficients.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i);
        foreach (var component in Linear)
        {
            int k = component.States.Count;
            // Augmented matrix [[M, b], [0, 0]] so that exp gives the affine propagator too.
            var m = new double[k + 1, k + 1];
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++) m[i, j] = component.Jacobian[i][j].Evaluate(parameter);
                m[i, k] = component.Constant[i].Evaluate(parameter);
            }
            foreach (var (suffix, h) in new[] { ("", dt), (MidSuffix, dt / 2) })
            {
                double[,] p;
                try { p = MatrixExponential.Compute(m, h); }
                catch (InvalidParameterValueException e)
                {
                    throw new InvalidParameterValueException($"States {string.Join(", ", component.States)}: {e.Message}");
                }
                for (int i = 0; i < k; i++)
                {
                    for (int j = 0; j <= k; j++)
                    {
                        string name = LinearComponent.CoefficientName(component.States[i], j < k ? component.States[j] : null, suffix);
                        if (index.TryGetValue(name, out int at)) result[at] = p[i, j];
                    }
                }
            }
        }
        foreach (var c in Coefficients.Where(c => c.Formula is not null))
            result[index[c.Name]] = c.Formula!.Evaluate(n => n == "dt" ? dt : parameter(n));
        return result;
    }
}

/// <summary>A per-cell coefficient: a propagator entry, or a formula of parameters and <c>dt</c>.</summary>
/// <param name="Name">The symbol used in update expressions.</param>
/// <param name="Formula">For formula coefficients, the expression; null for propagator entries.</param>
public sealed record CoefficientDefinition(string Name, Expr? Formula);

/// <summary>
/// A connected set of linear states integrated exactly: <c>dx/dt = J·x + c</c> with J and c depending on parameters only.
/// </summary>
public sealed class LinearComponent
{
    internal LinearComponent(IReadOnlyList<string> states, Expr[][] jacobian, Expr[] constant, bool[,] structure, bool[] affine)
    {
        States = states;
        Jacobian = jacobian;
        Constant = constant;
        _structure = structure;
        _affine = affine;
    }

    private readonly bool[,] _structure;
    private readonly bool[] _affine;

    /// <summary>The states, in declaration order.</summary>
    public IReadOnlyList<string> States { get; }
    /// <summary>J[i][j] = ∂f_i/∂x_j, an expression of parameters.</summary>
    public Expr[][] Jacobian { get; }
    /// <summary>c[i] = f_i at x = 0, an expression of parameters.</summary>
    public Expr[] Constant { get; }

    /// <summary>The coefficient name of propagator entry (i, j) (j null: the affine term).</summary>
    public static string CoefficientName(string row, string? column, string suffix) =>
        $"__P{suffix}__{row}__{column ?? "1"}";

    /// <summary>
    /// The value of state <paramref name="i"/> after a full step (<paramref name="mid"/> false) or half a step,
    /// as a sum of coefficient·state terms over the structurally non-zero entries.
    /// </summary>
    public Expr Propagate(int i, bool mid)
    {
        string suffix = mid ? IntegrationPlan.MidSuffix : "";
        Expr? sum = null;
        for (int j = 0; j < States.Count; j++)
        {
            if (!_structure[i, j]) continue;
            Expr term = Expr.Symbol(CoefficientName(States[i], States[j], suffix)) * Expr.Symbol(States[j]);
            sum = sum is null ? term : sum + term;
        }
        if (_affine[i])
        {
            Expr term = Expr.Symbol(CoefficientName(States[i], null, suffix));
            sum = sum is null ? term : sum + term;
        }
        return sum ?? Expr.Const(0);
    }

    internal IEnumerable<string> CoefficientNames(bool withMid)
    {
        foreach (var suffix in withMid ? new[] { "", IntegrationPlan.MidSuffix } : [""])
        {
            for (int i = 0; i < States.Count; i++)
            {
                for (int j = 0; j < States.Count; j++)
                    if (_structure[i, j]) yield return CoefficientName(States[i], States[j], suffix);
                if (_affine[i]) yield return CoefficientName(States[i], null, suffix);
            }
        }
    }
}

/// <summary>A state outside the linear subsystem.</summary>
/// <param name="Name">The state name.</param>
/// <param name="RightHandSide">dx/dt with aliases expanded; linear states appear under their own names.</param>
/// <param name="SelfCoefficient">B = ∂f/∂x, used by exponential Euler (null for RK4).</param>
/// <param name="Factor">
/// For exponential Euler, the factor F with <c>x' = x + f·F</c>: a coefficient symbol when B depends on parameters only,
/// otherwise the inline expression <c>(exp(B·dt) − 1)/B</c>.
/// </param>
/// <param name="Clamped">Whether the refractory clamp holds this state.</param>
public sealed record NonlinearState(string Name, Expr RightHandSide, Expr? SelfCoefficient, Expr? Factor, bool Clamped)
{
    /// <summary>For the stochastic schemes, the noise terms of the state's equation (<see cref="RightHandSide"/> is then the drift).</summary>
    public IReadOnlyList<NoiseTerm> Noise { get; init; } = [];
}

/// <summary>A noise term <c>g·xi</c> of a state's equation: <c>dx = f·dt + g·dW</c>.</summary>
/// <param name="Draw">The noise term's position in <see cref="ModelDefinition.NoiseTerms"/>, the kernel's normal draw.</param>
/// <param name="Coefficient">g, an expression of the states and parameters.</param>
/// <param name="SelfDerivative">∂g/∂x for the Milstein correction; null for Euler–Maruyama.</param>
public sealed record NoiseTerm(int Draw, Expr Coefficient, Expr? SelfDerivative);
