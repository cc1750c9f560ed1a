using System.Runtime.CompilerServices;
using Meta.Expressions;


namespace Meta.Models;

/// <summary>What kind of cell a model describes.</summary>
public enum ModelKind
{
    /// <summary>A neuron whose state evolves by ODEs, with threshold, reset and receptors.</summary>
    Neuron,
    /// <summary>A source of spikes with no state equations (Poisson, spike array, ...).</summary>
    SpikeSource,
}

/// <summary>Whether a parameter holds one number per cell or a sequence per cell (spike times).</summary>
public enum ParameterShape
{
    /// <summary>One number per cell.</summary>
    Scalar,
    /// <summary>A sequence of numbers per cell, e.g. <c>spike_times</c>.</summary>
    Sequence,
    /// <summary>
    /// A fixed-length array of numbers per cell (PyNN's <c>ArrayParameter</c>, e.g. GIF's <c>tau_eta</c>). Equations
    /// refer to its elements by <see cref="ParameterDefinition.ElementName"/> (<c>tau_eta__0</c>, <c>tau_eta__1</c>, ...),
    /// and backends see each element as a scalar parameter.
    /// </summary>
    Array,
}

/// <summary>A model parameter: name, default value, unit.</summary>
/// <param name="Name">PyNN's name, e.g. <c>tau_m</c>.</param>
/// <param name="Default">The default value in the model's unit.</param>
/// <param name="Unit">The unit (mV, ms, nF, nA, uS, Hz, ...).</param>
/// <param name="Description">What the parameter means.</param>
/// <param name="Shape">Scalar, sequence, or fixed-length array (with <paramref name="ArrayDefault"/>).</param>
/// <param name="ArrayDefault">For <see cref="ParameterShape.Array"/> parameters, the default elements (their count is the array's length).</param>
public sealed record ParameterDefinition(string Name, double Default, string Unit, string Description = "", ParameterShape Shape = ParameterShape.Scalar,
    IReadOnlyList<double>? ArrayDefault = null)
{
    /// <summary>The number of elements of an array parameter (0 for scalars and sequences).</summary>
    public int Length => Shape == ParameterShape.Array ? ArrayDefault?.Count ?? 0 : 0;

    /// <summary>The scalar symbol of element <paramref name="index"/> of array parameter <paramref name="name"/>.</summary>
    public static string ElementName(string name, int index) => $"{name}__{index}";

    /// <summary>The scalar symbols this parameter contributes to kernels: its own name, its elements, or none (sequences).</summary>
    public IEnumerable<string> KernelNames => Shape switch
    {
        ParameterShape.Scalar => [Name],
        ParameterShape.Array => Enumerable.Range(0, Length).Select(i => ElementName(Name, i)),
        _ => [],
    };

    /// <summary>For sequence parameters, the default sequence of every cell (empty when null, as for <c>spike_times</c>).</summary>
    public IReadOnlyList<double>? DefaultSequence { get; init; }

    /// <summary>The values this parameter (each element, for arrays and sequences) may take; <see cref="ParameterDomain.Any"/> by default.</summary>
    public ParameterDomain Domain { get; init; } = ParameterDomain.Any;
}

/// <summary>A state variable: name, initial value (an expression of parameters and the time step), unit.</summary>
/// <param name="Name">The name, e.g. <c>v</c>.</param>
/// <param name="Initial">
/// Its default initial value, a constant or an expression of parameters; it may read <c>dt</c>
/// (<see cref="ModelDefinition.TimestepSymbol"/>), the simulation's time step, as NESTML's initial values that count steps do.
/// </param>
/// <param name="Unit">The unit.</param>
/// <param name="Recordable">Whether users may record it.</param>
public sealed record StateDefinition(string Name, Expr Initial, string Unit, bool Recordable = true);

/// <summary>An ordinary differential equation <c>d(State)/dt = RightHandSide</c>, in the model's units per ms.</summary>
/// <param name="State">The state variable.</param>
/// <param name="RightHandSide">The time derivative.</param>
public sealed record OdeDefinition(string State, Expr RightHandSide);

/// <summary>A named sub-expression (Brian2's "subexpression"); substituted wherever its name is used.</summary>
/// <param name="Name">The alias name.</param>
/// <param name="Value">The expression it stands for.</param>
public sealed record AliasDefinition(string Name, Expr Value);

