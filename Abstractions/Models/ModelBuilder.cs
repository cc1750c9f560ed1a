using Meta.Expressions;

namespace Meta.Models;

/// <summary>
/// Fluent construction of a <see cref="ModelDefinition"/> from text equations, as NESTML or Brian2 users
/// write models. Call <see cref="Build"/> to validate and obtain the definition.
/// </summary>
/// <example>
/// <code>
/// var lif = new ModelBuilder("MyLIF")
///     .Parameter("tau_m", 20, "ms").Parameter("v_rest", -65, "mV").Parameter("v_thresh", -50, "mV")
///     .Parameter("v_reset", -65, "mV").Parameter("cm", 1, "nF").Parameter("tau_syn", 5, "ms")
///     .State("v", "v_rest", "mV").State("isyn", 0, "nA")
///     .Ode("v", "(v_rest - v)/tau_m + (isyn + i_inj)/cm")
///     .Ode("isyn", "-isyn/tau_syn")
///     .Threshold("v >= v_thresh").Reset("v = v_reset")
///     .Receptor("excitatory", "isyn", ReceptorKind.Current)
///     .Build();
/// </code>
/// </example>
public sealed class ModelBuilder(string name)
{
    private readonly List<ParameterDefinition> _parameters = [];
    private readonly List<StateDefinition> _states = [];
    private readonly List<AliasDefinition> _aliases = [];
    private readonly List<OdeDefinition> _odes = [];
    private readonly List<AssignmentDefinition> _reset = [];
    private readonly List<ReceptorDefinition> _receptors = [];
    private Expr? _threshold;
    private RefractoryDefinition? _refractory;
    private string _description = "";
    private bool _conductanceBased;
    private bool _thresholdCrossing;
    private IntegrationScheme _scheme = IntegrationScheme.Automatic;
    private double? _maxSubstep;
    private readonly List<UpdateStatement> _before = [];
    private readonly List<UpdateStatement> _after = [];

    /// <summary>Sets the description.</summary>
    public ModelBuilder Describe(string description) { _description = description; return this; }

    /// <summary>Adds a scalar parameter.</summary>
    /// <param name="parameterName">The name.</param>
    /// <param name="defaultValue">The default value, in <paramref name="unit"/>.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="description">What it means.</param>
    /// <param name="domain">The values it may take (<see cref="ParameterDomain.Any"/> when null); the default must lie in it.</param>
    public ModelBuilder Parameter(string parameterName, double defaultValue, string unit, string description = "", ParameterDomain? domain = null)
    {
        _parameters.Add(new(parameterName, defaultValue, unit, description) { Domain = ParameterDomains.Checked(parameterName, defaultValue, domain) });
        return this;
    }

    /// <summary>
    /// Adds an array parameter of fixed length (PyNN's <c>ArrayParameter</c>); equations use its elements as
    /// <c>NAME__0</c>, <c>NAME__1</c>, ... (<see cref="ParameterDefinition.ElementName"/>).
    /// </summary>
    /// <param name="parameterName">The name.</param>
    /// <param name="defaults">The default elements (their count is the array's length).</param>
    /// <param name="unit">The unit of each element.</param>
    /// <param name="description">What it means.</param>
    /// <param name="domain">The values each element may take (<see cref="ParameterDomain.Any"/> when null).</param>
    public ModelBuilder ArrayParameter(string parameterName, double[] defaults, string unit, string description = "", ParameterDomain? domain = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        foreach (double d in defaults) ParameterDomains.Checked(parameterName, d, domain);
        _parameters.Add(new(parameterName, double.NaN, unit, description, ParameterShape.Array, defaults.ToArray()) { Domain = domain ?? ParameterDomain.Any });
        return this;
    }

    /// <summary>Adds a state variable whose initial value is a constant.</summary>
    public ModelBuilder State(string stateName, double initial, string unit, bool recordable = true)
    {
        _states.Add(new(stateName, initial, unit, recordable));
        return this;
    }

    /// <summary>Adds a state variable whose initial value is an expression of parameters.</summary>
    public ModelBuilder State(string stateName, string initial, string unit, bool recordable = true)
    {
        _states.Add(new(stateName, Expr.Parse(initial), unit, recordable));
        return this;
    }

    /// <summary>Adds a named sub-expression.</summary>
    public ModelBuilder Alias(string aliasName, string expression)
    {
        _aliases.Add(new(aliasName, Expr.Parse(expression)));
        return this;
    }

    /// <summary>
    /// Adds <c>d(state)/dt = rhs</c>. The right-hand side may hold white-noise terms <c>g*xi</c> (or <c>xi_NAME</c> for
    /// independent ones): <c>dx = f·dt + g·dW</c>, as in Brian2 (<see cref="ModelDefinition.NoiseTerms"/>).
    /// </summary>
    public ModelBuilder Ode(string state, string rightHandSide)
    {
        _odes.Add(new(state, Expr.Parse(rightHandSide)));
        return this;
    }