/// <summary>An assignment <c>Target = Value</c> or <c>Target += Value</c> run on an event (reset, spike arrival).</summary>
/// <param name="Target">The state variable assigned.</param>
/// <param name="Value">The value (for increments, the amount added).</param>
/// <param name="Increment">True for <c>+=</c>.</param>
public sealed record AssignmentDefinition(string Target, Expr Value, bool Increment = false)
{
    /// <summary>Parses <c>x = expr</c> or <c>x += expr</c>.</summary>
    public static AssignmentDefinition Parse(string text)
    {
        int plus = text.IndexOf("+=", StringComparison.Ordinal);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (plus > 0) return new(text[..plus].Trim(), Expr.Parse(text[(plus + 2)..]), true);
        if (eq > 0) return new(text[..eq].Trim(), Expr.Parse(text[(eq + 1)..]));
        throw new ExpressionSyntaxException($"Expected 'x = value' or 'x += value', got '{text}'.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Target} {(Increment ? "+=" : "=")} {Value}";
}

/// <summary>How a receptor turns a weight into an effect on the cell.</summary>
public enum ReceptorKind
{
    /// <summary>Weight in nA; a current-based synapse.</summary>
    Current,
    /// <summary>Weight in µS; a conductance-based synapse.</summary>
    Conductance,
    /// <summary>Weight in mV; a jump of the membrane potential.</summary>
    VoltageJump,
}

/// <summary>
/// A synaptic receptor: a spike arriving with weight w adds <c>w * Scale</c> to <c>Target</c>.
/// </summary>
/// <param name="Name">The receptor type name, e.g. <c>excitatory</c>.</param>
/// <param name="Target">The state variable that receives the weight.</param>
/// <param name="Kind">Current, conductance or voltage jump; fixes the weight unit and sign rule.</param>
/// <param name="Scale">A factor applied to the weight (an expression of parameters; 1 for most models).</param>
public sealed record ReceptorDefinition(string Name, string Target, ReceptorKind Kind, Expr Scale)
{
    /// <summary>The unit of weights onto this receptor.</summary>
    public string WeightUnit => Kind switch { ReceptorKind.Current => "nA", ReceptorKind.Conductance => "uS", _ => "mV" };
}

/// <summary>The refractory period: after a spike, for <c>Period</c> ms, the clamp assignments replace integration of their targets.</summary>
/// <param name="Period">The period in ms, an expression of parameters: usually a parameter such as <c>tau_refrac</c>, or a constant.</param>
/// <param name="Clamp">Assignments applied every refractory step, e.g. <c>v = v_reset</c>.</param>
public sealed record RefractoryDefinition(Expr Period, IReadOnlyList<AssignmentDefinition> Clamp);

/// <summary>How a model's ODEs are integrated over one step (docs/semantics.md).</summary>
public enum IntegrationScheme
{
    /// <summary>Chosen from the equations: exact propagators for linear parts, exponential Euler where each remaining state is linear in itself, else RK4.</summary>
    Automatic,
    /// <summary>Exponential Euler for every state outside the linear subsystem.</summary>
    ExponentialEuler,
    /// <summary>Classical 4th-order Runge–Kutta for every state outside the linear subsystem.</summary>
    RungeKutta4,
    /// <summary>
    /// Second-order exponential integration (exponential midpoint, the second-order Rush–Larsen scheme) for states that
    /// are each linear in themselves but coupled to one another, such as Hodgkin–Huxley gating variables: an exponential
    /// Euler half step predicts every state at mid-step, then each state takes a full exponential step with its
    /// coefficients evaluated there.
    /// </summary>
    ExponentialMidpoint,
    /// <summary>
    /// Euler–Maruyama, for stochastic equations (<c>xi</c> noise terms, docs/semantics.md): every state outside the exact
    /// linear subsystem takes <c>x' = x + f(x)·dt + Σ g_k(x)·√dt·N_k</c> with the drift f and the noise coefficients g_k
    /// evaluated at the start of the step and N_k the step's standard normal draws. Strong order ½, weak order 1. The
    /// scheme <see cref="Automatic"/> chooses for a model with noise terms.
    /// </summary>
    EulerMaruyama,
    /// <summary>
    /// Milstein, for stochastic equations with diagonal noise (each noise term in one equation, its coefficient depending
    /// on no other noisy state): Euler–Maruyama plus <c>½·g_k·∂g_k/∂x·(ΔW_k² − dt)</c>, strong order 1. For additive noise
    /// it is Euler–Maruyama.
    /// </summary>
    Milstein,
}

/// <summary>
/// A cell model as data: parameters, states, equations, threshold, reset, refractoriness and receptors.
/// Backends compile definitions; no backend hand-codes a model. The reserved input symbol
/// <c>i_inj</c> is the current injected by current sources (nA); <c>t</c> is the time (ms); <c>xi</c> and <c>xi_NAME</c>
/// in an ODE are white-noise terms (<see cref="NoiseTerms"/>).
/// <para>A record: <c>model with { ... }</c> gives a changed copy, which recomputes what it derives from its members.</para>
/// </summary>
public sealed record ModelDefinition
{
    /// <summary>The input symbol for injected current (nA), summed over current sources.</summary>
    public const string InjectedCurrent = "i_inj";

    /// <summary>The time step (ms) as a symbol: known in the dynamics, and in initial values (evaluated with the simulation's step).</summary>
    public const string TimestepSymbol = "dt";

    /// <summary>The most <c>uniform()</c> draws one model may make per cell and step.</summary>
    public const int MaxRandomDraws = 16;

    /// <summary>
    /// The symbol that stands for the <paramref name="index"/>-th <c>uniform()</c> call of a model (in the order of
    /// aliases, ODEs, threshold, reset). Its value for the cell with global index g in step k is
    /// <c>Philox.Uniform(seed, RandomStreams.NeuronDraw(g, index), k)</c> on every backend (docs/semantics.md).
    /// </summary>
    public static string RandomDrawSymbol(int index) => $"__uniform{index}";

    /// <summary>The most distinct noise terms (<see cref="NoiseTerms"/>) one model may use.</summary>
    public const int MaxNoiseTerms = 16;

    /// <summary>The name of the white-noise term in ODEs (Brian2's <c>xi</c>); <c>xi_NAME</c> names further independent ones.</summary>
    public const string NoiseSymbol = "xi";

    /// <summary>Whether <paramref name="name"/> is a noise term: <c>xi</c> or <c>xi_NAME</c>.</summary>
    public static bool IsNoiseSymbol(string name) =>
        name == NoiseSymbol || (name.Length > NoiseSymbol.Length + 1 && name.StartsWith(NoiseSymbol + "_", StringComparison.Ordinal));

    /// <summary>The model name, e.g. <c>IF_cond_exp</c>.</summary>
    public required string Name { get; init; }
    /// <summary>A one-line description.</summary>
    public string Description { get; init; } = "";
    /// <summary>Neuron or spike source.</summary>
    public ModelKind Kind { get; init; } = ModelKind.Neuron;
    /// <summary>For spike sources, the generator that backends implement (see <see cref="SpikeSourceKinds"/>).</summary>
    public string? SourceKind { get; init; }
    /// <summary>Parameters in declaration order.</summary>
    public IReadOnlyList<ParameterDefinition> Parameters { get; init; } = [];
    /// <summary>State variables in declaration order.</summary>
    public IReadOnlyList<StateDefinition> States { get; init; } = [];
    /// <summary>Named sub-expressions.</summary>
    public IReadOnlyList<AliasDefinition> Aliases { get; init; } = [];
    /// <summary>One ODE per integrated state variable.</summary>
    public IReadOnlyList<OdeDefinition> Odes { get; init; } = [];
    /// <summary>The spike condition, tested after each step's update; null for models that never spike.</summary>
    public Expr? Threshold { get; init; }
    /// <summary>
    /// When true, a cell spikes only in a step where the threshold condition becomes true: false on the state at the
    /// start of the step, true at its end (an upward crossing, as NEURON's <c>NetCon</c> threshold). For models without
    /// a reset, such as <c>HH_cond_exp</c>, whose potential stays above threshold for several steps per action potential.
    /// </summary>
    public bool ThresholdCrossing { get; init; }
    /// <summary>
    /// The number of <c>uniform()</c> draws the equations make per cell and step; they appear in the expressions as
    /// <see cref="RandomDrawSymbol"/> symbols (stochastic models such as <c>GIF_cond_exp</c>).
    /// </summary>
    public int RandomDraws { get; init; }
    /// <summary>Assignments applied, in order, when the cell spikes.</summary>
    public IReadOnlyList<AssignmentDefinition> Reset { get; init; } = [];
    /// <summary>The refractory period, or null for none.</summary>
    public RefractoryDefinition? Refractory { get; init; }

    /// <summary>
    /// The update block's statements run before the integration, in order, after the step's arriving input (docs/semantics.md,
    /// "Update blocks"): e.g. NESTML's <c>V_m_old = V_m</c>, or MAT2's threshold decays. Empty for most models.
    /// </summary>
    public IReadOnlyList<UpdateStatement> BeforeIntegration { get; init; } = [];
    /// <summary>
    /// The update block's statements run after the integration, the refractory clamps and the voltage jumps, before the
    /// threshold test, in order; the only place for <see cref="UpdateEmitSpike"/>. Empty for most models.
    /// </summary>
    public IReadOnlyList<UpdateStatement> AfterIntegration { get; init; } = [];

    /// <summary>
    /// The condition symbol update blocks may read: true where the cell is refractory in this step (its counter was above
    /// zero at the start of the step). Only in models with a <see cref="Refractory"/> period.
    /// </summary>
    public const string RefractorySymbol = "is_refractory";

    /// <summary>Whether the model has update-block statements.</summary>
    public bool HasUpdateBlock => BeforeIntegration.Count > 0 || AfterIntegration.Count > 0;
    /// <summary>Receptor types in PyNN's order (the first is the default for non-negative weights).</summary>
    public IReadOnlyList<ReceptorDefinition> Receptors { get; init; } = [];
    /// <summary>Whether synapses are conductance based (PyNN's <c>conductance_based</c>).</summary>
    public bool ConductanceBased { get; init; }
    /// <summary>Whether current sources can be injected (false for spike sources).</summary>
    public bool Injectable { get; init; } = true;
    /// <summary>The integration scheme; <see cref="IntegrationScheme.Automatic"/> chooses from the equations.</summary>
    public IntegrationScheme Scheme { get; init; } = IntegrationScheme.Automatic;
    /// <summary>
    /// The longest step (ms) the deterministic schemes take, or null for none: a time step <c>dt</c> longer than it is split
    /// into <c>ceil(dt/MaxSubstep)</c> equal sub-steps of the model's scheme inside each step (docs/semantics.md,
    /// "Sub-steps"). For models whose accuracy at the user's dt is limited by fast dynamics (Hodgkin–Huxley spikes, the
    /// quadratic upswing of Izhikevich cells).
    /// </summary>
    public double? MaxSubstep { get; init; }

    /// <summary>Names users may record: <c>spikes</c> plus the recordable state variables.</summary>
    public IEnumerable<string> Recordables =>
        new[] { "spikes" }.Concat(States.Where(s => s.Recordable).Select(s => s.Name));

    /// <summary>
    /// The scalar parameter symbols kernels read, in declaration order: every scalar parameter and every element of the
    /// array parameters (sequences are not kernel parameters). The resolved network holds one array per name.
    /// </summary>
    public IReadOnlyList<string> KernelParameters => Derived.KernelParameters;

    /// <summary>The default of every <see cref="KernelParameters"/> entry: scalar defaults and array elements' defaults.</summary>
    public IReadOnlyDictionary<string, double> KernelParameterDefaults => Derived.KernelParameterDefaults;

    /// <summary>
    /// The white-noise terms of the ODEs (<c>xi</c>, <c>xi_NAME</c>), in order of first use. Each is an independent standard
    /// Wiener process per cell with increment √dt·N(0, 1) per step (Brian2's convention: a term <c>g·xi</c> in
    /// <c>dx/dt</c> makes <c>dx = f·dt + g·dW</c>); the same name in two equations is the same process. Term k is the
    /// normal draw k of the cell's kernel (docs/semantics.md).
    /// </summary>
    public IReadOnlyList<string> NoiseTerms => Derived.NoiseTerms;

    // What is derived from the members is computed once per instance and never copied by `with`.
    private static readonly ConditionalWeakTable<ModelDefinition, DerivedMembers> s_derived = new();

    private DerivedMembers Derived => s_derived.GetValue(this, m => new DerivedMembers(m));

    private sealed class DerivedMembers(ModelDefinition model)
    {
        public IReadOnlyList<string> KernelParameters { get; } = model.Parameters.SelectMany(p => p.KernelNames).ToArray();

        public IReadOnlyDictionary<string, double> KernelParameterDefaults { get; } = model.Parameters
            .SelectMany(p => p.Shape switch
            {
                ParameterShape.Scalar => [(p.Name, p.Default)],
                ParameterShape.Array => p.ArrayDefault!.Select((v, i) => (ParameterDefinition.ElementName(p.Name, i), v)),
                _ => Enumerable.Empty<(string, double)>(),
            })
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

        public IReadOnlyList<string> NoiseTerms { get; } = model.Odes
            .SelectMany(o => o.RightHandSide.SymbolsInOrder()).Where(IsNoiseSymbol).Distinct().ToArray();
    }

    /// <summary>Finds a parameter by name.</summary>
    public ParameterDefinition? FindParameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Finds a state variable by name.</summary>
    public StateDefinition? FindState(string name) => States.FirstOrDefault(s => s.Name == name);

    /// <summary>Finds a receptor by name.</summary>
    public ReceptorDefinition? FindReceptor(string name) => Receptors.FirstOrDefault(r => r.Name == name);

    /// <summary>The unit of a parameter, state or <c>spikes</c>.</summary>
    public string UnitOf(string name) =>
        FindState(name)?.Unit ?? FindParameter(name)?.Unit ?? (name == "spikes" ? "ms" : "");

    /// <summary>The ODE right-hand sides with aliases substituted.</summary>
    public Expr ExpandAliases(Expr expr)
    {
        for (int depth = 0; depth < 16; depth++)
        {
            var names = expr.Symbols();
            if (!Aliases.Any(a => names.Contains(a.Name))) return expr;
            expr = expr.Substitute(n => Aliases.FirstOrDefault(a => a.Name == n)?.Value);
        }
        throw new InvalidModelException($"Model '{Name}': aliases refer to each other in a cycle.");
    }
}