    /// <summary>
    /// Adds the stochastic equation <c>d(state) = drift·dt + noise·dW</c> with a Wiener process of its own, as NumpyBrain's
    /// <c>noise=</c>: the same as <see cref="Ode(string, string)"/> with <c>drift + (noise)*xi_STATE</c>.
    /// </summary>
    public ModelBuilder Ode(string state, string drift, string noise)
    {
        var rhs = new BinaryExpr(BinaryOperator.Add, Expr.Parse(drift),
            new BinaryExpr(BinaryOperator.Multiply, Expr.Parse(noise), Expr.Symbol($"{ModelDefinition.NoiseSymbol}_{state}")));
        _odes.Add(new(state, rhs));
        return this;
    }

    /// <summary>Sets the spike condition.</summary>
    public ModelBuilder Threshold(string condition) { _threshold = Expr.Parse(condition); return this; }

    /// <summary>
    /// Sets a spike condition that fires only when it becomes true during a step (an upward crossing; see
    /// <see cref="ModelDefinition.ThresholdCrossing"/>), for models without a reset.
    /// </summary>
    public ModelBuilder ThresholdCrossing(string condition)
    {
        _threshold = Expr.Parse(condition);
        _thresholdCrossing = true;
        return this;
    }

    /// <summary>Adds reset assignments (<c>v = v_reset</c>, <c>w += b</c>), applied in order.</summary>
    public ModelBuilder Reset(params string[] assignments)
    {
        _reset.AddRange(assignments.Select(AssignmentDefinition.Parse));
        return this;
    }

    /// <summary>
    /// Sets the refractory period (ms; a parameter name such as <c>tau_refrac</c>, or any expression of parameters) and
    /// the assignments that clamp state during it.
    /// </summary>
    public ModelBuilder Refractory(string period, params string[] clamp)
    {
        _refractory = new(Expr.Parse(period), clamp.Select(AssignmentDefinition.Parse).ToArray());
        return this;
    }

    /// <summary>Adds a receptor: arriving weights are added to <paramref name="target"/> (times <paramref name="scale"/>).</summary>
    public ModelBuilder Receptor(string receptorName, string target, ReceptorKind kind, string scale = "1")
    {
        _receptors.Add(new(receptorName, target, kind, Expr.Parse(scale)));
        if (kind == ReceptorKind.Conductance) _conductanceBased = true;
        return this;
    }

    /// <summary>Overrides the automatic choice of integration scheme.</summary>
    public ModelBuilder Integrate(IntegrationScheme scheme) { _scheme = scheme; return this; }

    /// <summary>Splits time steps longer than <paramref name="maxStepMs"/> ms into equal sub-steps (<see cref="ModelDefinition.MaxSubstep"/>).</summary>
    public ModelBuilder MaxSubstep(double maxStepMs) { _maxSubstep = maxStepMs; return this; }

    /// <summary>Appends statements to the update block before the integration (<see cref="ModelDefinition.BeforeIntegration"/>).</summary>
    public ModelBuilder BeforeIntegration(params UpdateStatement[] statements) { _before.AddRange(statements); return this; }

    /// <summary>Appends statements to the update block after the integration (<see cref="ModelDefinition.AfterIntegration"/>).</summary>
    public ModelBuilder AfterIntegration(params UpdateStatement[] statements) { _after.AddRange(statements); return this; }

    /// <summary>
    /// Validates and returns the definition. Each <c>uniform()</c> call in the aliases, ODEs, threshold, reset and update
    /// blocks (in that order) becomes its own draw, <see cref="ModelDefinition.RandomDrawSymbol"/>.
    /// </summary>
    public ModelDefinition Build()
    {
        var draws = new RandomDrawNumbering();
        var model = new ModelDefinition
        {
            Name = name,
            Description = _description,
            Parameters = _parameters.ToArray(),
            States = _states.ToArray(),
            Aliases = _aliases.Select(a => a with { Value = draws.Number(a.Value) }).ToArray(),
            Odes = _odes.Select(o => o with { RightHandSide = draws.Number(o.RightHandSide) }).ToArray(),
            Threshold = _threshold is null ? null : draws.Number(_threshold),
            ThresholdCrossing = _thresholdCrossing,
            Reset = _reset.Select(r => r with { Value = draws.Number(r.Value) }).ToArray(),
            BeforeIntegration = _before.Map(draws.Number),
            AfterIntegration = _after.Map(draws.Number),
            RandomDraws = draws.Count,
            Refractory = _refractory,
            Receptors = _receptors.ToArray(),
            ConductanceBased = _conductanceBased,
            Scheme = _scheme,
            MaxSubstep = _maxSubstep,
        };
        ModelValidator.Validate(model);
        return model;
    }
}
